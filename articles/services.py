"""Writes that touch several rows, and the counter repair path, for articles."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from aipick.counters import repair, rows_pointing_at

from . import hooks
from .cache import article_changed
from .models import Article, FollowUpRequest, Save

SUMMARY_NOT_REVIEWED = (
    "본문이 바뀐 뒤 3줄 요약을 다시 확인하지 않았습니다. 요약이 본문과 맞는지 읽어 보고 "
    "'요약 확인'에 체크한 뒤 다시 저장하세요."
)


def article_publish_prepare(
    *,
    article: Article,
    body_changed: bool = False,
    summary_confirmed: bool = False,
    now: datetime | None = None,
) -> None:
    """The one publishing rule, for the admin form and the `발행` list action alike.

    - Published without a time means published now (the database still refuses a
      published row without one, so nothing else can slip through).
    - A summary is reviewed when the article is written, or when an editor confirms it;
      a later change of the body un-reviews it, so a summary cannot silently drift from
      the story it condenses.
    - Publishing (or keeping published) an article whose summary is unreviewed needs that
      confirmation: raises ValidationError(SUMMARY_NOT_REVIEWED, code="summary_not_reviewed").

    Sets `published_at` and `summary_reviewed_at` on `article`; the caller saves it.
    """
    now = now or timezone.now()
    if summary_confirmed or article.pk is None:
        article.summary_reviewed_at = now
    elif body_changed:
        article.summary_reviewed_at = None
    if article.status != Article.Status.PUBLISHED:
        return
    if article.summary_reviewed_at is None and article.summary_lines.exists():
        raise ValidationError(SUMMARY_NOT_REVIEWED, code="summary_not_reviewed")
    if article.published_at is None:
        article.published_at = now


@transaction.atomic
def article_save_toggle(*, article: Article, user, saved: bool | None = None) -> bool:
    """Save or unsave; returns True when the article is now saved. The counter moves with the row.

    `saved=None` flips; a form that says which state it wants (`saved=True/False`) makes a
    double-submitted click harmless instead of undoing itself.
    """
    if saved is None:
        saved = not Save.objects.filter(article=article, user=user).exists()
    if not saved:
        deleted, _ = Save.objects.filter(article=article, user=user).delete()
        if deleted:
            Article.objects.filter(pk=article.pk).update(save_count=F("save_count") - 1)
            article_changed(article.pk)
        return False
    # The title as it is now, for the greyed line the saved list keeps if the article is deleted.
    _, created = Save.objects.get_or_create(
        article=article, user=user, defaults={"article_title": article.title}
    )
    if created:
        Article.objects.filter(pk=article.pk).update(save_count=F("save_count") + 1)
        article_changed(article.pk)
        hooks.article_followed(article, user=user)
    # Saved either way: a concurrent request may have created the row first.
    return True


@transaction.atomic
def save_line_remove(*, save_id: int, user) -> bool:
    """Take a greyed line (article deleted or no longer public) off the member's saved list.

    Returns False, changing nothing, when the line is not theirs or its article is still
    public: that one is taken off with `저장 취소`, which the article page shows too. A line
    whose article still exists held one of its saves, so the counter moves with the row.
    """
    line = (
        Save.objects.select_for_update(of=("self",))
        .select_related("article")
        .filter(pk=save_id, user=user)
        .first()
    )
    if line is None or line.is_live:
        return False
    deleted, _ = Save.objects.filter(pk=line.pk).delete()
    if deleted and line.article_id is not None:
        Article.objects.filter(pk=line.article_id).update(save_count=F("save_count") - 1)
        article_changed(line.article_id)
    return True


def saves_mark_seen(*, save_ids, at) -> None:
    """The member has now seen these lines of the saved list: their cues start again from `at`.

    One UPDATE, after the page rendered with the cues that were due.
    """
    Save.objects.filter(pk__in=save_ids, seen_at__lt=at).update(seen_at=at)


@transaction.atomic
def article_follow_up_toggle(*, article: Article, user, wanted: bool | None = None) -> bool:
    """Ask for a follow-up or take the request back, as `article_save_toggle` does for saves.

    Returns True when the member is now asking for one; the counter moves with the row.
    """
    if wanted is None:
        wanted = not FollowUpRequest.objects.filter(article=article, user=user).exists()
    if not wanted:
        deleted, _ = FollowUpRequest.objects.filter(article=article, user=user).delete()
        if deleted:
            Article.objects.filter(pk=article.pk).update(
                follow_up_request_count=F("follow_up_request_count") - 1
            )
            article_changed(article.pk)
        return False
    _, created = FollowUpRequest.objects.get_or_create(article=article, user=user)
    if created:
        Article.objects.filter(pk=article.pk).update(
            follow_up_request_count=F("follow_up_request_count") + 1
        )
        article_changed(article.pk)
        hooks.article_followed(article, user=user)
    return True


def recount() -> int:
    """Rebuild every article's save and follow-up request counts from their rows; returns how many were wrong."""
    return repair(
        Article.objects.all(), "save_count", rows_pointing_at(Save, field="article")
    ) + repair(
        Article.objects.all(),
        "follow_up_request_count",
        rows_pointing_at(FollowUpRequest, field="article"),
    )
