"""`지금 뜨거운 투표` on the front page: votes cast in a window, per article (articles.hooks)."""

from django.db.models import Count

from .models import Vote


def hot_polls(*, since, articles, limit: int) -> list[tuple[int, int]]:
    """[(article id, votes cast since `since`)], most first, ties newest first; one query.

    A vote moved to the other choice keeps its first time: a reader changing sides is
    not a new vote.
    """
    return list(
        Vote.objects.filter(created_at__gte=since, poll__article__in=articles)
        .values("poll__article")
        .annotate(count=Count("pk"))
        .order_by("-count", "-poll__article__published_at", "-poll__article")
        .values_list("poll__article", "count")[:limit]
    )
