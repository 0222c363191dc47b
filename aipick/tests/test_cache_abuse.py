"""Requests crafted to fill the caches do not (issue 11).

Unknown article ids keep nothing; cookies the site never set are ignored, so they cannot
make one rendering per reader; a page served from memory runs no query; and a reader
holding only the CSRF cookie gets that shared page with a token that works.

Every cache kept on this machine is a FileBasedCache in a temporary directory here, so
its entries can be counted as files; a Redis cache (the PostgreSQL run's REDIS_URL) is
counted by its keys under this run's prefix.
"""

import re
from pathlib import Path

import pytest
import redis
from django.core.cache import caches
from django.test import Client

from articles.tests.factories import make_article
from polls.tests.factories import make_poll

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("live_page_cache")]

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# What differs between two readers of one shared page: their CSRF tokens, the CSP nonce.
PER_REQUEST = re.compile(r'(name="csrfmiddlewaretoken" value|nonce)="[^"]*"')


def is_redis(alias: dict) -> bool:
    return "redis" in alias["BACKEND"].lower()


def is_dummy(alias: dict) -> bool:
    return alias["BACKEND"].endswith("DummyCache")


@pytest.fixture
def counted_caches(settings, tmp_path, live_page_cache):
    """Every cache that is neither Redis nor a dummy becomes a file cache under tmp_path;
    returns a function counting all entries (files and this run's Redis keys)."""
    replaced = {}
    for name, alias in settings.CACHES.items():
        if is_redis(alias) or is_dummy(alias):
            replaced[name] = alias
            continue
        replaced[name] = {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / name),
            "TIMEOUT": alias.get("TIMEOUT", 300),
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    settings.CACHES = replaced
    assert "local" in replaced and not is_dummy(replaced["local"])
    redis_prefixes = {
        (alias["LOCATION"], caches[name].key_prefix)
        for name, alias in replaced.items()
        if is_redis(alias)
    }

    def count(alias: str | None = None) -> int:
        files = tmp_path / alias if alias else tmp_path
        total = sum(1 for path in Path(files).rglob("*.djcache"))
        if alias is None:
            for location, prefix in redis_prefixes:
                client = redis.Redis.from_url(location)
                try:
                    total += sum(1 for _ in client.scan_iter(match=f"{prefix}:*", count=1000))
                finally:
                    client.close()
        return total

    return count


@pytest.fixture
def article():
    article = make_article(title="캐시 남용 시험 기사")
    make_poll(article)
    return article


def shared_part(response) -> str:
    return PER_REQUEST.sub("", response.content.decode())


def test_unknown_article_ids_keep_nothing_in_any_cache(client, article, counted_caches):
    """Fifty requests for articles that do not exist answer 404 and leave no cache entry:
    a crawler walking ids cannot fill Redis or a worker's memory."""
    # Whatever every page needs once (the site's version, the navigation) is made here.
    assert client.get(article.get_absolute_url()).status_code == 200
    assert Client().get("/articles/999999/").status_code == 404
    before = counted_caches()

    for n in range(50):
        response = Client().get(f"/articles/{article.pk + 1000 + n}/")
        assert response.status_code == 404
        assert "페이지를 찾을 수 없습니다" in response.content.decode()

    assert counted_caches() == before


def test_unknown_cookies_share_one_rendering(article, counted_caches, django_assert_num_queries):
    """Fifty readers, each with a cookie the site never set (`junk<i>=x`), are treated as
    readers with no cookie: one rendering for all of them, the same page for each."""
    url = article.get_absolute_url()
    # The first reader starts the page's version tokens; from then on renderings are kept.
    # Count what one reader without cookies leaves in this process's memory.
    assert Client().get(url).status_code == 200
    caches["local"].clear()
    plain = Client().get(url)
    assert plain.status_code == 200
    one_reader = counted_caches("local")
    assert one_reader > 0, "the page was not kept in the local cache at all"

    pages = set()
    for n in range(50):
        reader = Client()
        reader.cookies[f"junk{n}"] = "x"
        response = reader.get(url)
        assert response.status_code == 200
        pages.add(shared_part(response))

    assert counted_caches("local") == one_reader
    assert pages == {shared_part(plain)}, "readers with an unknown cookie got another page"
    reader = Client()
    reader.cookies["junk-late"] = "x"
    with django_assert_num_queries(0):
        assert reader.get(url).status_code == 200


def test_a_page_served_from_memory_runs_no_query(article, django_assert_num_queries):
    """Once the page is kept, the next anonymous reader costs no SQL at all."""
    url = article.get_absolute_url()
    # The first reader starts the version tokens, the second keeps the rendering under them.
    for _ in range(2):
        assert Client().get(url).status_code == 200
    with django_assert_num_queries(0):
        response = Client().get(url)
    assert response.status_code == 200
    assert "캐시 남용 시험 기사" in response.content.decode()


def test_a_reader_with_the_csrf_cookie_gets_the_shared_page_and_can_vote(
    article, django_assert_num_queries
):
    """A reader who already holds `csrftoken` is served the shared page, whose form token
    matches their cookie: their vote is taken (302 back to #poll), not refused with 403."""
    url = article.get_absolute_url()
    for _ in range(2):  # the tokens started, then the shared rendering kept
        assert Client().get(url).status_code == 200

    reader = Client(enforce_csrf_checks=True)
    reader.get("/accounts/login/")
    cookie = reader.cookies["csrftoken"].value
    assert cookie
    assert set(reader.cookies) == {"csrftoken"}

    with django_assert_num_queries(0):
        page = reader.get(url)
    assert page.status_code == 200
    assert "csrftoken" not in page.cookies or page.cookies["csrftoken"].value == cookie
    tokens = TOKEN.findall(page.content.decode())
    assert tokens, "the vote form carries no CSRF token"
    choice = re.search(r'name="choice" value="(\d+)"', page.content.decode())[1]

    response = reader.post(f"{url}poll/vote/", {"choice": choice, "csrfmiddlewaretoken": tokens[0]})
    assert response.status_code == 302
    assert response["Location"].endswith("#poll")
