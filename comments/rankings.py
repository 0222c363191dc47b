"""`댓글 많은 기사` on the front page: visible comments written in a window, per article
(articles.hooks)."""

from django.db.models import Count

from .models import Comment


def most_commented(*, since, articles, limit: int) -> list[tuple[int, int]]:
    """[(article id, visible comments since `since`)], most first, ties newest first; one query."""
    return list(
        Comment.objects.visible()
        .filter(created_at__gte=since, article__in=articles)
        .values("article")
        .annotate(count=Count("pk"))
        .order_by("-count", "-article__published_at", "-article")
        .values_list("article", "count")[:limit]
    )
