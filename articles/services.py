"""Writes that touch several rows, and the counter repair path, for articles."""

from django.db import transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce

from .cache import article_changed
from .models import Article, Save


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
    actual = Subquery(
        Save.objects.filter(article=OuterRef("pk"))
        .values("article")
        .annotate(n=Count("id"))
        .values("n")[:1]
    )
    wrong = Article.objects.annotate(actual=Coalesce(actual, 0)).exclude(save_count=F("actual"))
    return wrong.update(save_count=Coalesce(actual, 0))
