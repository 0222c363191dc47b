"""Test-wide setup: the fast path (MD5 hasher, local memory, temporary media)."""

import shutil
import tempfile

import pytest
from django.core.cache import caches


@pytest.fixture(autouse=True)
def _fast_settings(settings, tmp_path_factory):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Tests run inside a transaction whose on_commit callbacks (the page version bumps) never
    # fire, so whole rendered pages are not kept; `live_page_cache` turns them on.
    settings.CACHES = {
        **settings.CACHES,
        "local": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }


@pytest.fixture
def live_page_cache(settings):
    """Keep rendered article pages in local memory, as app servers do."""
    settings.CACHES = {**settings.CACHES, "local": dict(settings.LOCAL_PAGE_CACHE)}


@pytest.fixture(autouse=True)
def _clean_cache():
    for cache in caches.all():
        cache.clear()
    yield


@pytest.fixture(scope="session")
def media_root():
    path = tempfile.mkdtemp(prefix="aipick-media-")
    yield path
    shutil.rmtree(path, ignore_errors=True)


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
    # Playwright's sync API refuses to start inside a running event loop; pytest has none.
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
