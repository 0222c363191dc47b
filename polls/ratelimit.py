"""The vote rate limit, counted by `aipick.ratelimit` (Redis in production, shared by every
app server, failing closed with a Korean 503 when Redis is down): per client address for
anonymous readers, per member for members — one member flipping sides in a loop would
otherwise re-render every reader's page at each flip.

The IP itself is never stored: the cache key holds a keyed hash of it (HMAC with the
site's secret), which cannot be turned back into an address without the secret.
"""

import functools
import re

from django.conf import settings
from django.utils.crypto import salted_hmac

from aipick import ratelimit

PERIODS = {"second": 1, "minute": 60, "hour": 3600}


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
    return ratelimit.hit(f"polls:vote:{article_id}:{who}", limit=limit, window=period)
