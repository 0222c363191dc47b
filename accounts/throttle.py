"""Failed sign-in throttling: per username and per IP, so neither guessing one account's
password nor spraying many accounts from one address gets far.

Counted by `aipick.ratelimit`, like the vote and comment limits: in Redis in production,
shared by every app server, and failing closed. While Redis is down a sign-in attempt
gets the Korean 503 (`ServiceUnavailableMiddleware`) instead of unlimited guesses.
"""

import contextlib

from django.conf import settings
from django.core.cache import caches

from aipick import ratelimit
from aipick.cache import CACHE_ERRORS

LOGIN_THROTTLED = "로그인 시도가 너무 많습니다. 15분 뒤에 다시 시도해 주세요."


def _keys(username: str, ip: str) -> list[str]:
    keys = [f"accounts:login-fail:user:{username.strip().lower()}"]
    if ip:
        keys.append(f"accounts:login-fail:ip:{ip}")
    return keys


def is_throttled(*, username: str, ip: str) -> bool:
    limit = settings.LOGIN_FAILURE_LIMIT
    return any(ratelimit.count(key) >= limit for key in _keys(username, ip))


def record_failure(*, username: str, ip: str) -> None:
    # The window starts at the first failure and is never extended, so the block lifts on time.
    for key in _keys(username, ip):
        ratelimit.hit(key, limit=settings.LOGIN_FAILURE_LIMIT, window=settings.LOGIN_FAILURE_WINDOW)


def clear_user(*, username: str) -> None:
    # The attempt already passed is_throttled(); a leftover count below the limit is
    # harmless, so a correct password is not refused because Redis failed to forget it.
    with contextlib.suppress(CACHE_ERRORS):
        caches[ratelimit.CACHE_ALIAS].delete(_keys(username, "")[0])
