"""The saved list's `투표 마감 · 찬성 62%`: a poll that closed since the member last looked."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Save
from articles.services import article_save_toggle
from polls.models import Poll
from polls.results import POLL_CLOSED_LINE, closed_result_line
from polls.services import poll_snapshot_freeze, poll_vote_cast

from .factories import browser, choices, make_article, make_poll, make_user

pytestmark = pytest.mark.django_db


def cast(poll, label, n):
    choice = next(c for c in choices(poll) if c.label == label)
    for _ in range(n):
        poll_vote_cast(poll=poll, choice=choice, voter=browser())


def saved_page(client) -> str:
    return client.get(reverse("saved")).content.decode()


@pytest.fixture
def member(client):
    user = make_user()
    client.force_login(user)
    return user


def close(poll, *, ago=timedelta(minutes=1)):
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - ago)
    poll.refresh_from_db()


def test_poll_closed_since_last_look_shows_the_leading_share(client, member):
    """13 찬성 and 8 반대, closed after the member's last look: `투표 마감 · 찬성 62%`, once."""
    poll = make_poll()
    cast(poll, "찬성", 13)
    cast(poll, "반대", 8)
    article_save_toggle(article=poll.article, user=member)
    Save.objects.update(seen_at=timezone.now() - timedelta(hours=1))
    close(poll)
    assert "투표 마감 · 찬성 62%" in saved_page(client)
    assert POLL_CLOSED_LINE not in saved_page(client)


def test_frozen_result_is_what_the_cue_reads(client, member):
    """Once frozen, the cue shows the frozen result, as the article page does."""
    poll = make_poll()
    cast(poll, "반대", 2)
    article_save_toggle(article=poll.article, user=member)
    Save.objects.update(seen_at=timezone.now() - timedelta(hours=1))
    close(poll)
    poll_snapshot_freeze(poll=poll)
    assert "투표 마감 · 반대 100%" in saved_page(client)


def test_poll_closed_before_the_last_look_or_still_open_says_nothing(client, member):
    """A poll still open, or closed before the member looked, adds no cue."""
    open_poll = make_poll()
    old_poll = make_poll(opens_at=timezone.now() - timedelta(days=3))
    close(old_poll, ago=timedelta(days=2))
    for poll in (open_poll, old_poll):
        article_save_toggle(article=poll.article, user=member)
    Save.objects.update(seen_at=timezone.now() - timedelta(days=1))
    assert POLL_CLOSED_LINE not in saved_page(client)


def test_cue_text_without_votes_and_with_a_tie():
    """No votes: just `투표 마감`; a tie names the first choice, shares summing to 100."""
    assert closed_result_line([("찬성", 0), ("반대", 0)]) == POLL_CLOSED_LINE
    assert closed_result_line([("찬성", 1), ("반대", 1)]) == "투표 마감 · 찬성 50%"
    assert closed_result_line([]) == POLL_CLOSED_LINE


def test_poll_cues_keep_the_saved_list_queries_constant(client, member):
    """Ten closed polls, frozen or not, cost the saved list no more queries than two."""

    def fill(n, freeze):
        for _ in range(n):
            poll = make_poll()
            cast(poll, "찬성", 1)
            article_save_toggle(article=poll.article, user=member)
            close(poll)
            if freeze:
                poll_snapshot_freeze(poll=poll)
        Save.objects.update(seen_at=timezone.now() - timedelta(hours=1))

    saved_page(client)  # warm the header's category cache, as a live site has it
    fill(1, freeze=True)
    fill(1, freeze=False)
    with CaptureQueriesContext(connection) as few:
        assert "투표 마감 · 찬성 100%" in saved_page(client)
    fill(5, freeze=True)
    fill(5, freeze=False)
    with CaptureQueriesContext(connection) as many:
        assert saved_page(client).count("투표 마감 · 찬성 100%") == 12
    assert len(few) == len(many)


def test_greyed_lines_get_no_poll_cue(client, member):
    """An unpublished article's closed poll is not announced on its greyed line."""
    article = make_article()
    poll = make_poll(article)
    article_save_toggle(article=article, user=member)
    Save.objects.update(seen_at=timezone.now() - timedelta(hours=1))
    close(poll)
    type(article).objects.filter(pk=article.pk).update(status="draft")
    assert POLL_CLOSED_LINE not in saved_page(client)


def test_only_polls_registers_a_saved_cue():
    """Polls hands its cue to the saved list through `articles.hooks`, in its AppConfig."""
    from articles import hooks

    assert [label for label, _ in hooks.registered("saved_cues")] == ["polls"]
