"""Small, hot Redis keys mirrored in each process's memory, kept exact by Redis itself.

Every article page asks Redis for its version tokens (articles/cache.py) so that a write
on any server is seen by every server on its next request. That round trip cost the
cached page about a third of its time. Redis can instead tell us when such a key
changes: a connection in tracking mode (`CLIENT TRACKING ON BCAST PREFIX …`, Redis 6+,
RESP3) receives an invalidation for every change of any key under the prefix, made by
any client, expiry and FLUSHDB included.

Each process keeps one such connection. Before every read the mirror drains the
invalidations already waiting on its socket (a non-blocking poll, a few microseconds),
so a key changed before this request began is never served from memory: Redis sent the
invalidation before the writer's own reply, and the writer's reader came after that.

When the tracking connection cannot be opened or breaks, the mirror reads straight
from the cache (as if it did not exist), logs once, tries again after RETRY_SECONDS and
then starts empty, because anything may have changed while nobody was listening.
"""

import contextlib
import os
import threading
import time

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.signals import setting_changed
from django.dispatch import receiver

from .cache import CACHE_ERRORS, log_cache_error

RETRY_SECONDS = 1.0
# A process that reads many articles keeps one short token per article; past this many
# it starts over rather than growing without bound.
MAX_ENTRIES = 50_000


class PassThrough:
    """The mirror's interface over a cache that is already in process memory (locmem)."""

    def __init__(self, cache):
        self.cache = cache

    def get_many(self, keys: list[str]) -> dict:
        return self.cache.get_many(keys)


class RedisMirror:
    """`get_many()` for keys under `prefix` in a RedisCache, answered from memory while exact."""

    def __init__(self, cache: RedisCache, prefix: str, *, max_entries: int = MAX_ENTRIES):
        self.cache = cache
        self.prefix = prefix
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._reset()

    def _reset(self) -> None:
        self._pid = os.getpid()
        self._conn = None
        self.connection_id = None
        self._values: dict[str, object] = {}
        # Moves with every invalidation, so a read that raced one is not remembered.
        self._generation = 0
        self._retry_at = 0.0

    def get_many(self, keys: list[str]) -> dict:
        # make_key, not make_and_validate_key: these keys are ours, and the memcached
        # checks of the latter walk every character on each page view.
        full_keys = {key: self.cache.make_key(key) for key in keys}
        with self._lock:
            tracking = self._listen()
            if tracking:
                found = {
                    key: self._values[full]
                    for key, full in full_keys.items()
                    if full in self._values
                }
                if len(found) == len(full_keys):
                    return found
            generation = self._generation
        found = self.cache.get_many(keys)
        if tracking:
            with self._lock:
                # Only if no invalidation came in meanwhile: it may have been for a value
                # Redis had already sent us, and remembering that would keep it for good.
                if self._listen() and self._generation == generation:
                    if len(self._values) > self.max_entries:
                        self._values.clear()
                    for key, value in found.items():
                        self._values[full_keys[key]] = value
        return found

    def _listen(self) -> bool:
        """Apply the invalidations waiting on the socket; False when not tracking (read through)."""
        if self._pid != os.getpid():
            self._reset()  # a forked child must not share its parent's socket
        if self._conn is None:
            if time.monotonic() < self._retry_at:
                return False
            try:
                self._connect()
            except CACHE_ERRORS as exc:
                self._give_up("connect", exc)
                return False
        try:
            while self._conn.can_read(timeout=0):
                self._conn.read_response(push_request=True)
        except CACHE_ERRORS as exc:
            self._give_up("invalidations", exc)
            return False
        return True

    def _connect(self) -> None:
        pool = self.cache._cache._get_connection_pool(write=False)
        conn = pool.connection_class(
            **{**pool.connection_kwargs, "protocol": 3, "socket_timeout": 2}
        )
        conn.connect()
        # The public API offers no hook for push messages; redis-py's own client-side
        # cache (Redis 7.4+ only, so not usable here) registers its handler the same way.
        conn._parser.set_invalidation_push_handler(self._invalidated)
        conn.send_command(
            "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", self.cache.make_key(self.prefix)
        )
        conn.read_response()
        conn.send_command("CLIENT", "ID")
        self.connection_id = conn.read_response()  # names it in CLIENT LIST, for operators
        self._conn = conn
        self._values.clear()
        self._generation += 1

    def _invalidated(self, message) -> None:
        # ["invalidate", [key, …]] for changed keys; ["invalidate", None] after a FLUSHDB.
        self._generation += 1
        keys = message[1]
        if keys is None:
            self._values.clear()
            return
        for key in keys:
            self._values.pop(key.decode() if isinstance(key, bytes) else key, None)

    def _give_up(self, operation: str, exc: BaseException) -> None:
        log_cache_error(f"mirror {operation}", exc)
        if self._conn is not None:
            with contextlib.suppress(CACHE_ERRORS):
                self._conn.disconnect()
        self._conn = None
        self._values.clear()
        self._generation += 1
        self._retry_at = time.monotonic() + RETRY_SECONDS


_mirrors: dict[tuple[str, str], RedisMirror | PassThrough] = {}
_mirrors_lock = threading.Lock()


def mirror(alias: str, prefix: str, *, max_entries: int = MAX_ENTRIES) -> RedisMirror | PassThrough:
    """The process's mirror of `prefix` keys in the cache `alias` (one per pair)."""
    found = _mirrors.get((alias, prefix))
    if found is None:
        with _mirrors_lock:
            found = _mirrors.get((alias, prefix))
            if found is None:
                cache = caches[alias]
                found = (
                    RedisMirror(cache, prefix, max_entries=max_entries)
                    if isinstance(cache, RedisCache)
                    else PassThrough(cache)
                )
                _mirrors[(alias, prefix)] = found
    return found


@receiver(setting_changed)
def _forget_mirrors(*, setting, **kwargs):
    if setting == "CACHES":
        with _mirrors_lock:
            _mirrors.clear()
