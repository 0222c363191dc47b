"""Factories for polls; articles and members come from the articles factories."""

from datetime import timedelta

from django.utils import timezone

from articles.tests.factories import make_article, make_user
from polls.models import Choice, Poll, Vote
from polls.services import Voter

__all__ = ["browser", "make_article", "make_poll", "make_user", "member"]

_browsers = iter(range(1, 10**9))


def make_poll(article=None, *, labels=("찬성", "반대"), **kwargs) -> Poll:
    """An open poll (since an hour ago) on a published article, with 찬성/반대."""
    article = article or make_article()
    defaults = {
        "question": "메타 AI 신뢰도 회복 가능할까?",
        "opens_at": timezone.now() - timedelta(hours=1),
    }
    defaults.update(kwargs)
    poll = Poll.objects.create(article=article, **defaults)
    for order, label in enumerate(labels, start=1):
        Choice.objects.create(poll=poll, label=label, order=order)
    return poll


def choices(poll) -> list[Choice]:
    return list(poll.choices.order_by("order"))


def browser(token: str | None = None) -> Voter:
    return Voter.browser(token or f"test-browser-{next(_browsers)}")


def member(user=None) -> Voter:
    return Voter.member(user or make_user())


def assert_counters_match_rows(poll) -> None:
    """Every count the page shows equals the vote rows behind it."""
    for choice in poll.choices.all():
        assert choice.vote_count == choice.votes.count(), choice.label
        moved_on = Vote.objects.filter(first_choice=choice).exclude(choice=choice).count()
        assert choice.switched_away_count == moved_on, choice.label


def writes(captured) -> list[str]:
    """The statements of a CaptureQueriesContext that change rows."""
    return [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
