import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.tests.helpers import assert_in_order
from polls.models import Poll, Vote
from polls.results import TREND_MIN_VOTES
from polls.sections import TREND_NOT_YET
from polls.services import (
    POLL_CHOICE_INVALID,
    POLL_CLOSED,
    POLL_NOT_OPEN,
    POLL_RATE_LIMITED,
    POLL_SIGN_IN_REQUIRED,
    POLL_UNCHANGED,
    poll_vote_cast,
)

from .factories import browser, choices, make_article, make_poll, make_user, member, writes

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def vote_url(poll) -> str:
    return reverse("polls:vote", args=[poll.article_id])


def counts(poll) -> list[int]:
    return [c.vote_count for c in poll.choices.order_by("order")]


def page(client, poll) -> str:
    response = client.get(poll.article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def poll_html(html: str) -> str:
    start = html.index('<section id="poll"')
    return html[start : html.index("</section>", start)]


def assert_nothing_changed(poll):
    poll.refresh_from_db()
    assert counts(poll) == [0, 0]
    assert not Vote.objects.filter(poll=poll).exists()


def test_vote_without_javascript_redirects_back_to_the_poll(client):
    """A plain form POST records the vote and brings the reader back to `#poll` (PRG)."""
    poll = make_poll()
    response = client.post(vote_url(poll), {"choice": choices(poll)[0].pk})
    assert response.status_code == 302
    assert response["Location"] == f"{poll.article.get_absolute_url()}#poll"
    assert counts(poll) == [1, 0]
    cookie = response.cookies["aipick_voter"]
    assert cookie["httponly"] and cookie["max-age"] >= 365 * 24 * 3600
    html = poll_html(page(client, poll))
    assert "총 투표수: <strong>1</strong>" in html
    assert "찬성 100% (1표)" in html
    assert 'aria-pressed="true"' in html and "내 선택" in html


def test_vote_with_htmx_swaps_the_poll_box_in_place(client):
    """With JavaScript the box comes back with the results and an announcement for screen readers."""
    poll = make_poll()
    response = client.post(vote_url(poll), {"choice": choices(poll)[1].pk}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="poll-box"')
    assert "총 투표수: <strong>1</strong>" in html
    assert "반대 100% (1표)" in html
    assert 'hx-swap-oob="innerHTML"' in html and "반대에 투표했습니다." in html
    assert "<html" not in html


def test_second_browser_sees_the_split(client):
    """Two browsers voting 찬성 and 반대 each see 50% / 50%."""
    poll = make_poll()
    client.post(vote_url(poll), {"choice": choices(poll)[0].pk})
    other = Client()
    other.post(vote_url(poll), {"choice": choices(poll)[1].pk})
    html = poll_html(page(other, poll))
    assert "찬성 50% (1표)" in html and "반대 50% (1표)" in html


def test_changing_the_vote_and_repeating_it(client):
    """Voting 찬성, then 반대, then 반대 again: one vote on 반대, one change; the repeat is told
    it changed nothing, and the page shows no count of refused attempts."""
    poll = make_poll()
    pro, con = choices(poll)
    client.post(vote_url(poll), {"choice": pro.pk})
    client.post(vote_url(poll), {"choice": con.pk})
    response = client.post(vote_url(poll), {"choice": con.pk}, **HTMX)
    assert POLL_UNCHANGED.format(label="반대") in response.content.decode()
    assert counts(poll) == [0, 1]
    html = poll_html(page(client, poll))
    assert "마음을 바꾼 독자 1명 (찬성→반대 1)" in html
    assert "반대→찬성" not in html  # a side nobody left is not listed
    assert "차단" not in html


def test_repeating_the_same_vote_writes_nothing_and_renders_no_page_again(
    client, django_capture_on_commit_callbacks
):
    """Clicking 찬성 again costs no database write and leaves every reader's kept page as it is."""
    poll = make_poll()
    pro = choices(poll)[0]
    client.post(vote_url(poll), {"choice": pro.pk})
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks() as token_moves,
    ):
        response = client.post(vote_url(poll), {"choice": pro.pk})
    assert response.status_code == 302
    assert writes(queries) == [] and token_moves == []
    assert counts(poll) == [1, 0]


def test_a_tampered_voter_cookie_counts_as_a_new_browser(client):
    """Editing the cookie by hand cannot take over someone else's vote."""
    poll = make_poll()
    poll_vote_cast(poll=poll, choice=choices(poll)[0], voter=browser("victim"))
    client.cookies["aipick_voter"] = "victim"
    client.post(vote_url(poll), {"choice": choices(poll)[1].pk})
    assert counts(poll) == [1, 1]
    assert Vote.objects.get(voter_key="a:victim").choice_id == choices(poll)[0].ref


def test_get_to_the_vote_url_is_405(client):
    """Opening the vote address in a browser changes nothing."""
    poll = make_poll()
    response = client.get(vote_url(poll), {"choice": choices(poll)[0].pk})
    assert response.status_code == 405
    assert_nothing_changed(poll)


@pytest.mark.parametrize("raw", ["abc", "", "999999", "-1", "1.5", "1e3", "９"])
def test_nonexistent_or_non_numeric_choice_is_400(client, raw):
    """A made-up choice gets a clear Korean message and no vote."""
    poll = make_poll()
    response = client.post(vote_url(poll), {"choice": raw})
    assert response.status_code == 400
    assert POLL_CHOICE_INVALID in response.content.decode()
    assert_nothing_changed(poll)


def test_choice_from_another_poll_is_400(client):
    """Sending poll B's choice to poll A's address is refused; neither poll changes."""
    poll, other = make_poll(), make_poll()
    response = client.post(vote_url(poll), {"choice": choices(other)[0].pk})
    assert response.status_code == 400
    assert POLL_CHOICE_INVALID in response.content.decode()
    assert_nothing_changed(poll)
    assert_nothing_changed(other)


def test_closed_poll_refuses_and_shows_final_results(client):
    """After closing, a vote is refused; the page shows results, `투표가 마감되었습니다` and `최종 결과`."""
    poll = make_poll(opens_at=timezone.now() - timedelta(days=2))
    poll_vote_cast(poll=poll, choice=choices(poll)[0], voter=browser())
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    response = client.post(vote_url(poll), {"choice": choices(poll)[1].pk})
    assert response.status_code == 409
    assert POLL_CLOSED in response.content.decode()
    assert counts(poll) == [1, 0]
    html = poll_html(page(client, poll))
    assert "투표가 마감되었습니다" in html
    assert "찬성 100% (1표)" in html
    assert "최종 결과" in html
    assert "<button" not in html


def test_not_yet_open_poll_is_hidden_and_refuses_votes(client):
    """A scheduled poll is not on the page, and a crafted vote is refused."""
    poll = make_poll(opens_at=timezone.now() + timedelta(hours=2))
    assert 'id="poll"' not in page(client, poll)
    response = client.post(vote_url(poll), {"choice": choices(poll)[0].pk})
    assert response.status_code == 409
    assert POLL_NOT_OPEN in response.content.decode()
    assert_nothing_changed(poll)


def test_draft_articles_poll_is_404(client):
    """A draft article's poll cannot be voted on, even by someone who knows its address."""
    poll = make_poll(make_article(status=Article.Status.DRAFT, published_at=None))
    response = client.post(vote_url(poll), {"choice": choices(poll)[0].pk})
    assert response.status_code == 404
    assert_nothing_changed(poll)


def test_missing_csrf_token_is_403():
    """A vote from another site's form (no CSRF token) is refused."""
    poll = make_poll()
    client = Client(enforce_csrf_checks=True)
    response = client.post(vote_url(poll), {"choice": choices(poll)[0].pk})
    assert response.status_code == 403
    assert_nothing_changed(poll)


def test_csrf_token_from_the_page_is_accepted():
    """The form on the page carries its CSRF token, so a real reader's vote goes through."""
    poll = make_poll()
    client = Client(enforce_csrf_checks=True)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page(client, poll))[1]
    response = client.post(
        vote_url(poll), {"choice": choices(poll)[0].pk, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert counts(poll) == [1, 0]


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "multipart"])
def test_five_megabyte_body_is_refused(client, content_type):
    """A 5 MB request is turned away with a 4xx before anything is counted."""
    poll = make_poll()
    padding = "x" * (5 * 1024 * 1024)
    if content_type == "multipart":
        response = client.post(vote_url(poll), {"choice": choices(poll)[0].pk, "pad": padding})
    else:
        body = f"choice={choices(poll)[0].pk}&pad={padding}"
        response = client.post(vote_url(poll), body, content_type=content_type)
    assert 400 <= response.status_code < 500
    assert_nothing_changed(poll)


