"""The 저장 toggle and the member's saved list (`/me/saved/`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from . import saved
from .models import Article, Save
from .services import article_save_toggle, save_line_remove, saves_mark_seen

SAVED_PAGE_SIZE = 20
SAVED_LINE_REMOVED = "목록에서 지웠습니다."
SAVED_LINE_NOT_REMOVABLE = (
    "지울 수 없는 줄입니다. 아직 볼 수 있는 기사는 ‘저장 취소’로 목록에서 뺄 수 있습니다."
)


def sign_in_first(request, article):
    """A reader not signed in pressed a member's button (저장, 후속기사 원해요): to the sign-in
    page, then back to the article; the click itself is not replayed."""
    response = redirect_to_login(article.get_absolute_url())
    if request.htmx:
        return HttpResponseClientRedirect(response.url)
    return response


def posted_state(request, field: str) -> bool | None:
    """ "1" or "0" asks for that state (a double submit is harmless); anything else toggles."""
    wanted = request.POST.get(field)
    return None if wanted not in {"0", "1"} else wanted == "1"


@require_POST
def save_toggle(request, pk):
    article = get_object_or_404(Article.objects.published(), pk=pk)
    if not request.user.is_authenticated:
        return sign_in_first(request, article)
    saved = article_save_toggle(
        article=article, user=request.user, saved=posted_state(request, "saved")
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
@require_safe
def saved_list(request):
    """The member's saves, newest first; greyed lines for deleted or unpublished articles and
    cues for what changed since the member last saw each line (articles/saved.py)."""
    page = Paginator(Save.objects.for_list(request.user), SAVED_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = saved.decorate(page.object_list)
    now = timezone.now()
    response = render(request, "articles/saved_list.html", {"page": page})
    if request.method == "GET":
        # After rendering: this visit shows the cues that were due, the next one starts from now.
        saves_mark_seen(save_ids=[line.pk for line in page.object_list], at=now)
    return response


@login_required
@require_POST
def saved_line_remove(request, pk):
    """`목록에서 지우기` on a greyed line; a plain form POST, or htmx, then back to the list."""
    if save_line_remove(save_id=pk, user=request.user):
        messages.success(request, SAVED_LINE_REMOVED)
    else:
        messages.error(request, SAVED_LINE_NOT_REMOVABLE)
    url = reverse("saved")
    page = request.POST.get("page", "")
    if page.isdigit():
        url += f"?page={page}"
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)
