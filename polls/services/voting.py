"""Votes: who is voting (`Voter`), a vote cast, moved or merged on sign-in, a member's side."""

import secrets
from dataclasses import dataclass, replace

from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, PositiveIntegerField, Subquery, When
from django.utils import timezone

from articles.cache import article_changed, poll_changed
from articles.models import Article

from ..models import Choice, Poll, Vote
from .errors import (
    POLL_CHOICE_INVALID,
    POLL_CLOSED,
    POLL_NOT_FOUND,
    POLL_NOT_OPEN,
    POLL_SIGN_IN_REQUIRED,
    VoteRefused,
)


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

    A first vote adds one; another choice moves the vote (old −1, new +1), and
    `switched_away_count` of the voter's first choice follows whether the vote now
    differs from it; the same choice again changes nothing but is counted as a refused
    repeat. `vote.outcome` says which: "added", "changed", "unchanged".
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
            poll=poll,
            choice=choice,
            first_choice=choice,
            voter_key=voter.key,
            user=voter.user,
            created_at=now,
        )
        Choice.objects.filter(ref=choice.ref).update(vote_count=F("vote_count") + 1)
        vote.outcome = "added"
    elif vote.choice_id == choice.ref:
        Poll.objects.filter(pk=poll.pk).update(blocked_count=F("blocked_count") + 1)
        vote.outcome = "unchanged"
    else:
        old_ref, first_ref = vote.choice_id, vote.first_choice_id
        # +1 leaving the first choice, −1 coming back to it; between two others, nothing.
        # The first choice is one of the two locked below whenever this is not 0.
        switched = (choice.ref != first_ref) - (old_ref != first_ref)
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
                When(ref=first_ref, then=F("switched_away_count") + switched),
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
    INSERT INTO polls_vote (poll_id, choice_ref, first_choice_ref, voter_key, user_id, created_at)
    SELECT poll_id, ref, ref, %(voter_key)s, %(user_id)s, %(now)s FROM target
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


def member_sides(*, article, user_ids) -> dict[int, str]:
    """{member id: the label of the choice they vote for now} on the article's poll, in one query."""
    return dict(
        Vote.objects.filter(poll__article=article, user_id__in=user_ids).values_list(
            "user_id", "choice__label"
        )
    )


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
            if vote.choice_id != vote.first_choice_id:
                # The removed voter had changed their mind: they leave that count too.
                Choice.objects.filter(ref=vote.first_choice_id).update(
                    switched_away_count=F("switched_away_count") - 1
                )
        else:
            Vote.objects.filter(pk=vote.pk).update(voter_key=member_key, user=user)
    polls = Poll.objects.filter(pk__in={v.poll_id for v in browser_votes})
    for article_id in polls.values_list("article_id", flat=True):
        article_changed(article_id)
    return len(browser_votes)
