"""Writes that touch several rows for polls, and the counter repair path.

Every counter moves with `F()` in the transaction that writes the row it counts; the
vote row is locked first (`select_for_update`) so a voter's concurrent requests queue.
"""

import secrets
from dataclasses import dataclass, replace

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, Count, F, PositiveIntegerField, Subquery, When
from django.utils import timezone

from aipick.counters import repair, rows_pointing_at
from articles.cache import article_changed, poll_changed
from articles.models import Article

from .models import Choice, Poll, PollSnapshot, Vote
from .results import format_tenths, shares_in_tenths

POLL_CLOSED = "투표가 마감되었습니다."
POLL_NOT_OPEN = "아직 투표가 시작되지 않았습니다."
POLL_NOT_FOUND = "투표를 찾을 수 없습니다."
POLL_CHOICE_INVALID = "선택지를 다시 골라 주세요. 이 투표에 없는 선택입니다."
POLL_SIGN_IN_REQUIRED = "이 투표는 로그인한 회원만 참여할 수 있습니다."
POLL_RATE_LIMITED = "짧은 시간에 투표 요청이 너무 많습니다. 잠시 뒤 다시 시도해 주세요."
POLL_BODY_TOO_LARGE = "요청이 너무 큽니다."
POLL_VOTED = "{label}에 투표했습니다."
POLL_CHANGED = "선택을 {label}(으)로 바꿨습니다."
POLL_UNCHANGED = "이미 {label}에 투표했습니다. 다른 쪽을 누르면 선택이 바뀝니다."

# Editing a poll's choices (the admin): one label per line.
CHOICES_MIN, CHOICES_MAX = 2, 6
CHOICE_LABEL_MAX = Choice._meta.get_field("label").max_length
POLL_CHOICES_TOO_FEW = "선택지를 두 개 이상 적어 주세요. 한 줄에 하나씩 적습니다."
POLL_CHOICES_TOO_MANY = "선택지는 여섯 개까지 둘 수 있습니다."
POLL_CHOICE_EMPTY = "빈 선택지는 둘 수 없습니다."
POLL_CHOICE_TOO_LONG = f"선택지는 {CHOICE_LABEL_MAX}자까지 쓸 수 있습니다: {{label}}"
POLL_CHOICE_DUPLICATE = "같은 선택지를 두 번 적었습니다: {label}"
POLL_CHOICE_HAS_VOTES = (
    "‘{label}’에는 이미 {count}표가 있어 지우거나 이름을 바꿀 수 없습니다. "
    "표가 없는 선택지만 지울 수 있습니다."
)


