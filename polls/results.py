"""Pure arithmetic for showing results: shares that add up, and the trend chart's geometry."""

from dataclasses import dataclass
from datetime import datetime, timedelta


def shares_in_tenths(counts: list[int]) -> list[int]:
    """Each count's share in tenths of a percent, summing to exactly 1000 (largest remainder).

    Plain rounding can print 33.3 + 33.3 + 33.3 = 99.9; readers of a ballot notice that.
    Ties go to the earlier choice, so the same counts always print the same way.
    """
    total = sum(counts)
    if total == 0:
        return [0 for _ in counts]
    exact = [count * 1000 for count in counts]
    floors = [value // total for value in exact]
    remainders = [value % total for value in exact]
    missing = 1000 - sum(floors)
    by_remainder = sorted(range(len(counts)), key=lambda i: (-remainders[i], i))
    for i in by_remainder[:missing]:
        floors[i] += 1
    return floors


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
    def shares(self) -> list[str]:
        return [format_tenths(t) for t in shares_in_tenths(list(self.counts))]

    @property
    def pairs(self) -> list[tuple[int, str]]:
        return list(zip(self.counts, self.shares, strict=True))


def trend_bucket(opens_at: datetime, until: datetime) -> str:
    """Hourly for the first three days of a poll, daily after that, so the chart stays readable."""
    return "hour" if until - opens_at <= timedelta(days=3) else "day"


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
