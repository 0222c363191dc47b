"""What readers do to someone else's comment: 공감/비공감 and reports.

Every report is kept and counted in `report_count` (the moderation queue shows them all),
but only a report from an established account counts toward hiding the comment by itself:
one whose account was, when it reported, at least COMMENT_REPORT_MIN_ACCOUNT_AGE old and had
already left a comment that is still visible or cast a poll vote. Accounts made in a batch
to bury a comment are then seen by an editor, never obeyed.
"""

from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, QuerySet

from articles.cache import article_changed

from ..models import Comment, CommentReaction, CommentReport
from .changes import _set_status
from .errors import (
    COMMENT_ALREADY_REPORTED,
    COMMENT_NOT_AVAILABLE,
    COMMENT_OWN_REACTION,
    COMMENT_OWN_REPORT,
    COMMENT_REPORT_REASON,
    COMMENT_UNKNOWN_REACTION,
    CommentError,
)


@transaction.atomic
def comment_react(*, comment: Comment, user, kind: str | None, on: bool = True) -> str | None:
    """Set this member's reaction to `kind` (`like` or `dislike`), or to none when not `on`;
    returns the reaction now held.

    The form says which state it wants, so a double submit repeats a state, never a count.
    """
    if kind not in CommentReaction.Kind.values:
        raise CommentError(COMMENT_UNKNOWN_REACTION)
    if not on:
        kind = None
    if comment.author_id == user.pk:
        raise CommentError(COMMENT_OWN_REACTION)
    if not Comment.objects.filter(pk=comment.pk, status=Comment.Status.VISIBLE).exists():
        raise CommentError(COMMENT_NOT_AVAILABLE)
    field = {"like": "like_count", "dislike": "dislike_count"}
    existing = (
        CommentReaction.objects.select_for_update().filter(comment=comment, user=user).first()
    )
    if existing is not None and existing.kind == kind:
        return kind
    # One version bump for whatever follows (an unlike, a like, or both).
    article_changed(comment.article_id)
    if existing is not None:
        existing.delete()
        Comment.objects.filter(pk=comment.pk).update(
            **{field[existing.kind]: F(field[existing.kind]) - 1}
        )
    if kind is not None:
        try:
            with transaction.atomic():
                CommentReaction.objects.create(comment=comment, user=user, kind=kind)
        except IntegrityError:
            # A concurrent request of the same member won; its row and count stand.
            return CommentReaction.objects.get(comment=comment, user=user).kind
        Comment.objects.filter(pk=comment.pk).update(**{field[kind]: F(field[kind]) + 1})
    return kind


def counted_reports(comment_id: int) -> QuerySet[CommentReport]:
    """The reports on this comment that count toward hiding it: made by an established
    account (see above). Read from the rows alone, so it can be asked again any time."""
    old_enough = F("created_at") - timedelta(seconds=settings.COMMENT_REPORT_MIN_ACCOUNT_AGE)
    active = Exists(
        Comment.objects.filter(
            author=OuterRef("user"),
            status=Comment.Status.VISIBLE,
            created_at__lte=OuterRef("created_at"),
        )
    )
    if apps.is_installed("polls"):
        # Through the member's `poll_votes`: comments never imports polls' models.
        active |= Exists(
            get_user_model().objects.filter(
                pk=OuterRef("user"), poll_votes__created_at__lte=OuterRef("created_at")
            )
        )
    return CommentReport.objects.filter(
        active, comment_id=comment_id, user__date_joined__lte=old_enough
    )


@transaction.atomic
def comment_report(*, comment: Comment, user, reason: str) -> CommentReport:
    """Report once per member; at the threshold of distinct established reporters
    (`counted_reports`) the comment hides itself. Every report moves `report_count`."""
    if reason not in CommentReport.Reason.values:
        raise CommentError(COMMENT_REPORT_REASON)
    if comment.author_id == user.pk:
        raise CommentError(COMMENT_OWN_REPORT)
    if comment.status == Comment.Status.DELETED:
        raise CommentError(COMMENT_NOT_AVAILABLE)
    try:
        with transaction.atomic():
            report = CommentReport.objects.create(comment=comment, user=user, reason=reason)
    except IntegrityError:
        raise CommentError(COMMENT_ALREADY_REPORTED) from None
    # The UPDATE locks the comment's row until commit, so of two reports at once the second
    # counts after the first is in.
    Comment.objects.filter(pk=comment.pk).update(report_count=F("report_count") + 1)
    threshold = settings.COMMENT_REPORT_THRESHOLD
    may_hide = Comment.objects.filter(
        pk=comment.pk, status=Comment.Status.VISIBLE, report_count__gte=threshold
    )
    if may_hide.exists() and counted_reports(comment.pk).count() >= threshold:
        _set_status([comment.pk], to=Comment.Status.HIDDEN, only_from=[Comment.Status.VISIBLE])
    return report
