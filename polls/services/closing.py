"""A closed poll's result frozen once, as it stood when voting ended."""

from django.db import IntegrityError, transaction

from articles.cache import article_changed
from notifications.services import notify_poll_closed

from ..models import Poll, PollSnapshot
from ..results import format_tenths, shares_in_tenths


def poll_snapshot_freeze(*, poll: Poll) -> PollSnapshot | None:
    """Freeze a closed poll's result once; later calls return the same row unchanged."""
    if not poll.is_closed:
        return None
    existing = PollSnapshot.objects.filter(poll=poll).first()
    if existing:
        return existing
    choices = list(poll.choices.order_by("order", "id"))
    counts = [c.vote_count for c in choices]
    tenths = shares_in_tenths(counts)
    results = [
        {"label": c.label, "count": c.vote_count, "percent": format_tenths(t)}
        for c, t in zip(choices, tenths, strict=True)
    ]
    try:
        with transaction.atomic():
            snapshot = PollSnapshot.objects.create(poll=poll, total=sum(counts), results=results)
            article_changed(poll.article_id)
            notify_poll_closed(poll=poll)
            return snapshot
    except IntegrityError:
        # Another request froze it a moment ago; theirs is the same numbers.
        return PollSnapshot.objects.get(poll=poll)
