from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from polls.results import (
    TREND_MIN_BUCKETS,
    TREND_MIN_VOTES,
    TrendPoint,
    shares_in_percent,
    trend_drawable,
)

SEOUL = ZoneInfo("Asia/Seoul")


def test_whole_percentages_add_up_to_100_by_largest_remainder():
    """Readers see whole percents that add up: 1/1/1 → 34/33/33 (a tie in the remainders goes
    to the earlier choice), 5/3 → 63/37, 31/19 → 62/38; no votes → all 0."""
    assert shares_in_percent([1, 1, 1]) == [34, 33, 33]
    assert shares_in_percent([5, 3]) == [63, 37]
    assert shares_in_percent([31, 19]) == [62, 38]
    assert shares_in_percent([1, 0]) == [100, 0]
    assert shares_in_percent([0, 0]) == [0, 0]


@given(st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=6))
def test_whole_percentages_always_sum_to_exactly_100(votes):
    """Whatever the counts, the printed whole percents add up to 100 (or all 0 with no votes),
    each within one point of the exact share."""
    percents = shares_in_percent(votes)
    total = sum(votes)
    assert sum(percents) == (100 if total else 0)
    if total:
        assert all(abs(p - v * 100 / total) < 1 for p, v in zip(percents, votes, strict=True))


def hourly(counts: list[int], *, start: datetime) -> list[TrendPoint]:
    """Cumulative points one hour apart, with `counts[i]` new 찬성 votes in hour i."""
    running, points = 0, []
    for i, n in enumerate(counts):
        running += n
        points.append(TrendPoint(at=start + timedelta(hours=i), counts=(running, 0)))
    return points


def test_trend_waits_for_two_days_or_enough_votes_over_enough_hours():
    """One vote, or nineteen over three hours, or twenty in two hours of one day: no chart.
    Twenty over three hours, or two votes on two different Seoul days: a chart."""
    noon = datetime(2025, 4, 30, 12, 0, tzinfo=SEOUL)
    assert not trend_drawable([])
    assert not trend_drawable(hourly([1], start=noon))
    assert not trend_drawable(hourly([7, 6, 6], start=noon))
    assert not trend_drawable(hourly([10, 10], start=noon))
    assert TREND_MIN_BUCKETS == 3 and TREND_MIN_VOTES == 20
    assert trend_drawable(hourly([7, 7, 6], start=noon))
    before_midnight = datetime(2025, 4, 30, 23, 0, tzinfo=SEOUL)
    assert trend_drawable(hourly([1, 1], start=before_midnight))
