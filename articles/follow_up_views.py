"""The `후속기사 원해요` toggle, shaped like the 저장 toggle beside it."""

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from .models import Article
from .services import article_follow_up_toggle


@require_POST
def follow_up_toggle(request, pk):
    article = get_object_or_404(Article.objects.published(), pk=pk)
    if not request.user.is_authenticated:
        # Back to the article after signing in; the click itself is not replayed.
        response = redirect_to_login(article.get_absolute_url())
        if request.htmx:
            return HttpResponseClientRedirect(response.url)
        return response
    wanted = request.POST.get("wanted")
    asked = article_follow_up_toggle(
        article=article,
        user=request.user,
        wanted=None if wanted not in {"0", "1"} else wanted == "1",
    )
    if request.htmx:
        article.refresh_from_db(fields=["follow_up_request_count"])
        return render(
            request,
            "articles/follow_up_button.html#follow-up-button",
            {"article": article, "is_asked": asked},
        )
    return redirect(f"{article.get_absolute_url()}#follow-up")
