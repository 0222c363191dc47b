"""The repair path every denormalised counter shares: count the rows, fix what differs.

Services move counters with F() in the transaction that writes the row; `manage.py
recount` calls each app's `recount()`, which is built from these two pieces.
"""

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce


def rows_pointing_at(model, *, field: str, outer: str = "pk", where: Q | None = None) -> Coalesce:
    """SQL for how many `model` rows have `field` pointing at the outer row (0 when none)."""
    rows = model.objects.filter(**{field: OuterRef(outer)})
    if where is not None:
        rows = rows.filter(where)
    return Coalesce(Subquery(rows.values(field).annotate(n=Count("pk")).values("n")[:1]), 0)


def repair(queryset, counter: str, actual) -> int:
    """Set `counter` to `actual` on the rows where they differ; returns how many were wrong."""
    return (
        queryset.annotate(actual=actual)
        .exclude(**{counter: F("actual")})
        .update(**{counter: actual})
    )
