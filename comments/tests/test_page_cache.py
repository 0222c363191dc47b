"""Cached article pages follow every write: what one member does, others see on their next view."""

import pytest
from django.test import Client

from comments import services

from .factories import make_article, make_poll, make_user, vote

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("live_page_cache")]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_cached_member_page_shows_a_new_comment_reply_and_like(
    django_capture_on_commit_callbacks,
):
    """A member re-reading the article sees another member's comment, reply and like at once."""
    article = make_article()
    reader, writer = make_user(), make_user(display_name="글쓴이")
    page = signed_in(reader)
    url = article.get_absolute_url()
    assert "글쓴이" not in page.get(url).content.decode()
    page.get(url)  # the page now sits in local memory for this reader

    with django_capture_on_commit_callbacks(execute=True):
        comment = services.comment_create(article=article, author=writer, body="첫 댓글입니다")
    html = page.get(url).content.decode()
    assert "첫 댓글입니다" in html and '댓글 <span data-count="comments">1<' in html

    with django_capture_on_commit_callbacks(execute=True):
        services.comment_react(comment=comment, user=make_user(), kind="like")
    assert 'comment__count">1<' in page.get(url).content.decode()


def test_a_cached_page_follows_the_commenters_vote(django_capture_on_commit_callbacks):
    """When a commenter changes sides, the badge on every cached page changes with it."""
    article = make_article()
    poll = make_poll(article)
    author = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        vote(poll, author, "찬성")
        services.comment_create(article=article, author=author, body="찬성하는 이유")
    page = signed_in(make_user())
    url = article.get_absolute_url()
    assert 'comment-badge--pro">찬성<' in page.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        vote(poll, author, "반대")
    html = page.get(url).content.decode()
    assert "입장 변경" in html and 'comment-badge--con">반대<' in html
