"""Votes: who is voting (`Voter`), a vote submitted, cast, moved or merged on sign-in, a member's side."""

import secrets
from dataclasses import dataclass, replace

from django.db import IntegrityError, transaction
from django.db.models import Case, F, PositiveIntegerField, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from articles.cache import article_changed

from ..models import Choice, Poll, Vote
from ..ratelimit import allow_vote_attempt
from .errors import (
    POLL_CHOICE_INVALID,
    POLL_CLOSED,
    POLL_NOT_FOUND,
    POLL_NOT_OPEN,
    POLL_RATE_LIMITED,
    POLL_SIGN_IN_REQUIRED,
    VoteRefused,
)

# What a vote reads of a choice, its poll and article: the checks, the redirect and the
# refusal page. The htmx box reloads the poll in full (sections.load_poll).
CHOICE_FIELDS = (
    "poll_id",
    "ref",
    "label",
    "poll__article_id",
    "poll__question",
    "poll__opens_at",
    "poll__closes_at",
    "poll__allow_anonymous",
    "poll__article__status",
    "poll__article__published_at",
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


def poll_vote_refusal(poll: Poll, *, is_member: bool) -> VoteRefused | None:
    """Why a vote on this poll would be refused now; None when it would be taken.

    The one place that says when a poll accepts votes: its article is public, it has
    opened and not closed, and a members-only poll takes members only. `poll_vote_cast`
    raises what this returns; the poll box offers its buttons only when it returns None.
    """
    if not poll.article.is_public:
        return VoteRefused(POLL_NOT_FOUND, status=404, poll=poll)
    if not is_member and not poll.allow_anonymous:
        return VoteRefused(POLL_SIGN_IN_REQUIRED, status=403, poll=poll)
    if poll.is_closed:
        return VoteRefused(POLL_CLOSED, status=409, poll=poll)
    if not poll.has_opened:
        return VoteRefused(POLL_NOT_OPEN, status=409, poll=poll)
    return None


def poll_vote_submit(*, article_id: int, raw_choice: str, voter: Voter, client_ip: str) -> Vote:
    """A vote as a reader sends it: counted against the rate limit, its choice found, cast.

    The one entry for the vote view. Raises `VoteRefused` (carrying the poll, for the
    answer) for whatever is refused: no public poll on this article (404), too many
    attempts (429: nothing written, no token moved; `polls.ratelimit` counts the refused
    readers for editors), a choice not of this poll (400), and every refusal of
    `poll_vote_cast`. A voter's concurrent first votes meet the unique
    constraint: the loser is retried once as a change.
    """
    # Counted before anything is looked up; an article has one poll, so this is the limit
    # per poll per address (or member).
    if not allow_vote_attempt(article_id=article_id, voter=voter, client_ip=client_ip):
        raise VoteRefused(POLL_RATE_LIMITED, status=429, poll=_public_poll(article_id))
    choice = _find_choice(article_id, raw_choice)
    if choice is None:
        raise VoteRefused(POLL_CHOICE_INVALID, status=400, poll=_public_poll(article_id))
    try:
        return poll_vote_cast(poll=choice.poll, choice=choice, voter=voter)
    except IntegrityError:
        # The retry looks the vote up, whatever the voter claimed about being new.
        return poll_vote_cast(poll=choice.poll, choice=choice, voter=replace(voter, fresh=False))


def _public_poll(article_id: int) -> Poll:
    """The article's poll with its article; refused as not found unless the article is public."""
    poll = Poll.objects.select_related("article").filter(article_id=article_id).first()
    if poll is None or not poll.article.is_public:
        raise VoteRefused(POLL_NOT_FOUND, status=404)
    return poll


def _find_choice(article_id: int, raw: str) -> Choice | None:
    """The choice, its poll and article in one query; None for anything not of this poll."""
    if not (raw.isdecimal() and len(raw) <= 18):
        return None
    try:
        # get(), not first(): the primary key finds at most one row, so no ORDER BY. Only the
        # columns a vote reads: building the article's twenty-odd others cost more than the rest.
        choice = (
            Choice.objects.select_related("poll__article").only(*CHOICE_FIELDS).get(pk=int(raw))
        )
    except Choice.DoesNotExist:
        return None
    # Compared here rather than in SQL: one condition less for the ORM to build every vote.
    return choice if choice.poll.article_id == article_id else None


@transaction.atomic
def poll_vote_cast(*, poll: Poll, choice: Choice, voter: Voter) -> Vote:
    """Record or move this voter's vote; counters move in the same transaction.

    A first vote adds one; another choice moves the vote (old −1, new +1), and
    `switched_away_count` of the voter's first choice follows whether the vote now
    differs from it; the same choice again writes nothing and moves no token.
    `vote.outcome` says which: "added", "changed", "unchanged".
    Two concurrent first votes by the same voter meet the unique constraint: the loser
    raises IntegrityError and `poll_vote_submit` retries it as a change.
    """
    refused = poll_vote_refusal(poll, is_member=voter.is_member)
    if refused is not None:
        raise refused
    if choice.poll_id != poll.pk:
        raise VoteRefused(POLL_CHOICE_INVALID, status=400, poll=poll)

    now = timezone.now()
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
        # The page already shows this vote: nothing to write, no page to render again.
        vote.choice = choice
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
    if vote.outcome != "unchanged":
        article_changed(poll.article_id)  # the counts on the article's page moved
    vote.poll = poll
    return vote


def member_sides(*, article, user_ids) -> dict[int, str]:
    """{member id: the label of the choice they vote for now} on the article's poll, in one query."""
    return dict(
        Vote.objects.filter(poll__article=article, user_id__in=user_ids).values_list(
            "user_id", "choice__label"
        )
    )


def member_side(*, article_id: int, user_id: int) -> Coalesce:
    """The member's current side on the article as an expression ("" without a vote).

    For a write that stores the side in its own statement: a comment keeps the side its
    author held when posting it. At most one row: one poll per article, one vote per member.
    """
    label = Vote.objects.filter(poll__article_id=article_id, user_id=user_id).values(
        "choice__label"
    )[:1]
    return Coalesce(Subquery(label), Value(""))


@transaction.atomic
def poll_votes_merge(*, anonymous_key: str, user) -> int:
    """On sign-in, the browser's votes become the member's; where the member already voted, theirs stands.

    Closed polls are left alone: their result is final. Returns how many votes moved or were removed.
    """
    member_key = Voter.member(user).key
    browser_votes = list(
        Vote.objects.select_for_update()
        .filter(voter_key=anonymous_key)
        .exclude(poll__in=Poll.objects.closed_now())
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
