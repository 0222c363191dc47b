"""Arranging notifications: the other apps' factories, and a poll closed a moment ago."""

from datetime import timedelta

from django.utils import timezone

from articles.tests.factories import make_article, make_user
from comments.tests.factories import make_comment
from polls.models import Poll
from polls.tests.factories import make_poll

__all__ = ["close_poll", "make_article", "make_comment", "make_poll", "make_user"]


def close_poll(poll) -> Poll:
    """The poll's closing time a minute ago, as if the clock had passed it."""
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    poll.refresh_from_db()
    return poll
