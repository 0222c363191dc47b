"""`/me/comments/`: the member's own comments and replies, newest first, whatever became of them.

Rendered per request like `/me/saved/`: a member's own list changes with other readers'
공감, which no page token follows (docs/caching.md), and only its owner ever reads it.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.text import Truncator
from django.views.decorators.http import require_safe

from .models import Comment

MY_COMMENTS_PAGE_SIZE = 20
EXCERPT_CHARS = 100
DELETED_TEXT = "삭제된 댓글입니다."
HIDDEN_NOTE = "운영 정책에 따라 숨겨져, 다른 독자에게는 보이지 않습니다."
ARTICLE_GONE = "비공개로 전환된 기사"


@login_required
@require_safe
def my_comments(request):
    comments = (
        Comment.objects.filter(author=request.user)
        .select_related("article")
        .only(
            "id",
            "article_id",
            "parent_id",
            "body",
            "status",
            "like_count",
            "created_at",
            "article__id",
            "article__title",
            "article__status",
            "article__published_at",
        )
        .order_by("-created_at", "-id")
    )
    page = Paginator(comments, MY_COMMENTS_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for comment in page.object_list:
        # The text is never shown once deleted, not even to its author: deleting meant it.
        comment.excerpt = (
            ""
            if comment.status == Comment.Status.DELETED
            else Truncator(comment.body).chars(EXCERPT_CHARS)
        )
    return render(
        request,
        "comments/my_comments.html",
        {
            "page": page,
            "deleted_text": DELETED_TEXT,
            "hidden_note": HIDDEN_NOTE,
            "article_gone": ARTICLE_GONE,
        },
    )
