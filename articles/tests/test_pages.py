from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

from .factories import make_article, make_category, make_user
from .helpers import assert_in_order, page_text

pytestmark = pytest.mark.django_db


def test_article_page_shows_the_seed_sections_in_order(client, demo):
    """A reader sees header, category, title, meta line, summary, body, byline, debate and related, in that order."""
    response = client.get(demo.get_absolute_url())
    assert response.status_code == 200
    text = page_text(response)
    assert_in_order(
        text,
        [
            "환영해🦉",
            "기술/연구",
            "메타 AI 위기? '라마4' 실망에 개발자들 뿔났다",
            "댓글 6 · 저장 0 · 편집: 이도윤 기자 발행: 2025.04.30 00:58",
            "기사 3줄 요약",
            "라마4, 뭐가 문제였길래?",
            "'매버릭' 논란, 믿어도 돼?",
            "똑똑한 AI라더니, 생각은 못 해?",
            "그래서 라마콘에서 뭘 보여줄 건데?",
            "편집자: 이도윤 기자",
            "제보·문의: aipick@aipick.kr",
            "[저작권자ⓒ AI PICK. 무단전재-재배포 금지]",
            "부키와 모키의 티격태격",
            "관련 기사",
        ],
    )


def test_summary_is_an_ordered_list_of_three(client, demo):
    """The 3-line summary is a numbered list, as on the seed page."""
    html = client.get(demo.get_absolute_url()).content.decode()
    box = html[html.index("기사 3줄 요약") :]
    box = box[: box.index("</ol>")]
    assert "<ol" in box
    assert box.count("<li>") == 3


def test_second_demo_article_carries_its_sources_copyright(client, demo):
    """The Llama 4 piece from META-X ends with META-X's own copyright line."""
    other = Article.objects.get(source_name="META-X")
    text = page_text(client.get(other.get_absolute_url()))
    assert "[저작권자ⓒ META-X. 무단전재-재배포 금지]" in text


def test_debate_lines_alternate_sides_with_avatars(client, demo):
    """부키 speaks from the left and 모키 from the right, each with a drawn avatar."""
    html = client.get(demo.get_absolute_url()).content.decode()
    assert html.count("debate__line--buki") >= 3
    assert html.count("debate__line--moki") >= 3
    assert html.count('class="debate__avatar"') >= 6


def test_sharing_tags_come_from_title_and_first_summary_line(client, demo):
    """Link previews in messengers show the title and the first summary line."""
    html = client.get(demo.get_absolute_url()).content.decode()
    assert '<meta property="og:title" content="메타 AI 위기? &#x27;라마4&#x27;' in html
    first_line = demo.summary_lines.first().text
    assert f'<meta name="description" content="{first_line}' in html.replace("&#x27;", "'")
    assert 'property="og:image"' in html


def test_cover_is_served_in_sizes_that_fit_the_screen(client, demo):
    """The cover image offers WebP renditions through srcset, with its size declared."""
    html = client.get(demo.get_absolute_url()).content.decode()
    assert 'srcset="' in html and "480w" in html and "1200w" in html
    assert 'width="1600" height="900"' in html


def test_revised_time_follows_when_edited_after_publishing(client):
    """An article edited after publishing shows a 수정: time after its 발행: time."""
    article = make_article(published_at=timezone.now() - timedelta(days=1))
    Article.objects.filter(pk=article.pk).update(revised_at=timezone.now())
    text = page_text(client.get(article.get_absolute_url()))
    assert " 수정: " in text


@pytest.mark.parametrize(
    "state",
    [
        {"status": Article.Status.DRAFT, "published_at": None},
        {"status": Article.Status.PUBLISHED, "published_at": "future"},
    ],
    ids=["draft", "scheduled"],
)
def test_unpublished_articles_are_invisible_everywhere(client, state):
    """Drafts and scheduled articles 404 and appear in no list, feed, sitemap or related box."""
    if state["published_at"] == "future":
        state = {**state, "published_at": timezone.now() + timedelta(days=1)}
    category = make_category()
    visible = make_article(category=category, title="보이는 기사")
    hidden = make_article(category=category, title="숨은 기사 제목", **state)

    response = client.get(hidden.get_absolute_url())
    assert response.status_code == 404
    assert "페이지를 찾을 수 없습니다" in response.content.decode()
    for url in [
        "/",
        category.get_absolute_url(),
        "/feed/",
        "/sitemap.xml",
        visible.get_absolute_url(),
    ]:
        body = client.get(url).content.decode()
        assert "숨은 기사 제목" not in body, url
        assert f"/articles/{hidden.pk}/" not in body, url


def test_staff_can_preview_a_draft_with_a_banner(client):
    """An editor opening a draft sees it with a 미리보기 banner; readers still get 404."""
    draft = make_article(status=Article.Status.DRAFT, published_at=None, title="초안 기사")
    client.force_login(make_user(staff=True))
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "미리보기" in page_text(response)
    assert 'name="robots" content="noindex"' in response.content.decode()


