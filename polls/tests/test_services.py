from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from articles.hooks import decorate_cards
from articles.models import Article
from polls import demo
from polls.models import Choice, Poll, PollSnapshot, Vote
from polls.results import format_tenths, shares_in_tenths
from polls.services import (
    POLL_CHOICE_INVALID,
    POLL_CLOSED,
    POLL_NOT_FOUND,
    POLL_NOT_OPEN,
    POLL_SIGN_IN_REQUIRED,
    Voter,
    VoteRefused,
    poll_snapshot_freeze,
    poll_vote_cast,
    poll_vote_refusal,
    poll_vote_submit,
    poll_votes_merge,
    recount,
)

from .factories import (
    assert_counters_match_rows,
    browser,
    choices,
    make_article,
    make_poll,
    make_user,
    member,
    writes,
)

pytestmark = pytest.mark.django_db


def counts(poll) -> list[int]:
    return [c.vote_count for c in poll.choices.order_by("order")]


def test_first_vote_adds_one():
    """A reader's first click on 찬성 makes 총 투표수 1 and 찬성 1."""
    poll = make_poll()
    vote = poll_vote_cast(poll=poll, choice=choices(poll)[0], voter=browser())
    assert vote.outcome == "added"
    assert counts(poll) == [1, 0]
    assert_counters_match_rows(poll)


def test_voting_for_the_other_side_moves_the_vote_and_counts_the_reader():
    """Switching 찬성→반대 moves one vote and counts one reader in `마음을 바꾼 독자`;
    switching back takes them off it, and switching back and forth counts them once."""
    poll = make_poll()
    pro, con = choices(poll)
    voter = browser()

    def switched():
        pro.refresh_from_db()
        con.refresh_from_db()
        return (pro.switched_away_count, con.switched_away_count)

    poll_vote_cast(poll=poll, choice=pro, voter=voter)
    vote = poll_vote_cast(poll=poll, choice=con, voter=voter)
    assert vote.outcome == "changed" and vote.changed_at is not None
    assert counts(poll) == [0, 1] and switched() == (1, 0)
    poll_vote_cast(poll=poll, choice=pro, voter=voter)
    assert counts(poll) == [1, 0] and switched() == (0, 0)
    poll_vote_cast(poll=poll, choice=con, voter=voter)
    assert switched() == (1, 0)
    assert Vote.objects.filter(poll=poll).count() == 1
    assert_counters_match_rows(poll)


def test_same_choice_again_writes_nothing_and_moves_no_token(django_capture_on_commit_callbacks):
    """Clicking 찬성 twice keeps one vote; the repeat writes no row and re-renders no page."""
    poll = make_poll()
    voter = browser()
    poll_vote_cast(poll=poll, choice=choices(poll)[0], voter=voter)
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks() as token_moves,
    ):
        vote = poll_vote_cast(poll=poll, choice=choices(poll)[0], voter=voter)
    assert vote.outcome == "unchanged"
    assert writes(queries) == [] and token_moves == []
    assert counts(poll) == [1, 0]


def test_a_token_wrongly_taken_for_new_still_gets_one_vote():
    """Should a "new" browser token ever have voted already, the unique constraint holds
    and the retry treats the vote as a change: one row, counts exact."""
    poll = make_poll()
    pro, con = choices(poll)
    poll_vote_cast(poll=poll, choice=pro, voter=Voter.browser("seen-before"))
    vote = poll_vote_submit(
        article_id=poll.article_id,
        raw_choice=str(con.pk),
        voter=Voter.browser("seen-before", fresh=True),
        client_ip="198.51.100.7",
    )
    assert vote.outcome == "changed"
    assert counts(poll) == [0, 1]
    assert Vote.objects.filter(poll=poll).count() == 1
    assert_counters_match_rows(poll)


def test_a_member_is_one_voter_on_every_device():
    """A member voting from a phone and a laptop still has one vote."""
    poll = make_poll()
    user = make_user()
    poll_vote_cast(poll=poll, choice=choices(poll)[0], voter=member(user))
    poll_vote_cast(poll=poll, choice=choices(poll)[1], voter=member(user))
    assert counts(poll) == [0, 1]
    assert Vote.objects.get(poll=poll).user == user


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"closes_at": timezone.now() - timedelta(minutes=1)}, POLL_CLOSED),
        ({"opens_at": timezone.now() + timedelta(hours=1), "closes_at": None}, POLL_NOT_OPEN),
    ],
)
def test_closed_or_not_yet_open_poll_refuses_votes(change, message):
    """A vote on a closed or not-yet-open poll is refused and counts nothing."""
    poll = make_poll(opens_at=timezone.now() - timedelta(days=1))
    Poll.objects.filter(pk=poll.pk).update(**change)
    poll.refresh_from_db()
    with pytest.raises(VoteRefused) as refused:
        poll_vote_cast(poll=poll, choice=choices(poll)[0], voter=browser())
    assert refused.value.message == message
    assert counts(poll) == [0, 0] and not Vote.objects.exists()


