"""The repair path for poll counters, run by `manage.py recount`."""

from django.db.models import F, Q

from aipick.counters import repair, rows_pointing_at

from ..models import Choice, Vote


def recount() -> int:
    """Rebuild every choice's vote_count and switched_away_count from the Vote rows;
    returns how many counters were wrong."""
    votes = rows_pointing_at(Vote, field="choice", outer="ref")
    # Voters who started on this choice and now stand elsewhere.
    switched = rows_pointing_at(
        Vote, field="first_choice", outer="ref", where=~Q(choice=F("first_choice"))
    )
    return repair(Choice.objects.all(), "vote_count", votes) + repair(
        Choice.objects.all(), "switched_away_count", switched
    )