def test_anonymous_votes_are_rate_limited_per_ip(client, settings):
    """The 3rd vote a minute from one address (limit 2) gets 429 in Korean and counts nothing."""
    settings.POLL_RATE_LIMIT = "2/minute"
    poll = make_poll()
    for _ in range(2):
        Client().post(vote_url(poll), {"choice": choices(poll)[0].pk})
    response = Client().post(vote_url(poll), {"choice": choices(poll)[0].pk})
    assert response.status_code == 429
    assert POLL_RATE_LIMITED in response.content.decode()
    assert counts(poll) == [2, 0]
    elsewhere = Client(REMOTE_ADDR="203.0.113.9")
    assert elsewhere.post(vote_url(poll), {"choice": choices(poll)[1].pk}).status_code == 302


def test_a_members_votes_are_rate_limited_wherever_they_vote_from(settings):
    """A member flipping sides in a loop gets 429 from any address; other members are not held up."""
    settings.POLL_RATE_LIMIT = "2/minute"
    poll = make_poll()
    pro, con = choices(poll)
    flipper = make_user()
    for address, choice in (("198.51.100.1", pro), ("198.51.100.2", con)):
        signed_in = Client(REMOTE_ADDR=address)
        signed_in.force_login(flipper)
        assert signed_in.post(vote_url(poll), {"choice": choice.pk}).status_code == 302
    elsewhere = Client(REMOTE_ADDR="198.51.100.3")
    elsewhere.force_login(flipper)
    response = elsewhere.post(vote_url(poll), {"choice": pro.pk})
    assert response.status_code == 429 and POLL_RATE_LIMITED in response.content.decode()
    assert counts(poll) == [0, 1]
    neighbour = Client(REMOTE_ADDR="198.51.100.3")
    neighbour.force_login(make_user())
    assert neighbour.post(vote_url(poll), {"choice": pro.pk}).status_code == 302


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["form", "htmx"])
def test_votes_past_the_limit_write_nothing_and_render_no_page_again(
    settings, django_capture_on_commit_callbacks, headers
):
    """A flood past the limit is refused in Korean without a database write or a token move,
    so it neither slows the database nor makes every reader's page render again."""
    settings.POLL_RATE_LIMIT = "1/minute"
    poll = make_poll()
    flooder = Client(REMOTE_ADDR="198.51.100.40")
    flooder.post(vote_url(poll), {"choice": choices(poll)[0].pk})
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks() as token_moves,
    ):
        responses = [
            flooder.post(vote_url(poll), {"choice": choices(poll)[1].pk}, **headers)
            for _ in range(3)
        ]
    for response in responses:
        assert response.status_code == (200 if headers else 429)
        assert POLL_RATE_LIMITED in response.content.decode()
    assert writes(queries) == [] and token_moves == []
    assert counts(poll) == [1, 0]
    assert "차단" not in poll_html(page(Client(), poll))


