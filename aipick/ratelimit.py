"""Fixed-window rate limits in the shared cache, failing closed.

Every app server counts in the same store (Redis in production), so a limit reached on
one server holds on all of them. When the store is down, `hit()` raises
`RateLimitUnavailable` instead of letting every request through; the
`ServiceUnavailableMiddleware` turns that into a Korean 503 page, so a view needs no
`try` of its own:

    if not ratelimit.hit(f"polls:vote:{poll.pk}:{ip_hash}", limit=30, window=60):
        return HttpResponse(POLL_RATE_LIMITED, status=429)
"""

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from .cache import CACHE_ERRORS

CACHE_ALIAS = "ratelimit"

RATE_LIMIT_UNAVAILABLE = (
    "지금은 요청 횟수를 확인할 수 없어 잠시 받지 않고 있습니다. 잠시 후 다시 시도해 주세요."
)


class RateLimitUnavailable(Exception):
    """The counter store cannot be reached; the caller must refuse the request."""

    message = RATE_LIMIT_UNAVAILABLE


def client_ip(request) -> str:
    """The reader's address. Behind a proxy REMOTE_ADDR is the proxy itself, so the header the
    proxy sets is named in CLIENT_IP_HEADER; its last entry is the one our proxy appended."""
    header = settings.CLIENT_IP_HEADER
    if header and request.META.get(header):
        return request.META[header].split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def hit(key: str, *, limit: int, window: int) -> bool:
    """Count one attempt against `key`; True while at most `limit` attempts fell in this `window` (s)."""
    cache = caches[CACHE_ALIAS]
    try:
        count = _incr_redis(cache, key, window) if isinstance(cache, RedisCache) else None
        if count is None:
            count = _incr_generic(cache, key, window)
    except CACHE_ERRORS as exc:
        raise RateLimitUnavailable(RATE_LIMIT_UNAVAILABLE) from exc
    return count <= limit


def count(key: str) -> int:
    """Attempts counted so far in the current window (0 when none), for tests and admin pages."""
    try:
        return int(caches[CACHE_ALIAS].get(key) or 0)
    except CACHE_ERRORS as exc:
        raise RateLimitUnavailable(RATE_LIMIT_UNAVAILABLE) from exc


def _incr_redis(cache: RedisCache, key: str, window: int) -> int:
    # One round trip: INCR creates the key at 1, EXPIRE NX starts the window only then,
    # so later hits never extend it and the block lifts on time.
    full_key = cache.make_and_validate_key(key)
    client = cache._cache.get_client(full_key, write=True)
    pipe = client.pipeline(transaction=True)
    pipe.incr(full_key)
    pipe.expire(full_key, window, nx=True)
    value, _ = pipe.execute()
    return int(value)


def _incr_generic(cache, key: str, window: int) -> int:
    # add() starts the window; incr() never extends it. The retry covers a window that
    # expired between the two calls.
    if cache.add(key, 1, window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:
        cache.add(key, 1, window)
        return 1