def test_related_articles_prefer_the_same_category_and_skip_itself(client):
    """관련 기사 lists same-category pieces first, then the newest others, never the article itself."""
    tech, other = make_category(), make_category()
    now = timezone.now()
    article = make_article(category=tech, title="기준 기사", published_at=now - timedelta(days=3))
    same_old = make_article(
        category=tech, title="같은 분야 옛 기사", published_at=now - timedelta(days=9)
    )
    newest_other = make_article(
        category=other, title="다른 분야 새 기사", published_at=now - timedelta(minutes=5)
    )
    html = client.get(article.get_absolute_url()).content.decode()
    # The 관련 기사 box only: the side rail's ranked lists follow it.
    start = html.index('id="related-title"')
    related = html[start : html.index("</aside>", start)]
    assert related.index(same_old.title) < related.index(newest_other.title)
    assert "기준 기사" not in related


def test_home_lists_newest_first_with_counts_and_paginates(client):
    """Home shows the newest published articles first, 20 a page, each with its category and counts."""
    category = make_category(name="정책/윤리")
    now = timezone.now()
    for i in range(23):
        make_article(
            category=category, title=f"기사 번호 {i:02d}", published_at=now - timedelta(hours=i + 1)
        )
    first = client.get("/")
    text = page_text(first)
    assert text.index("기사 번호 00") < text.index("기사 번호 01")
    assert "기사 번호 20" not in text
    assert "댓글 0 · 저장 0" in text and "정책/윤리" in text
    second = page_text(client.get("/?page=2"))
    assert "기사 번호 22" in second
    assert client.get("/?page=abc").status_code == 200


def test_category_page_lists_only_its_articles(client):
    """A category page shows its own published articles and marks itself in the navigation."""
    tech, other = (
        make_category(name="기술/연구", slug="tech"),
        make_category(name="산업", slug="biz"),
    )
    make_article(category=tech, title="기술 기사")
    make_article(category=other, title="산업 기사")
    response = client.get("/categories/tech/")
    text = page_text(response)
    assert "기술 기사" in text and "산업 기사" not in text
    assert 'aria-current="page">기술/연구' in response.content.decode()
    assert client.get("/categories/nope/").status_code == 404


def test_feed_is_rss_with_summary(client, demo):
    """/feed/ is RSS 2.0 with each article's first summary line."""
    response = client.get("/feed/")
    body = response.content.decode()
    assert response["Content-Type"].startswith("application/rss+xml")
    assert '<rss version="2.0"' in body
    assert demo.summary_lines.first().text.replace("'", "&#x27;") in body or demo.lead in body


def test_sitemap_and_robots(client, demo):
    """Crawlers find every public page with its lastmod, and robots.txt names the sitemap."""
    sitemap = client.get("/sitemap.xml").content.decode()
    assert f"/articles/{demo.pk}/</loc><lastmod>2025-04-30" in sitemap.replace("\n", "")
    assert "/categories/tech-research/" in sitemap
    robots = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in robots


@pytest.mark.parametrize("url", ["/articles/999999/", "/articles/abc/", "/nope/"])
def test_unknown_pages_get_a_korean_404(client, url):
    """A wrong address gets a Korean page, never a server error."""
    response = client.get(url)
    assert response.status_code == 404
    assert "페이지를 찾을 수 없습니다" in response.content.decode()


def test_post_to_a_read_only_page_is_405_in_korean(client, demo):
    """Posting to a page that only reads answers 405 with a Korean explanation."""
    for url in ["/", demo.get_absolute_url(), "/categories/tech-research/"]:
        response = client.post(url, {"x": "1"})
        assert response.status_code == 405
        assert "허용되지 않는 요청입니다" in response.content.decode()


def test_500_page_renders_in_korean_without_a_database(client, settings):
    """The server-error page is Korean, in the site's style, and needs nothing that could be broken."""
    from aipick.views import server_error

    response = server_error(None)
    body = response.content.decode()
    assert response.status_code == 500
    assert "일시적인 오류가 발생했습니다" in body
    assert 'lang="ko"' in body and "site.css" in body


def test_healthz_reports_the_database(client, monkeypatch):
    """/healthz says 200 while the database answers and 503 when it doesn't."""
    assert client.get("/healthz").status_code == 200

    from django.db import DatabaseError, connection

    def broken_cursor(*args, **kwargs):
        raise DatabaseError("database is down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    assert client.get("/healthz").status_code == 503


def test_dates_are_korean_style(client, demo):
    """Dates read 2025.04.30 00:58 in Seoul time on cards too."""
    text = page_text(client.get(reverse("home")))
    assert "2025.04.30 00:58" in text
