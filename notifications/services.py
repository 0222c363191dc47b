"""Writes of 알림. Every event has a key; `UniqueConstraint(user, event_key)` with
`bulk_create(ignore_conflicts=True)` makes a retry, a second server or a re-publish harmless.

Each write moves the member token of the members it concerns (`member_changed`), so their
kept pages show the new `알림 N` on the next request.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from articles.cache import member_changed
from articles.models import Article, FollowUpRequest, Save
from polls.models import Vote

from .models import Notification

PRUNE_AFTER = timedelta(days=90)

# What an editor may change on the follow-up that decides who is told and when.
FOLLOW_UP_FIELDS = {"follow_up_of", "status", "published_at"}


def _create(rows: list[Notification]) -> None:
    """Insert the rows that do not exist yet; the database drops the repeats."""
    if rows:
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        member_changed(*{row.user_id for row in rows})


def reply_key(comment_id: int) -> str:
    return f"reply:{comment_id}"


def follow_up_key(article_id: int) -> str:
    return f"follow-up:{article_id}"


def poll_closed_key(poll_id: int) -> str:
    return f"poll-closed:{poll_id}"


def notify_reply(*, reply) -> None:
    """The parent comment's author hears of a reply, unless they wrote it themselves."""
    if reply.parent_id is None:
        return
    parent_author_id = reply.parent.author_id
    if parent_author_id is None or parent_author_id == reply.author_id:
        return
    _create(
        [
            Notification(
                user_id=parent_author_id,
                kind=Notification.Kind.REPLY,
                article_id=reply.article_id,
                comment=reply,
                event_key=reply_key(reply.pk),
                visible_from=reply.created_at or timezone.now(),
            )
        ]
    )


@transaction.atomic
def notification_follow_up_sync(*, follow_up: Article) -> None:
    """Members who asked for a follow-up of the original, or saved it, hear of this article.

    Written when the link is saved, whatever the status: a row shows from the follow-up's
    publishing time and only while it is public, so a scheduled follow-up is announced at its
    time and an unpublished one disappears. Unread rows follow the link and the time; read
    ones stay as they were read.
    """
    key = follow_up_key(follow_up.pk)
    unread = Notification.objects.filter(event_key=key, read_at__isnull=True)
    if follow_up.follow_up_of_id is None:
        dropped = list(unread.values_list("user_id", flat=True))
        unread.delete()
        member_changed(*dropped)
        return
    original = follow_up.follow_up_of_id
    recipients = set(
        FollowUpRequest.objects.filter(article_id=original).values_list("user_id", flat=True)
    ) | set(Save.objects.filter(article_id=original).values_list("user_id", flat=True))
    # The follow-up's own readers of the original only: linked elsewhere, the others' unread rows go.
    stale = list(unread.exclude(user_id__in=recipients).values_list("user_id", flat=True))
    unread.exclude(user_id__in=recipients).delete()
    when = follow_up.published_at or timezone.now()
    unread.filter(user_id__in=recipients).exclude(visible_from=when).update(visible_from=when)
    _create(
        [
            Notification(
                user_id=user_id,
                kind=Notification.Kind.FOLLOW_UP,
                article_id=follow_up.pk,
                event_key=key,
                visible_from=when,
            )
            for user_id in sorted(recipients)
        ]
    )
    member_changed(*stale)


def notify_follow_ups_coming(article: Article, *, user) -> None:
    """articles' `article_followed` hook: a member who saves an article, or asks for its
    follow-up, after an editor linked a follow-up not yet published hears of it at its time,
    like those who were there first (a follow-up already out is on the article page)."""
    now = timezone.now()
    coming = article.follow_ups.exclude(
        status=Article.Status.PUBLISHED, published_at__lte=now
    ).values_list("pk", "published_at")
    _create(
        [
            Notification(
                user_id=user.pk,
                kind=Notification.Kind.FOLLOW_UP,
                article_id=follow_up_id,
                event_key=follow_up_key(follow_up_id),
                visible_from=published_at or now,
            )
            for follow_up_id, published_at in coming
        ]
    )


def article_follow_up_saved(article: Article, *, changed: set[str]) -> None:
    """articles' `article_saved` hook: only a change of the link, status or time matters."""
    if changed & FOLLOW_UP_FIELDS:
        notification_follow_up_sync(follow_up=article)


def notify_poll_closed(*, poll) -> None:
    """When the poll's result is frozen: its member voters and the article's savers hear of it."""
    if poll.closes_at is None:
        return
    voters = Vote.objects.filter(poll=poll, user__isnull=False).values_list("user_id", flat=True)
    savers = Save.objects.filter(article_id=poll.article_id).values_list("user_id", flat=True)
    _create(
        [
            Notification(
                user_id=user_id,
                kind=Notification.Kind.POLL_CLOSED,
                article_id=poll.article_id,
                event_key=poll_closed_key(poll.pk),
                visible_from=poll.closes_at,
            )
            for user_id in sorted(set(voters) | set(savers))
        ]
    )


@transaction.atomic
def notifications_mark_read(*, user, ids: list[int]) -> int:
    """Mark the listed notifications read in one UPDATE; returns how many were unread."""
    marked = Notification.objects.filter(user=user, pk__in=ids, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if marked:
        member_changed(user.pk)
    return marked


def notifications_prune(*, now=None) -> int:
    """Delete read notifications older than 90 days; returns how many went."""
    cutoff = (now or timezone.now()) - PRUNE_AFTER
    deleted, _ = Notification.objects.filter(read_at__isnull=False, created_at__lt=cutoff).delete()
    return deleted
