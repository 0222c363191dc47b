"""The editor's desk (issue 15, items 1 and 8): an admin that works on the first try, and
summary lines anchored to the body paragraphs behind them."""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import signing
from django.utils import timezone
from django.utils.html import escape

from articles import admin as article_admin
from articles.models import PARAGRAPH_MISSING, PARAGRAPHS_FORMAT, Article, SummaryLine
from articles.services import SUMMARY_NOT_REVIEWED, article_publish_prepare

from .factories import image_bytes, make_article, make_user, upload
from .test_images import admin_payload

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/articles/article/add/"
THREE_PARAGRAPHS = "첫 문단입니다.\n\n## 소제목\n\n둘째 문단입니다.\n\n셋째 문단입니다."


@pytest.fixture
def desk(client):
    client.force_login(make_user(staff=True, is_superuser=True))
    return client


def change_url(article) -> str:
    return f"/admin/articles/article/{article.pk}/change/"


def summary(*lines, initial=0) -> dict:
    """Summary rows as the admin posts them: (text, paragraphs) per line, orders 1, 2, 3."""
    data = {
        "summary_lines-TOTAL_FORMS": str(len(lines)),
        "summary_lines-INITIAL_FORMS": str(initial),
    }
    for i, (text, paragraphs) in enumerate(lines):
        data[f"summary_lines-{i}-order"] = str(i + 1)
        data[f"summary_lines-{i}-text"] = text
        data[f"summary_lines-{i}-paragraphs"] = paragraphs
    return data


def form_errors(response) -> list:
    context = response.context or {}
    found = [context["adminform"].form.errors] if "adminform" in context else []
    for inline in context.get("inline_admin_formsets", []):
        found += [inline.formset.non_form_errors(), *inline.formset.errors]
    return [e for e in found if e]


def pending_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / article_admin.PENDING_COVER_DIR
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# Item 1: the admin that works on the first try


def test_new_rows_come_numbered_three_summary_and_six_debate_lines(desk):
    """A new article offers summary rows 1, 2, 3 and six debate rows 1..6, 부키 and 모키 in turn."""
    html = desk.get(ADD_URL).content.decode()
    orders = dict(re.findall(r'name="((?:summary|debate)_lines-\d+)-order" value="(\d+)"', html))
    assert [orders[f"summary_lines-{i}"] for i in range(3)] == ["1", "2", "3"]
    assert [orders[f"debate_lines-{i}"] for i in range(6)] == ["1", "2", "3", "4", "5", "6"]
    speakers = re.findall(
        r'name="debate_lines-\d-speaker".*?<option value="(\w+)" selected>', html, re.DOTALL
    )
    assert speakers == ["buki", "moki", "buki", "moki", "buki", "moki"]
    assert "- Select an option -" not in html and "화자 선택" in html


def test_a_new_summary_row_takes_the_next_free_number(desk):
    """With lines 1 and 2 saved, the empty row offered next is numbered 3."""
    article = make_article(summary=["하나", "둘"])
    html = desk.get(change_url(article)).content.decode()
    assert 'name="summary_lines-2-order" value="3"' in html


def test_publishing_with_an_empty_time_publishes_now(desk):
    """상태 = 발행 with no 발행 시각 publishes the article now instead of refusing it."""
    before = timezone.now()
    data = admin_payload(published_at_0="", published_at_1="", body=THREE_PARAGRAPHS)
    response = desk.post(ADD_URL, data)
    assert response.status_code == 302, form_errors(response)
    article = Article.objects.get()
    assert article.is_public and before <= article.published_at <= timezone.now()


def test_duplicate_order_numbers_get_a_korean_message(desk):
    """Two summary lines numbered 1 are refused with a Korean message naming no English field."""
    data = admin_payload(body=THREE_PARAGRAPHS, **summary(("하나", "1"), ("둘", "2")))
    data["summary_lines-1-order"] = "1"
    response = desk.post(ADD_URL, data)
    html = response.content.decode()
    assert response.status_code == 200 and not Article.objects.exists()
    assert article_admin.DUPLICATE_ORDER in html
    assert "order의" not in html


