import pytest
from django.apps import apps
from django.core.management import call_command

from articles import demo, demo_news
from articles.models import Article, Category, DebateLine, Reporter, SummaryLine

pytestmark = pytest.mark.django_db


def snapshot():
    """Every row of every project app, so a second load can be compared row for row."""
    rows = {}
    for label in ["articles", "polls", "comments"]:
        for model in apps.get_app_config(label).get_models():
            rows[model._meta.label] = sorted(
                tuple(sorted((k, str(v)) for k, v in row.items()))
                for row in model.objects.values()
                if True
            )
    return rows


def test_load_demo_twice_leaves_the_same_rows():
    """Running load_demo again changes nothing: same articles, lines, polls, same ids."""
    call_command("load_demo", verbosity=0)
    first = snapshot()
    call_command("load_demo", verbosity=0)
    assert snapshot() == first


def test_demo_keeps_the_seed_facts():
    """The demo is the Meta article (기술/연구, 이도윤 기자, 2025.04.30 00:58) and the META-X piece."""
    call_command("load_demo", verbosity=0)
    meta = Article.objects.get(title__startswith="메타 AI 위기?")
    assert meta.category.name == "기술/연구"
    assert str(meta.reporter) == "이도윤 기자"
    assert meta.contact_email == "aipick@aipick.kr"
    assert meta.summary_lines.count() == 3
    assert meta.body.count("\n## ") == 4
    assert DebateLine.objects.filter(article=meta).count() >= 6
    assert {"buki", "moki"} == set(meta.debate_lines.values_list("speaker", flat=True))
    assert Article.objects.filter(source_name="META-X").exists()
    assert Category.objects.count() >= 3
    seed_titles = [data["title"] for data in demo.ARTICLES.values()]
    assert SummaryLine.objects.filter(article__title__in=seed_titles).count() == 6
    assert meta.cover and meta.cover_renditions


def row_counts() -> dict[str, int]:
    models = [Article, Category, Reporter, SummaryLine, DebateLine]
    return {model.__name__: model.objects.count() for model in models}


def test_load_demo_twice_keeps_the_same_row_counts():
    """A second load_demo adds no article, reporter, category, summary or debate line."""
    call_command("load_demo", verbosity=0)
    first = row_counts()
    call_command("load_demo", verbosity=0)
    assert row_counts() == first
    assert first["Article"] == len(demo.ARTICLES) + len(demo_news.ARTICLES) == 11


def test_every_category_has_demo_news_with_summary_and_debate():
    """Each category shows at least three published demo articles, each with sub-headings,
    three summary lines and a 부키/모키 debate, by more than the two seed reporters."""
    call_command("load_demo", verbosity=0)
    for category in Category.objects.all():
        news = Article.objects.published().filter(
            category=category, title__in=[a["title"] for a in demo_news.ARTICLES.values()]
        )
        assert news.count() >= 3, category.name
        for article in news:
            assert article.body.count("\n## ") >= 2
            assert article.summary_lines.count() == 3
            assert 4 <= article.debate_lines.count() <= 6
            assert set(article.debate_lines.values_list("speaker", flat=True)) == {"buki", "moki"}
            assert article.cover and article.cover_caption and article.cover_alt
    assert Reporter.objects.count() >= 5
    assert all("@aipick.kr" in email for email in Reporter.objects.values_list("email", flat=True))
