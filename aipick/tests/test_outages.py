"""PostgreSQL or Redis down: Korean 503 pages, reading survives, rate limits fail closed."""

from unittest import mock

import pytest
import redis
from django.core.cache import caches
from django.db import OperationalError
from django.test import override_settings

from aipick import ratelimit
from aipick.cache import TolerantRedisCache
from aipick.middleware import DATABASE_UNAVAILABLE
from aipick.ratelimit import RATE_LIMIT_UNAVAILABLE, RateLimitUnavailable

# Nothing listens here: the same "connection refused" a stopped Redis gives, without
# stopping the Redis the other test runs share.
DEAD_REDIS = "redis://127.0.0.1:6390/14"

DEAD_CACHES = {
    "default": {"BACKEND": "aipick.cache.TolerantRedisCache", "LOCATION": DEAD_REDIS},
    "ratelimit": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": DEAD_REDIS,
    },
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "dead"},
}


@override_settings(ROOT_URLCONF="aipick.tests.outage_urls", DEBUG=False)
@pytest.mark.parametrize("url", ["/db-down/", "/connection-lost/"])
def test_database_outage_answers_a_korean_503(client, url):
    """When PostgreSQL is unreachable a reader gets a Korean 503 page, not a 500."""
    response = client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert DATABASE_UNAVAILABLE in response.content.decode()


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_does_not(client):
    """The load balancer's health check fails while the database is down."""
    with mock.patch("aipick.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


@override_settings(CACHES=DEAD_CACHES)
def test_a_dead_redis_reads_as_a_cache_miss(caplog):
    """With Redis down the shared cache answers like an empty one and logs why."""
    cache = caches["default"]
    assert isinstance(cache, TolerantRedisCache)
    with caplog.at_level("WARNING", logger="aipick.cache"):
        assert cache.get("k", "fallback") == "fallback"
        assert cache.get_or_set("k", lambda: 42) == 42
        assert cache.add("k", 1) is False
        assert cache.get_many(["a", "b"]) == {}
        cache.set("k", 1)
        cache.delete("k")
        with pytest.raises(ValueError):
            cache.incr("k")


@override_settings(CACHES=DEAD_CACHES)
def test_rate_limits_fail_closed_when_redis_is_down():
    """A vote or comment is refused rather than counted without a limit."""
    with pytest.raises(RateLimitUnavailable):
        ratelimit.hit("polls:vote:1:abc", limit=30, window=60)


@override_settings(CACHES=DEAD_CACHES, ROOT_URLCONF="aipick.tests.outage_urls", DEBUG=False)
def test_rate_limit_store_down_answers_a_korean_503(client):
    """A view that calls ratelimit.hit() needs no try: the reader gets the Korean 503 page."""
    response = client.get("/rate-limited/")
    assert response.status_code == 503
    assert RATE_LIMIT_UNAVAILABLE in response.content.decode()


@override_settings(CACHES=DEAD_CACHES)
@pytest.mark.django_db
def test_pages_still_render_with_redis_down(client):
    """The home page renders from the database alone while Redis is down."""
    from articles.tests.factories import make_article

    article = make_article()
    assert client.get("/").status_code == 200
    assert client.get(article.get_absolute_url()).status_code == 200


def test_hit_counts_within_a_fixed_window():
    """The sixth attempt in a window of five is refused."""
    results = [ratelimit.hit("test:window", limit=5, window=60) for _ in range(6)]
    assert results == [True] * 5 + [False]
    assert ratelimit.count("test:window") == 6


LIVE_REDIS = "redis://127.0.0.1:6379/14"


def _redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(LIVE_REDIS, socket_connect_timeout=1).ping())
    except Exception:
        return False


@pytest.mark.skipif(not _redis_answers(), reason=f"no Redis answers at {LIVE_REDIS}")
def test_rate_limit_window_in_a_live_redis(settings):
    """In Redis the window starts at the first hit, has a TTL, and the sixth of five is refused."""
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {"BACKEND": "aipick.cache.StrictRedisCache", "LOCATION": LIVE_REDIS},
    }
    cache = caches["ratelimit"]
    key = "test:live-window"
    cache.delete(key)
    results = [ratelimit.hit(key, limit=5, window=30) for _ in range(6)]
    assert results == [True] * 5 + [False]
    assert ratelimit.count(key) == 6
    full_key = cache.make_and_validate_key(key)
    assert 0 < redis.Redis.from_url(LIVE_REDIS).ttl(full_key) <= 30
    cache.delete(key)
