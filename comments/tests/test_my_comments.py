"""`/me/comments/`: the member's own comments and replies, whatever became of them."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments.models import Comment
from comments.my_views import ARTICLE_GONE, DELETED_TEXT, HIDDEN_NOTE

from .factories import make_article, make_comment, make_user, react

pytestmark = pytest.mark.django_db

URL = "/me/comments/"


@pytest.fixture
def member(client):
    user = make_user()
    client.force_login(user)
    return user


def page(client, **params) -> str:
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def test_url_is_the_public_contract():
    """`내 댓글` lives at /me/comments/, as PRODUCT.md promises."""
    assert reverse("my-comments") == URL


def test_visitors_are_sent_to_sign_in_and_back(client):
    """A visitor who opens 내 댓글 signs in first and comes back to it."""
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={URL}"


def test_lists_my_comments_newest_first_with_article_likes_and_time(client, member):
    """Each line shows the comment's start, its article linking to the comment, 공감 and the time."""
    article = make_article(title="라마4 논란")
    older = make_comment(article=article, author=member, body="처음 쓴 의견")
    Comment.objects.filter(pk=older.pk).update(created_at=datetime(2025, 12, 6, 5, 3, tzinfo=UTC))
    newer = make_comment(article=article, author=member, body="나중 쓴 의견")
    react(newer, make_user())
    react(newer, make_user())
    make_comment(article=article, author=make_user(), body="남의 의견")
    html = page(client)
    assert html.index("나중 쓴 의견") < html.index("처음 쓴 의견")
    assert "남의 의견" not in html
    assert f'href="/articles/{article.pk}/#comment-{newer.pk}"' in html
    assert "라마4 논란" in html and "공감 2" in html
    assert "2025.12.06 14:03" in html  # Asia/Seoul


def test_long_comment_is_cut_near_a_hundred_characters(client, member):
    """Only the first ~100 characters show; the article page has the rest."""
    make_comment(author=member, body="가" * 100 + "나" * 50)
    html = page(client)
    assert "가" * 99 in html and "나" not in html


def test_reply_deleted_and_hidden_say_so_honestly(client, member):
    """A reply is marked 답글; a deleted one shows only `삭제된 댓글입니다.`; a hidden one its 숨김 badge."""
    parent = make_comment(author=make_user(), body="원댓글")
    make_comment(parent=parent, author=member, body="내 답글입니다")
    make_comment(author=member, body="지운 말", status=Comment.Status.DELETED)
    make_comment(author=member, body="가려진 말", status=Comment.Status.HIDDEN)
    html = page(client)
    assert "답글</span>" in html and "내 답글입니다" in html
    assert DELETED_TEXT in html and "삭제됨</span>" in html and "지운 말" not in html
    assert "숨김</span>" in html and "가려진 말" in html and HIDDEN_NOTE in html


def test_unpublished_article_is_not_linked(client, member):
    """A comment under an article taken back to draft keeps its line but no link or title."""
    article = make_article(title="내려간 기사")
    make_comment(article=article, author=member, body="남은 의견")
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
    html = page(client)
    assert "남은 의견" in html and ARTICLE_GONE in html
    assert "내려간 기사" not in html and f"/articles/{article.pk}/" not in html


def test_paginated_by_twenty_and_bad_page_numbers_are_harmless(client, member):
    """21 comments make two pages; a nonsense page number shows a page, never an error."""
    for n in range(21):
        comment = make_comment(author=member, body=f"의견 {n:02d}")
        Comment.objects.filter(pk=comment.pk).update(
            created_at=timezone.now() - timedelta(minutes=30 - n)
        )
    first = page(client)
    assert "의견 20" in first and "의견 00" not in first and "1 / 2" in first
    assert "의견 00" in page(client, page=2)
    for bad in ("abc", "-1", "9999", "１"):
        assert client.get(URL, {"page": bad}).status_code == 200


def test_empty_list_says_how_to_start(client, member):
    """No comments yet: a Korean hint instead of an empty page."""
    assert "아직 쓴 댓글이 없습니다" in page(client)


def test_activity_nav_links_the_saved_list(client, member):
    """`내 활동` links back to 저장한 기사, and marks 내 댓글 as the current page."""
    html = page(client)
    assert f'href="{reverse("saved")}"' in html
    assert 'href="/me/comments/" aria-current="page"' in html


def test_post_is_refused(client, member):
    """The list only reads: a POST is refused without changing anything."""
    assert client.post(URL).status_code in (403, 405)


def test_query_count_stays_constant(client, member):
    """Three comments or twenty, on as many articles, the page asks the same few queries."""

    def fill(n):
        for _ in range(n):
            make_comment(author=member, article=make_article())

    page(client)  # warm the header's category cache, as a live site has it
    fill(3)
    with CaptureQueriesContext(connection) as few:
        page(client)
    fill(17)
    with CaptureQueriesContext(connection) as many:
        page(client)
    assert len(few) == len(many) <= 6
