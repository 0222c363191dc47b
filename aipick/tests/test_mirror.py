"""The in-memory mirror of Redis keys: never a value older than the request, and no round trip."""

import secrets
import time

import pytest

from aipick import mirror as mirror_module
from aipick.cache import SharedRedisCache
from aipick.mirror import RedisMirror

from .test_outages import LIVE_REDIS, _redis_answers

pytestmark = pytest.mark.skipif(not _redis_answers(), reason=f"no Redis answers at {LIVE_REDIS}")


def redis_cache(prefix: str) -> SharedRedisCache:
    return SharedRedisCache(LIVE_REDIS, {"KEY_PREFIX": prefix})


@pytest.fixture
def caches_pair():
    """The mirror's cache and another client's (another app server), under a key prefix of their own."""
    prefix = f"mirror-test-{secrets.token_hex(4)}"
    ours, theirs = redis_cache(prefix), redis_cache(prefix)
    yield ours, theirs
    client = theirs._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)


def counting_reads(cache, monkeypatch) -> list:
    calls = []
    real = cache.get_many

    def get_many(keys, *args, **kwargs):
        calls.append(list(keys))
        return real(keys, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", get_many)
    return calls


def test_a_change_on_another_server_is_seen_on_the_very_next_read(caches_pair):
    """Another server moves a version token; the next read here already has the new one."""
    ours, theirs = caches_pair
    versions = RedisMirror(ours, "v:")
    theirs.set("v:1", "first", None)
    assert versions.get_many(["v:1"]) == {"v:1": "first"}
    theirs.set("v:1", "second", None)
    assert versions.get_many(["v:1"]) == {"v:1": "second"}
    theirs.delete("v:1")
    assert versions.get_many(["v:1"]) == {}


def test_an_unchanged_key_is_read_from_memory(caches_pair, monkeypatch):
    """Once read, an unchanged token costs no Redis round trip; keys outside the prefix are not kept."""
    ours, theirs = caches_pair
    versions = RedisMirror(ours, "v:")
    theirs.set_many({"v:1": "a", "v:site": "b"}, None)
    reads = counting_reads(ours, monkeypatch)
    for _ in range(5):
        assert versions.get_many(["v:1", "v:site"]) == {"v:1": "a", "v:site": "b"}
    assert len(reads) == 1


def test_a_change_racing_the_read_is_not_remembered(caches_pair, monkeypatch):
    """A value that changed while it travelled to us is used once, then read afresh."""
    ours, theirs = caches_pair
    versions = RedisMirror(ours, "v:")
    theirs.set("v:1", "old", None)
    real = ours.get_many

    def read_then_changed(keys, *args, **kwargs):
        found = real(keys, *args, **kwargs)
        theirs.set("v:1", "new", None)  # lands after Redis answered us
        return found

    monkeypatch.setattr(ours, "get_many", read_then_changed)
    assert versions.get_many(["v:1"]) == {"v:1": "old"}
    monkeypatch.setattr(ours, "get_many", real)
    assert versions.get_many(["v:1"]) == {"v:1": "new"}


def test_a_lost_tracking_connection_reads_through_then_recovers(caches_pair, monkeypatch):
    """Without its invalidation feed the mirror trusts nothing in memory, and listens again later."""
    ours, theirs = caches_pair
    monkeypatch.setattr(mirror_module, "RETRY_SECONDS", 0.2)
    versions = RedisMirror(ours, "v:")
    theirs.set("v:1", "a", None)
    assert versions.get_many(["v:1"]) == {"v:1": "a"}

    admin = theirs._cache.get_client(write=True)
    assert admin.execute_command("CLIENT", "KILL", "ID", versions.connection_id) == 1
    theirs.set("v:1", "b", None)

    reads = counting_reads(ours, monkeypatch)
    assert versions.get_many(["v:1"]) == {"v:1": "b"}
    assert versions.get_many(["v:1"]) == {"v:1": "b"}
    assert len(reads) == 2  # read through while not listening

    time.sleep(0.3)
    assert versions.get_many(["v:1"]) == {"v:1": "b"}
    theirs.set("v:1", "c", None)
    assert versions.get_many(["v:1"]) == {"v:1": "c"}
    reads.clear()
    assert versions.get_many(["v:1"]) == {"v:1": "c"}
    assert reads == []  # listening again: from memory