def test_a_members_vote_fails_closed_without_the_rate_limit_store(settings):
    """With Redis down a member's vote gets the Korean 503 too, and nothing is counted."""
    from aipick.ratelimit import RATE_LIMIT_UNAVAILABLE

    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6390/14",  # nothing listens: a stopped Redis
        },
    }
    poll = make_poll()
    signed_in = Client()
    signed_in.force_login(make_user())
    response = signed_in.post(vote_url(poll), {"choice": choices(poll)[0].pk})
    assert response.status_code == 503 and RATE_LIMIT_UNAVAILABLE in response.content.decode()
    assert counts(poll) == [0, 0]


def test_rate_limit_never_keeps_the_raw_ip():
    """Only a keyed hash of the address reaches the rate-limit store."""
    from unittest import mock

    from aipick import ratelimit

    poll = make_poll()
    with mock.patch.object(ratelimit, "attempt", wraps=ratelimit.attempt) as attempt:
        Client(REMOTE_ADDR="198.51.100.23").post(vote_url(poll), {"choice": choices(poll)[0].pk})
    keys = [key for call in attempt.call_args_list for key, _limit, _window in call.args[0]]
    assert keys and not any("198.51.100.23" in key for key in keys)


def test_members_only_poll_asks_anonymous_readers_to_sign_in(client):
    """With 비회원 투표 off, anonymous readers see a sign-in link instead of buttons; a crafted vote is 403."""
    poll = make_poll(allow_anonymous=False)
    html = poll_html(page(client, poll))
    assert "<button" not in html
    assert f"/accounts/login/?next=/articles/{poll.article_id}/%23poll" in html
    response = client.post(vote_url(poll), {"choice": choices(poll)[0].pk})
    assert response.status_code == 403
    assert POLL_SIGN_IN_REQUIRED in response.content.decode()
    assert_nothing_changed(poll)
    client.force_login(make_user())
    assert client.post(vote_url(poll), {"choice": choices(poll)[0].pk}).status_code == 302
    assert counts(poll) == [1, 0]


