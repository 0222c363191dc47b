"""The new pages in Chromium: no axe violation signed in or out, and the button works with htmx."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import expect

from articles.models import Article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username):
    """The demo member's session cookie in the browser (demo members have no password)."""
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def launch(demo_article):
    return Article.objects.get(follow_ups=demo_article)


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize("where", ["notifications", "original", "follow-up"])
def test_new_pages_have_no_axe_violations(
    live_server, browser_page, demo_article, signed_in, where
):
    """axe-core finds nothing on `알림` and on articles with `후속기사 원해요`, signed in or out."""
    from axe_playwright_python.sync_playwright import Axe

    if signed_in:
        sign_in(browser_page, live_server, "demo_jiho")
    url = {
        "notifications": "/me/notifications/",
        "original": launch(demo_article).get_absolute_url(),
        "follow-up": demo_article.get_absolute_url(),
    }[where]
    browser_page.goto(live_server.url + url)
    results = Axe().run(browser_page)
    assert results.violations_count == 0, results.generate_report()


def test_the_follow_up_button_counts_in_place(live_server, browser_page, demo_article):
    """A member presses `후속기사 원해요`: the count moves without leaving the page."""
    sign_in(browser_page, live_server, "demo_jiho")
    original = launch(demo_article)
    browser_page.goto(live_server.url + original.get_absolute_url())
    button = browser_page.locator("#follow-up button")
    assert button.inner_text() == "후속기사 원해요 2"
    assert button.get_attribute("aria-pressed") == "true"
    button.click()
    # expect() polls from Playwright's side: the page's strict CSP forbids the eval that a
    # string wait_for_function would need.
    expect(browser_page.locator("#follow-up button")).to_have_text("후속기사 원해요 1")
    assert browser_page.url.endswith(original.get_absolute_url())
    assert "후속 기사:" in browser_page.locator(".follow-up-link").inner_text()
