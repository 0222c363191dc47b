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


def leave_counters_alone(instance, counters, save_kwargs: dict) -> None:
    """Make an update through `save()` write every field but the counters.

    An editor's form holds counts read when it opened; writing them back would undo the
    votes, comments and saves that readers made meanwhile (a lost update). Only the services'
    F() updates and `recount` move counters.
    """
    if not instance._state.adding and save_kwargs.get("update_fields") is None:
        save_kwargs["update_fields"] = [
            f.attname
            for f in instance._meta.concrete_fields
            if not f.primary_key and f.attname not in counters
        ]
