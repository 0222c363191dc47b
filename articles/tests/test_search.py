from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, SummaryLine
from articles.search import QUERY_SHORTENED, QUERY_TOO_SHORT, article_search

from .factories import make_article, make_category
from .helpers import assert_in_order, page_text

pytestmark = pytest.mark.django_db


def hours_ago(n):
    return timezone.now() - timedelta(hours=n)


def found_titles(q):
    return [article.title for article in article_search(q)[:100]]


@pytest.mark.parametrize("q", ["신뢰", "신뢰도", "TRUST", "trust"])
def test_korean_and_english_words_are_found_inside_longer_words(q):
    """A reader searching a word finds it inside longer words, in title, summary or body."""
    make_article(title="메타의 신뢰도 회복 전략", body="Trustworthy AI 이야기.")
    make_article(title="무관한 기사", summary=["독자의 신뢰를 얻는 법"], body="trustful 평가.")
    make_article(title="또 다른 기사", body="신뢰도와 trust 문제를 다룹니다.")
    make_article(title="전혀 다른 기사", body="아무 내용 없음.")
    expected = 3 if q != "신뢰도" else 2
    assert len(found_titles(q)) == expected


def test_title_hits_rank_above_summary_hits_above_body_hits_then_newest():
    """Title matches come first, then summary matches, then body matches; newest first within each."""
    make_article(title="본문에만 (새)", body="반도체 이야기", published_at=hours_ago(1))
    make_article(title="요약에만", summary=["반도체 요약"], published_at=hours_ago(5))
    make_article(title="반도체 제목 (옛)", published_at=hours_ago(9))
    make_article(title="본문에만 (옛)", body="반도체 이야기", published_at=hours_ago(8))
    make_article(title="반도체 제목 (새)", published_at=hours_ago(3))
    assert found_titles("반도체") == [
        "반도체 제목 (새)",
        "반도체 제목 (옛)",
        "요약에만",
        "본문에만 (새)",
        "본문에만 (옛)",
    ]
    # The same order for a two-character word (SQLite answers it without FTS5).
    assert [t.replace("반도체", "") for t in found_titles("반도")][:2] == [
        " 제목 (새)",
        " 제목 (옛)",
    ]