def test_draft_articles_poll_refuses_votes():
    """Nobody can vote on an unpublished article's poll."""
    poll = make_poll(make_article(status=Article.Status.DRAFT, published_at=None))
    with pytest.raises(VoteRefused) as refused:
        poll_vote_cast(poll=poll, choice=choices(poll)[0], voter=browser())
    assert refused.value.message == POLL_NOT_FOUND and refused.value.status == 404
    assert not Vote.objects.exists()


def test_choice_from_another_poll_is_refused():
    """Another poll's choice is refused with a clear message before it reaches the database."""
    poll, other = make_poll(), make_poll()
    with pytest.raises(VoteRefused) as refused:
        poll_vote_cast(poll=poll, choice=choices(other)[0], voter=browser())
    assert refused.value.message == POLL_CHOICE_INVALID
    assert counts(poll) == [0, 0] and counts(other) == [0, 0]


def test_members_only_poll_refuses_anonymous_browsers():
    """With 비회원 투표 off, an anonymous browser is asked to sign in."""
    poll = make_poll(allow_anonymous=False)
    with pytest.raises(VoteRefused) as refused:
        poll_vote_cast(poll=poll, choice=choices(poll)[0], voter=browser())
    assert refused.value.message == POLL_SIGN_IN_REQUIRED and refused.value.status == 403
    poll_vote_cast(poll=poll, choice=choices(poll)[0], voter=member())
    assert counts(poll) == [1, 0]


def test_members_only_poll_asks_anonymous_readers_to_sign_in_even_when_closed():
    """The sign-in answer comes before the closing one: signing in is what the reader can do."""
    poll = make_poll(opens_at=timezone.now() - timedelta(days=1), allow_anonymous=False)
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    poll.refresh_from_db()
    assert poll_vote_refusal(poll, is_member=False).message == POLL_SIGN_IN_REQUIRED
    assert poll_vote_refusal(poll, is_member=True).message == POLL_CLOSED


def test_an_open_poll_on_a_public_article_takes_votes():
    """The one rule says yes for an open poll: nothing to refuse."""
    poll = make_poll()
    assert poll_vote_refusal(poll, is_member=False) is None


@pytest.mark.parametrize("raw", ["", "abc", "999999"])
def test_submitting_a_choice_not_of_this_poll_is_refused_with_the_poll(raw):
    """A made-up choice is refused with 400, and the refusal carries the poll for the answer."""
    poll = make_poll()
    with pytest.raises(VoteRefused) as refused:
        poll_vote_submit(
            article_id=poll.article_id, raw_choice=raw, voter=browser(), client_ip="198.51.100.8"
        )
    assert (refused.value.message, refused.value.status) == (POLL_CHOICE_INVALID, 400)
    assert refused.value.poll == poll
    assert counts(poll) == [0, 0]


def test_submitting_to_an_article_without_a_public_poll_is_not_found():
    """No poll, or a draft's poll: the same 404, whatever the choice."""
    draft = make_poll(make_article(status=Article.Status.DRAFT, published_at=None))
    for article_id in (draft.article_id, make_article().pk):
        with pytest.raises(VoteRefused) as refused:
            poll_vote_submit(
                article_id=article_id, raw_choice="x", voter=browser(), client_ip="198.51.100.9"
            )
        assert refused.value.status == 404
    assert not Vote.objects.exists()


def test_casting_a_vote_runs_at_most_six_queries():
    """A vote stays cheap: the service runs a handful of statements, first vote or change."""
    poll = make_poll()
    poll.article  # noqa: B018  (loaded with the poll in the view)
    pro, con = choices(poll)
    voter = browser()
    with CaptureQueriesContext(connection) as first:
        poll_vote_cast(poll=poll, choice=pro, voter=voter)
    with CaptureQueriesContext(connection) as change:
        poll_vote_cast(poll=poll, choice=con, voter=voter)
    assert len(first) <= 6 and len(change) <= 6


