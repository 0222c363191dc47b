"""Test-wide setup: the fast path (MD5 hasher, local memory, temporary media).

With REDIS_URL set (`make test`'s PostgreSQL run uses redis://127.0.0.1:6379/15) the
"default" and "ratelimit" caches are Redis, as in production. Every run then writes under
its own key prefix and clears only those keys: another engineer's run on the same Redis
database, or `make serve`'s data if REDIS_URL points at it, is never flushed, and their
version tokens and rate-limit counters never leak into this run's tests.
"""

import os

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from aipick.cache import redis_breaker

# Before any cache is built (the handler reads CACHES on first use): one prefix per run.
REDIS_KEY_PREFIX = f"aipick-test-{os.getpid()}"
for _alias in django_settings.CACHES.values():
    if "redis" in _alias["BACKEND"].lower():
        _alias["KEY_PREFIX"] = REDIS_KEY_PREFIX


def clear_cache(alias: str) -> None:
    cache = caches[alias]
    if isinstance(cache, RedisCache):
        # RedisCache.clear() is FLUSHDB: every key of everyone on that database.
        client = redis.Redis.from_url(django_settings.CACHES[alias]["LOCATION"])
        keys = list(client.scan_iter(match=f"{cache.key_prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
        client.close()
    else:
        cache.clear()


def pytest_runtest_setup(item):
    """`@pytest.mark.postgres(reason=...)`: the test needs PostgreSQL; elsewhere it is skipped
    with its reason, so every such test says why in one place instead of checking itself."""
    marker = item.get_closest_marker("postgres")
    if marker is None:
        return
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip(marker.kwargs.get("reason", "needs PostgreSQL"))


@pytest.fixture(autouse=True)
def _fast_settings(settings, tmp_path_factory):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))
    # Article reads buffered without Redis (articles/reads.py): per test, never the
    # developer's .cache directory.
    settings.READS_DIR = tmp_path_factory.mktemp("reads")
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Tests run inside a transaction whose on_commit callbacks (the token moves) never fire,
    # so renderings are not kept; `live_page_cache` turns them on. Without Redis the shared
    # store is process memory, not the developer's cache directory.
    settings.CACHES = {
        **{
            alias: in_memory(alias) if "filebased" in config["BACKEND"] else config
            for alias, config in settings.CACHES.items()
        },
        "local": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }


def in_memory(alias: str) -> dict:
    return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": f"test-{alias}"}


@pytest.fixture
def live_page_cache(settings):
    """Keep renderings in local memory, as app servers do (empty: ids repeat between tests)."""
    settings.CACHES = {**settings.CACHES, "local": dict(settings.LOCAL_CACHE)}
    caches["local"].clear()


@pytest.fixture(autouse=True)
def _clean_cache(settings, _fast_settings):
    # Every alias, the per-process "local" one included: a page kept by one test must not
    # answer the next.
    for alias in settings.CACHES:
        clear_cache(alias)
    yield
    # A test that met a dead Redis on purpose leaves no open breaker to the next one.
    redis_breaker.close()


@pytest.fixture(autouse=True, scope="session")
def _redis_keys_removed_after_the_run():
    yield
    for alias in django_settings.CACHES:
        cache = caches[alias]
        if isinstance(cache, RedisCache) and cache.key_prefix == REDIS_KEY_PREFIX:
            clear_cache(alias)


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright; browser tests skip clearly where it is missing."""
    import os

    if not os.path.exists(CHROMIUM):
        pytest.skip(f"browser tests need {CHROMIUM} (apt-get install chromium fonts-noto-cjk)")
    # Playwright runs its own event loop in this thread; the ORM must still work here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium):
    context = chromium.new_context(locale="ko-KR", timezone_id="Asia/Seoul")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def demo_article(transactional_db):
    """The demo's Meta article, loaded as `load_demo` does, for tests through a live server."""
    from django.core.management import call_command

    from articles.models import Article

    call_command("load_demo", verbosity=0)
    return Article.objects.get(title__startswith="메타 AI 위기?")
