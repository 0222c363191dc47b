import pytest


@pytest.fixture
def demo(db):
    """The demo's Meta article, loaded as `load_demo` does."""
    from django.core.management import call_command

    from articles.models import Article

    call_command("load_demo", verbosity=0)
    return Article.objects.get(title__startswith="메타 AI 위기?")
