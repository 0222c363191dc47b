import pytest


@pytest.fixture
def no_rate_limit(settings):
    """Arrange several comments by one member without waiting out the 15-second limit."""
    settings.COMMENT_RATE_SECONDS = 0
    settings.COMMENT_DAILY_LIMIT = 0
