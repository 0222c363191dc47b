import pytest
from django.apps import apps
from django.core.management import call_command

from articles.models import Article, Category, DebateLine, SummaryLine

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
    assert SummaryLine.objects.count() == 6
    assert meta.cover and meta.cover_renditions