def test_cover_survives_a_form_error_and_shows_as_a_thumbnail(desk, settings):
    """A refused save keeps the chosen cover: the page shows its thumbnail, and the next save
    stores it without choosing the file again."""
    data = admin_payload(
        body=THREE_PARAGRAPHS,
        cover=upload("표지.png", image_bytes()),
        **summary(("근거가 없는 줄", "9")),
    )
    response = desk.post(ADD_URL, data)
    assert response.status_code == 200 and not Article.objects.exists()
    html = response.content.decode()
    kept = response.context["adminform"].form.data["cover_pending"]
    assert f'value="{kept}"' in html
    assert 'class="cover-thumb"' in html and article_admin.PENDING_COVER_KEPT in html
    assert len(pending_files(settings)) == 1

    data.pop("cover")
    data.update(cover_pending=kept, **summary(("근거가 있는 줄", "3")))
    response = desk.post(ADD_URL, data)
    assert response.status_code == 302, form_errors(response)
    article = Article.objects.get()
    assert article.cover.name.startswith("covers/") and "pending" not in article.cover.name
    assert article.cover_renditions and pending_files(settings) == []


def test_a_forged_kept_cover_name_is_ignored(desk, settings):
    """A hidden cover name that the site did not sign brings in no file."""
    forged = signing.dumps("covers/pending/x.png", salt="another-salt")
    response = desk.post(ADD_URL, admin_payload(cover_pending=forged))
    assert response.status_code == 302, form_errors(response)
    assert not Article.objects.get().cover


def test_existing_cover_is_shown_as_a_thumbnail(desk):
    """The change page shows the stored cover as an image, not only its file name."""
    article = make_article(cover=upload("c.png", image_bytes()))
    html = desk.get(change_url(article)).content.decode()
    assert f'<img src="{article.thumb_src}"' in html


def test_preview_renders_the_body_as_readers_get_it(desk):
    """미리보기 returns the page's own sanitised, numbered HTML; scripts never survive."""
    url = "/admin/articles/article/preview/"
    response = desk.post(url + "?fragment=1", {"body": "하나\n\n<script>x()</script>\n\n둘"})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<p id="p1">하나</p>' in html and "<script" not in html
    page = desk.post(url, {"body": "하나"}).content.decode()
    assert "본문 미리보기" in page and '<p id="p1">하나</p>' in page
    assert desk.get(url).status_code == 405


def test_preview_leaves_kept_pages_alone(desk, django_capture_on_commit_callbacks):
    """Pressing 미리보기 writes nothing, so it does not make every page render afresh; a real
    admin save does."""
    from articles.cache import SITE, current_tokens, start_tokens

    start_tokens(SITE)
    before = current_tokens(SITE)
    with django_capture_on_commit_callbacks(execute=True):
        desk.post("/admin/articles/article/preview/?fragment=1", {"body": "하나"})
    assert current_tokens(SITE) == before
    with django_capture_on_commit_callbacks(execute=True):
        desk.post("/admin/articles/category/add/", {"name": "새 분야", "slug": "new", "order": 9})
    assert current_tokens(SITE) != before


