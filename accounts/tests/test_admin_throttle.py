"""The editors' sign-in (settings.ADMIN_URL + "login/") is throttled like the members' one."""

import pytest
from django.test import override_settings
from django.urls import reverse

from accounts import throttle
from aipick.ratelimit import RATE_LIMIT_UNAVAILABLE
from aipick.tests.test_outages import DEAD_CACHES

from .factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def admin_login(client, username, password):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
    )


def test_admin_login_is_at_the_configured_path(settings):
    """The throttled form guards the admin's own sign-in address."""
    assert reverse("admin:login") == f"/{settings.ADMIN_URL}login/"


def test_twelve_wrong_passwords_lock_the_editor_out(client, settings):
    """After the limit every attempt gets the Korean throttle message, the right password too."""
    settings.LOGIN_FAILURE_LIMIT = 5
    make_user("editor", is_staff=True)
    pages = [admin_login(client, "editor", f"guess-{n}").content.decode() for n in range(12)]
    assert all(throttle.LOGIN_THROTTLED not in page for page in pages[:5])
    assert all(throttle.LOGIN_THROTTLED in page for page in pages[5:])
    response = admin_login(client, "editor", PASSWORD)
    assert response.status_code == 200
    assert throttle.LOGIN_THROTTLED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_right_password_works_before_the_limit(client, settings):
    """A few typos do not lock an editor out; the right password then signs in."""
    settings.LOGIN_FAILURE_LIMIT = 5
    make_user("editor", is_staff=True)
    for n in range(4):
        admin_login(client, "editor", f"guess-{n}")
    response = admin_login(client, "editor", PASSWORD)
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_members_and_admin_sign_in_share_one_count(client, settings):
    """Guessing at /accounts/login/ and then at the admin does not get twice the attempts."""
    settings.LOGIN_FAILURE_LIMIT = 5
    make_user("editor", is_staff=True)
    for n in range(5):
        client.post(reverse("login"), {"username": "editor", "password": f"guess-{n}"})
    response = admin_login(client, "editor", PASSWORD)
    assert throttle.LOGIN_THROTTLED in response.content.decode()


def test_spraying_editors_from_one_address_is_paused(client, settings):
    """Many usernames from one address hit the per-address limit at the admin too."""
    settings.LOGIN_FAILURE_LIMIT = 5
    make_user("editor", is_staff=True)
    for n in range(5):
        admin_login(client, f"guess{n}", "guess")
    response = admin_login(client, "editor", PASSWORD)
    assert throttle.LOGIN_THROTTLED in response.content.decode()


@override_settings(CACHES=DEAD_CACHES)
def test_admin_sign_in_fails_closed_while_redis_is_down(client):
    """With the throttle's store down the admin answers the Korean 503 and signs nobody in."""
    make_user("editor", is_staff=True)
    response = admin_login(client, "editor", PASSWORD)
    assert response.status_code == 503
    assert RATE_LIMIT_UNAVAILABLE in response.content.decode()
    assert "_auth_user_id" not in client.session
