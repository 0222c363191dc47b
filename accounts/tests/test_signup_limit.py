"""Sign-ups per address: a handful an hour, then a Korean message and no account."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from accounts.models import User
from accounts.views import SIGNUP_LIMITED
from aipick.ratelimit import RATE_LIMIT_UNAVAILABLE
from aipick.tests.test_outages import DEAD_CACHES

pytestmark = pytest.mark.django_db

PASSWORD = "부엉이-비밀번호-2025"


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.SIGNUP_LIMIT = 3


def sign_up(username: str, *, address: str = "203.0.113.7", password2: str = PASSWORD):
    client = Client(REMOTE_ADDR=address)
    return client.post(
        reverse("signup"),
        {"username": username, "password1": PASSWORD, "password2": password2},
    )


def test_past_the_limit_an_address_gets_the_message_and_no_account():
    """The fourth sign-up from one address in an hour is refused in Korean; nobody is made."""
    for n in range(3):
        assert sign_up(f"reader{n}").status_code == 302
    response = sign_up("reader3")
    assert response.status_code == 429
    assert SIGNUP_LIMITED in response.content.decode()
    assert not User.objects.filter(username="reader3").exists()
    assert User.objects.count() == 3


def test_another_address_is_counted_apart():
    """A reader at another address is not held back by someone else's sign-ups."""
    for n in range(4):
        sign_up(f"busy{n}")
    assert sign_up("neighbour", address="198.51.100.2").status_code == 302


def test_a_refused_form_is_not_counted():
    """Mistyped passwords do not use up the address's sign-ups."""
    for n in range(5):
        assert sign_up(f"typo{n}", password2="다른-비밀번호-2025").status_code == 200
    assert sign_up("careful").status_code == 302


@override_settings(CACHES=DEAD_CACHES)
def test_sign_up_fails_closed_while_the_counter_store_is_down():
    """Without the counter an address could sign up without end: a Korean 503, no account."""
    response = sign_up("unlucky")
    assert response.status_code == 503
    assert RATE_LIMIT_UNAVAILABLE in response.content.decode()
    assert not User.objects.filter(username="unlucky").exists()
