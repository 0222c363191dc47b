import pytest

from accounts.tests.factories import PASSWORD, make_user
from comments.models import CommentReport

from .factories import make_article, make_comment, make_poll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


XSS = [
    "<script>alert('xss1')</script>",
    "<img src=x onerror=\"alert('xss2')\">",
    "\"><svg onload=alert('xss3')>",
    "javascript:alert('xss4')",
]


@pytest.fixture(autouse=True)
def _no_comment_wait(settings):
    settings.COMMENT_RATE_SECONDS = 0


def sign_in(page, base, username, password=PASSWORD):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")


def post_comment(page, text):
    page.fill("#comment-body", text)
    with page.expect_response(lambda r: "/comments/new/" in r.url):
        page.click("#comment-form button[type=submit]")


def test_xss_payloads_stay_text_and_no_dialog_opens(live_server, browser_page):
    """Script-looking comments show exactly as typed; no alert ever opens."""
    article = make_article()
    make_user("writer")
    dialogs = []
    browser_page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(browser_page, live_server.url, "writer")
    browser_page.goto(live_server.url + article.get_absolute_url())
    for payload in XSS:
        post_comment(browser_page, payload)
    browser_page.reload()
    bodies = browser_page.locator(".comment__body").all_inner_texts()
    assert sorted(b.strip() for b in bodies) == sorted(XSS)
    assert (
        browser_page.locator(
            ".comment__body script, .comment__body img, .comment__body svg"
        ).count()
        == 0
    )
    assert browser_page.locator(".comment__body a[href^=javascript]").count() == 0
    assert dialogs == []


def test_member_signs_up_votes_comments_replies_and_saves(live_server, browser_page):
    """Sign up, vote 찬성, comment (찬성 badge, 댓글 1), a reply and a like from another member,
    the 반대 tab, 공감비율순, edit (수정됨), delete, and save to /me/saved/."""
    page, base = browser_page, live_server.url
    article = make_article(title="브라우저 토론 기사")
    make_poll(article)
    make_user("second")

    page.goto(f"{base}/accounts/signup/?next={article.get_absolute_url()}")
    page.fill("input[name=username]", "owl")
    page.fill("input[name=display_name]", "부엉이")
    page.fill("input[name=password1]", "부엉이-비밀번호-2025")
    page.fill("input[name=password2]", "부엉이-비밀번호-2025")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**{article.get_absolute_url()}")
    assert "환영해🦉 부엉이" in page.locator(".site-greeting").inner_text()

    page.locator("button.poll__choice", has_text="찬성").click()
    page.wait_for_load_state("networkidle")
    page.reload()
    post_comment(page, "찬성하는 첫 댓글")
    page.wait_for_selector(".comment__author:has-text('부엉이')")
    assert page.locator(".comment .comment-badge--pro").first.inner_text() == "찬성"
    assert page.locator("[data-count=comments]").first.inner_text() == "1"
    assert page.locator(".article__meta").inner_text().startswith("댓글 1 ·")

    page.locator("#save button").click()
    page.wait_for_selector("#save button[aria-pressed=true]")
    page.goto(f"{base}/me/saved/")
    assert "브라우저 토론 기사" in page.locator(".saved-list").inner_text()

    page.goto(base + article.get_absolute_url())
    page.get_by_label("댓글 메뉴").click()
    page.locator(".comment__menu-item", has_text="수정").click()
    page.locator(".comment__panel--edit textarea").fill("고쳐 쓴 댓글")
    page.locator(".comment__panel--edit button", has_text="수정 완료").click()
    page.wait_for_selector(".comment__edited")
    assert "고쳐 쓴 댓글" in page.locator(".comment__body").first.inner_text()

    # A second member replies and likes.
    page.locator(".site-account button", has_text="로그아웃").click()
    sign_in(page, base, "second")
    page.goto(base + article.get_absolute_url())
    page.locator(".comment__toggle--reply summary").click()
    page.locator(".comment-reply-form textarea").fill("답글입니다")
    page.locator(".comment-reply-form button", has_text="답글 등록").click()
    page.wait_for_selector(".comment-reply:has-text('답글입니다')")
    page.locator(".comment__react button", has_text="공감").first.click()
    page.wait_for_selector(".comment__act.is-on")
    assert page.locator(".comment__act.is-on .comment__count").first.inner_text() == "1"

    page.locator(".comment-tabs a", has_text="반대").click()
    page.wait_for_selector("text=이 입장의 댓글이 아직 없습니다.")
    page.locator(".comment-tabs a", has_text="전체").click()
    page.wait_for_selector(".comment-tabs a[aria-current=true]:has-text('전체')")
    page.locator(".comment-sorts a", has_text="공감비율순").click()
    page.wait_for_selector(".comment-sorts a[aria-current=true]:has-text('공감비율순')")
    assert page.locator(".comment-thread").count() == 1

    # The author deletes; the reply keeps the thread.
    page.locator(".site-account button", has_text="로그아웃").click()
    sign_in(page, base, "owl", "부엉이-비밀번호-2025")
    page.goto(base + article.get_absolute_url())
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator(".comment-thread > .comment").get_by_label("댓글 메뉴").click()
    page.locator(".comment-thread > .comment .comment__delete").click()
    page.wait_for_selector("text=삭제된 댓글입니다")
    assert page.locator(".comment-reply").count() == 1


