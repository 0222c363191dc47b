import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from articles.models import Article, SummaryLine

from .factories import make_article, make_category, make_reporter, make_user

pytestmark = pytest.mark.django_db


def test_summary_box_holds_at_most_three_lines():
    """A fourth summary line fails model validation and the database refuses it too."""
    article = make_article(summary=["하나", "둘", "셋"])
    fourth = SummaryLine(article=article, order=4, text="넷")
    with pytest.raises(ValidationError) as excinfo:
        fourth.full_clean()
    assert "최대 3줄" in str(excinfo.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        SummaryLine.objects.create(article=article, order=4, text="넷")
    with pytest.raises(IntegrityError), transaction.atomic():
        SummaryLine.objects.create(article=article, order=2, text="둘 또")
    assert article.summary_lines.count() == 3


def test_a_published_article_needs_a_publish_time():
    """The database refuses a 'published' article with no publish time."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(
            title="시간 없는 기사",
            category=make_category(),
            reporter=make_reporter(),
            body="본문",
            status=Article.Status.PUBLISHED,
            published_at=None,
        )


def test_body_html_is_rendered_once_on_save():
    """Markdown is rendered when the editor saves, so readers' requests don't repeat the work."""
    article = make_article(body="## 소제목\n\n<script>x()</script>본문")
    assert article.body_html.startswith('<h2 id="소제목">')
    assert "<script" not in article.body_html


def test_recount_repairs_drifted_save_counts():
    """`manage.py recount` puts every save counter back to the number of saves."""
    from django.core.management import call_command

    from articles.models import Save

    article = make_article()
    Save.objects.create(article=article, user=make_user())
    Save.objects.create(article=article, user=make_user())
    Article.objects.filter(pk=article.pk).update(save_count=7, comment_count=0)
    call_command("recount", verbosity=0)
    article.refresh_from_db()
    assert article.save_count == 2


def test_save_toggle_keeps_the_counter_equal_to_rows():
    """Saving twice unsaves; the count follows the rows and never goes negative."""
    from articles.services import article_save_toggle

    article, user = make_article(), make_user()
    assert article_save_toggle(article=article, user=user) is True
    article.refresh_from_db()
    assert article.save_count == 1
    assert article_save_toggle(article=article, user=user) is False
    article.refresh_from_db()
    assert article.save_count == 0 == article.saves.count()


def test_an_editors_save_never_puts_back_an_old_count():
    """Readers who saved while an editor had the article open keep their 저장 count after the edit."""
    from articles.services import article_save_toggle

    article = make_article()
    stale = Article.objects.get(pk=article.pk)  # the editor opens the form: 저장 0
    article_save_toggle(article=article, user=make_user())
    stale.title = "고친 제목"
    stale.save()
    article.refresh_from_db()
    assert article.title == "고친 제목"
    assert article.save_count == 1
