"""Card badges: `투표 12` on every card with an open or closed poll, and the frozen result once closed."""

from django.db.models import OuterRef, Subquery, Sum
from django.utils import timezone

from .models import Choice, Poll
from .results import shares_in_percent


def decorate(articles) -> None:
    """One query for the whole list, however many cards there are."""
    by_id = {article.pk: article for article in articles}
    totals = (
        Choice.objects.filter(poll=OuterRef("pk"))
        .values("poll")
        .annotate(total=Sum("vote_count"))
        .values("total")
    )
    polls = (
        Poll.objects.filter(article_id__in=by_id, opens_at__lte=timezone.now())
        .select_related("snapshot")
        .annotate(total=Subquery(totals))
    )
    for poll in polls:
        badges = by_id[poll.article_id].card_badges
        badges.append(f"투표 {poll.total or 0}")
        snapshot = getattr(poll, "snapshot", None) if poll.is_closed else None
        leader = snapshot.leader if snapshot else None
        if leader:
            # Whole percentages, as the article page shows the same result.
            counts = [r["count"] for r in snapshot.results]
            percent = shares_in_percent(counts)[snapshot.results.index(leader)]
            badges.append(f"최종 결과: {leader['label']} {percent}%")
