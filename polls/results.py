"""Pure arithmetic for showing results: shares that add up, and the trend chart's geometry."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone


def shares_of(counts: list[int], whole: int) -> list[int]:
    """Each count's share of `whole` units, summing to exactly `whole` (largest remainder).

    Plain rounding can print 33 + 33 + 33 = 99; readers of a ballot notice that.
    Ties go to the earlier choice, so the same counts always print the same way.
    """
    total = sum(counts)
    if total == 0:
        return [0 for _ in counts]
    exact = [count * whole for count in counts]
    floors = [value // total for value in exact]
    remainders = [value % total for value in exact]
    missing = whole - sum(floors)
    by_remainder = sorted(range(len(counts)), key=lambda i: (-remainders[i], i))
    for i in by_remainder[:missing]:
        floors[i] += 1
    return floors


def shares_in_tenths(counts: list[int]) -> list[int]:
    """Tenths of a percent summing to 1000: the admin's exact figures and the bars' widths."""
    return shares_of(counts, 1000)


def shares_in_percent(counts: list[int]) -> list[int]:
    """Whole percentages summing to 100, as readers see them: 1, 1, 1 votes → 34, 33, 33."""
    return shares_of(counts, 100)


POLL_CLOSED_LINE = "투표 마감"


def closed_result_line(counts: list[tuple[str, int]]) -> str:
    """`투표 마감 · 찬성 62%` from (label, count) in choice order; `투표 마감` with no votes.

    The one wording of a closed poll's result away from its page (the saved list, 알림).
    """
    total = sum(count for _label, count in counts)
    if not total:
        return POLL_CLOSED_LINE
    shares = shares_in_percent([count for _label, count in counts])
    # max() keeps the first of a tie, as the snapshot's leader does.
    leader = max(range(len(counts)), key=lambda i: counts[i][1])
    return f"{POLL_CLOSED_LINE} · {counts[leader][0]} {shares[leader]}%"


def format_tenths(tenths: int) -> str:
    return f"{tenths // 10}.{tenths % 10}"


@dataclass(frozen=True)
class TrendPoint:
    at: datetime
    counts: tuple[int, ...]  # cumulative votes per choice up to the end of this bucket

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def shares(self) -> list[int]:
        return shares_in_percent(list(self.counts))

    @property
    def pairs(self) -> list[tuple[int, int]]:
        return list(zip(self.counts, self.shares, strict=True))


def trend_bucket(opens_at: datetime, until: datetime) -> str:
    """Hourly for the first three days of a poll, daily after that, so the chart stays readable."""
    return "hour" if until - opens_at <= timedelta(days=3) else "day"


# The chart is drawn once its lines can show a change: votes on two different (Seoul)
# days, or at least 20 votes spread over at least 3 buckets (hours, or days after the
# third day). Before that a line of one or two dots says nothing a reader can use.
TREND_MIN_DAYS = 2
TREND_MIN_VOTES = 20
TREND_MIN_BUCKETS = 3


def trend_drawable(points: list["TrendPoint"]) -> bool:
    """Whether the cumulative points are enough for a chart (see the constants above)."""
    if len({timezone.localdate(point.at) for point in points}) >= TREND_MIN_DAYS:
        return True
    total = points[-1].total if points else 0
    return total >= TREND_MIN_VOTES and len(points) >= TREND_MIN_BUCKETS


def cumulative_points(rows, choice_ids: list[int]) -> list[TrendPoint]:
    """Turn (bucket, choice_id, n) rows into running totals per bucket, in time order."""
    per_bucket: dict[datetime, list[int]] = {}
    index = {choice_id: i for i, choice_id in enumerate(choice_ids)}
    for bucket, choice_id, n in rows:
        if choice_id not in index:
            continue
        per_bucket.setdefault(bucket, [0] * len(choice_ids))[index[choice_id]] += n
    running = [0] * len(choice_ids)
    points = []
    for bucket in sorted(per_bucket):
        running = [a + b for a, b in zip(running, per_bucket[bucket], strict=True)]
        points.append(TrendPoint(at=bucket, counts=tuple(running)))
    return points


CHART_WIDTH = 320
CHART_HEIGHT = 120


def polyline(points: list[TrendPoint], choice_index: int, start: datetime, end: datetime) -> str:
    """SVG `points` for one choice's share over time (x: time, y: 0–100 % upside down)."""
    span = max((end - start).total_seconds(), 1.0)
    coords = []
    for point in points:
        x = CHART_WIDTH * min(max((point.at - start).total_seconds() / span, 0.0), 1.0)
        share = shares_in_tenths(list(point.counts))[choice_index] / 1000
        y = CHART_HEIGHT * (1 - share)
        coords.append(f"{x:.1f},{y:.1f}")
    if coords:
        # Hold the last share flat to the right edge: nothing changed since the last vote.
        last_y = coords[-1].split(",")[1]
        coords.append(f"{CHART_WIDTH:.1f},{last_y}")
    return " ".join(coords)
