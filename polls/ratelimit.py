"""The vote rate limit, counted by `aipick.ratelimit` (Redis in production, shared by every
app server, failing closed with a Korean 503 when Redis is down): per client address for
anonymous readers, per member for members — one member flipping sides in a loop would
otherwise re-render every reader's page at each flip.

The IP itself is never stored: the cache key holds a keyed hash of it (HMAC with the
site's secret), which cannot be turned back into an address without the secret.

A refused attempt writes no row and moves no token, so a flood past the limit costs the
database nothing and re-renders no reader's page. Editors alone see how many readers the
limit held back (`refused_voters`, on the poll's admin page): counted in the same store,
each address or member once per clock hour, so sending more attempts does not raise it.
"""

import contextlib
import functools
import re
import time

from django.conf import settings
from django.utils.crypto import salted_hmac

from aipick import ratelimit

PERIODS = {"second": 1, "minute": 60, "hour": 3600}
HOUR = 3600
# The refused-readers counter only counts: a limit it never reaches.
COUNT_ONLY = 2**31 - 1


@functools.cache
def parse_rate(rate: str) -> tuple[int, int]:
    """ "30/minute" → (30, 60)."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(second|minute|hour)\s*", rate)
    if not match:
        raise ValueError(f"POLL_RATE_LIMIT must look like '30/minute', not {rate!r}")
    return int(match.group(1)), PERIODS[match.group(2)]


def ip_hash(ip: str) -> str:
    return salted_hmac("polls.ratelimit.ip", ip, algorithm="sha256").hexdigest()[:32]


def allow_vote_attempt(*, article_id: int, voter, client_ip: str) -> bool:
    """Count this attempt; False once this member, or this address (`aipick.ratelimit.client_ip`)
    for anonymous readers, passed the limit of the article's poll."""
    limit, period = parse_rate(settings.POLL_RATE_LIMIT)
    who = voter.key if voter.is_member else ip_hash(client_ip)
    if ratelimit.hit(f"polls:vote:{article_id}:{who}", limit=limit, window=period):
        return True
    _count_refused(article_id, who)
    return False


def this_hour() -> int:
    """The clock hour (hours since the epoch) the refused-readers counter is kept under."""
    return int(time.time()) // HOUR


def _refused_key(article_id: int, hour: int) -> str:
    return f"polls:refused:{article_id}:{hour}"


def _count_refused(article_id: int, who: str) -> None:
    # One round trip: the once key (this reader, this hour) lets the counter move only at
    # the reader's first refusal of the hour. Kept two hours, so the last hour stays
    # readable. Only a count for editors: a store failing now still leaves the answer a 429.
    hour = this_hour()
    with contextlib.suppress(ratelimit.RateLimitUnavailable):
        ratelimit.attempt(
            [(_refused_key(article_id, hour), COUNT_ONLY, 2 * HOUR)],
            once=(f"{_refused_key(article_id, hour)}:{who}", HOUR),
        )


def refused_voters(article_id: int) -> tuple[int, int]:
    """(this hour, the hour before): how many addresses or members the vote limit refused."""
    hour = this_hour()
    return (
        ratelimit.count(_refused_key(article_id, hour)),
        ratelimit.count(_refused_key(article_id, hour - 1)),
    )
