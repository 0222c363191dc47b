import pytest
from django.db import connection

from comments import services


@pytest.fixture
def no_rate_limit(settings):
    """Arrange several comments by one member without waiting out the 15-second limit."""
    settings.COMMENT_RATE_SECONDS = 0
    settings.COMMENT_DAILY_LIMIT = 0


@pytest.fixture(params=["comment_create", "comment_create_quick"])
def create(request):
    """Post a comment through either way the site writes one: each must keep every rule."""
    if request.param == "comment_create":
        return services.comment_create
    if connection.vendor != "postgresql":
        pytest.skip("the one-statement path is PostgreSQL's")

    def quick(*, article, author, body):
        comment = services.comment_create_quick(article_id=article.pk, author=author, body=body)
        assert comment is not None, "the article is public: the statement must settle it"
        return comment

    return quick
