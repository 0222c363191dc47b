"""Each event tells each member once: replies, follow-ups (at their time), closed polls."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article
from articles.services import article_follow_up_toggle, article_save_toggle
from articles.tests.test_images import admin_payload
from comments.models import Comment
from comments.services import comment_create, comment_delete, comment_moderate
from notifications.models import Notification
from notifications.services import (
    notification_follow_up_sync,
    notifications_prune,
    notify_poll_closed,
    notify_reply,
)
from polls.services import Voter, poll_snapshot_freeze, poll_vote_cast

from .factories import close_poll, make_article, make_comment, make_poll, make_user

pytestmark = pytest.mark.django_db


def shown(user):
    return list(Notification.objects.shown_to(user))


def test_a_reply_tells_the_comments_author_once():
    """Someone replies to my comment: one notification for me, however often it is sent."""
    me, other = make_user(), make_user()
    mine = make_comment(author=me)
    reply = comment_create(article=mine.article, author=other, body="동의합니다.", parent=mine)
    notify_reply(reply=reply)  # a retry
    rows = shown(me)
    assert [(n.kind, n.comment_id) for n in rows] == [("reply", reply.pk)]
    assert shown(other) == []


def test_a_reply_hidden_or_deleted_is_no_longer_news():
    """A reply that moderation hides, or that its author deletes, leaves my 알림 (and the
    count), since its link would lead nowhere."""
    me, other = make_user(), make_user()
    mine = make_comment(author=me)
    hidden = make_comment(article=mine.article, author=other, parent=mine)
    deleted = make_comment(article=mine.article, author=other, parent=mine)
    for reply in (hidden, deleted):
        notify_reply(reply=reply)
    assert len(shown(me)) == 2
    comment_moderate(comment_ids=[hidden.pk], status=Comment.Status.HIDDEN)
    comment_delete(comment=deleted, user=other)
    assert shown(me) == []
    assert Notification.objects.shown_to(me).unread().count() == 0


def test_replying_to_myself_tells_nobody():
    """My own reply under my own comment is no news to me."""
    me = make_user()
    mine = make_comment(author=me)
    comment_create(article=mine.article, author=me, body="덧붙입니다.", parent=mine)
    assert Notification.objects.count() == 0


def test_a_top_level_comment_tells_nobody():
    """Only replies notify; a new comment on an article does not."""
    comment_create(article=make_article(), author=make_user(), body="첫 댓글입니다.")
    assert Notification.objects.count() == 0


@pytest.fixture
def original():
    return make_article(title="라마4 출시")


def test_a_scheduled_follow_up_shows_only_at_its_time(original):
    """Askers and savers of the original are told when the follow-up goes out, not before."""
    asker, saver, bystander = make_user(), make_user(), make_user()
    article_follow_up_toggle(article=original, user=asker, wanted=True)
    article_save_toggle(article=original, user=saver, saved=True)
    later = timezone.now() + timedelta(hours=2)
    follow_up = make_article(title="라마4 그 후", follow_up_of=original, published_at=later)
    notification_follow_up_sync(follow_up=follow_up)
    assert shown(asker) == shown(saver) == []
    # The clock reaches the publishing time (moved back instead of waiting).
    Article.objects.filter(pk=follow_up.pk).update(published_at=timezone.now())
    Notification.objects.update(visible_from=timezone.now())
    assert [n.article_id for n in shown(asker)] == [follow_up.pk]
    assert [n.article_id for n in shown(saver)] == [follow_up.pk]
    assert shown(bystander) == []


def test_a_member_who_asks_after_the_link_is_told_at_its_time_too(original):
    """The editor scheduled the follow-up first; a member asking (or saving) afterwards is
    told when it goes out, like the early askers. One already out is simply on the page."""
    follow_up = make_article(
        follow_up_of=original, published_at=timezone.now() + timedelta(hours=2)
    )
    notification_follow_up_sync(follow_up=follow_up)
    late_asker, late_saver = make_user(), make_user()
    article_follow_up_toggle(article=original, user=late_asker, wanted=True)
    article_save_toggle(article=original, user=late_saver, saved=True)
    assert shown(late_asker) == shown(late_saver) == []
    Article.objects.filter(pk=follow_up.pk).update(published_at=timezone.now())
    Notification.objects.update(visible_from=timezone.now())
    assert [n.article_id for n in shown(late_asker)] == [follow_up.pk]
    assert [n.article_id for n in shown(late_saver)] == [follow_up.pk]

    after_it_was_out = make_user()
    article_follow_up_toggle(article=original, user=after_it_was_out, wanted=True)
    assert shown(after_it_was_out) == []


def test_publishing_from_the_list_action_tells_the_askers(admin_client, original):
    """The admin's `발행` list action announces a follow-up as the change form does."""
    asker = make_user()
    article_follow_up_toggle(article=original, user=asker, wanted=True)
    follow_up = make_article(follow_up_of=original, status=Article.Status.DRAFT, published_at=None)
    response = admin_client.post(
        "/admin/articles/article/",
        {"action": "publish", "_selected_action": [follow_up.pk]},
    )
    assert response.status_code == 302
    assert [n.article_id for n in shown(asker)] == [follow_up.pk]


