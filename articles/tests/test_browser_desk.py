"""An editor adds a complete article in Chromium, touching nothing but its content."""

import pytest

from .factories import image_bytes, make_category, make_reporter, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = (
    "메타가 새 모델을 내놓았다.\n\n"
    "## 무엇이 달라졌나\n\n"
    "경량 모델과 멀티모달 모델 두 가지다.\n\n"
    "개발자들의 평가는 엇갈린다."
)


def pick(page, field: str, text: str) -> None:
    """Choose in one of the admin's autocomplete boxes, as an editor does with the mouse."""
    page.locator(f".field-{field} .select2-selection").click()
    page.locator(".select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def test_editor_adds_a_complete_article_and_sees_it_on_the_home_page(live_server, browser_page):
    """Title, category, reporter, body, three summary lines, a debate, a poll and a cover —
    no order number, time or speaker touched — and 발행 puts it on `/`. A refused first save
    keeps the cover (shown as a thumbnail); the summary links to its paragraphs."""
    make_category(name="기술/연구")
    make_reporter(name="한지우")
    make_user("desk-editor", staff=True, is_superuser=True, password="pick-a-strong-pass-42")
    page = browser_page
    refused = []
    page.on("console", lambda m: m.type == "error" and refused.append(m.text))

    page.goto(live_server.url + "/admin/login/?next=/admin/articles/article/add/")
    page.fill("#id_username", "desk-editor")
    page.fill("#id_password", "pick-a-strong-pass-42")
    page.locator("input[type=submit]").click()
    page.wait_for_selector("#article_form")

    page.fill("#id_title", "브라우저로 쓴 완성 기사")
    pick(page, "category", "기술/연구")
    pick(page, "reporter", "한지우")
    page.select_option("#id_status", "published")
    page.fill("#id_body", BODY)
    page.set_input_files(
        "#id_cover", {"name": "cover.png", "mimeType": "image/png", "buffer": image_bytes()}
    )
    lines = [("새 모델 공개", "1"), ("두 가지 모델", "2"), ("평가는 엇갈려", "9")]
    for i, (text, paragraphs) in enumerate(lines):
        page.fill(f"#id_summary_lines-{i}-text", text)
        page.fill(f"#id_summary_lines-{i}-paragraphs", paragraphs)
    page.fill("#id_debate_lines-0-text", "가벼운 모델이면 휴대폰에서도 돌겠네!")
    page.fill("#id_debate_lines-1-text", "성능이 받쳐 줘야 쓰지.")
    page.locator("input[name$='-0-question']").fill("새 모델, 써 볼 만할까?")

    # ↓ moves a line's content down; the numbers stay 1, 2, 3 from the top.
    page.locator("#id_summary_lines-0-order ~ .row-move").nth(1).click()
    assert page.input_value("#id_summary_lines-1-text") == "새 모델 공개"
    page.locator("#id_summary_lines-1-order ~ .row-move").nth(0).click()
    assert page.input_value("#id_summary_lines-0-text") == "새 모델 공개"

    # A row added with "추가" is numbered after the six offered, answering the line above.
    page.locator("#debate_lines-group .add-row a").click()
    page.fill("#id_debate_lines-6-text", "그건 써 봐야 알지.")
    assert page.input_value("#id_debate_lines-6-order") == "7"
    assert page.input_value("#id_debate_lines-6-speaker") == "buki"

    page.get_by_role("button", name="미리보기").click()
    page.locator(".body-preview #p3").wait_for()
    assert page.locator(".body-preview #p3").inner_text() == "개발자들의 평가는 엇갈린다."

    page.locator("input[name=_save]").click()
    page.wait_for_selector(".errornote")
    assert "본문에 9번 문단이 없습니다" in page.content()
    assert page.locator(".cover-thumb img").count() == 1  # the cover was kept

    page.fill("#id_summary_lines-2-paragraphs", "3")
    page.locator("input[name=_save]").click()
    page.wait_for_selector(".messagelist .success")

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="브라우저로 쓴 완성 기사").first.click()
    assert page.locator(".summary-box li").count() == 3
    assert page.locator(".debate__line").count() == 3
    assert "새 모델, 써 볼 만할까?" in page.content()
    assert page.locator(".article__cover img, figure img").count() >= 1
    page.locator(".summary-box a[href='#p3']").click()
    assert page.evaluate("location.hash") == "#p3"
    assert not [m for m in refused if "Content Security Policy" in m], refused
