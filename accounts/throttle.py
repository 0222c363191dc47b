"""Failed sign-in throttling in the cache: per username and per IP, so neither guessing
one account's password nor spraying many accounts from one address gets far."""

from django.conf import settings
from django.core.cache import cache

LOGIN_THROTTLED = "로그인 시도가 너무 많습니다. 15분 뒤에 다시 시도해 주세요."


def _keys(username: str, ip: str) -> list[str]:
    keys = [f"accounts:login-fail:user:{username.strip().lower()}"]
    if ip:
        keys.append(f"accounts:login-fail:ip:{ip}")
    return keys


def is_throttled(*, username: str, ip: str) -> bool:
    limit = settings.LOGIN_FAILURE_LIMIT
    counts = cache.get_many(_keys(username, ip))
    return any(count >= limit for count in counts.values())


def record_failure(*, username: str, ip: str) -> None:
    for key in _keys(username, ip):
        # add() starts the window; incr() never extends it, so the block lifts on time.
        if not cache.add(key, 1, settings.LOGIN_FAILURE_WINDOW):
            try:
                cache.incr(key)
            except ValueError:
                cache.add(key, 1, settings.LOGIN_FAILURE_WINDOW)


def clear_user(*, username: str) -> None:
    cache.delete(_keys(username, "")[0])