class VoteRefused(Exception):
    """A vote the rules do not allow; `status` is the HTTP answer for a plain form POST."""

    def __init__(self, message: str, *, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Voter:
    key: str
    user: object | None = None
    # A browser token minted for this very request: nobody else holds it yet, so it has
    # no earlier vote to find and no concurrent request to race with.
    fresh: bool = False

    @classmethod
    def member(cls, user) -> "Voter":
        return cls(key=f"u:{user.pk}", user=user)

    @classmethod
    def browser(cls, token: str, *, fresh: bool = False) -> "Voter":
        return cls(key=f"a:{token}", fresh=fresh)

    @property
    def is_member(self) -> bool:
        return self.user is not None


def new_browser_token() -> str:
    return secrets.token_urlsafe(18)


def poll_check_open(poll: Poll) -> None:
    """Refuse unless the article is public and the poll is between its opening and closing."""
    if not poll.article.is_public:
        raise VoteRefused(POLL_NOT_FOUND, status=404)
    if poll.is_closed:
        raise VoteRefused(POLL_CLOSED, status=409)
    if not poll.has_opened:
        raise VoteRefused(POLL_NOT_OPEN, status=409)


@transaction.atomic
def poll_vote_cast(*, poll: Poll, choice: Choice, voter: Voter) -> Vote:
    """Record or move this voter's vote; counters move in the same transaction.

    A first vote adds one; another choice moves the vote (old −1, new +1, and the old
    choice's `switched_away_count` +1); the same choice again changes nothing but is
    counted as a refused repeat. `vote.outcome` says which: "added", "changed", "unchanged".
    Two concurrent first votes by the same voter meet the unique constraint: the loser
    raises IntegrityError and `poll_vote_submit` retries it as a change.
    """
    poll_check_open(poll)
    if choice.poll_id != poll.pk:
        raise VoteRefused(POLL_CHOICE_INVALID, status=400)
    if not voter.is_member and not poll.allow_anonymous:
        raise VoteRefused(POLL_SIGN_IN_REQUIRED, status=403)

    now = timezone.now()
    # Every outcome changes what the article page shows (counts or the refused-repeat line);
    # a member's vote also moves their side on their comments, outside the poll.
    _poll_or_article_changed(poll.article_id, voter)
    if voter.fresh:
        # Nothing to look up or lock; the unique constraint still guards the insert.
        vote = None
    else:
        vote = Vote.objects.select_for_update().filter(poll=poll, voter_key=voter.key).first()
    if vote is None:
        vote = Vote.objects.create(
            poll=poll, choice=choice, voter_key=voter.key, user=voter.user, created_at=now
        )
        Choice.objects.filter(ref=choice.ref).update(vote_count=F("vote_count") + 1)
        vote.outcome = "added"
    elif vote.choice_id == choice.ref:
        Poll.objects.filter(pk=poll.pk).update(blocked_count=F("blocked_count") + 1)
        vote.outcome = "unchanged"
    else:
        old_ref = vote.choice_id
        Vote.objects.filter(pk=vote.pk).update(choice=choice, changed_at=now)
        # Lock both choices in one fixed order first: an UPDATE's own scan order follows
        # where the row versions lie, which moves with every update, so two readers
        # switching opposite ways could otherwise each hold the row the other waits for.
        # The locking subquery takes them in `ref` order within the same statement.
        in_order = (
            Choice.objects.select_for_update()
            .filter(ref__in=[old_ref, choice.ref])
            .order_by("ref")
            .values("ref")
        )
        Choice.objects.filter(ref__in=Subquery(in_order)).update(
            vote_count=Case(
                When(ref=choice.ref, then=F("vote_count") + 1),
                default=F("vote_count") - 1,
                output_field=PositiveIntegerField(),
            ),
            switched_away_count=Case(
                When(ref=old_ref, then=F("switched_away_count") + 1),
                default=F("switched_away_count"),
                output_field=PositiveIntegerField(),
            ),
        )
        vote.choice, vote.changed_at = choice, now
        vote.outcome = "changed"
    return vote


# A first vote decided, written and counted in one statement: the conditions of
# `poll_check_open` and `poll_vote_cast` for a voter with no vote yet, the insert, and the
# `+ 1` in the same statement (so in the same transaction as the row it counts).
# `ON CONFLICT DO NOTHING` leaves a voter who already voted to `poll_vote_submit`, as it
# does every refusal, which must say why.
FIRST_VOTE_SQL = """
WITH target AS (
    SELECT choice.ref, choice.poll_id, choice.label
    FROM polls_choice AS choice
    JOIN polls_poll AS poll ON poll.id = choice.poll_id
    JOIN articles_article AS article ON article.id = poll.article_id
    WHERE choice.id = %(choice_id)s
      AND poll.article_id = %(article_id)s
      AND article.status = %(published)s
      AND article.published_at <= %(now)s
      AND poll.opens_at <= %(now)s
      AND (poll.closes_at IS NULL OR poll.closes_at > %(now)s)
      AND (poll.allow_anonymous OR %(is_member)s)
), added AS (
    INSERT INTO polls_vote (poll_id, choice_ref, voter_key, user_id, created_at)
    SELECT poll_id, ref, %(voter_key)s, %(user_id)s, %(now)s FROM target
    ON CONFLICT (poll_id, voter_key) DO NOTHING
    RETURNING choice_ref
), counted AS (
    UPDATE polls_choice SET vote_count = vote_count + 1
    WHERE ref = (SELECT choice_ref FROM added)
    RETURNING ref
)
SELECT target.label FROM target JOIN counted ON counted.ref = target.ref
"""


def poll_vote_first(*, article_id: int, choice_id: int, voter: Voter) -> str | None:
    """Record a voter's first vote on the article's poll in one statement; the choice's label.

    None, with nothing written, for anything else (no such choice, a closed poll, a voter
    who already voted, SQLite): `poll_vote_submit` then decides and explains. Where it
    answers, it answers as `poll_vote_cast` would with outcome "added". It exists for
    speed: a new reader's first vote is the most common write on the site, and one
    statement in autocommit costs a fraction of the ORM path's lookup, BEGIN, INSERT,
    UPDATE and COMMIT. PostgreSQL only: data-modifying WITH clauses are its own.
    """
    if connection.vendor != "postgresql":
        return None
    params = {
        "choice_id": choice_id,
        "article_id": article_id,
        "published": Article.Status.PUBLISHED,
        "now": timezone.now(),
        "is_member": voter.is_member,
        "voter_key": voter.key,
        "user_id": voter.user.pk if voter.is_member else None,
    }
    with connection.cursor() as cursor:
        cursor.execute(FIRST_VOTE_SQL, params)
        row = cursor.fetchone()
    if row is None:
        return None
    _poll_or_article_changed(article_id, voter)
    return row[0]


def _poll_or_article_changed(article_id: int, voter: Voter) -> None:
    if voter.is_member:
        article_changed(article_id)
    else:
        poll_changed(article_id)


# A member's current side on an article as an SQL expression ("" without a vote), for a
# statement that stores it without a query of its own: comments keep the side their
# author held when posting. At most one row: one poll per article, one vote per member.
MEMBER_SIDE_SQL = """COALESCE((
    SELECT choice.label
    FROM polls_vote AS vote
    JOIN polls_choice AS choice ON choice.ref = vote.choice_ref
    JOIN polls_poll AS poll ON poll.id = vote.poll_id
    WHERE poll.article_id = %s AND vote.user_id = %s
    LIMIT 1
), '')"""


def member_side_sql(*, article_id: int, user_id: int) -> tuple[str, list]:
    return MEMBER_SIDE_SQL, [article_id, user_id]


def poll_vote_submit(*, poll: Poll, choice: Choice, voter: Voter) -> Vote:
    """`poll_vote_cast`, retried once when the same voter's other request inserted first."""
    try:
        return poll_vote_cast(poll=poll, choice=choice, voter=voter)
    except IntegrityError:
        # The retry looks the vote up, whatever the voter claimed about being new.
        return poll_vote_cast(poll=poll, choice=choice, voter=replace(voter, fresh=False))


def poll_attempt_blocked(*, poll: Poll) -> None:
    """Count one refused attempt (rate limit) on the poll's public integrity line."""
    Poll.objects.filter(pk=poll.pk).update(blocked_count=F("blocked_count") + 1)
    poll_changed(poll.article_id)


@transaction.atomic
def poll_votes_merge(*, anonymous_key: str, user) -> int:
    """On sign-in, the browser's votes become the member's; where the member already voted, theirs stands.

    Closed polls are left alone: their result is final. Returns how many votes moved or were removed.
    """
    member_key = Voter.member(user).key
    now = timezone.now()
    browser_votes = list(
        Vote.objects.select_for_update()
        .filter(voter_key=anonymous_key)
        .exclude(poll__closes_at__lte=now)
        .order_by("pk")
    )
    if not browser_votes:
        return 0
    already = set(
        Vote.objects.select_for_update()
        .filter(voter_key=member_key, poll_id__in=[v.poll_id for v in browser_votes])
        .values_list("poll_id", flat=True)
    )
    for vote in browser_votes:
        if vote.poll_id in already:
            Vote.objects.filter(pk=vote.pk).delete()
            Choice.objects.filter(ref=vote.choice_id).update(vote_count=F("vote_count") - 1)
        else:
            Vote.objects.filter(pk=vote.pk).update(voter_key=member_key, user=user)
    polls = Poll.objects.filter(pk__in={v.poll_id for v in browser_votes})
    for article_id in polls.values_list("article_id", flat=True):
        article_changed(article_id)
    return len(browser_votes)


def poll_choice_labels_check(labels: list[str]) -> None:
    """Refuse a list of labels that is not 2–6 unique, non-empty labels of at most 40 characters."""
    errors = []
    if len(labels) < CHOICES_MIN:
        errors.append(ValidationError(POLL_CHOICES_TOO_FEW, code="too_few"))
    if len(labels) > CHOICES_MAX:
        errors.append(ValidationError(POLL_CHOICES_TOO_MANY, code="too_many"))
    seen = set()
    for label in labels:
        if not label:
            errors.append(ValidationError(POLL_CHOICE_EMPTY, code="empty"))
        elif len(label) > CHOICE_LABEL_MAX:
            errors.append(ValidationError(POLL_CHOICE_TOO_LONG.format(label=label), code="long"))
        elif label in seen:
            errors.append(
                ValidationError(POLL_CHOICE_DUPLICATE.format(label=label), code="duplicate")
            )
        seen.add(label)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def poll_choices_check(*, poll: Poll, labels: list[str]) -> None:
    """Refuse labels that would drop (remove or rename) a choice somebody voted for.

    The poll's choices stay locked until the caller's transaction ends, so a vote cannot
    land on a choice between this check and `poll_choices_set` in the same transaction
    (the admin validates and saves in one).
    """
    poll_choice_labels_check(labels)
    if poll.pk is None:
        return
    dropped = {
        c.ref: c.label
        # In `ref` order, as the vote's own UPDATE takes them, so the two cannot deadlock.
        for c in Choice.objects.select_for_update().filter(poll=poll).order_by("ref")
        if c.label not in labels
    }
    if not dropped:
        return
    # Counted from the rows, not `vote_count`: the rows are what a deletion would orphan.
    voted = (
        Vote.objects.filter(choice__in=list(dropped))
        .values_list("choice")
        .annotate(n=Count("id"))
        .order_by("choice")
    )
    errors = [
        ValidationError(POLL_CHOICE_HAS_VOTES.format(label=dropped[ref], count=n), code="voted")
        for ref, n in voted
    ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def poll_choices_set(*, poll: Poll, labels: list[str]) -> None:
    """Make the poll's choices these labels, in this order.

    A label already there keeps its row, and so its votes and counts; only its order
    moves. New labels become new choices. A choice missing from the list is deleted,
    which `poll_choices_check` allows only when nobody voted for it. Counters are not
    touched: no vote moves.
    """
    poll_choices_check(poll=poll, labels=labels)
    existing = {c.label: c for c in Choice.objects.filter(poll=poll)}
    Choice.objects.filter(poll=poll).exclude(label__in=labels).delete()
    for order, label in enumerate(labels, start=1):
        choice = existing.get(label)
        if choice is None:
            Choice.objects.create(poll=poll, label=label, order=order)
        elif choice.order != order:
            Choice.objects.filter(pk=choice.pk).update(order=order)
    article_changed(poll.article_id)


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
            return snapshot
    except IntegrityError:
        # Another request froze it a moment ago; theirs is the same numbers.
        return PollSnapshot.objects.get(poll=poll)


def recount() -> int:
    """Rebuild every choice's vote_count from the Vote rows; returns how many were wrong."""
    actual = rows_pointing_at(Vote, field="choice", outer="ref")
    return repair(Choice.objects.all(), "vote_count", actual)
