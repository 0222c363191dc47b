from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from articles.models import Article
from articles.views import PAGE_SIZE

from .factories import make_article, make_reporter
from .helpers import page_text

pytestmark = pytest.mark.django_db


def test_reporter_page_shows_name_contact_and_published_articles_newest_first(client):
    """/reporters/<id>/ shows the reporter's name, a mailto contact and their published
    articles, newest first; drafts, scheduled pieces and other reporters' articles are not there."""
    reporter = make_reporter(name="김하늘", email="sky@aipick.kr")
    now = timezone.now()
    make_article(reporter=reporter, title="오래된 기사", published_at=now - timedelta(days=3))
    make_article(reporter=reporter, title="최근 기사", published_at=now - timedelta(hours=1))
    make_article(
        reporter=reporter, title="초안 기사", status=Article.Status.DRAFT, published_at=None
    )
    make_article(reporter=reporter, title="예약 기사", published_at=now + timedelta(days=1))
    make_article(title="다른 기자의 기사")

    response = client.get(f"/reporters/{reporter.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="page-title">김하늘 기자</h1>' in html
    assert '<a href="mailto:sky@aipick.kr">sky@aipick.kr</a>' in html
    text = page_text(response)
    assert text.index("최근 기사") < text.index("오래된 기사")
    for absent in ("초안 기사", "예약 기사", "다른 기자의 기사"):
        assert absent not in text
    assert "발행한 기사 2건" in text


def test_reporter_page_paginates(client):
    """Twenty cards a page; the rest are on ?page=2."""
    reporter = make_reporter()
    now = timezone.now()
    for i in range(PAGE_SIZE + 2):
        make_article(
            reporter=reporter, title=f"기자 기사 {i:02d}", published_at=now - timedelta(hours=i + 1)
        )
    first = page_text(client.get(reporter.get_absolute_url()))
    assert "기자 기사 00" in first and f"기자 기사 {PAGE_SIZE:02d}" not in first
    assert "1 / 2" in first
    second = page_text(client.get(reporter.get_absolute_url() + "?page=2"))
    assert f"기자 기사 {PAGE_SIZE:02d}" in second and f"기자 기사 {PAGE_SIZE + 1:02d}" in second
    assert "기자 기사 00" not in second


def test_reporter_without_published_articles_shows_an_empty_line(client):
    """A reporter with only a draft gets their page with a Korean empty line."""
    reporter = make_reporter(name="박초안")
    make_article(
        reporter=reporter, title="아직 초안", status=Article.Status.DRAFT, published_at=None
    )
    response = client.get(reporter.get_absolute_url())
    assert response.status_code == 200
    text = page_text(response)
    assert "이 기자가 발행한 기사가 아직 없습니다." in text
    assert "아직 초안" not in text


@pytest.mark.parametrize("url", ["/reporters/999999/", "/reporters/abc/"])
def test_unknown_reporter_gets_the_korean_404(client, url):
    """A wrong reporter address gets the Korean 404 page."""
    response = client.get(url)
    assert response.status_code == 404
    assert "페이지를 찾을 수 없습니다" in response.content.decode()


def test_byline_links_to_the_reporter_and_the_meta_line_keeps_its_text(client, demo):
    """The reporter's name in the meta line and in the byline links to their page; the text a
    reader sees is unchanged."""
    response = client.get(demo.get_absolute_url())
    html = response.content.decode()
    link = f'<a href="/reporters/{demo.reporter.pk}/">이도윤 기자</a>'
    assert f"편집: {link} 발행: " in html
    assert f"편집자: {link}</p>" in html
    text = page_text(response)
    assert "댓글 6 · 저장 0 · 편집: 이도윤 기자 발행: 2025.04.30 00:58" in text
    assert "편집자: 이도윤 기자" in text


def test_reporter_page_lists_the_demo_reporters_articles(client, demo):
    """Following the byline leads to a page listing the article it came from."""
    response = client.get(demo.reporter.get_absolute_url())
    assert demo.title in page_text(response)
    assert f'href="{demo.get_absolute_url()}"' in response.content.decode()


def test_sitemap_lists_reporters_with_published_articles_only(client):
    """Crawlers find the reporter pages that list something, not the empty ones."""
    published = make_article().reporter
    only_draft = make_article(status=Article.Status.DRAFT, published_at=None).reporter
    sitemap = client.get("/sitemap.xml").content.decode()
    assert f"/reporters/{published.pk}/</loc>" in sitemap
    assert f"/reporters/{only_draft.pk}/</loc>" not in sitemap


@pytest.mark.usefixtures("live_page_cache")
def test_a_reporter_renamed_in_the_admin_shows_on_kept_pages(
    admin_client, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """The reporter page is kept like a category page, and a rename in the admin reaches it
    and the article's byline on the next request."""
    article = make_article(reporter=make_reporter(name="옛이름"))
    reporter = article.reporter
    for url in (reporter.get_absolute_url(), article.get_absolute_url()):
        Client().get(url)
        Client().get(url)
    with django_assert_num_queries(0):
        assert "옛이름 기자" in page_text(Client().get(reporter.get_absolute_url()))

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/articles/reporter/{reporter.pk}/change/",
            {"name": "새이름", "email": reporter.email},
        )
    assert response.status_code == 302
    assert "새이름 기자" in page_text(Client().get(reporter.get_absolute_url()))
    text = page_text(Client().get(article.get_absolute_url()))
    assert "편집: 새이름 기자 발행:" in text and "편집자: 새이름 기자" in text
