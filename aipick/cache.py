"""Django's RedisCache behind a per-process circuit breaker, so a sick Redis costs little.

`TolerantRedisCache` ("default") reads a failure as a miss: pages render uncached.
`StrictRedisCache` ("ratelimit") raises `CacheUnavailable`: limits fail closed (a 503).
After any failure nothing asks Redis for BREAKER_SECONDS, so with short socket timeouts
(settings.REDIS_TIMEOUT) a stalled Redis delays one request per process and pause.
"""

import functools
import logging
import time

import redis
from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

logger = logging.getLogger("aipick.cache")

# What a Redis client raises when its server is unreachable, stalled or answers garbage.
CACHE_ERRORS = (RedisError, OSError)
BREAKER_SECONDS = 5.0


class CacheUnavailable(RedisError):
    """Redis failed just now, or recently enough that it is not being asked."""


class Breaker:
    """Open for `seconds` after a failure: callers skip Redis instead of waiting on it."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.open_until = 0.0

    def is_open(self) -> bool:
        return time.monotonic() < self.open_until

    def trip(self, operation: str, exc: BaseException) -> None:
        if not self.is_open():  # one log line per outage and process, not one per call
            logger.warning("Redis unavailable (%s): %s: %s", operation, type(exc).__name__, exc)
        self.open_until = time.monotonic() + self.seconds

    def close(self) -> None:
        self.open_until = 0.0


redis_breaker = Breaker(BREAKER_SECONDS)


def _guarded(method, on_failure):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        if redis_breaker.is_open():
            return on_failure(CacheUnavailable("breaker open"), *args, **kwargs)
        try:
            return method(self, *args, **kwargs)
        except CACHE_ERRORS as exc:
            redis_breaker.trip(method.__name__, exc)
            return on_failure(exc, *args, **kwargs)

    return wrapper


def _raise(exc, *args, **kwargs):
    raise CacheUnavailable(str(exc)) from exc


def _missing_key(exc, key, *args, **kwargs):
    # What incr() says of a key that was never set, so callers need no special case.
    raise ValueError(f"Key '{key}' not found (cache unavailable).")


class StrictRedisCache(RedisCache):
    """Django's RedisCache; every failure raises CacheUnavailable, fast while the breaker is open."""

    get = _guarded(RedisCache.get, _raise)
    get_many = _guarded(RedisCache.get_many, _raise)
    has_key = _guarded(RedisCache.has_key, _raise)
    add = _guarded(RedisCache.add, _raise)
    set = _guarded(RedisCache.set, _raise)
    set_many = _guarded(RedisCache.set_many, _raise)
    touch = _guarded(RedisCache.touch, _raise)
    delete = _guarded(RedisCache.delete, _raise)
    delete_many = _guarded(RedisCache.delete_many, _raise)
    incr = _guarded(RedisCache.incr, _raise)
    clear = _guarded(RedisCache.clear, _raise)


class TolerantRedisCache(RedisCache):
    """Django's RedisCache, where every failure reads as a miss (and writes are dropped)."""

    get = _guarded(RedisCache.get, lambda exc, key, default=None, *a, **k: default)
    get_many = _guarded(RedisCache.get_many, lambda *a, **k: {})
    has_key = _guarded(RedisCache.has_key, lambda *a, **k: False)
    add = _guarded(RedisCache.add, lambda *a, **k: False)
    set = _guarded(RedisCache.set, lambda *a, **k: None)
    set_many = _guarded(RedisCache.set_many, lambda exc, data, *a, **k: list(data))
    touch = _guarded(RedisCache.touch, lambda *a, **k: False)
    delete = _guarded(RedisCache.delete, lambda *a, **k: False)
    delete_many = _guarded(RedisCache.delete_many, lambda *a, **k: None)
    incr = _guarded(RedisCache.incr, _missing_key)
    clear = _guarded(RedisCache.clear, lambda *a, **k: False)


@functools.cache
def redis_client(url: str) -> redis.Redis:
    """A plain redis-py client for what Django's cache API lacks (EVAL, lists): the same
    server and short timeouts as the cache, no retries, so a stalled Redis fails fast."""
    timeout = settings.REDIS_TIMEOUT
    return redis.Redis.from_url(
        url, socket_timeout=timeout, socket_connect_timeout=timeout, retry=Retry(NoBackoff(), 0)
    )
