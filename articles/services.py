"""Writes that touch several rows, and the counter repair path, for articles."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from aipick.counters import repair, rows_pointing_at

from .cache import article_changed
from .models import Article, Save

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
    _, created = Save.objects.get_or_create(article=article, user=user)
    if created:
        Article.objects.filter(pk=article.pk).update(save_count=F("save_count") + 1)
        article_changed(article.pk)
    # Saved either way: a concurrent request may have created the row first.
    return True


def recount() -> int:
    """Rebuild every article's save_count from the Save rows; returns how many were wrong."""
    return repair(Article.objects.all(), "save_count", rows_pointing_at(Save, field="article"))