def test_phone_row_is_one_line_and_edit_form_takes_the_full_width(live_server, chromium):
    """On a 390×844 phone: 공감, 비공감, 답글 and ⋯ sit in one row of equal height with tap
    targets of 24 px or more; ⋯ opens a menu; 수정 closes the menu and opens an edit form as
    wide as the comment in place of its text; 취소 brings the text back; a 신고 without a
    reason is refused in Korean. All of it with JavaScript off, too."""
    article = make_article()
    make_user("author")
    make_user("other")
    for javascript in (True, False):
        context = chromium.new_context(
            viewport={"width": 390, "height": 844},
            locale="ko-KR",
            timezone_id="Asia/Seoul",
            java_script_enabled=javascript,
        )
        page = context.new_page()
        base = live_server.url
        sign_in(page, base, "author")
        page.goto(base + article.get_absolute_url())
        page.fill("#comment-body", f"폰에서 쓴 댓글 {javascript}")
        page.click("#comment-form button[type=submit]")
        page.wait_for_selector(f".comment__body:has-text('폰에서 쓴 댓글 {javascript}')")
        page.goto(base + article.get_absolute_url())

        comment = page.locator(".comment-thread > .comment").first
        row = [item.bounding_box() for item in comment.locator(".comment__actions > *").all()]
        assert len(row) == 4
        assert {round(box["y"]) for box in row} == {round(row[0]["y"])}
        assert {round(box["height"]) for box in row} == {round(row[0]["height"])}
        assert row[0]["height"] >= 24

        comment.get_by_label("댓글 메뉴").click()
        assert comment.locator(".comment__menu-list").is_visible()
        comment.locator(".comment__menu-item", has_text="수정").click()
        assert not comment.locator(".comment__menu-list").is_visible()
        assert not comment.locator(".comment__body").is_visible()
        form = comment.locator(".comment__panel--edit textarea").bounding_box()
        whole = comment.bounding_box()
        assert abs(form["width"] - whole["width"]) <= 4 and abs(form["x"] - whole["x"]) <= 2
        comment.locator(".comment__panel--edit summary", has_text="취소").click()
        assert comment.locator(".comment__body").is_visible()
        assert not comment.locator(".comment__panel--edit").is_visible()
        context.close()

        # Another member reports it without choosing a reason.
        context = chromium.new_context(
            viewport={"width": 390, "height": 844}, locale="ko-KR", java_script_enabled=javascript
        )
        page = context.new_page()
        sign_in(page, base, "other")
        page.goto(base + article.get_absolute_url())
        comment = page.locator(".comment-thread > .comment").first
        comment.get_by_label("댓글 메뉴").click()
        comment.locator(".comment__menu-item", has_text="신고").click()
        assert comment.locator("input[name=reason]:checked").count() == 0
        comment.locator(".comment__report button", has_text="신고하기").click()
        page.locator(".comment__message", has_text="신고 사유를 골라 주세요.").wait_for()
        assert page.locator(".comment__panel--report").first.is_visible()
        context.close()
    assert not CommentReport.objects.exists()


def test_open_menu_and_report_form_have_no_axe_violations(live_server, browser_page):
    """With the ⋯ menu open and then the 신고 form open, the comment section passes axe-core
    (names, roles and contrast)."""
    from axe_playwright_python.sync_playwright import Axe

    article = make_article()
    make_user("reader")
    page, base = browser_page, live_server.url
    make_comment(article=article, body="접근성을 보는 댓글")
    sign_in(page, base, "reader")
    page.goto(base + article.get_absolute_url())
    page.get_by_label("댓글 메뉴").click()
    results = Axe().run(page, context="#comments")
    assert results.violations_count == 0, results.generate_report()
    page.locator(".comment__menu-item", has_text="신고").click()
    results = Axe().run(page, context="#comments")
    assert results.violations_count == 0, results.generate_report()
