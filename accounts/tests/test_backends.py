"""The signed-in member found on each request is exactly the member the ORM would find."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.db import connection
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


def test_lookup_is_one_query():
    """One SELECT per request, whichever way it is read."""
    user = make_user()
    with CaptureQueriesContext(connection) as queries:
        MemberBackend().get_user(user.pk)
    assert len(queries) == 1


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
