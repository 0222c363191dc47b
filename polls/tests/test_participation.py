"""참여자 구성: who took part, split by what the site knows, with small groups as `표본 부족`."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import modify_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from polls import participation as participation_module
from polls.models import Poll, Vote
from polls.participation import (
    COMMENTERS_TITLE,
    TOO_FEW,
    commenter_counter,
    participation,
    participation_from_rows,
)
from polls.sections import load_poll, poll_box_context
from polls.services import poll_vote_cast

from .factories import browser, choices, make_poll, make_user, member

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


def vote(poll, side: int, voter) -> None:
    poll_vote_cast(poll=poll, choice=choices(poll)[side], voter=voter)


def members_joined(poll, n: int, *, age: timedelta, side: int = 0, now=NOW) -> None:
    for _ in range(n):
        user = make_user()
        get_user_model().objects.filter(pk=user.pk).update(date_joined=now - age)
        vote(poll, side, member(user))


def browsers(poll, n: int, *, side: int = 0) -> None:
    for _ in range(n):
        vote(poll, side, browser())


def groups(poll, **kwargs) -> dict:
    """{label: group} over the voters' splits (the commenters' reuse the tenure labels)."""
    result = participation(poll, **kwargs)
    voters = [s for s in result["splits"] if s["title"] != COMMENTERS_TITLE]
    return {g.label: g for split in voters for g in split["groups"]}


def commenter_groups(poll, **kwargs) -> dict | None:
    """{label: group} of the commenters split, or None when there is none."""
    poll = Poll.objects.get(pk=poll.pk)  # the article as it is now, with its comment count
    result = participation(poll, **kwargs)
    split = next((s for s in result["splits"] if s["title"] == COMMENTERS_TITLE), None)
    return None if split is None else {g.label: g for g in split["groups"]}


def comments_by(poll, n: int, *, age: timedelta, each: int = 1, now=NOW, **extra) -> None:
    """`n` new members, joined `age` ago, each leaving `each` comments on the poll's article.

    The end-to-end check of the wiring needs comments' rows: only the tests import comments.
    """
    from comments.tests.factories import make_comment

    for _ in range(n):
        user = make_user()
        get_user_model().objects.filter(pk=user.pk).update(date_joined=now - age)
        for _ in range(each):
            make_comment(article=poll.article, author=user, **extra)


def poll_html(client, poll) -> str:
    html = client.get(poll.article.get_absolute_url()).content.decode()
    start = html.index('<section id="poll"')
    return html[start : html.index("</section>", start)]


def test_nineteen_members_are_too_few_and_twenty_get_a_percentage():
    """A group of 19 shows no number at all; at 20 it shows its count and share."""
    poll = make_poll()
    members_joined(poll, 19, age=timedelta(days=30))
    browsers(poll, 20)
    few = groups(poll, now=NOW)["회원"]
    assert few.count is None and few.percent is None and few.sides == ()

    members_joined(poll, 1, age=timedelta(days=30))
    enough = groups(poll, now=NOW)["회원"]
    assert (enough.count, enough.percent) == (20, "50.0")
    assert enough.sides == ("100.0", "0.0")


def test_the_threshold_is_a_setting(settings):
    """`POLL_BREAKDOWN_MIN_GROUP` moves the line between a share and `표본 부족`."""
    settings.POLL_BREAKDOWN_MIN_GROUP = 3
    poll = make_poll()
    browsers(poll, 3, side=1)
    browsers(poll, 1)
    group = groups(poll)["비회원 브라우저"]
    assert (group.count, group.percent, group.sides) == (4, "100.0", ("25.0", "75.0"))


def test_members_and_browsers_are_told_apart_by_how_they_voted():
    """Member accounts and browsers without one are separate groups, each with its sides."""
    poll = make_poll()
    members_joined(poll, 30, age=timedelta(days=400), side=1)
    browsers(poll, 10, side=1)
    browsers(poll, 10, side=0)
    by_label = groups(poll, now=NOW)
    assert (by_label["회원"].count, by_label["회원"].percent) == (30, "60.0")
    assert by_label["회원"].sides == ("0.0", "100.0")
    assert (by_label["비회원 브라우저"].count, by_label["비회원 브라우저"].percent) == (20, "40.0")
    assert by_label["비회원 브라우저"].sides == ("50.0", "50.0")
    assert by_label["1년 이상"].count == 30
    assert "탈퇴한 회원" not in by_label


def test_a_deleted_members_vote_stays_a_member_vote_of_unknown_tenure():
    """Deleting an account keeps its vote among members, not among browsers."""
    poll = make_poll()
    members_joined(poll, 20, age=timedelta(days=30))
    get_user_model().objects.filter(poll_votes__poll=poll).delete()
    by_label = groups(poll, now=NOW)
    assert by_label["회원"].count == 20
    assert by_label["탈퇴한 회원"].count == 20
    assert by_label["비회원 브라우저"].count is None


@pytest.mark.parametrize(
    ("age", "bucket"),
    [
        (timedelta(days=6, hours=23), "가입 1주 미만"),
        (timedelta(days=7), "1년 미만"),
        (timedelta(days=364), "1년 미만"),
        (timedelta(days=365), "1년 이상"),
    ],
)
@pytest.mark.parametrize("who", ["voters", "commenters"])
def test_tenure_buckets_at_their_edges(age, bucket, who):
    """Under 7 days is a new member; exactly 7 days is not; 365 days is a year — for the
    voting members and for the commenters alike."""
    poll = make_poll()
    if who == "voters":
        members_joined(poll, 20, age=age)
        by_label = groups(poll, now=NOW)
    else:
        comments_by(poll, 20, age=age)
        by_label = commenter_groups(poll, now=NOW)
    assert (by_label[bucket].count, by_label[bucket].percent) == (20, "100.0")
    others = {"가입 1주 미만", "1년 미만", "1년 이상"} - {bucket}
    assert all(by_label[label].count is None for label in others)


def test_tenure_is_measured_from_now():
    """The same member moves from `가입 1주 미만` to `1년 미만` as days pass."""
    poll = make_poll()
    members_joined(poll, 20, age=timedelta(days=6))
    assert groups(poll, now=NOW)["가입 1주 미만"].count == 20
    assert groups(poll, now=NOW + timedelta(days=1))["1년 미만"].count == 20


def test_the_page_shows_the_breakdown_under_the_result(client):
    """Readers see `참여자 구성` with shares for big groups and `표본 부족` for small ones."""
    poll = make_poll(results_visibility=Poll.ResultsVisibility.ALWAYS)
    browsers(poll, 20)
    members_joined(poll, 3, age=timedelta(days=3), now=timezone.now())
    html = poll_html(client, poll)
    assert "참여자 구성" in html
    assert "사이트가 아는 정보만으로" in html
    assert "<td>20명 (87.0%)</td><td>100.0%</td><td>0.0%</td>" in html
    member_row = re.search(r"<th scope=\"row\">회원</th>\s*(.*?)</tr>", html, re.S).group(1)
    assert TOO_FEW in member_row
    assert "%" not in member_row and "명" not in member_row.replace("표본 부족", "")
    assert html.index("투표 결과") < html.index("참여자 구성")


def test_the_breakdown_stays_hidden_while_results_are(client):
    """Before voting (after-vote poll) or before closing (after-close poll), no breakdown."""
    after_vote = make_poll()
    browsers(after_vote, 25)
    assert "참여자 구성" not in poll_html(client, after_vote)

    after_close = make_poll(results_visibility=Poll.ResultsVisibility.AFTER_CLOSE)
    browsers(after_close, 25)
    response = client.post(
        reverse("polls:vote", args=[after_close.article_id]),
        {"choice": choices(after_close)[0].pk},
    )
    assert response.status_code == 302
    html = poll_html(client, after_close)
    assert "결과는 투표가 마감된 뒤에 공개됩니다" in html
    assert "참여자 구성" not in html


def test_the_page_and_participation_count_alike_across_hours(rf):
    """The page adds the groups up from the trend's rows (one per hour and choice); the
    result is the same as `participation()` counting them on its own."""
    poll = make_poll(results_visibility=Poll.ResultsVisibility.ALWAYS)
    members_joined(poll, 24, age=timedelta(days=3), now=timezone.now())
    browsers(poll, 21, side=1)
    for n, pk in enumerate(Vote.objects.filter(poll=poll).values_list("pk", flat=True)):
        Vote.objects.filter(pk=pk).update(created_at=timezone.now() - timedelta(minutes=7 * n))
    request = rf.get("/")
    request.user = AnonymousUser()
    context = poll_box_context(request, load_poll(poll.article))
    assert context["breakdown"] == participation(poll)
    assert len(context["trend"]["rows"]) > 1


def test_no_breakdown_without_votes(client):
    """An empty poll shows no table of empty groups."""
    poll = make_poll(results_visibility=Poll.ResultsVisibility.ALWAYS)
    assert "참여자 구성" not in poll_html(client, poll)


def test_the_section_costs_the_same_queries_for_5_or_50_voters(client, django_assert_num_queries):
    """The breakdown is one aggregate: more voters never mean more queries."""
    poll = make_poll(results_visibility=Poll.ResultsVisibility.ALWAYS)
    members_joined(poll, 3, age=timedelta(days=3), now=timezone.now())
    browsers(poll, 2)
    poll_html(
        client, poll
    )  # the first page also makes the version tokens and the header's categories
    with CaptureQueriesContext(connection) as five:
        assert "참여자 구성" in poll_html(client, poll)

    members_joined(poll, 30, age=timedelta(days=300), now=timezone.now())
    browsers(poll, 15, side=1)
    with django_assert_num_queries(len(five)):
        html = poll_html(client, poll)
    assert "33명" in html


def test_nineteen_commenters_are_too_few_and_twenty_get_a_percentage():
    """Commenters follow the same rule: 19 members of a tenure show no number, 20 do."""
    poll = make_poll()
    comments_by(poll, 19, age=timedelta(days=30))
    few = commenter_groups(poll, now=NOW)
    assert all(g.count is None and g.percent is None for g in few.values())

    comments_by(poll, 1, age=timedelta(days=30))
    enough = commenter_groups(poll, now=NOW)["1년 미만"]
    assert (enough.count, enough.percent, enough.sides) == (20, "100.0", ())


def test_commenters_are_distinct_authors_of_visible_comments():
    """Three comments by one member count once; hidden and deleted comments don't count."""
    poll = make_poll()
    comments_by(poll, 20, age=timedelta(days=400), each=3)
    comments_by(poll, 5, age=timedelta(days=400), status="hidden")
    comments_by(poll, 5, age=timedelta(days=400), status="deleted")
    other = make_poll()
    comments_by(other, 5, age=timedelta(days=400))
    by_label = commenter_groups(poll, now=NOW)
    assert (by_label["1년 이상"].count, by_label["1년 이상"].percent) == (20, "100.0")