def test_preview_is_for_staff_only(client):
    """A member who is not staff gets no preview (sent to the admin sign-in)."""
    client.force_login(make_user())
    response = client.post("/admin/articles/article/preview/?fragment=1", {"body": "하나"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_admin_pages_read_in_korean(desk):
    """No English label is left: last-saved time, date filter, blank choices, time-zone note."""
    article = make_article()
    pages = [
        desk.get("/admin/articles/article/").content.decode(),
        desk.get(change_url(article)).content.decode(),
        desk.get(ADD_URL).content.decode(),
    ]
    for html in pages:
        for english in [
            "Updated at",
            "Filter by",
            "Select an option",
            'alt="Search"',
            "Cover pending",
        ]:
            assert english not in html
    assert "마지막 저장 시각" in pages[1]
    assert "발행 시각 기준으로 보기" in pages[0]
    assert "서울 시각(KST)" in pages[2]


def test_favicon_is_served_and_linked(desk, client):
    """/favicon.ico answers (no 404 on every page) and the admin links the site's icon."""
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("/favicon.ico")
    html = desk.get("/admin/").content.decode()
    assert 'rel="icon"' in html and "css/admin.css" in html


# Item 8: summary lines anchored to the body


def test_body_paragraphs_get_numbered_ids_editors_cannot_forge():
    """Paragraphs are p1, p2… in order; an id typed into the body never reaches the page."""
    article = make_article(body='하나\n\n## 제목\n\n<p id="p1">둘</p>\n\n> 셋')
    assert re.findall(r'<p id="(p\d+)">', article.body_html) == ["p1", "p2", "p3"]


def test_each_summary_line_links_to_its_paragraphs_on_the_page(client):
    """On the article page a summary line links to #p2 and #p3, which are in the body."""
    article = make_article(body=THREE_PARAGRAPHS)
    SummaryLine.objects.create(article=article, order=1, text="근거 있는 요약", paragraphs="2,3")
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'href="#p2"' in html and 'href="#p3"' in html
    assert '<p id="p2">둘째 문단입니다.</p>' in html


def test_admin_lists_the_numbered_paragraphs(desk):
    """The change page lists the body's paragraphs in order, to pick a line's numbers from."""
    article = make_article(body=THREE_PARAGRAPHS)
    html = desk.get(change_url(article)).content.decode()
    assert re.search(
        r'<ol class="paragraph-list"><li>첫 문단입니다.</li><li>둘째 문단입니다.</li>', html
    )


@pytest.mark.parametrize(
    ("paragraphs", "message"),
    [
        ("", article_admin.PARAGRAPHS_REQUIRED),
        ("둘째", PARAGRAPHS_FORMAT),
        ("2,7", PARAGRAPH_MISSING.format(numbers="7", count=3)),
    ],
)
def test_summary_line_must_name_paragraphs_that_exist(desk, paragraphs, message):
    """A summary line without paragraph numbers, with words, or pointing past the body is refused."""
    data = admin_payload(body=THREE_PARAGRAPHS, **summary(("요약 한 줄", paragraphs)))
    response = desk.post(ADD_URL, data)
    assert response.status_code == 200 and not Article.objects.exists()
    assert message in response.content.decode()


def published_with_summary():
    article = make_article(body=THREE_PARAGRAPHS, summary=["요약 한 줄"])
    Article.objects.filter(pk=article.pk).update(summary_reviewed_at=timezone.now())
    article.refresh_from_db()
    return article


def change_payload(article, **extra) -> dict:
    line = article.summary_lines.get()
    data = admin_payload(
        title=article.title,
        body=article.body,
        published_at_0=timezone.localtime(article.published_at).strftime("%Y-%m-%d"),
        published_at_1=timezone.localtime(article.published_at).strftime("%H:%M:%S"),
        **summary((line.text, "1"), initial=1),
    )
    data["summary_lines-0-id"] = str(line.pk)
    data["summary_lines-0-article"] = str(article.pk)
    data.update(extra)
    return data


def test_editing_the_body_of_a_published_article_asks_to_confirm_the_summary(desk):
    """A changed body on a live article is refused until 요약 확인 is ticked; then it saves."""
    article = published_with_summary()
    data = change_payload(article, body=THREE_PARAGRAPHS + "\n\n넷째 문단입니다.")
    response = desk.post(change_url(article), data)
    assert response.status_code == 200
    assert escape(SUMMARY_NOT_REVIEWED) in response.content.decode()
    article.refresh_from_db()
    assert "넷째" not in article.body

    response = desk.post(change_url(article), {**data, "summary_confirm": "on"})
    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert "넷째" in article.body and article.summary_reviewed_at is not None


def test_a_draft_body_edit_unreviews_the_summary_and_the_list_action_waits(desk):
    """Editing a draft's body marks its summary unreviewed; 발행 in the list then skips it and
    says why, until an editor confirms the summary."""
    article = published_with_summary()
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
    data = change_payload(article, status="draft", body=THREE_PARAGRAPHS + "\n\n넷째.")
    assert desk.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.summary_reviewed_at is None

    response = desk.post(
        "/admin/articles/article/",
        {"action": "publish", "_selected_action": [article.pk]},
        follow=True,
    )
    assert "요약 확인이 필요해 발행하지 않은 기사" in response.content.decode()
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT

    data = change_payload(article, status="draft", summary_confirm="on")
    assert desk.post(change_url(article), data).status_code == 302
    desk.post("/admin/articles/article/", {"action": "publish", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED


def test_editing_other_fields_keeps_the_summary_reviewed(desk):
    """A title fix leaves a reviewed summary reviewed: only the body un-reviews it."""
    article = published_with_summary()
    reviewed = article.summary_reviewed_at
    response = desk.post(change_url(article), change_payload(article, title="고친 제목"))
    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert article.title == "고친 제목" and article.summary_reviewed_at == reviewed


def test_publish_rule_fills_the_time_and_guards_the_summary():
    """One rule: no time means now; an unreviewed summary stops publishing until confirmed."""
    now = timezone.now()
    article = published_with_summary()
    article.published_at = None
    article_publish_prepare(article=article, now=now)
    assert article.published_at == now

    with pytest.raises(Exception, match="3줄 요약을 다시 확인") as raised:
        article_publish_prepare(article=article, body_changed=True, now=now)
    assert raised.value.code == "summary_not_reviewed"
    article_publish_prepare(article=article, body_changed=True, summary_confirmed=True, now=now)
    assert article.summary_reviewed_at == now


def test_demo_summary_lines_point_at_paragraphs_of_their_bodies(db):
    """Every demo summary line names paragraphs that exist in its article's body, twice over."""
    from articles.demo import load_demo

    load_demo()
    load_demo()
    lines = list(SummaryLine.objects.select_related("article"))
    assert len(lines) >= 6
    for line in lines:
        assert line.paragraph_numbers, line.text
        assert line.paragraph_error(line.article.body_html) is None, line.text
    assert not Article.objects.filter(summary_reviewed_at__isnull=True).exists()


def test_summary_reviewed_at_is_kept_old_enough_to_compare(db):
    """Reviewed times are real times: a demo article's summary is reviewed as of publishing."""
    from articles.demo import load_demo

    article = load_demo()["meta-llama4-crisis"]
    article.refresh_from_db()
    assert article.summary_reviewed_at <= timezone.now() - timedelta(days=1)


def test_a_body_sent_back_with_browser_line_endings_is_not_an_edit(desk):
    """Browsers post a textarea with CRLF line endings; saving an untouched body keeps the
    summary reviewed and asks nothing."""
    article = published_with_summary()
    reviewed = article.summary_reviewed_at
    data = change_payload(article, body=article.body.replace("\n", "\r\n"))
    response = desk.post(change_url(article), data)
    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert article.summary_reviewed_at == reviewed


def test_covers_kept_for_an_abandoned_save_are_dropped_after_a_day(desk, settings):
    """A cover kept for a save that never came is removed when a later upload is kept."""
    root = Path(settings.MEDIA_ROOT) / article_admin.PENDING_COVER_DIR
    root.mkdir(parents=True)
    old = root / "abandoned.png"
    old.write_bytes(image_bytes())
    day_ago = (timezone.now() - timedelta(days=2)).timestamp()
    os.utime(old, (day_ago, day_ago))
    data = admin_payload(cover=upload("새표지.png", image_bytes()), **summary(("줄", "9")))
    assert desk.post(ADD_URL, data).status_code == 200
    assert not old.exists() and len(pending_files(settings)) == 1
