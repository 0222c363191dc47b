"""`/me/notifications/` and the header's `알림 N`, as a member sees them."""

import pytest
from django.test import Client
from django.utils import timezone

from articles.services import article_save_toggle
from articles.tests.helpers import page_text
from comments.services import comment_create
from notifications.models import Notification
from notifications.rendering import FOLLOW_UP_TEXT, REPLY_TEXT
from polls.services import Voter, poll_snapshot_freeze, poll_vote_cast

from .factories import close_poll, make_article, make_comment, make_poll, make_user

pytestmark = pytest.mark.django_db

URL = "/me/notifications/"


@pytest.fixture
def me():
    return make_user(display_name="나독자")


@pytest.fixture
def my_client(me):
    client = Client()
    client.force_login(me)
    return client


def add_replies(me, n, *, article=None):
    """n replies by others under my comment, each notifying me once."""
    mine = make_comment(author=me, article=article or make_article(title="답글이 달린 기사"))
    for _ in range(n):
        comment_create(
            article=mine.article,
            author=make_user(display_name="답한이"),
            body="좋은 지적입니다.",
            parent=mine,
        )
    return mine


def test_members_only_and_back_after_signing_in(client):
    """Not signed in: the sign-in page, with the way back to `알림`."""
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={URL}"


def test_the_list_shows_a_reply_with_its_place_and_marks_it_read(me, my_client):
    """The reply shows as new, links to the reply's anchor, and is read once the list was opened."""
    mine = add_replies(me, 1)
    reply = type(mine).objects.get(parent=mine)
    response = my_client.get(URL)
    text = page_text(response)
    assert response.status_code == 200
    assert "새 알림" in text and "알림 0" in text  # shown as new, counted as read
    assert REPLY_TEXT.format(name="답한이") in text
    assert (
        f'href="{mine.article.get_absolute_url()}#comment-{reply.pk}"' in response.content.decode()
    )
    assert Notification.objects.unread().count() == 0
    assert "새 알림" not in page_text(my_client.get(URL))


def test_an_empty_list_says_so_in_korean(my_client):
    """No notifications yet: a Korean sentence, not an empty page."""
    assert "아직 알림이 없습니다." in page_text(my_client.get(URL))


def test_a_bad_page_number_shows_a_page_not_an_error(me, my_client):
    """`?page=abc` or a page past the end shows a page of the list, never a 500."""
    add_replies(me, 1)
    for page in ("abc", "999", "-1"):
        response = my_client.get(URL, {"page": page})
        assert response.status_code == 200
        assert REPLY_TEXT.format(name="답한이") in page_text(response)


def test_a_post_changes_nothing(me, my_client):
    """The list only reads (and marks what it showed); a POST is refused."""
    add_replies(me, 1)
    assert my_client.post(URL).status_code == 405
    assert Notification.objects.unread().count() == 1


def test_a_closed_poll_shows_its_final_result(me, my_client):
    """`투표 마감 · 찬성 67%`: the frozen result's leader, in whole percent."""
    poll = make_poll(make_article(title="투표 기사"))
    yes, no = poll.choices.get(label="찬성"), poll.choices.get(label="반대")
    poll_vote_cast(poll=poll, choice=yes, voter=Voter.member(me))
    poll_vote_cast(poll=poll, choice=yes, voter=Voter.browser("b-1"))
    poll_vote_cast(poll=poll, choice=no, voter=Voter.browser("b-2"))
    poll_snapshot_freeze(poll=close_poll(poll))
    response = my_client.get(URL)
    assert "투표 마감 · 찬성 67%" in page_text(response)
    assert f'href="{poll.article.get_absolute_url()}#poll"' in response.content.decode()


def test_a_follow_up_links_to_the_new_article(me, my_client):
    """The follow-up's notification names it and its original, and links to it."""
    from notifications.services import notification_follow_up_sync

    original = make_article(title="라마4 출시")
    article_save_toggle(article=original, user=me, saved=True)
    follow_up = make_article(title="라마4 그 후", follow_up_of=original)
    notification_follow_up_sync(follow_up=follow_up)
    response = my_client.get(URL)
    text = page_text(response)
    assert FOLLOW_UP_TEXT.format(title="라마4 그 후") in text
    assert "원래 기사: 라마4 출시" in text
    assert f'href="{follow_up.get_absolute_url()}"' in response.content.decode()


def test_the_list_costs_the_same_queries_however_long(me, my_client):
    """Three notifications or fifteen of every kind: the same number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count_queries():
        Notification.objects.update(read_at=None)
        with CaptureQueriesContext(connection) as captured:
            assert my_client.get(URL).status_code == 200
        return len(captured)

    def add_each_kind():
        from notifications.services import notification_follow_up_sync

        add_replies(me, 1)
        original = make_article()
        article_save_toggle(article=original, user=me, saved=True)
        notification_follow_up_sync(follow_up=make_article(follow_up_of=original))
        poll = make_poll()
        poll_vote_cast(poll=poll, choice=poll.choices.first(), voter=Voter.member(me))
        poll_snapshot_freeze(poll=close_poll(poll))

    add_each_kind()
    my_client.get("/")  # the header's categories are kept after the first page
    few = count_queries()
    for _ in range(4):
        add_each_kind()
    assert Notification.objects.count() == 15
    assert count_queries() == few


def test_the_header_shows_the_unread_count_on_every_page(me, my_client):
    """`알림 1` in the header on the home page and on an article, for the member only."""
    add_replies(me, 1)
    article = make_article()
    for url in ("/", article.get_absolute_url()):
        assert "알림 1" in page_text(my_client.get(url))
    assert "알림 1" not in page_text(Client().get(article.get_absolute_url()))


@pytest.mark.usefixtures("live_page_cache")
def test_a_kept_member_page_shows_a_new_notification_at_once(
    me, my_client, django_capture_on_commit_callbacks
):
    """A member's page kept in memory shows `알림 1` on the very next request after a reply."""
    article = make_article()
    mine = make_comment(author=me, article=article)
    url = article.get_absolute_url()
    my_client.get(url)
    assert "알림 0" in page_text(my_client.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        comment_create(article=article, author=make_user(), body="답글입니다.", parent=mine)
    assert "알림 1" in page_text(my_client.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        my_client.get(URL)
    assert "알림 0" in page_text(my_client.get(url))


def test_a_scheduled_notification_is_not_counted_before_its_time(me, my_client):
    """A notification due later is neither counted nor listed yet."""
    add_replies(me, 1)
    Notification.objects.update(visible_from=timezone.now() + timezone.timedelta(hours=1))
    assert "알림 0" in page_text(my_client.get("/"))
    assert "아직 알림이 없습니다." in page_text(my_client.get(URL))
