from datetime import timedelta

import pytest
from django.utils import timezone

from polls.models import Vote
from polls.services import poll_vote_cast

from .factories import browser, choices

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_voting_in_chromium_swaps_results_in_place_and_persists(
    live_server, chromium, demo_article
):
    """The demo's members already voted 3 찬성 / 2 반대. Click 찬성: 총 투표수 6 and 찬성 67%
    without a reload; after reload it stays; a second browser votes 반대 and sees 57% / 43%."""
    url = live_server.url + demo_article.get_absolute_url()
    first = chromium.new_context(locale="ko-KR", timezone_id="Asia/Seoul")
    page = first.new_page()
    page.goto(url)
    page.evaluate("window.__noReload = true")
    page.get_by_role("button", name="찬성").click()
    page.locator(".poll__total", has_text="총 투표수: 6").wait_for()
    assert "찬성 67% (4표)" in page.locator(".poll__results").inner_text()
    assert page.evaluate("window.__noReload") is True  # swapped by htmx, not a new page
    assert page.locator(".poll-bar__fill--1").get_attribute("width") == "66.7"
    page.reload()
    assert "총 투표수: 6" in page.locator(".poll__total").inner_text()
    assert page.get_by_role("button", name="찬성").get_attribute("aria-pressed") == "true"

    second = chromium.new_context(locale="ko-KR", timezone_id="Asia/Seoul")
    other = second.new_page()
    other.goto(url)
    other.get_by_role("button", name="반대").click()
    other.locator(".poll__total", has_text="총 투표수: 7").wait_for()
    results = other.locator(".poll__results").inner_text()
    assert "찬성 57% (4표)" in results and "반대 43% (3표)" in results
    first.close()
    second.close()


def test_keyboard_alone_can_vote(live_server, browser_page, demo_article):
    """A keyboard user reaches the 찬성 button with Tab and votes with Enter (the demo's
    five member votes are already in)."""
    browser_page.goto(live_server.url + demo_article.get_absolute_url())
    button = browser_page.get_by_role("button", name="찬성")
    button.focus()
    browser_page.keyboard.press("Enter")
    browser_page.locator(".poll__total", has_text="총 투표수: 6").wait_for()
    status = browser_page.locator("#poll-status")
    assert status.get_attribute("aria-live") == "polite"
    assert "찬성에 투표했습니다." in status.inner_text()


def test_results_have_no_axe_violations(live_server, browser_page, demo_article):
    """After voting, the results, trend chart, 참여자 구성 and honesty line pass axe-core
    (contrast included). A vote from yesterday gives the chart two days to draw."""
    from axe_playwright_python.sync_playwright import Axe

    poll = demo_article.poll
    poll_vote_cast(poll=poll, choice=choices(poll)[0], voter=browser("yesterday"))
    Vote.objects.filter(poll=poll).update(created_at=timezone.now() - timedelta(days=1))
    browser_page.goto(live_server.url + demo_article.get_absolute_url())
    browser_page.get_by_role("button", name="반대").click()
    browser_page.locator(".poll__results").wait_for()
    browser_page.locator(".poll-trend__table summary").click()
    assert "표본 부족" in browser_page.locator(".poll-breakdown").inner_text()
    results = Axe().run(browser_page, context="#poll")
    assert results.violations_count == 0, results.generate_report()
