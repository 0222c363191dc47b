"""Every error a reader can meet is a Korean page with the right status, and none of the
ones a crafted request can cause leaves a traceback in the log."""

import logging

import pytest
from django.core.exceptions import BadRequest
from django.test import Client, override_settings
from django.urls import include, path, reverse

from accounts.tests.factories import make_article, make_user
from aipick import middleware, views
from aipick.ratelimit import RATE_LIMIT_UNAVAILABLE
from aipick.tests.test_outages import DEAD_CACHES
from aipick.urls import handler400, handler403, handler404, handler500  # noqa: F401
from polls.services import POLL_RATE_LIMITED
from polls.tests.factories import choices, make_poll

pytestmark = pytest.mark.django_db


def broken(request):
    raise ValueError("a bug")


def refused(request):
    raise BadRequest("crafted")


# ROOT_URLCONF for the 500 and handler400 tests: the site, its error handlers (imported
# above) and two views that fail.
urlpatterns = [
    path("broken/", broken),
    path("refused/", refused),
    path("", include("aipick.urls")),
]

FORM = "application/x-www-form-urlencoded"


def assert_korean_page(response, status, message):
    assert response.status_code == status
    html = response.content.decode()
    assert '<html lang="ko">' in html
    assert message in html


def vote_url(poll):
    return reverse("polls:vote", args=[poll.article_id])


def test_a_form_in_utf16_gets_the_korean_400_without_a_traceback(client, caplog):
    """A form body declared in UTF-16 is refused with a Korean 400, and the log stays quiet."""
    poll = make_poll()
    body = f"choice={choices(poll)[0].pk}"  # the client encodes it in the declared charset
    with caplog.at_level(logging.INFO):
        response = client.post(vote_url(poll), body, content_type=f"{FORM}; charset=utf-16")
    assert_korean_page(response, 400, middleware.FORM_NOT_UTF8)
    assert not any(record.exc_info for record in caplog.records)
    assert "Traceback" not in caplog.text


def test_a_utf8_form_with_its_charset_named_still_works(client):
    """Naming UTF-8 in the Content-Type is what browsers may do: the vote counts."""
    poll = make_poll()
    body = f"choice={choices(poll)[0].pk}".encode()
    response = client.post(vote_url(poll), body, content_type=f"{FORM}; charset=UTF-8")
    assert response.status_code == 302


def test_a_body_over_the_upload_limit_gets_the_korean_400(client, settings):
    """A body bigger than Django takes anywhere (DATA_UPLOAD_MAX_MEMORY_SIZE) gets the Korean 400."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client.force_login(make_user())
    response = client.post(reverse("password_change"), {"old_password": "x" * 2048})
    assert_korean_page(response, 400, views.BAD_REQUEST)


@override_settings(ROOT_URLCONF=__name__)
def test_a_bad_request_raised_by_a_view_is_the_korean_400(client):
    """handler400 serves every BadRequest, not only the middleware's."""
    assert_korean_page(client.get("/refused/"), 400, views.BAD_REQUEST)


def test_a_staff_member_without_the_permission_gets_the_korean_403(client):
    """The admin's PermissionDenied is the Korean 403 page."""
    client.force_login(make_user(is_staff=True))
    response = client.get(reverse("admin:articles_article_changelist"))
    assert_korean_page(response, 403, views.FORBIDDEN)


def test_a_form_without_its_csrf_token_gets_the_korean_403_with_a_hint():
    """A stale or tokenless form says in Korean to reload the page and try again."""
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "reader", "password": "x"})
    assert_korean_page(response, 403, views.CSRF_FAILED)
    assert "새로 고친 뒤 다시 시도해 주세요" in response.content.decode()


def test_an_unknown_article_is_the_korean_404(client):
    response = client.get(reverse("articles:detail", args=[999_999]))
    assert_korean_page(response, 404, "페이지를 찾을 수 없습니다")


def test_a_get_on_the_vote_address_is_the_korean_405(client):
    response = client.get(vote_url(make_poll()))
    assert_korean_page(response, 405, "허용되지 않는 요청입니다")


@pytest.mark.parametrize("url_name", ["login", "signup", "admin:login"])
def test_an_oversized_sign_in_body_gets_the_korean_413_before_csrf(url_name):
    """The 413 comes first, even without a CSRF token: nothing reads the body."""
    client = Client(enforce_csrf_checks=True)
    body = {"username": "reader", "password": "x" * middleware.ACCOUNT_FORM_MAX_BODY_BYTES}
    response = client.post(reverse(url_name), body)
    assert_korean_page(response, 413, middleware.REQUEST_TOO_LARGE)


def test_an_oversized_vote_gets_the_korean_413_before_csrf(settings):
    """POLL_MAX_BODY_BYTES holds even for a request the CSRF check would refuse."""
    poll = make_poll()
    client = Client(enforce_csrf_checks=True)
    padding = "x" * settings.POLL_MAX_BODY_BYTES
    response = client.post(vote_url(poll), {"choice": choices(poll)[0].pk, "pad": padding})
    assert_korean_page(response, 413, middleware.REQUEST_TOO_LARGE)


def test_an_oversized_comment_gets_the_korean_413(client, settings):
    client.force_login(make_user())
    article = make_article()
    body = "가" * (12 * settings.COMMENT_MAX_LENGTH)
    response = client.post(reverse("comments:create", args=[article.pk]), {"body": body})
    assert_korean_page(response, 413, middleware.REQUEST_TOO_LARGE)


def test_the_longest_allowed_comment_is_not_413(client, settings):
    """A comment of COMMENT_MAX_LENGTH emoji, 12 bytes each once encoded, still gets through."""
    client.force_login(make_user())
    article = make_article()
    body = "🦉" * settings.COMMENT_MAX_LENGTH
    response = client.post(reverse("comments:create", args=[article.pk]), {"body": body})
    assert response.status_code == 302


def test_too_many_votes_get_the_korean_429(client, settings):
    settings.POLL_RATE_LIMIT = "1/minute"
    poll = make_poll()
    client.post(vote_url(poll), {"choice": choices(poll)[0].pk})
    response = client.post(vote_url(poll), {"choice": choices(poll)[1].pk})
    assert_korean_page(response, 429, POLL_RATE_LIMITED)


@override_settings(ROOT_URLCONF=__name__)
def test_a_bug_is_the_korean_500():
    client = Client(raise_request_exception=False)
    assert_korean_page(client.get("/broken/"), 500, "일시적인 오류가 발생했습니다")


@override_settings(CACHES=DEAD_CACHES)
def test_a_dead_rate_limit_store_is_the_korean_503(client):
    poll = make_poll()
    response = client.post(vote_url(poll), {"choice": choices(poll)[0].pk})
    assert_korean_page(response, 503, RATE_LIMIT_UNAVAILABLE)


@override_settings(SECURE_SSL_REDIRECT=True)
def test_healthz_answers_over_plain_http_with_https_on(client):
    """The load balancer's plain-HTTP check gets 200; every other page still moves to HTTPS."""
    assert client.get(reverse("healthz")).status_code == 200
    response = client.get(reverse("home"))
    assert response.status_code == 301
    assert response.url.startswith("https://")
