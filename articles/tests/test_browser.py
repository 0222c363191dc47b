import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_article_page_in_chromium_shows_title_and_meta_line(
    live_server, browser_page, demo_article
):
    """In a real browser the article shows its headline and the exact meta line."""
    browser_page.goto(live_server.url + demo_article.get_absolute_url())
    assert browser_page.locator("h1").inner_text() == "메타 AI 위기? '라마4' 실망에 개발자들 뿔났다"
    meta = browser_page.locator(".article__meta").inner_text()
    assert meta == "댓글 6 · 저장 0 · 편집: 이도윤 기자 발행: 2025.04.30 00:58"


def test_keyboard_user_can_skip_to_the_article(live_server, browser_page, demo_article):
    """The first Tab lands on a visible 본문 바로가기 link that jumps past the header."""
    browser_page.goto(live_server.url + demo_article.get_absolute_url())
    browser_page.keyboard.press("Tab")
    focused = browser_page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "본문 바로가기"
    browser_page.keyboard.press("Enter")
    assert browser_page.evaluate("location.hash") == "#main"


@pytest.mark.parametrize("path", ["/", "article", "/categories/tech-research/"])
def test_pages_have_no_axe_violations(live_server, browser_page, demo_article, path):
    """axe-core finds no accessibility violation on home, article and category pages."""
    from axe_playwright_python.sync_playwright import Axe

    url = demo_article.get_absolute_url() if path == "article" else path
    browser_page.goto(live_server.url + url)
    results = Axe().run(browser_page)
    assert results.violations_count == 0, results.generate_report()
