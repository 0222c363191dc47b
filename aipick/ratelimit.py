"""Fixed-window rate limits in the shared cache, failing closed.

Every app server counts in the same store (Redis in production), so a limit reached on
one server holds on all of them. When the store is down, `hit()` raises
`RateLimitUnavailable` instead of letting every request through; the
`ServiceUnavailableMiddleware` turns that into a Korean 503 page, so a view needs no
`try` of its own:

    if not ratelimit.hit(f"polls:vote:{poll.pk}:{ip_hash}", limit=30, window=60):
        return HttpResponse(POLL_RATE_LIMITED, status=429)

`attempt()` decides several limits and a "not twice within a window" rule together, in
one round trip (comments: a burst limit, a daily limit and the same text twice).
"""

import contextlib
import logging
from collections.abc import Sequence

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from .cache import CACHE_ERRORS, redis_breaker, redis_client

logger = logging.getLogger("aipick.ratelimit")

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
    return attempt([(key, limit, window)]) is None


def attempt(
    limits: Sequence[tuple[str, int, int]], *, once: tuple[str, int] | None = None
) -> str | None:
    """One attempt against several limits and a once-only key, decided together.

    `limits` holds (key, limit, window) and `once` is (key, window): the same thing may be
    done only once in that window. Returns None when the attempt is allowed (and counted);
    otherwise the key that refused it, checked in this order:

    - `once`'s key, while it is set: nothing is counted;
    - the first of `limits` that is already reached: the ones before it were counted, the
      ones after it were not, as a series of hit() calls would do.

    `once`'s key is set only for an allowed attempt, so a refused one leaves none behind;
    `undo()` takes the attempt back if the work it guarded does not happen. In Redis the whole
    decision is one round trip and atomic, so two concurrent attempts at the same `once`
    key cannot both pass. Fails closed like hit().
    """
    if once and once[1] <= 0:
        once = None  # a window of 0 switches the rule off
    if not limits and not once:
        return None
    cache = caches[CACHE_ALIAS]
    if not isinstance(cache, RedisCache):
        return _attempt_generic(cache, limits, once)
    if redis_breaker.is_open():
        raise RateLimitUnavailable(RATE_LIMIT_UNAVAILABLE)
    try:
        return _attempt_redis(cache, limits, once)
    except CACHE_ERRORS as exc:
        redis_breaker.trip("rate limit", exc)
        raise RateLimitUnavailable(RATE_LIMIT_UNAVAILABLE) from exc


def undo(limits: Sequence[tuple[str, int, int]], *, once: tuple[str, int] | None = None) -> None:
    """Best effort: take back an attempt that attempt() allowed but whose work did not happen.

    Every limit counts one attempt fewer (a window that ended meanwhile is left alone) and
    the once key is forgotten. The keys expire on their own anyway, so an unreachable store
    is only logged.
    """
    if once and once[1] <= 0:
        once = None
    if not limits and not once:
        return
    cache = caches[CACHE_ALIAS]
    if not isinstance(cache, RedisCache):
        _undo_generic(cache, limits, once)
        return
    if redis_breaker.is_open():
        return
    try:
        _undo_redis(cache, limits, once)
    except CACHE_ERRORS as exc:
        redis_breaker.trip("rate limit undo", exc)


def count(key: str) -> int:
    """Attempts counted so far in the current window (0 when none), for tests and admin pages."""
    try:
        return int(caches[CACHE_ALIAS].get(key) or 0)
    except (*CACHE_ERRORS, ValueError) as exc:
        raise RateLimitUnavailable(RATE_LIMIT_UNAVAILABLE) from exc


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


# KEYS: the limits' keys, then the once key when ARGV[1] (its window) is above 0.
# ARGV: the once window, then each limit's (limit, window).
_ATTEMPT_SCRIPT = """
local limits = #KEYS
local once = tonumber(ARGV[1])
if once > 0 then
    if redis.call('EXISTS', KEYS[limits]) == 1 then return limits end
    limits = limits - 1
end
for i = 1, limits do
    local count = redis.call('INCR', KEYS[i])
    redis.call('EXPIRE', KEYS[i], ARGV[2 * i + 1], 'NX')
    if count > tonumber(ARGV[2 * i]) then return i end
end
if once > 0 then redis.call('SET', KEYS[#KEYS], 1, 'EX', once) end
return 0
"""
_attempt_script = None

# KEYS: the limits' keys, then the once key when ARGV[1] is 1.
_UNDO_SCRIPT = """
local limits = #KEYS
if ARGV[1] == '1' then
    redis.call('DEL', KEYS[limits])
    limits = limits - 1
end
for i = 1, limits do
    if redis.call('EXISTS', KEYS[i]) == 1 then redis.call('DECR', KEYS[i]) end
end
return 0
"""
_undo_script = None


def _attempt_redis(cache: RedisCache, limits, once) -> str | None:
    # A script rather than a MULTI pipeline: the later steps depend on the earlier answers
    # (a repeat counts nothing, a refusal sets no once key), still in one round trip.
    global _attempt_script
    keys = [key for key, _, _ in limits] + ([once[0]] if once else [])
    # make_key: the keys are the callers' own short ASCII; validating them for memcached
    # walks every character on every vote and comment.
    full_keys = [cache.make_key(key) for key in keys]
    args = [once[1] if once else 0]
    for _, limit, window in limits:
        args += [limit, window]
    client = redis_client(settings.CACHES[CACHE_ALIAS]["LOCATION"])
    if _attempt_script is None:
        _attempt_script = client.register_script(_ATTEMPT_SCRIPT)
    refused = int(_attempt_script(keys=full_keys, args=args, client=client))
    return keys[refused - 1] if refused else None


def _undo_redis(cache: RedisCache, limits, once) -> None:
    global _undo_script
    keys = [key for key, _, _ in limits] + ([once[0]] if once else [])
    full_keys = [cache.make_key(key) for key in keys]
    client = redis_client(settings.CACHES[CACHE_ALIAS]["LOCATION"])
    if _undo_script is None:
        _undo_script = client.register_script(_UNDO_SCRIPT)
    _undo_script(keys=full_keys, args=[1 if once else 0], client=client)


def _attempt_generic(cache, limits, once) -> str | None:
    # add() claims the once key atomically within this store; it is given back if a limit
    # then refuses.
    if once and not cache.add(once[0], 1, once[1]):
        return once[0]
    for key, limit, window in limits:
        if _incr_generic(cache, key, window) > limit:
            if once:
                cache.delete(once[0])
            return key
    return None


def _undo_generic(cache, limits, once) -> None:
    if once:
        cache.delete(once[0])
    for key, _, _ in limits:
        with contextlib.suppress(ValueError):  # the window ended meanwhile
            cache.decr(key)