def test_sign_in_moves_the_browsers_vote_to_the_member():
    """Voting anonymously then signing in keeps the vote, now as the member's."""
    poll = make_poll()
    user = make_user()
    token = browser("signing-in")
    poll_vote_cast(poll=poll, choice=choices(poll)[1], voter=token)
    assert poll_votes_merge(anonymous_key=token.key, user=user) == 1
    vote = Vote.objects.get(poll=poll)
    assert (vote.voter_key, vote.user) == (f"u:{user.pk}", user)
    assert counts(poll) == [0, 1]


def test_sign_in_keeps_the_members_earlier_vote_and_drops_the_browsers():
    """A member who voted 찬성 at home and 반대 anonymously at work keeps 찬성; totals stay exact."""
    poll = make_poll()
    user = make_user()
    poll_vote_cast(poll=poll, choice=choices(poll)[0], voter=member(user))
    token = browser("work-pc")
    poll_vote_cast(poll=poll, choice=choices(poll)[1], voter=token)
    assert counts(poll) == [1, 1]
    poll_votes_merge(anonymous_key=token.key, user=user)
    assert counts(poll) == [1, 0]
    assert Vote.objects.get(poll=poll).voter_key == f"u:{user.pk}"
    assert_counters_match_rows(poll)


def test_a_dropped_browser_vote_leaves_the_changed_minds_count_too():
    """The browser had switched 찬성→반대; once its vote gives way to the member's, that
    reader is no longer counted in `마음을 바꾼 독자` either."""
    poll = make_poll()
    pro, con = choices(poll)
    user = make_user()
    poll_vote_cast(poll=poll, choice=con, voter=member(user))
    token = browser("cafe-pc")
    poll_vote_cast(poll=poll, choice=pro, voter=token)
    poll_vote_cast(poll=poll, choice=con, voter=token)
    pro.refresh_from_db()
    assert pro.switched_away_count == 1
    poll_votes_merge(anonymous_key=token.key, user=user)
    pro.refresh_from_db()
    assert counts(poll) == [0, 1] and pro.switched_away_count == 0
    assert_counters_match_rows(poll)


def test_sign_in_leaves_closed_polls_as_they_were():
    """A closed poll's final numbers do not move when an earlier voter signs in."""
    poll = make_poll(opens_at=timezone.now() - timedelta(days=2))
    user = make_user()
    poll_vote_cast(poll=poll, choice=choices(poll)[0], voter=member(user))
    token = browser()
    poll_vote_cast(poll=poll, choice=choices(poll)[1], voter=token)
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    assert poll_votes_merge(anonymous_key=token.key, user=user) == 0
    assert counts(poll) == [1, 1]


def test_signing_in_through_the_login_page_merges_the_browsers_vote(client):
    """A reader votes, then signs in on /accounts/login/: the vote is now the member's."""
    poll = make_poll()
    user = make_user("voter1", password="pick-a-strong-pass-42")
    client.post(f"/articles/{poll.article.pk}/poll/vote/", {"choice": choices(poll)[0].pk})
    assert Vote.objects.get().voter_key.startswith("a:")
    response = client.post(
        "/accounts/login/", {"username": "voter1", "password": "pick-a-strong-pass-42"}
    )
    assert response.status_code == 302
    vote = Vote.objects.get()
    assert (vote.voter_key, vote.user_id) == (f"u:{user.pk}", user.pk)


def test_recount_repairs_vote_counts_from_the_rows():
    """If a counter drifts (a manual SQL fix gone wrong), `manage.py recount` puts it back."""
    poll = make_poll()
    pro, con = choices(poll)
    for n in range(3):
        poll_vote_cast(poll=poll, choice=pro, voter=browser(f"r{n}"))
    Choice.objects.filter(pk=pro.pk).update(vote_count=40)
    Choice.objects.filter(pk=con.pk).update(vote_count=2)
    assert recount() == 2
    assert counts(poll) == [3, 0]
    assert recount() == 0


