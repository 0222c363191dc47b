"""A comment's status and text changed: the author's edit and delete, staff moderation."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from articles.cache import article_changed
from articles.models import Article

from ..models import Comment, CommentRevision
from .errors import (
    COMMENT_EDIT_EXPIRED,
    COMMENT_EDIT_REPLIED,
    COMMENT_NOT_AVAILABLE,
    COMMENT_NOT_YOURS,
    CommentError,
)
from .posting import clean_body


def can_edit(comment: Comment, user, *, has_replies: bool) -> bool:
    return (
        user.is_authenticated
        and comment.author_id == user.pk
        and comment.status == Comment.Status.VISIBLE
        and not has_replies
        and timezone.now() - comment.created_at <= timedelta(seconds=settings.COMMENT_EDIT_WINDOW)
    )


@transaction.atomic
def comment_edit(*, comment: Comment, user, body: str) -> Comment:
    """Replace the text, keeping the earlier one as a revision anyone can read."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.author_id != user.pk:
        raise PermissionDenied(COMMENT_NOT_YOURS)
    if comment.status != Comment.Status.VISIBLE:
        raise CommentError(COMMENT_NOT_AVAILABLE)
    if timezone.now() - comment.created_at > timedelta(seconds=settings.COMMENT_EDIT_WINDOW):
        raise CommentError(COMMENT_EDIT_EXPIRED)
    if comment.replies.exclude(status=Comment.Status.DELETED).exists():
        raise CommentError(COMMENT_EDIT_REPLIED)
    text = clean_body(body)
    if text == comment.body:
        return comment
    CommentRevision.objects.create(
        comment=comment,
        body=comment.body,
        body_html=comment.body_html,
        created_at=comment.edited_at or comment.created_at,
    )
    comment.body = text
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "body_html", "edited_at"])
    article_changed(comment.article_id)
    return comment


def _set_status(comment_ids, *, to: str, only_from: list[str]) -> int:
    """Move comments to a status; `댓글 N` follows for each one that left or joined `visible`."""
    changed = 0
    articles = set()
    # One conditional UPDATE per row: two moderators racing cannot count the same change twice.
    for pk, article_id, status in (
        Comment.objects.filter(pk__in=comment_ids, status__in=only_from)
        .values_list("pk", "article_id", "status")
        .order_by("pk")
    ):
        if not Comment.objects.filter(pk=pk, status=status).update(status=to):
            continue
        changed += 1
        articles.add(article_id)
        delta = (to == Comment.Status.VISIBLE) - (status == Comment.Status.VISIBLE)
        if delta:
            Article.objects.filter(pk=article_id).update(comment_count=F("comment_count") + delta)
    for article_id in articles:  # one version bump per article, however many comments moved
        article_changed(article_id)
    return changed


@transaction.atomic
def comment_delete(*, comment: Comment, user) -> None:
    """The author's delete is soft: with replies the thread stays, shown as `삭제된 댓글입니다`."""
    if comment.author_id != user.pk:
        raise PermissionDenied(COMMENT_NOT_YOURS)
    _set_status(
        [comment.pk],
        to=Comment.Status.DELETED,
        only_from=[Comment.Status.VISIBLE, Comment.Status.HIDDEN],
    )


@transaction.atomic
def comment_moderate(*, comment_ids, status: str) -> int:
    """Staff hide, restore or delete in bulk; returns how many changed."""
    every = [Comment.Status.VISIBLE, Comment.Status.HIDDEN, Comment.Status.DELETED]
    return _set_status(comment_ids, to=status, only_from=[s for s in every if s != status])