def test_results_page_shows_category_title_time_and_a_marked_snippet(client):
    """Each result shows its category, title, time and a snippet with the word marked."""
    category = make_category(name="칩/산업")
    article = make_article(
        title="엔비디아 실적",
        category=category,
        body="올해 반도체 수요가 크게 늘었습니다.",
        published_at=timezone.make_aware(timezone.datetime(2025, 4, 30, 0, 58)),
    )
    response = client.get("/search/", {"q": "반도체"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<title>"반도체" 검색 결과 · AI PICK</title>' in html
    assert "<mark>반도체</mark>" in html
    assert article.get_absolute_url() in html
    assert_in_order(page_text(response), ["칩/산업", "엔비디아 실적", "2025.04.30 00:58"])


def test_a_script_query_is_escaped_everywhere(client):
    """A query holding HTML is shown as text, in the title, heading, box and snippet; never run."""
    make_article(title="태그 기사", body="본문에 <script>alert(1)</script> 이라는 글자가 있습니다.")
    response = client.get("/search/", {"q": "<script>alert(1)</script>"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<mark>&lt;script&gt;alert(1)&lt;/script&gt;</mark>" in html


@pytest.mark.parametrize(
    ("q", "hint"),
    [
        ("", QUERY_TOO_SHORT),
        ("가", QUERY_TOO_SHORT),
        ("   ", QUERY_TOO_SHORT),
        ("!?…%_\"'", QUERY_TOO_SHORT),
        ("\x00", QUERY_TOO_SHORT),
        ("검색" * 1000, QUERY_SHORTENED),
    ],
)
def test_hopeless_queries_get_a_korean_hint_not_an_error(client, q, hint):
    """Empty, one-character, punctuation-only and 2,000-character queries answer a Korean hint."""
    make_article(title="아무 기사")
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    assert hint in page_text(response)


def test_a_long_query_is_searched_by_its_first_100_characters():
    """A query over 100 characters is cut to 100 before searching."""
    results = article_search("가" * 2000)
    assert len(results.query) == 100
    assert results.count() == 0


@pytest.mark.parametrize("q", ["공개 전", "공개전"])
def test_unpublished_articles_are_never_found(q):
    """Drafts and scheduled articles stay out of search results."""
    make_article(title="공개전 초안", status=Article.Status.DRAFT, published_at=None)
    make_article(title="공개전 예약", published_at=timezone.now() + timedelta(days=1))
    make_article(title="공개 전 초안", status=Article.Status.DRAFT, published_at=None)
    assert found_titles(q) == []


def test_pagination_keeps_the_query(client):
    """Page links carry q, 20 results to a page."""
    category = make_category()
    for n in range(25):
        make_article(title=f"양자컴퓨터 소식 {n}", category=category)
    response = client.get("/search/", {"q": "양자컴퓨터"})
    html = response.content.decode()
    assert html.count('class="search-hit"') == 20
    assert "?q=%EC%96%91%EC%9E%90%EC%BB%B4%ED%93%A8%ED%84%B0&amp;page=2" in html
    second = client.get("/search/", {"q": "양자컴퓨터", "page": 2})
    assert second.content.decode().count('class="search-hit"') == 5


def test_the_index_follows_edits_and_deletions():
    """An edited title, a new summary line and a deleted article are found (or not) at once."""
    article = make_article(title="처음 제목")
    article.title = "바뀐 제목 자율주행"
    article.save()
    assert found_titles("자율주행") == ["바뀐 제목 자율주행"]
    SummaryLine.objects.create(article=article, order=1, text="로보택시 시범 운행")
    assert found_titles("로보택시") == ["바뀐 제목 자율주행"]
    SummaryLine.objects.filter(article=article).update(text="다른 요약")
    assert found_titles("로보택시") == []
    article.delete()
    assert found_titles("자율주행") == []


def search_queries(client, q) -> int:
    client.get("/search/", {"q": q})  # warm the navigation cache, as a live site has it
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("q", ["딥러닝", "딥러"])
def test_query_count_does_not_grow_with_the_results(client, q, django_assert_num_queries):
    """A page of 5 results and one of 20 (of 25) cost the same few queries."""
    category = make_category()
    for n in range(5):
        make_article(title=f"딥러닝 {n}", category=category, summary=["요약 하나", "요약 둘"])
    few = search_queries(client, q)
    for n in range(20):
        make_article(title=f"딥러닝 더 {n}", category=category, summary=["요약 하나", "요약 둘"])
    with django_assert_num_queries(few):
        response = client.get("/search/", {"q": q})
    assert response.content.decode().count('class="search-hit"') == 20
    assert few <= 4


def test_matches_beyond_the_page_cost_no_extra_queries(client):
    """Three matches or sixty, page 1 or page 3: the same few queries, the bodies searched once."""
    category = make_category()
    for n in range(3):
        make_article(title=f"로봇 {n}", category=category, summary=["요약"])
    few = search_queries(client, "로봇")
    for n in range(57):
        title, body = (f"기사 {n}", f"본문 속 로봇 이야기 {n}") if n % 2 else (f"로봇 {n}", "본문")
        make_article(title=title, category=category, body=body)
    for page in (1, 3):
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/search/", {"q": "로봇", "page": page})
        assert len(queries) == few
        # The matches are looked for once per request: no second scan to count them.
        assert sum("LIKE" in q["sql"] or "MATCH" in q["sql"] for q in queries) == 1
    assert "60건" in page_text(response)
    assert response.content.decode().count('class="search-hit"') == 20


def published_search_article(admin_client, django_capture_on_commit_callbacks, title):
    """An editor publishes a draft in the admin (which moves the `site` token)."""
    draft = make_article(title=title, status=Article.Status.DRAFT, published_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/articles/article/", {"action": "publish", "_selected_action": [draft.pk]}
        )


@pytest.mark.usefixtures("live_page_cache")
def test_a_repeated_search_is_served_from_memory_until_an_article_is_published(
    admin_client, django_capture_on_commit_callbacks
):
    """A second reader's same search runs no search query; a newly published article shows at once."""
    make_article(title="휴머노이드 로봇 공개")
    assert Client().get("/search/", {"q": "휴머노이드"}).status_code == 200
    Client().get("/search/", {"q": "휴머노이드"})
    with CaptureQueriesContext(connection) as queries:
        response = Client().get("/search/", {"q": "휴머노이드"})
    assert not [q for q in queries if "articles_article" in q["sql"]]
    assert "1건" in page_text(response)
    published_search_article(admin_client, django_capture_on_commit_callbacks, "휴머노이드 새 소식")
    text = page_text(Client().get("/search/", {"q": "휴머노이드"}))
    assert "2건" in text
    assert "휴머노이드 새 소식" in text


@pytest.mark.usefixtures("live_page_cache")
def test_kept_results_belong_to_their_own_query_and_page():
    """Another word or another page never shows the results kept for the first."""
    category = make_category()
    for n in range(25):
        make_article(title=f"양자컴퓨터 {n}", category=category)
    make_article(title="Quantum 소식", category=category)
    first = page_text(Client().get("/search/", {"q": "양자컴퓨터"}))
    second = page_text(Client().get("/search/", {"q": "양자컴퓨터", "page": 2}))
    assert "양자컴퓨터 24" in first and "양자컴퓨터 24" not in second
    assert "Quantum 소식" in page_text(Client().get("/search/", {"q": "quantum"}))


def test_every_page_has_the_search_box(client):
    """The header carries a labelled GET form to /search/ on every page."""
    make_article(title="아무 기사")
    html = client.get("/").content.decode()
    assert 'action="/search/" method="get" role="search"' in html
    assert '<label class="visually-hidden" for="site-search-q">검색</label>' in html


def test_robots_txt_keeps_crawlers_out_of_the_admin_only(client):
    """Crawlers may read search, sign-in and members' pages (members' pages send them to sign
    in; Lighthouse's SEO check counts a blocked page as a failure), never the admin."""
    robots = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in robots
    assert "Disallow: /search/" not in robots
    assert "Disallow: /me/" not in robots