def test_the_commenter_counter_is_the_one_comments_registers():
    """comments hands polls its counter in `ready()`; polls holds no other."""
    from comments.participation import commenter_tenure_counts

    assert commenter_counter() is commenter_tenure_counts


def test_no_commenters_split_without_a_registered_counter(monkeypatch):
    """With no app offering commenters, the breakdown is the voters' splits alone."""
    monkeypatch.setattr(participation_module, "COMMENTER_COUNTERS", {})
    poll = make_poll()
    comments_by(poll, 20, age=timedelta(days=30))
    assert commenter_counter() is None
    assert commenter_groups(poll, now=NOW) is None
    assert len(participation(poll, now=NOW)["splits"]) == 2


def test_no_commenters_split_when_comments_is_not_installed():
    """The registration stays, but an app no longer installed is not asked."""
    with modify_settings(INSTALLED_APPS={"remove": ["comments"]}):
        assert commenter_counter() is None
    assert commenter_counter() is not None


def test_the_page_shows_commenters_under_the_voters(client):
    """Readers see `댓글 참여 회원` after the voters' groups, one cell across the sides."""
    poll = make_poll(results_visibility=Poll.ResultsVisibility.ALWAYS)
    browsers(poll, 20)
    comments_by(poll, 20, age=timedelta(days=400), now=timezone.now())
    comments_by(poll, 2, age=timedelta(days=1), now=timezone.now())
    html = poll_html(client, poll)
    assert html.index("회원 가입 기간 (회원 투표 중)") < html.index(COMMENTERS_TITLE)
    commenters = html[html.index(COMMENTERS_TITLE) :]
    assert '<td colspan="3">20명 (90.9%)</td>' in commenters
    new_row = re.search(r"<th scope=\"row\">가입 1주 미만</th>\s*(.*?)</tr>", commenters, re.S)
    assert TOO_FEW in new_row.group(1) and "명" not in new_row.group(1).replace(TOO_FEW, "")


