"""The repair path for poll counters, run by `manage.py recount`."""

from aipick.counters import repair, rows_pointing_at

from ..models import Choice, Vote


def recount() -> int:
    """Rebuild every choice's vote_count from the Vote rows; returns how many were wrong."""
    actual = rows_pointing_at(Vote, field="choice", outer="ref")
    return repair(Choice.objects.all(), "vote_count", actual)