def test_member_vote_is_the_same_on_every_device():
    """A member who voted on a phone sees their choice marked on a laptop."""
    poll = make_poll()
    user = make_user()
    phone, laptop = Client(), Client()
    phone.force_login(user)
    laptop.force_login(user)
    phone.post(vote_url(poll), {"choice": choices(poll)[1].pk})
    html = poll_html(page(laptop, poll))
    assert '반대 100% (1표) <span class="poll-result__mine">· 내 선택</span>' in html


def test_section_before_voting_shows_question_buttons_total_and_honesty(client):
    """A new reader sees the question, 찬성/반대 buttons, 총 투표수, and what the poll honestly is."""
    poll = make_poll()
    poll_vote_cast(poll=poll, choice=choices(poll)[0], voter=browser())
    html = poll_html(page(client, poll))
    assert "찬/반 투표" in html and poll.question in html
    assert re.search(r"<button[^>]*>찬성</button>", html)
    assert re.search(r"<button[^>]*>반대</button>", html)
    assert "총 투표수: <strong>1</strong>" in html
    assert "독자 반응 (과학적 여론조사 아님) · 브라우저당 1회" in html
    assert "차단" not in html  # refused attempts are for editors (the poll's admin page)
    assert "%" not in html  # results come after voting (the default)
    assert 'aria-live="polite"' in html
    assert "style=" not in html and "<script" not in html


def test_total_heads_the_box_above_the_question(client):
    """As on the seed page: 찬/반 투표, then 총 투표수, then the question and its buttons."""
    poll = make_poll()
    client.post(vote_url(poll), {"choice": choices(poll)[0].pk})
    html = poll_html(page(client, poll))
    assert_in_order(html, ["찬/반 투표", "총 투표수: <strong>1</strong>", poll.question, ">찬성"])
    assert_in_order(html, [poll.question, "찬성 100% (1표)"])


def test_changed_minds_line_shows_only_when_someone_changed(client):
    """Nobody switched: no `마음을 바꾼 독자` line at all; one switch: the line appears."""
    poll = make_poll()
    pro, con = choices(poll)
    client.post(vote_url(poll), {"choice": pro.pk})
    Client().post(vote_url(poll), {"choice": con.pk})
    html = poll_html(page(client, poll))
    assert "찬성 50% (1표)" in html
    assert "마음을 바꾼" not in html and "poll__switches" not in html
    client.post(vote_url(poll), {"choice": con.pk})
    html = poll_html(page(client, poll))
    assert "마음을 바꾼 독자 1명 (찬성→반대 1)" in html


def test_closed_poll_reads_whole_percentages_and_no_trend_promise(client):
    """The final result reads whole percents adding up to 100 (a tie in the remainders goes
    to the earlier side: 5 and 3 votes → 63% and 37%); a closed poll promises no chart."""
    poll = make_poll(results_visibility="always", opens_at=timezone.now() - timedelta(days=2))
    pro, con = choices(poll)
    for n in range(5):
        poll_vote_cast(poll=poll, choice=pro, voter=browser(f"p{n}"))
    for n in range(3):
        poll_vote_cast(poll=poll, choice=con, voter=browser(f"c{n}"))
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    poll.refresh_from_db()
    html = poll_html(page(client, poll))
    assert "찬성 63% (5표)" in html and "반대 37% (3표)" in html
    assert "찬성 63% (5표) · 반대 37% (3표) · 총 8표" in html
    assert ".5%" not in html and TREND_NOT_YET not in html


@pytest.mark.parametrize(
    ("visibility", "shows_before_vote", "shows_after_vote"),
    [("after_vote", False, True), ("always", True, True), ("after_close", False, False)],
)
def test_editors_choose_when_results_show(client, visibility, shows_before_vote, shows_after_vote):
    """Results appear after voting, always, or only after closing, as the editor chose."""
    poll = make_poll(results_visibility=visibility)
    poll_vote_cast(poll=poll, choice=choices(poll)[0], voter=browser())
    assert ("찬성 100%" in poll_html(page(client, poll))) is shows_before_vote
    client.post(vote_url(poll), {"choice": choices(poll)[0].pk})
    html = poll_html(page(client, poll))
    assert ("찬성 100%" in html) is shows_after_vote
    if visibility == "after_close":
        assert "결과는 투표가 마감된 뒤에 공개됩니다." in html