def test_recount_rebuilds_the_changed_minds_count_from_the_rows():
    """`마음을 바꾼 독자` has rows behind it too: each vote keeps its first choice."""
    poll = make_poll()
    pro, con = choices(poll)
    for n in range(2):
        poll_vote_cast(poll=poll, choice=pro, voter=browser(f"s{n}"))
        poll_vote_cast(poll=poll, choice=con, voter=browser(f"s{n}"))
    Choice.objects.filter(pk=pro.pk).update(switched_away_count=9)
    Choice.objects.filter(pk=con.pk).update(switched_away_count=1)
    assert recount() == 2
    pro.refresh_from_db()
    con.refresh_from_db()
    assert (pro.switched_away_count, con.switched_away_count) == (2, 0)
    assert_counters_match_rows(poll)


def test_final_result_is_frozen_once_at_closing():
    """After closing, `최종 결과` holds the numbers at that moment, however often it is asked for."""
    poll = make_poll(opens_at=timezone.now() - timedelta(days=2))
    pro, con = choices(poll)
    for n in range(5):
        poll_vote_cast(poll=poll, choice=pro, voter=browser(f"p{n}"))
    for n in range(3):
        poll_vote_cast(poll=poll, choice=con, voter=browser(f"c{n}"))
    assert poll_snapshot_freeze(poll=poll) is None  # still open
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    poll.refresh_from_db()
    snapshot = poll_snapshot_freeze(poll=poll)
    assert snapshot.total == 8
    assert snapshot.results == [
        {"label": "찬성", "count": 5, "percent": "62.5"},
        {"label": "반대", "count": 3, "percent": "37.5"},
    ]
    assert poll_snapshot_freeze(poll=poll).frozen_at == snapshot.frozen_at
    assert PollSnapshot.objects.count() == 1


def test_shares_print_with_one_decimal_and_add_up():
    """Three equal sides read 33.4 / 33.3 / 33.3, never 99.9 in total."""
    assert [format_tenths(t) for t in shares_in_tenths([5, 3])] == ["62.5", "37.5"]
    assert [format_tenths(t) for t in shares_in_tenths([1, 1, 1])] == ["33.4", "33.3", "33.3"]
    assert shares_in_tenths([0, 0]) == [0, 0]


@given(st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=6))
def test_shares_always_sum_to_exactly_100_percent(votes):
    """Whatever the counts, the printed percentages add up to 100.0 (or all 0.0 with no votes)."""
    tenths = shares_in_tenths(votes)
    total = sum(votes)
    assert sum(tenths) == (1000 if total else 0)
    if total:
        assert all(abs(t - v * 1000 / total) < 1 for t, v in zip(tenths, votes, strict=True))


def test_cards_show_total_votes_and_final_result_in_one_query(django_assert_num_queries):
    """Home cards read `투표 8` and, once closed, `최종 결과: 찬성 63%` (whole, as on the page); one query for all cards."""
    open_poll = make_poll()
    closed = make_poll(opens_at=timezone.now() - timedelta(days=2))
    for n in range(5):
        poll_vote_cast(poll=closed, choice=choices(closed)[0], voter=browser(f"p{n}"))
    for n in range(3):
        poll_vote_cast(poll=closed, choice=choices(closed)[1], voter=browser(f"c{n}"))
    poll_vote_cast(poll=open_poll, choice=choices(open_poll)[1], voter=browser())
    Poll.objects.filter(pk=closed.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    closed.refresh_from_db()
    poll_snapshot_freeze(poll=closed)
    no_poll = make_article()
    articles = list(
        Article.objects.filter(pk__in=[open_poll.article_id, closed.article_id, no_poll.pk])
    )
    from polls.cards import decorate

    for article in articles:
        article.card_badges = []
    with django_assert_num_queries(1):
        decorate(articles)
    badges = {a.pk: a.card_badges for a in articles}
    assert badges[open_poll.article_id] == ["투표 1"]
    assert badges[closed.article_id] == ["투표 8", "최종 결과: 찬성 63%"]
    assert badges[no_poll.pk] == []
    assert decorate_cards([]) == []


def test_demo_poll_is_created_once_with_no_votes():
    """`load_demo` twice leaves one poll `메타 AI 신뢰도 회복 가능할까?` with 찬성/반대 and no votes."""
    article = make_article()
    demo.load_demo({"meta-llama4-crisis": article})
    demo.load_demo({"meta-llama4-crisis": article})
    poll = Poll.objects.get()
    assert poll.question == "메타 AI 신뢰도 회복 가능할까?"
    assert poll.opens_at == article.published_at
    assert [c.label for c in poll.choices.all()] == ["찬성", "반대"]
    assert counts(poll) == [0, 0] and not Vote.objects.exists()
