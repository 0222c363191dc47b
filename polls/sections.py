"""The context of the 찬/반 투표 section, shared by the article page's tag and the vote view."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import TruncDay, TruncHour
from django.urls import reverse
from django.utils import timezone

from .models import Choice, Poll, Vote
from .participation import group_counts, participation_from_rows
from .results import (
    CHART_HEIGHT,
    CHART_WIDTH,
    cumulative_points,
    format_tenths,
    polyline,
    shares_in_percent,
    shares_in_tenths,
    trend_bucket,
    trend_drawable,
)
from .services import poll_snapshot_freeze, poll_vote_refusal
from .voters import current_voter_key

TREND_TABLE_ROWS = 24
# Shown in place of the chart until `results.trend_drawable` says there is a line to draw.
TREND_NOT_YET = "추이 그래프는 투표가 더 모이면 보여 드립니다."


@dataclass
class ChoiceResult:
    choice: Choice
    percent: int  # whole percent; the choices' percents add up to 100
    bar_width: str  # the SVG rect's width on a 0–100 scale, to a tenth
    is_mine: bool
    colour: int  # 1 = first side (찬성 blue), 2 = second side (반대 red), 3+ = neutral


def load_poll(article) -> Poll | None:
    """The article's poll with its choices and frozen result in one query (none if no choices)."""
    choices = list(
        Choice.objects.filter(poll__article=article)
        .select_related("poll__snapshot")
        .order_by("order", "id")
    )
    if not choices:
        return None
    poll = choices[0].poll
    poll.article = article
    poll.choice_list = choices
    return poll


def poll_box_context(
    request, poll: Poll, *, message: str = "", announce: str = "", voter_key: str | None = None
) -> dict:
    """`voter_key` overrides the request's voter: a first vote mints the cookie in its response."""
    choices = poll.choice_list
    voter_key = voter_key or current_voter_key(request)
    my_ref = None
    if voter_key:
        my_ref = (
            Vote.objects.filter(poll=poll, voter_key=voter_key)
            .values_list("choice_id", flat=True)
            .first()
        )
    is_closed = poll.is_closed
    snapshot = getattr(poll, "snapshot", None) if is_closed else None
    if is_closed and snapshot is None:
        # Frozen lazily by the first reader after closing (or by `manage.py freeze_polls`).
        snapshot = poll_snapshot_freeze(poll=poll)

    visibility = poll.results_visibility
    results_visible = (
        is_closed
        or visibility == Poll.ResultsVisibility.ALWAYS
        or (visibility == Poll.ResultsVisibility.AFTER_VOTE and my_ref is not None)
    )
    counts = [c.vote_count for c in choices]
    total = sum(counts)
    results = [
        ChoiceResult(
            choice=c,
            percent=percent,
            bar_width=format_tenths(tenths),
            is_mine=c.ref == my_ref,
            colour=min(i, 3),
        )
        for i, (c, percent, tenths) in enumerate(
            zip(choices, shares_in_percent(counts), shares_in_tenths(counts), strict=True),
            start=1,
        )
    ]
    my_choice = next((r.choice for r in results if r.is_mine), None)
    trend, breakdown = (
        trend_and_breakdown(poll, results) if results_visible and total else (None, None)
    )
    # A staff preview of a draft shows the poll but offers no buttons: voting would be refused.
    can_vote = poll_vote_refusal(poll, is_member=request.user.is_authenticated) is None
    context = {
        "poll": poll,
        "results": results,
        "total": total,
        "my_choice": my_choice,
        "results_visible": results_visible,
        "is_closed": is_closed,
        "can_vote": can_vote,
        "needs_sign_in": not is_closed and not poll.allow_anonymous and not can_vote,
        "login_url": f"{reverse(settings.LOGIN_URL)}?next={poll.article.get_absolute_url()}%23poll",
        "vote_url": reverse("polls:vote", args=[poll.article_id]),
        "switches": switch_lines(choices) if results_visible else [],
        "switch_total": sum(c.switched_away_count for c in choices),
        "snapshot": snapshot,
        "final_results": final_results(snapshot),
        "trend": trend,
        "trend_not_yet": TREND_NOT_YET if results_visible and not trend and not is_closed else "",
        "breakdown": breakdown,
        "message": message,
        "announce": announce,
    }
    return context


def switch_lines(choices: list[Choice]) -> list[str]:
    """`찬성→반대 3` for a two-sided poll; `찬성에서 다른 선택으로 3` when there are more sides.

    Only sides someone actually left are listed: a `→ 0` tells a reader nothing.
    """
    if len(choices) == 2:
        first, second = choices
        lines = [
            (first.switched_away_count, f"{first.label}→{second.label}"),
            (second.switched_away_count, f"{second.label}→{first.label}"),
        ]
    else:
        lines = [(c.switched_away_count, f"{c.label}에서 다른 선택으로") for c in choices]
    return [f"{text} {n}" for n, text in lines if n]


def final_results(snapshot) -> list[dict]:
    """The frozen result in whole percents, recomputed from its counts so it reads like the bars."""
    if snapshot is None:
        return []
    rows = snapshot.results
    percents = shares_in_percent([row["count"] for row in rows])
    return [
        {"label": row["label"], "count": row["count"], "percent": percent}
        for row, percent in zip(rows, percents, strict=True)
    ]


def trend_and_breakdown(poll: Poll, results: list[ChoiceResult]) -> tuple[dict | None, dict | None]:
    """The trend chart and 참여자 구성 from one read of the votes.

    The rows count votes per hour (first three days) or day and choice, and each row also
    counts the participant groups (`participation.group_counts`): the chart reads `n`,
    the breakdown adds the groups up per choice.
    """
    now = timezone.now()
    start = poll.opens_at
    end = min(poll.closes_at or now, now)
    bucket = trend_bucket(start, end)
    trunc = TruncHour if bucket == "hour" else TruncDay
    rows = list(
        Vote.objects.filter(poll=poll)
        .annotate(bucket=trunc("created_at"))
        .values("bucket", "choice_id")
        .annotate(n=Count("id"), **group_counts(now))
        .order_by()
    )
    trend = trend_context(
        results, [(r["bucket"], r["choice_id"], r["n"]) for r in rows], start, end, bucket
    )
    return trend, participation_from_rows(poll.choice_list, rows)


def trend_context(
    results: list[ChoiceResult], rows: list[tuple], start: datetime, end: datetime, bucket: str
) -> dict | None:
    """Each choice's cumulative share per hour or day, as SVG lines and a table (None until
    there is enough to draw: `results.trend_drawable`).

    A vote is counted from when it was first cast, under its current choice, so the last
    point always equals the totals shown above it.
    """
    refs = [r.choice.ref for r in results]
    points = cumulative_points(rows, refs)
    if not trend_drawable(points):
        return None
    # Start at the first vote: a poll opened long before anyone voted would otherwise
    # squeeze every line into a dot at the right edge.
    start = max(start, points[0].at)
    lines = [
        {"result": r, "points": polyline(points, i, start, end)} for i, r in enumerate(results)
    ]
    return {
        "bucket_label": "시간별" if bucket == "hour" else "일별",
        "date_format": "m.d H:00" if bucket == "hour" else "Y.m.d",
        "lines": lines,
        "rows": points[-TREND_TABLE_ROWS:],
        "rows_cut": max(len(points) - TREND_TABLE_ROWS, 0),
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "mid": CHART_HEIGHT // 2,
        "start": start,
        "end": end,
    }