def test_the_section_costs_the_same_queries_for_5_or_50_commenters(
    client, django_assert_num_queries
):
    """Commenters are one aggregate too: more of them never mean more queries (once the
    article has 20 comments: with fewer, see the next test)."""
    poll = make_poll(results_visibility=Poll.ResultsVisibility.ALWAYS)
    browsers(poll, 3)
    comments_by(poll, 5, age=timedelta(days=3), each=4, now=timezone.now())  # 20 comments
    poll_html(client, poll)  # the first page also makes the version tokens and categories
    with CaptureQueriesContext(connection) as five:
        assert COMMENTERS_TITLE in poll_html(client, poll)

    comments_by(poll, 45, age=timedelta(days=300), now=timezone.now(), each=2)
    with django_assert_num_queries(len(five)):
        html = poll_html(client, poll)
    assert "45명 (90.0%)" in html


def test_fewer_comments_than_the_minimum_ask_nothing(django_assert_num_queries):
    """19 visible comments cannot make a group of 20 commenters: all `표본 부족`, no query."""
    poll = load_poll(make_poll().article)
    comments_by(poll, 1, age=timedelta(days=30), each=19)
    comments_by(poll, 1, age=timedelta(days=30), status="hidden")
    poll.article.refresh_from_db()
    with django_assert_num_queries(0):
        breakdown = participation_from_rows(poll.choice_list, [], now=NOW)
    (split,) = [s for s in breakdown["splits"] if s["title"] == COMMENTERS_TITLE]
    assert [g.count for g in split["groups"]] == [None, None, None]