def test_trend_chart_is_svg_with_a_text_alternative(client):
    """The share trend is drawn on the server as SVG, with a title, description and a table."""
    poll = make_poll(results_visibility="always", opens_at=timezone.now() - timedelta(days=2))
    for n in range(3):
        poll_vote_cast(poll=poll, choice=choices(poll)[n % 2], voter=browser(f"t{n}"))
    first = Vote.objects.filter(poll=poll).order_by("id").first()
    Vote.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(days=1))
    html = poll_html(page(client, poll))
    assert '<svg class="poll-trend__chart"' in html and "<polyline" in html
    assert "<desc" in html and "지금 찬성 67%, 반대 33%" in html
    assert "추이를 표로 보기" in html and "<td>67% (2표)</td>" in html
    assert TREND_NOT_YET not in html


def test_one_vote_gets_a_line_instead_of_a_trend_chart(client):
    """With one vote there is nothing to draw: one line says the chart comes with more votes."""
    poll = make_poll(results_visibility="always")
    poll_vote_cast(poll=poll, choice=choices(poll)[0], voter=browser())
    html = poll_html(page(client, poll))
    assert "poll-trend__chart" not in html and "추이를 표로 보기" not in html
    assert html.count(TREND_NOT_YET) == 1


def test_trend_chart_appears_once_twenty_votes_span_three_hours(client):
    """Twenty votes cast over three hourly buckets draw the chart (the boundary, nineteen
    votes on one day, is in test_results)."""
    now = timezone.now()
    poll = make_poll(results_visibility="always", opens_at=now - timedelta(hours=3))
    for n in range(TREND_MIN_VOTES):
        poll_vote_cast(poll=poll, choice=choices(poll)[n % 2], voter=browser(f"h{n}"))
    for n, pk in enumerate(Vote.objects.filter(poll=poll).values_list("pk", flat=True)):
        Vote.objects.filter(pk=pk).update(created_at=now - timedelta(hours=n % 3))
    html = poll_html(page(client, poll))
    assert '<svg class="poll-trend__chart"' in html and TREND_NOT_YET not in html


def test_article_page_with_the_poll_stays_within_nine_queries(
    client, django_assert_max_num_queries
):
    """The article page with its poll section (and a returning voter) needs at most 9 queries
    (the 9th: the `후속기사 원해요` button's follow-up link)."""
    poll = make_poll(results_visibility="always")
    for n in range(4):
        poll_vote_cast(poll=poll, choice=choices(poll)[n % 2], voter=browser(f"q{n}"))
    client.post(vote_url(poll), {"choice": choices(poll)[0].pk})
    client.get(poll.article.get_absolute_url())  # warm the navigation cache
    with django_assert_max_num_queries(9):
        response = client.get(poll.article.get_absolute_url())
    assert "찬성 60% (3표)" in response.content.decode()


def test_a_new_browsers_first_vote_looks_nothing_up(client, django_assert_num_queries):
    """A browser without a voter cookie cannot have voted: find the choice, insert, count,
    with no lookup of an earlier vote (plus SAVEPOINT/RELEASE inside the test's transaction)."""
    poll = make_poll()
    pro, _ = choices(poll)
    with django_assert_num_queries(5):
        response = client.post(vote_url(poll), {"choice": pro.pk})
    assert response.status_code == 302
    assert counts(poll) == [1, 0]
    assert Vote.objects.count() == 1


def test_home_cards_show_total_votes(client):
    """Each home card with a poll says how many votes it has."""
    poll = make_poll()
    poll_vote_cast(poll=poll, choice=choices(poll)[0], voter=member())
    assert "투표 1" in client.get("/").content.decode()


def test_a_vote_post_runs_at_most_six_queries(client, django_assert_max_num_queries):
    """The whole vote request — finding the choice, locking, writing, counting — stays within 6 queries.

    (Inside the test's transaction the service's atomic block adds SAVEPOINT/RELEASE; a live
    request runs 4.)"""
    poll = make_poll()
    pro, con = choices(poll)
    with django_assert_max_num_queries(6):
        response = client.post(vote_url(poll), {"choice": pro.pk})
    assert response.status_code == 302
    with django_assert_max_num_queries(6):
        client.post(vote_url(poll), {"choice": con.pk})
    assert counts(poll) == [0, 1]
