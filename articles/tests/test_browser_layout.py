"""The page layout as a reader sees it in Chromium: a side rail on desktop, a one-row header
and no sideways scrolling on a phone, left-aligned mascot bubbles, padded error pages."""

import pytest

from articles.tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
PASSWORD = "pick-a-strong-pass-42"

# Every header item the reader can see, as boxes (hidden ones have no box).
HEADER_ITEMS = """() => [...document.querySelector('.site-header__bar').children]
  .map((item) => item.getBoundingClientRect())
  .filter((box) => box.width > 0 && box.height > 0)
  .map((box) => ({top: box.top, bottom: box.bottom, right: box.right}))"""

HORIZONTAL_OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def sign_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def assert_header_is_one_row(page):
    items = page.evaluate(HEADER_ITEMS)
    assert len(items) >= 4, items
    middles = [(item["top"] + item["bottom"]) / 2 for item in items]
    assert max(middles) - min(middles) <= 4, items
    assert max(item["right"] for item in items) <= page.viewport_size["width"], items


def test_desktop_article_has_a_side_rail_beside_the_text(live_server, browser_page, demo_article):
    """At 1280 px the side rail sits to the right of the article text, starting level with it,
    and the text keeps a readable measure (at most about 720 px)."""
    browser_page.set_viewport_size(DESKTOP)
    browser_page.goto(live_server.url + demo_article.get_absolute_url())
    body = browser_page.locator(".article__body").bounding_box()
    title = browser_page.locator("#article-title").bounding_box()
    rail = browser_page.get_by_role("complementary", name="인기 순위").bounding_box()
    assert rail["x"] >= body["x"] + body["width"]
    assert rail["y"] <= title["y"]
    assert 600 <= body["width"] <= 730


def test_desktop_home_has_a_card_grid_and_a_side_rail(live_server, browser_page, demo_article):
    """At 1280 px the home page leads with the newest story, the other cards share a row, and the
    side rail sits to the right of them."""
    browser_page.set_viewport_size(DESKTOP)
    browser_page.goto(live_server.url + "/")
    lead = browser_page.locator(".lead-story").bounding_box()
    cards = browser_page.locator(".card-grid .card-article")
    assert cards.count() >= 1
    rail = browser_page.get_by_role("complementary", name="인기 순위").bounding_box()
    assert rail["x"] >= lead["x"] + lead["width"]
    # The card grid is a grid: a card is as wide as a column, not as the whole main column.
    assert cards.first.bounding_box()["width"] < lead["width"] / 2


@pytest.mark.parametrize("signed_in", [False, True], ids=["signed-out", "signed-in"])
def test_phone_header_is_one_row_and_nothing_scrolls_sideways(
    live_server, browser_page, demo_article, signed_in
):
    """On a 390 px phone the header's logo, greeting, search and account links share one row,
    signed in or not; at 360 px no page scrolls sideways."""
    if signed_in:
        make_user("reader", password=PASSWORD, display_name="김하늘")
        sign_in(browser_page, live_server.url, "reader")
    browser_page.set_viewport_size(PHONE)
    for path in ("/", demo_article.get_absolute_url(), "/search/?q=메타", "/nope/"):
        browser_page.goto(live_server.url + path)
        assert_header_is_one_row(browser_page)
        assert browser_page.locator(".site-greeting").inner_text().startswith("환영해🦉")
    browser_page.set_viewport_size(SMALL_PHONE)
    for path in ("/", demo_article.get_absolute_url(), "/categories/tech-research/", "/nope/"):
        browser_page.goto(live_server.url + path)
        assert_header_is_one_row(browser_page)
        assert browser_page.evaluate(HORIZONTAL_OVERFLOW) == 0, path


def test_phone_member_menu_opens_over_the_page(live_server, browser_page, demo_article):
    """On a phone a member's links sit behind 내 메뉴; opening it shows 로그아웃 without pushing
    the page down."""
    make_user("reader", password=PASSWORD, display_name="김하늘")
    sign_in(browser_page, live_server.url, "reader")
    browser_page.set_viewport_size(PHONE)
    browser_page.goto(live_server.url + "/")
    logout = browser_page.get_by_role("button", name="로그아웃")
    assert not logout.is_visible()
    heading_top = browser_page.locator("h1").bounding_box()["y"]
    browser_page.locator("summary", has_text="내 메뉴").click()
    assert logout.is_visible()
    assert browser_page.locator("h1").bounding_box()["y"] == heading_top


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_mascot_bubbles_read_left_aligned(live_server, browser_page, demo_article, viewport):
    """Every line of 부키와 모키의 티격태격 is left-aligned inside its bubble, 모키's too, while
    모키's bubble itself sits on the right."""
    browser_page.set_viewport_size(viewport)
    browser_page.goto(live_server.url + demo_article.get_absolute_url())
    aligns = browser_page.locator(".debate__bubble p").evaluate_all(
        "(lines) => lines.map((line) => getComputedStyle(line).textAlign)"
    )
    assert len(aligns) >= 6
    assert set(aligns) == {"left"}
    buki = browser_page.locator(".debate__line--buki").first.bounding_box()
    moki = browser_page.locator(".debate__line--moki").first.bounding_box()
    assert moki["x"] + moki["width"] > buki["x"] + buki["width"]
    moki_bubble = browser_page.locator(".debate__line--moki .debate__bubble").first.bounding_box()
    moki_face = browser_page.locator(".debate__line--moki .debate__avatar").first.bounding_box()
    assert moki_face["x"] >= moki_bubble["x"] + moki_bubble["width"]


def test_error_page_is_padded_on_a_phone(live_server, browser_page, demo_article):
    """The Korean 404 page keeps a side margin on a phone, like every other page."""
    browser_page.set_viewport_size(PHONE)
    browser_page.goto(live_server.url + "/articles/999999/")
    heading = browser_page.get_by_role("heading", name="페이지를 찾을 수 없습니다").bounding_box()
    assert heading["x"] >= 12
    assert heading["x"] + heading["width"] <= PHONE["width"] - 12
