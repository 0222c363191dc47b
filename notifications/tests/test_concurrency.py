import pytest

from aipick.testing import run_at_once
from articles.models import Article, FollowUpRequest
from articles.services import article_follow_up_toggle, article_save_toggle
from notifications.models import Notification
from notifications.services import notification_follow_up_sync, notify_poll_closed
from polls.services import Voter, poll_snapshot_freeze, poll_vote_cast

from .factories import close_poll, make_article, make_poll, make_user

RACE = "needs PostgreSQL: SQLite serialises writers, so it cannot show a race"


@pytest.mark.postgres(reason=RACE)
@pytest.mark.django_db(transaction=True)
def test_two_servers_announcing_at_once_tell_each_member_once():
    """Eight processes saving the same follow-up and freezing the same poll at the same moment:
    one notification per member and event, and the request count equals its rows."""
    original = make_article()
    members = [make_user() for _ in range(10)]
    run_at_once(members, lambda m: article_follow_up_toggle(article=original, user=m, wanted=True))
    follow_up = make_article(follow_up_of=original)
    poll = make_poll(original)
    for member in members[:5]:
        poll_vote_cast(poll=poll, choice=poll.choices.first(), voter=Voter.member(member))
    article_save_toggle(article=original, user=members[9], saved=True)
    close_poll(poll)

    def announce(_):
        notification_follow_up_sync(follow_up=follow_up)
        poll_snapshot_freeze(poll=poll)
        notify_poll_closed(poll=poll)

    assert run_at_once(range(8), announce) == []
    assert Notification.objects.filter(kind="follow_up").count() == 10
    assert Notification.objects.filter(kind="poll_closed").count() == 6
    original.refresh_from_db()
    assert original.follow_up_request_count == FollowUpRequest.objects.count() == 10
    assert Article.objects.get(pk=follow_up.pk).follow_up_of_id == original.pk
