"""`/me/notifications/`: the member's 알림, newest first; opening the list marks them read."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .models import Notification
from .rendering import describe
from .services import notifications_mark_read

PAGE_SIZE = 20


@login_required
@require_safe
def notification_list(request):
    notifications = (
        Notification.objects.shown_to(request.user)
        .select_related(
            "article",
            "article__follow_up_of",
            "article__poll__snapshot",
            "comment__author",
        )
        .order_by("-visible_from", "-id")
    )
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    # Described before marking, so the page still shows which ones were new, while the
    # header (rendered after) already counts them read. Only what this page showed is
    # marked; opening it again marks nothing more (the GET is idempotent).
    lines = [describe(n) for n in page.object_list]
    notifications_mark_read(
        user=request.user, ids=[line.notification.pk for line in lines if line.is_unread]
    )
    return render(request, "notifications/list.html", {"page": page, "lines": lines})
