"""참여자 구성: who took part in a poll, split only by what the site actually knows.

The site knows two things about a voter: whether the vote came from a member account
(`u:` key) or from a browser without one (`a:` key), and, for a member, when the account
was made. It knows nothing of age, region or opinion, so it shows nothing of them.

A group of fewer than `POLL_BREAKDOWN_MIN_GROUP` voters (20) is `표본 부족`: no count
and no percentage, for it or for its sides, so that a share of a handful of people is
never printed as if it said something. The group's `count` is `None` then, so no template
can show it by mistake. (With `총 투표수` on the page, a split's other groups still tell a
small group's size by subtraction: the rule keeps a handful's share from reading like a
finding; it is not a secret.)

Tenure is the account's age now (not at voting time): `가입 1주 미만` is under 7 × 24
hours, `1년 미만` under 365 days, `1년 이상` the rest. A member vote whose account was
deleted (the vote's `user` set to null) stays a member vote, of unknown tenure.

Commenters are members only (commenting needs sign-in), so they get one split, by tenure.
Comments point at articles and polls never imports comments (STYLE.md): comments hands
polls its counting function in `CommentsConfig.ready()` through `register_commenters`.
The function gets the article's id and `now` and returns `{"n_week", "n_year", "n_longer"}`,
the distinct authors of the article's visible comments per tenure (`tenure_conditions`),
in one query. Without comments installed, the split is simply absent. An article with
fewer visible comments than the minimum (`Article.comment_count`, the counter comments
keeps and `manage.py recount` repairs) cannot have a group that large: every group is
`표본 부족` without asking.

The counts are conditional aggregates (`group_counts`) added to a query over the poll's
votes grouped by choice. The article page adds them to the trend chart's query, which
already groups the votes by hour or day and choice, so the section reads the votes once;
`participation(poll)` runs them on their own. Either way: one query, whatever the number
of votes — plus one query for the commenters once the article has enough comments,
whatever their number.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.apps import AppConfig, apps
from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from articles.models import Article

from .models import Choice, Poll, Vote
from .results import format_tenths, shares_in_tenths

DEFAULT_MIN_GROUP = 20
TOO_FEW = "표본 부족"
WEEK = timedelta(days=7)
YEAR = timedelta(days=365)

MEMBER = Q(voter_key__startswith="u:")
BROWSER = Q(voter_key__startswith="a:")

# Group keys, as the annotations' names (prefixed: no clash with Vote's fields), and labels.
LABELS = {
    "n_member": "회원",
    "n_browser": "비회원 브라우저",
    "n_week": "가입 1주 미만",
    "n_year": "1년 미만",
    "n_longer": "1년 이상",
    "n_gone": "탈퇴한 회원",
}
SPLITS = (
    ("투표 방식 (전체 투표 중)", ("n_member", "n_browser")),
    ("회원 가입 기간 (회원 투표 중)", ("n_week", "n_year", "n_longer", "n_gone")),
)
TENURE_KEYS = ("n_week", "n_year", "n_longer")
COMMENTERS_TITLE = "댓글 참여 회원 (가입 기간, 공개 댓글 작성자 중)"

# By app name, as `articles.hooks` keeps its functions: a registry populated again (a test
# overriding INSTALLED_APPS) replaces the entry, and an app no longer installed is skipped.
COMMENTER_COUNTERS: dict[str, Callable[..., dict[str, int]]] = {}


def register_commenters(config: AppConfig, counts: Callable[..., dict[str, int]]) -> None:
    """Called from an app's `ready()`: `counts(article_id, *, now)` returns the distinct
    commenters per `TENURE_KEYS` in one query."""
    COMMENTER_COUNTERS[config.name] = counts


def commenter_counter() -> Callable[..., dict[str, int]] | None:
    """The registered commenter count of an installed app, or None (no commenters split)."""
    for name, counts in COMMENTER_COUNTERS.items():
        if apps.is_installed(name):
            return counts
    return None


@dataclass(frozen=True)
class Group:
    label: str
    count: int | None  # None when under the minimum: nothing about the group is shown
    percent: str | None  # share of its split, e.g. "62.5"
    sides: tuple[str, ...] = ()  # each choice's share within the group, in choice order


def min_group() -> int:
    return getattr(settings, "POLL_BREAKDOWN_MIN_GROUP", DEFAULT_MIN_GROUP)


def tenure_conditions(now: datetime, user: str) -> dict[str, Q]:
    """A `Q` per tenure group over the account at `user` (e.g. "user", "author")."""
    week_ago, year_ago = now - WEEK, now - YEAR
    joined = f"{user}__date_joined"
    return {
        "n_week": Q(**{f"{joined}__gt": week_ago}),
        "n_year": Q(**{f"{joined}__lte": week_ago, f"{joined}__gt": year_ago}),
        "n_longer": Q(**{f"{joined}__lte": year_ago}),
    }


def group_counts(now: datetime) -> dict[str, Count]:
    """One count per group, to `annotate()` a query over a poll's votes grouped by choice."""
    tenure = tenure_conditions(now, "user")
    conditions = {
        "n_member": MEMBER,
        "n_browser": BROWSER,
        **{key: MEMBER & condition for key, condition in tenure.items()},
        "n_gone": MEMBER & Q(user__isnull=True),
    }
    return {key: Count("id", filter=condition) for key, condition in conditions.items()}


