"""The saved list's cue for a poll that closed since the member last looked:
`투표 마감 · 찬성 62%` (the leading choice, in whole percent as the article page shows it)."""

from django.utils import timezone

from .models import Choice, Poll
from .results import closed_result_line


def decorate(saves) -> None:
    """One query for the whole list; a second only when a poll closed but is not frozen yet."""
    by_article = {save.article_id: save for save in saves}
    polls = list(
        Poll.objects.filter(
            article_id__in=by_article, closes_at__lte=timezone.now()
        ).select_related("snapshot")
    )
    closed = [poll for poll in polls if poll.closes_at > by_article[poll.article_id].seen_at]
    # A poll nobody opened since it closed has no snapshot yet: read its choices instead of
    # freezing it from a GET of someone's saved list.
    unfrozen = [poll.pk for poll in closed if getattr(poll, "snapshot", None) is None]
    choices: dict[int, list[tuple[str, int]]] = {}
    if unfrozen:
        for poll_id, label, count in (
            Choice.objects.filter(poll_id__in=unfrozen)
            .order_by("poll_id", "order", "id")
            .values_list("poll_id", "label", "vote_count")
        ):
            choices.setdefault(poll_id, []).append((label, count))
    for poll in closed:
        snapshot = getattr(poll, "snapshot", None)
        if snapshot is not None:
            counts = [(result["label"], result["count"]) for result in snapshot.results]
        else:
            counts = choices.get(poll.pk, [])
        by_article[poll.article_id].cues.append(closed_result_line(counts))