def test_re_saving_or_re_publishing_never_repeats_a_follow_up(original):
    """Saving the follow-up again, unpublishing and publishing again: still one notification each."""
    asker = make_user()
    article_follow_up_toggle(article=original, user=asker, wanted=True)
    follow_up = make_article(follow_up_of=original)
    for _ in range(2):
        notification_follow_up_sync(follow_up=follow_up)
    Article.objects.filter(pk=follow_up.pk).update(status=Article.Status.DRAFT)
    assert shown(asker) == []
    Article.objects.filter(pk=follow_up.pk).update(status=Article.Status.PUBLISHED)
    notification_follow_up_sync(follow_up=follow_up)
    assert len(shown(asker)) == 1
    assert Notification.objects.count() == 1


def test_an_unlinked_follow_up_takes_back_unread_notifications(original):
    """An editor removes the link before readers saw it: the unread notifications go."""
    asker = make_user()
    article_follow_up_toggle(article=original, user=asker, wanted=True)
    follow_up = make_article(follow_up_of=original)
    notification_follow_up_sync(follow_up=follow_up)
    follow_up.follow_up_of = None
    notification_follow_up_sync(follow_up=follow_up)
    assert Notification.objects.count() == 0


def test_the_admin_save_of_a_follow_up_link_notifies(admin_client, original):
    """An editor picks the original in `후속 기사` and saves: the asker is told."""
    asker = make_user()
    article_follow_up_toggle(article=original, user=asker, wanted=True)
    data = admin_payload(title="후속 취재", follow_up_of=original.pk)
    assert admin_client.post("/admin/articles/article/add/", data).status_code == 302
    follow_up = Article.objects.get(title="후속 취재")
    # Saved again, as editors do: still one notification.
    change = f"/admin/articles/article/{follow_up.pk}/change/"
    assert admin_client.post(change, {**data, "title": "후속 취재 (수정)"}).status_code == 302
    assert [n.article_id for n in shown(asker)] == [follow_up.pk]


def test_a_closed_poll_tells_voters_and_savers_once():
    """When the result is frozen, each member voter and saver gets one `투표 마감` notification."""
    poll = make_poll()
    voter, saver = make_user(), make_user()
    poll_vote_cast(poll=poll, choice=poll.choices.get(label="찬성"), voter=Voter.member(voter))
    poll_vote_cast(poll=poll, choice=poll.choices.get(label="반대"), voter=Voter.browser("b-1"))
    article_save_toggle(article=poll.article, user=saver, saved=True)
    close_poll(poll)
    poll_snapshot_freeze(poll=poll)
    poll_snapshot_freeze(poll=poll)
    notify_poll_closed(poll=poll)  # a retry on another server
    assert Notification.objects.filter(kind="poll_closed").count() == 2
    assert len(shown(voter)) == len(shown(saver)) == 1


def test_an_open_poll_tells_nobody():
    """Freezing is refused for an open poll, so nobody hears of a closing yet."""
    poll = make_poll()
    poll_vote_cast(poll=poll, choice=poll.choices.first(), voter=Voter.member(make_user()))
    poll_snapshot_freeze(poll=poll)
    assert Notification.objects.count() == 0


def test_prune_deletes_only_old_read_notifications():
    """`prune_notifications` removes read ones older than 90 days; unread and recent ones stay."""
    me = make_user()
    article = make_article()
    old = timezone.now() - timedelta(days=91)
    for key, created, read in [
        ("a", old, old),  # old and read: pruned
        ("b", old, None),  # old but unread: kept
        ("c", timezone.now(), timezone.now()),  # read today: kept
    ]:
        Notification.objects.create(
            user=me, kind="reply", article=article, event_key=key, created_at=created, read_at=read
        )
    call_command("prune_notifications", verbosity=0)
    assert sorted(Notification.objects.values_list("event_key", flat=True)) == ["b", "c"]
    assert notifications_prune() == 0
