"""ratelimit.attempt(): several limits and a once-only key decided together.

Run against whichever store the settings name: local memory on the SQLite run, Redis
(one Lua script) when REDIS_URL is set, so both paths keep the same rules.
"""

import pytest

from aipick import ratelimit

# Nothing listens here: what a stopped Redis answers.
DEAD_RATELIMIT = {
    "BACKEND": "django.core.cache.backends.redis.RedisCache",
    "LOCATION": "redis://127.0.0.1:6390/14",
}
BURST, DAY, ONCE = "test:burst", "test:day", "test:once"


def attempt():
    return ratelimit.attempt([(BURST, 1, 60), (DAY, 3, 600)], once=(ONCE, 60))


def test_allowed_attempt_counts_every_limit_and_sets_the_once_key():
    """The first attempt passes, counts once in each window and marks the once key."""
    assert attempt() is None
    assert (ratelimit.count(BURST), ratelimit.count(DAY), ratelimit.count(ONCE)) == (1, 1, 1)


def test_a_repeat_is_refused_and_counts_nothing():
    """While the once key is set the attempt is refused by it, and no limit moves."""
    attempt()
    assert attempt() == ONCE
    assert (ratelimit.count(BURST), ratelimit.count(DAY)) == (1, 1)


def test_first_limit_reached_refuses_and_later_ones_are_not_counted():
    """A refusal by the first limit leaves the second uncounted and sets no once key."""
    assert ratelimit.attempt([(BURST, 1, 60)]) is None
    assert attempt() == BURST
    assert (ratelimit.count(BURST), ratelimit.count(DAY), ratelimit.count(ONCE)) == (2, 0, 0)


def test_second_limit_reached_refuses_after_counting_the_first():
    """As a series of hit() calls: the limits before the refusing one were counted."""
    for _ in range(3):
        assert ratelimit.attempt([(DAY, 3, 600)]) is None
    assert attempt() == DAY
    assert (ratelimit.count(BURST), ratelimit.count(DAY), ratelimit.count(ONCE)) == (1, 4, 0)


def test_undo_takes_an_allowed_attempt_back():
    """Work that did not happen after an allowed attempt costs nothing and is no repeat."""
    assert attempt() is None
    assert attempt() == ONCE
    ratelimit.undo([(BURST, 1, 60), (DAY, 3, 600)], once=(ONCE, 60))
    assert (ratelimit.count(BURST), ratelimit.count(DAY), ratelimit.count(ONCE)) == (0, 0, 0)
    assert attempt() is None


def test_undo_leaves_an_ended_window_alone():
    """A window that ended before the undo is not started again below zero."""
    ratelimit.undo([(BURST, 1, 60)])
    assert ratelimit.count(BURST) == 0
    assert ratelimit.attempt([(BURST, 1, 60)]) is None


def test_nothing_to_check_is_allowed():
    """No limits and a once window of 0: nothing to decide, nothing stored."""
    assert ratelimit.attempt([], once=(ONCE, 0)) is None
    assert ratelimit.count(ONCE) == 0


def test_attempt_fails_closed_and_undo_does_not_raise(settings):
    """With the store down attempt() raises (a 503); undo() only logs."""
    settings.CACHES = {**settings.CACHES, "ratelimit": DEAD_RATELIMIT}
    with pytest.raises(ratelimit.RateLimitUnavailable):
        attempt()
    ratelimit.undo([(BURST, 1, 60)], once=(ONCE, 60))
