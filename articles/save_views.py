"""The 저장 toggle and the member's saved list (`/me/saved/`)."""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from aipick.decorators import read_only

from .models import Article, Save
from .services import article_save_toggle

SAVED_PAGE_SIZE = 20


@require_POST
def save_toggle(request, pk):
    article = get_object_or_404(Article.objects.published(), pk=pk)
    if not request.user.is_authenticated:
        # Back to the article after signing in; the click itself is not replayed.
        response = redirect_to_login(article.get_absolute_url())
        if request.htmx:
            return HttpResponseClientRedirect(response.url)
        return response
    wanted = request.POST.get("saved")
    saved = article_save_toggle(
        article=article,
        user=request.user,
        saved=None if wanted not in {"0", "1"} else wanted == "1",
    )
    if request.htmx:
        article.refresh_from_db(fields=["save_count"])
        return render(
            request,
            "articles/save_button.html#save-button",
            {"article": article, "is_saved": saved, "oob_count": True},
        )
    if request.POST.get("from") == "saved":
        return redirect(reverse("saved"))
    return redirect(f"{article.get_absolute_url()}#save")


@login_required
@read_only
def saved_list(request):
    saves = (
        Save.objects.filter(user=request.user, article__in=Article.objects.published())
        .select_related("article", "article__category")
        .order_by("-created_at", "-id")
    )
    page = Paginator(saves, SAVED_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "articles/saved_list.html", {"page": page})
