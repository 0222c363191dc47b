"""The member's own pages and the password reset in a real browser: axe finds nothing, and
`목록에서 지우기` works with JavaScript (htmx) as it does as a plain form."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from articles.models import Article, Save
from articles.services import article_save_toggle
from comments.models import Comment

from .factories import PASSWORD, make_article, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_axe_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_saved_list_my_comments_and_reset_pass_axe(live_server, browser_page):
    """Greyed lines, cues, my comments of every kind and the reset pages: no axe violation;
    a greyed line goes away with one click."""
    base = live_server.url
    member = make_user("owl", email="owl@example.com")
    kept, gone, revised = make_article(), make_article(title="지워질 기사"), make_article()
    for article in (kept, gone, revised):
        article_save_toggle(article=article, user=member)
    Save.objects.update(seen_at=timezone.now() - timedelta(hours=1))
    Article.objects.filter(pk=revised.pk).update(revised_at=timezone.now())
    gone.delete()
    Comment.objects.create(article=kept, author=member, body="보이는 의견")
    Comment.objects.create(article=kept, author=member, body="숨긴 의견", status="hidden")
    Comment.objects.create(article=kept, author=member, body="지운 의견", status="deleted")

    page = browser_page
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", "owl")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/me/saved/")
    page.get_by_text("기사 수정됨").wait_for()
    page.get_by_text("삭제된 기사입니다.").wait_for()
    no_axe_violations(page)
    page.locator("form[action*=remove] button").click()
    page.get_by_text("목록에서 지웠습니다.").wait_for()
    assert page.get_by_text("삭제된 기사입니다.").count() == 0
    assert Save.objects.filter(user=member).count() == 2

    page.locator("#main").get_by_role("link", name="내 댓글").click()
    page.get_by_text("삭제된 댓글입니다.").wait_for()
    no_axe_violations(page)

    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_role("link", name="비밀번호를 잊으셨나요?").click()
    no_axe_violations(page)
    page.fill("input[name=email]", "owl@example.com")
    page.get_by_role("button", name="재설정 링크 받기").click()
    page.get_by_text("메일을 확인해 주세요").first.wait_for()
    no_axe_violations(page)
    assert len(mail.outbox) == 1
