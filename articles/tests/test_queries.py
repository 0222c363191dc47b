import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .factories import make_article, make_category

pytestmark = pytest.mark.django_db


def article_page_queries(client, article) -> int:
    client.get(article.get_absolute_url())  # warm the navigation cache, as a live site has it
    with CaptureQueriesContext(connection) as queries:
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return len(queries)


def fill_category(category, n):
    return [
        make_article(category=category, summary=["요약"], debate=[("buki", "찬성")])
        for _ in range(n)
    ]


def test_article_page_query_count_does_not_grow_with_the_category(client):
    """The article page runs the same few queries whether its category has 2 or 50 articles."""
    small, large = make_category(), make_category()
    few = fill_category(small, 2)
    many = fill_category(large, 50)
    small_count = article_page_queries(client, few[0])
    large_count = article_page_queries(client, many[0])
    assert small_count == large_count
    assert large_count <= 8


def test_home_query_count_does_not_grow_with_the_page(client):
    """Home runs a fixed number of queries for a full page of 20 cards."""
    category = make_category()
    fill_category(category, 3)
    client.get("/")
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    fill_category(category, 30)
    with CaptureQueriesContext(connection) as many:
        client.get("/")
    # + 2: the category blocks and their card badges.
    assert len(few) == len(many) <= 6 + 2
