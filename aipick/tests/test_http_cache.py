"""Cache-Control, Vary and conditional GET: shared only where every reader gets the same page."""

import pytest
from django.test import Client

from articles.tests.factories import make_article, make_category, make_user

pytestmark = pytest.mark.django_db


def directives(response) -> set[str]:
    return {d.strip() for d in response.get("Cache-Control", "").split(",") if d.strip()}


def vary(response) -> set[str]:
    return {v.strip().lower() for v in response.get("Vary", "").split(",")}


@pytest.fixture
def article():
    return make_article(category=make_category(slug="tech"))


@pytest.fixture
def member_client():
    client = Client()
    client.force_login(make_user())
    return client


@pytest.mark.parametrize("path", ["/", "/categories/tech/"])
def test_lists_are_briefly_public_for_anonymous_readers(article, path):
    """A reader without cookies may get home and category pages from a proxy for a minute."""
    response = Client().get(path)
    assert response.status_code == 200
    assert directives(response) == {"public", "max-age=60"}
    assert {"cookie", "hx-request"} <= vary(response)
    assert not response.cookies


@pytest.mark.parametrize("path", ["/", "/categories/tech/"])
def test_an_unchanged_list_answers_304(article, path):
    """Revalidating with the ETag costs no body while nothing changed, and a full page after."""
    first = Client().get(path)
    etag = first["ETag"]
    again = Client().get(path, headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""
    make_article(title="새로 발행된 기사", category=article.category)
    changed = Client().get(path, headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert "새로 발행된 기사" in changed.content.decode()


@pytest.mark.parametrize("path", ["/", "/categories/tech/", "/me/saved/"])
def test_pages_for_members_are_private(article, member_client, path):
    """A signed-in member's pages are never stored by a shared cache, nor revalidated by ETag."""
    response = member_client.get(path)
    assert response.status_code == 200
    assert directives(response) == {"private", "no-cache"}
    assert "cookie" in vary(response)
    assert not response.has_header("ETag")


def test_a_members_article_page_is_private(article, member_client):
    """The article page shows the member's vote and save: private to them."""
    response = member_client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert directives(response) == {"private", "no-cache"}


def test_a_voter_cookie_makes_even_the_home_page_private(article):
    """Any cookie but the CSRF one means the page may hold something of this reader's."""
    client = Client()
    client.cookies["aipick_voter"] = "token"
    assert directives(client.get("/")) == {"private", "no-cache"}
    csrf_only = Client()
    csrf_only.cookies["csrftoken"] = "x" * 32
    assert directives(csrf_only.get("/")) == {"public", "max-age=60"}


def test_htmx_requests_are_not_stored_as_the_page(article):
    """An htmx partial shares the page's URL; it is not marked public."""
    response = Client().get("/", headers={"hx-request": "true"})
    assert "public" not in directives(response)


def test_a_404_is_never_public():
    """Only a 200 of a listed page is shared."""
    assert "public" not in directives(Client().get("/articles/999999/"))


@pytest.mark.parametrize("path", ["/feed/", "/sitemap.xml"])
def test_feed_and_sitemap_are_public_for_everyone_and_revalidate(article, member_client, path):
    """Feeds and sitemaps never differ per reader: public for five minutes, 304 when unchanged."""
    for client in (Client(), member_client):
        response = client.get(path)
        assert response.status_code == 200
        assert directives(response) == {"public", "max-age=300"}
        again = client.get(path, headers={"if-none-match": response["ETag"]})
        assert again.status_code == 304


def test_robots_txt_is_public_for_a_day_with_an_etag():
    """Crawlers may keep robots.txt a day and revalidate it for free."""
    response = Client().get("/robots.txt")
    assert directives(response) == {"public", "max-age=86400"}
    assert (
        Client().get("/robots.txt", headers={"if-none-match": response["ETag"]}).status_code == 304
    )


def test_healthz_is_never_stored():
    """A stored "ok" would hide an outage from the load balancer."""
    response = Client().get("/healthz")
    assert "no-store" in directives(response) or "no-cache" in directives(response)
