"""`load_demo` shows the follow-up loop, and running it twice changes nothing."""

import pytest
from django.core.management import call_command

from articles.models import Article, FollowUpRequest
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        sorted(FollowUpRequest.objects.values_list("user__username", "article__title")),
        sorted(Notification.objects.values_list("user__username", "event_key", "read_at")),
        sorted(
            Article.objects.values_list("title", "follow_up_of__title", "follow_up_request_count")
        ),
    )


def test_the_demo_shows_the_loop_and_is_idempotent():
    """Llama 4 launch asked for by demo members, the Meta article its follow-up, and their 알림."""
    call_command("load_demo", verbosity=0)
    first = snapshot()
    call_command("load_demo", verbosity=0)
    assert snapshot() == first
    meta = Article.objects.get(title__startswith="메타 AI 위기?")
    assert meta.follow_up_of is not None
    assert meta.follow_up_of.follow_up_request_count == 2
    kinds = set(Notification.objects.values_list("user__username", "kind"))
    assert {("demo_jiho", "follow_up"), ("demo_seoyeon", "follow_up")} <= kinds
    assert {("demo_jiho", "reply"), ("demo_seoyeon", "reply")} <= kinds
