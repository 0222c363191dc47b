"""Sessions read through the process's mirror: a sign-out or a change is seen on the next request."""

import secrets

import pytest

from accounts.sessions import SessionStore
from aipick.tests.test_outages import LIVE_REDIS, _redis_answers

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not _redis_answers(), reason=f"no Redis answers at {LIVE_REDIS}"),
]


@pytest.fixture(autouse=True)
def live_redis_sessions(settings):
    prefix = f"session-test-{secrets.token_hex(4)}"
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "aipick.cache.TolerantRedisCache",
            "LOCATION": LIVE_REDIS,
            "KEY_PREFIX": prefix,
        },
    }
    settings.SESSION_ENGINE = "accounts.sessions"
    yield
    from django.core.cache import caches

    client = caches["default"]._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)


def saved_session(**data) -> str:
    session = SessionStore()
    session.update(data)
    session.save()
    return session.session_key


def test_a_change_on_another_server_is_read_on_the_next_request():
    """Another server rotates what the session holds; this one reads the new value at once."""
    key = saved_session(step="first")
    assert SessionStore(key).load()["step"] == "first"  # now kept in memory
    elsewhere = SessionStore(key)
    elsewhere["step"] = "second"
    elsewhere.save()
    assert SessionStore(key).load()["step"] == "second"


def test_a_signed_out_session_is_gone_on_the_next_request():
    """Deleting the session (sign-out) leaves nothing to read anywhere."""
    key = saved_session(_auth_user_id="7")
    assert SessionStore(key).load()["_auth_user_id"] == "7"
    SessionStore(key).delete()
    assert SessionStore(key).load() == {}


def test_one_requests_unsaved_change_never_reaches_the_next():
    """What a request changes but does not save stays its own."""
    key = saved_session(note="kept")
    first = SessionStore(key)
    first["note"] = "changed, not saved"
    assert SessionStore(key).load()["note"] == "kept"
