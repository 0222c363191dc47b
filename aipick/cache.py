"""Redis as the shared cache, without making Redis a single point of failure for reading.

`TolerantRedisCache` is the "default" cache when REDIS_URL is set: a Redis error is logged
and treated as a miss, so pages still render (slower) while Redis is down. Rate limits
must not be tolerant — an outage would switch them off — so they use the strict
"ratelimit" alias through `aipick.ratelimit`, which fails closed.
"""

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.functional import cached_property

try:
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover - redis is in requirements.txt
    RedisError = OSError

logger = logging.getLogger("aipick.cache")

# What a cache backend raises when its server is unreachable or answers garbage.
CACHE_ERRORS = (RedisError, OSError)

# One log line per interval and process is enough to page someone; one per request would
# drown the log exactly when it is needed.
LOG_INTERVAL = 10.0
_last_logged = 0.0


def log_cache_error(operation: str, exc: BaseException) -> None:
    global _last_logged
    now = time.monotonic()
    if now - _last_logged >= LOG_INTERVAL:
        _last_logged = now
        logger.warning("Redis cache unavailable (%s): %s: %s", operation, type(exc).__name__, exc)


def _tolerant(default_factory):
    def decorator(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except CACHE_ERRORS as exc:
                log_cache_error(method.__name__, exc)
                return default_factory(*args, **kwargs)

        return wrapper

    return decorator


def _missing_key(key, *args, **kwargs):
    # The same answer as for a key that was never set, so callers need no special case.
    raise ValueError(f"Key '{key}' not found (cache unavailable).")


class ReusedClientRedisCacheClient(RedisCacheClient):
    """One redis.Redis per connection pool instead of one per cache call.

    Building a redis.Redis object fills a dict of ~170 response callbacks; Django does it on
    every get(), which cost a cached article page about a quarter of its time. The object
    is thread-safe (connections come from the pool), so reusing it is safe.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class SharedRedisCache(RedisCache):
    """Django's RedisCache with reused clients; errors propagate (used for rate limits)."""

    @cached_property
    def _cache(self):
        return ReusedClientRedisCacheClient(self._servers, **self._options)


class TolerantRedisCache(SharedRedisCache):
    """Django's RedisCache, where every Redis failure reads as a cache miss."""

    get = _tolerant(lambda key, default=None, *a, **k: default)(RedisCache.get)
    get_many = _tolerant(lambda *a, **k: {})(RedisCache.get_many)
    has_key = _tolerant(lambda *a, **k: False)(RedisCache.has_key)
    add = _tolerant(lambda *a, **k: False)(RedisCache.add)
    set = _tolerant(lambda *a, **k: None)(RedisCache.set)
    set_many = _tolerant(lambda data, *a, **k: list(data))(RedisCache.set_many)
    touch = _tolerant(lambda *a, **k: False)(RedisCache.touch)
    delete = _tolerant(lambda *a, **k: False)(RedisCache.delete)
    delete_many = _tolerant(lambda *a, **k: None)(RedisCache.delete_many)
    incr = _tolerant(_missing_key)(RedisCache.incr)
    clear = _tolerant(lambda *a, **k: False)(RedisCache.clear)
