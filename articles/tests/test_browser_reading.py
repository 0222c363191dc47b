import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The copy-link fallback, made certain in any Chromium build: no share sheet, and a
# clipboard that records what was written instead of asking the desktop for permission.
NO_SHARE_SHEET_RECORDING_CLIPBOARD = """
delete Navigator.prototype.share;
Object.defineProperty(navigator, "clipboard", {
  value: { writeText: async (text) => { window.__copied = text; } },
});
"""


def body_font_size(page) -> float:
    return page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.article__body')).fontSize)"
    )


def test_larger_text_is_remembered_after_a_reload(live_server, browser_page, demo_article):
    """Click 글자 크게: the body text grows, and after a reload it is still larger; 글자 작게
    brings it back."""
    browser_page.goto(live_server.url + demo_article.get_absolute_url())
    larger = browser_page.get_by_role("button", name="글자 크게")
    normal = body_font_size(browser_page)
    larger.click()
    assert body_font_size(browser_page) > normal

    browser_page.reload()
    assert body_font_size(browser_page) > normal
    assert browser_page.evaluate("localStorage.getItem('aipick:text-size')") == "115"

    browser_page.get_by_role("button", name="글자 작게").click()
    assert body_font_size(browser_page) == normal


def test_text_size_buttons_stop_at_the_ends(live_server, browser_page, demo_article):
    """글자 크게 is disabled at the largest size, so a click never does nothing silently."""
    browser_page.goto(live_server.url + demo_article.get_absolute_url())
    larger = browser_page.get_by_role("button", name="글자 크게")
    while larger.is_enabled():
        larger.click()
    assert browser_page.get_by_role("button", name="글자 작게").is_enabled()


def test_copy_link_fallback_confirms_in_korean(live_server, browser_page, demo_article):
    """Without a share sheet, 링크 복사 puts the article's address on the clipboard and says
    링크를 복사했습니다. in a polite live region."""
    browser_page.add_init_script(NO_SHARE_SHEET_RECORDING_CLIPBOARD)
    url = live_server.url + demo_article.get_absolute_url()
    browser_page.goto(url)
    assert browser_page.get_by_role("button", name="공유").count() == 0
    browser_page.get_by_role("button", name="링크 복사").click()
    status = browser_page.locator("[data-tools-status]")
    status.filter(has_text="링크를 복사했습니다.").wait_for()
    assert status.get_attribute("aria-live") == "polite"
    assert browser_page.evaluate("window.__copied") == url


def test_share_button_opens_the_share_sheet_with_the_article(
    live_server, browser_page, demo_article
):
    """Where the browser has a share sheet, 공유 hands it the article's title and address."""
    browser_page.add_init_script("navigator.share = async (data) => { window.__shared = data; };")
    url = live_server.url + demo_article.get_absolute_url()
    browser_page.goto(url)
    browser_page.get_by_role("button", name="공유").click()
    browser_page.wait_for_function(
        "() => window.__shared !== undefined"
    )  # a function: no eval under the CSP
    shared = browser_page.evaluate("window.__shared")
    assert shared == {"title": demo_article.title, "url": url}


def test_without_javascript_no_tool_button_shows(live_server, chromium, demo_article):
    """With JavaScript off the page shows no reading-tool button that would do nothing."""
    context = chromium.new_context(locale="ko-KR", java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + demo_article.get_absolute_url())
    for name in ("글자 크게", "글자 작게", "공유", "링크 복사"):
        assert page.get_by_role("button", name=name).count() == 0
    assert page.get_by_role("link", name="이도윤 기자").first.is_visible()
    context.close()


def test_article_tools_have_no_axe_violations(live_server, browser_page, demo_article):
    """With the tools shown, a larger text size and the copy confirmation, axe finds nothing."""
    from axe_playwright_python.sync_playwright import Axe

    browser_page.add_init_script(NO_SHARE_SHEET_RECORDING_CLIPBOARD)
    browser_page.goto(live_server.url + demo_article.get_absolute_url())
    browser_page.get_by_role("button", name="글자 크게").click()
    browser_page.get_by_role("button", name="링크 복사").click()
    browser_page.get_by_text("링크를 복사했습니다.").wait_for()
    results = Axe().run(browser_page)
    assert results.violations_count == 0, results.generate_report()
