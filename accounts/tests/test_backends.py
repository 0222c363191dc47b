"""The signed-in member found on each request is exactly the member the ORM would find."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.backends import MemberBackend

from .factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def test_the_member_is_the_same_user_the_orm_finds():
    """Every field, with the same value and type, as ModelBackend's lookup gives."""
    user = make_user()
    found, expected = MemberBackend().get_user(user.pk), ModelBackend().get_user(user.pk)
    for field in type(user)._meta.concrete_fields:
        ours, theirs = getattr(found, field.attname), getattr(expected, field.attname)
        assert ours == theirs and type(ours) is type(theirs), field.name
    assert found._state.adding is False and found._state.db == "default"


def test_lookup_is_one_query_at_most():
    """One SELECT the first time; on PostgreSQL the row is then kept, and asks none."""
    user = make_user()
    with CaptureQueriesContext(connection) as queries:
        MemberBackend().get_user(user.pk)
    assert len(queries) == 1
    with CaptureQueriesContext(connection) as queries:
        again = MemberBackend().get_user(user.pk)
    assert again == user
    assert len(queries) == (0 if connection.vendor == "postgresql" else 1)


def test_a_saved_change_is_seen_on_the_next_request():
    """A kept row never outlives a save: a new display name shows, a deactivation signs out."""
    user = make_user(display_name="처음")
    assert MemberBackend().get_user(user.pk).display_name == "처음"
    user.display_name = "나중"
    user.save()
    assert MemberBackend().get_user(user.pk).display_name == "나중"
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert MemberBackend().get_user(user.pk) is None
    user.delete()
    assert MemberBackend().get_user(user.pk) is None


def test_a_password_change_keeps_this_session_and_ends_the_others(client):
    """The kept row carries the new password hash at once: other devices are signed out."""
    user = make_user()
    other = Client()
    for device in (client, other):
        device.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
        assert device.get("/").context["user"] == user
    new_password = "새-비밀번호-2026!"
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    assert client.get("/").context["user"] == user
    assert not other.get("/").context["user"].is_authenticated


def test_inactive_or_missing_members_are_nobody():
    """A deactivated or deleted member is signed out on their next request."""
    user = make_user()
    user.is_active = False
    user.save()
    assert MemberBackend().get_user(user.pk) is None
    assert MemberBackend().get_user(user.pk + 1000) is None


def test_a_member_signs_in_and_is_greeted(client):
    """Signing in through the form goes through this backend; the header greets the member."""
    user = make_user(display_name="도윤")
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    page = client.get("/")
    assert "환영해🦉 <strong>도윤</strong>" in page.content.decode()