def participation(poll: Poll, *, now: datetime | None = None) -> dict:
    """The poll's voters by kind and by member tenure, each group with its sides (one query),
    and its article's commenters by tenure (one more, when comments registered a counter).

    Uses `poll.choice_list` when loaded (`sections.load_poll`), else one more query.
    """
    now = now or timezone.now()
    choices = getattr(poll, "choice_list", None) or list(poll.choices.order_by("order", "id"))
    rows = (
        Vote.objects.filter(poll=poll).values("choice_id").annotate(**group_counts(now)).order_by()
    )
    return participation_from_rows(choices, rows, article=poll.article, now=now)


def participation_from_rows(
    choices: list[Choice], rows, *, article: Article | None = None, now: datetime | None = None
) -> dict:
    """Build the breakdown from rows that carry `choice_id` and the `group_counts` keys.

    A choice may have several rows (one per hour or day in the trend's query): they add up.
    The commenters split is counted for `article`, by default the choices' poll's article
    (`sections.load_poll` loads both with the choices: no query for them).
    Returns `{"min_group", "labels", "value_columns", "splits": [{"title", "groups": [Group]}]}`.
    """
    index = {choice.ref: i for i, choice in enumerate(choices)}
    per_choice = {key: [0] * len(choices) for key in LABELS}
    for row in rows:
        i = index.get(row["choice_id"])
        if i is None:
            continue
        for key, counts in per_choice.items():
            counts[i] += row[key]

    minimum = min_group()
    splits = []
    for title, keys in SPLITS:
        totals = [sum(per_choice[key]) for key in keys]
        groups = []
        for key, count, share in zip(keys, totals, shares_in_tenths(totals), strict=True):
            if key == "n_gone" and not count:
                continue  # accounts are rarely deleted: no empty row for it
            sides = tuple(format_tenths(s) for s in shares_in_tenths(per_choice[key]))
            groups.append(_group(key, count, share, minimum, sides))
        splits.append({"title": title, "groups": groups})

    counts = commenter_counter()
    if counts is not None and choices:
        article = article or choices[0].poll.article
        if article.comment_count < minimum:
            totals = [0] * len(TENURE_KEYS)  # fewer comments than that, fewer commenters too
        else:
            by_key = counts(article.pk, now=now or timezone.now())
            totals = [by_key[key] for key in TENURE_KEYS]
        groups = [
            _group(key, count, share, minimum)
            for key, count, share in zip(TENURE_KEYS, totals, shares_in_tenths(totals), strict=True)
        ]
        splits.append({"title": COMMENTERS_TITLE, "groups": groups})
    return {
        "min_group": minimum,
        "labels": [c.label for c in choices],
        "value_columns": len(choices) + 1,  # 인원 and one per choice: what `표본 부족` spans
        "splits": splits,
    }


def _group(key: str, count: int, share: int, minimum: int, sides: tuple[str, ...] = ()) -> Group:
    """The group as shown: under `minimum` people, its label and nothing else."""
    if count < minimum:
        return Group(label=LABELS[key], count=None, percent=None)
    return Group(label=LABELS[key], count=count, percent=format_tenths(share), sides=sides)
