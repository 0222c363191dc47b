"""The comment's row of actions: 공감 n, 비공감 n, 답글 and a ⋯ menu (수정/삭제/신고) that
shows only what the reader may do, and a 신고 that asks for its reason."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from comments import services
from comments.models import CommentReport

from .factories import make_comment, make_user

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def menu_items(html: str) -> list[str]:
    """The labels inside the ⋯ menus of the page, in order."""
    items = []
    for menu in re.findall(r'<div class="comment__menu-list">(.*?)</div>\s*</details>', html, re.S):
        items += re.findall(r'class="comment__menu-item[^"]*">([^<]+)<', menu)
    return items


def test_menu_shows_each_reader_only_what_they_may_do():
    """The author's ⋯ holds 수정 and 삭제, another member's holds 신고, a reader signed out
    has no ⋯ at all; the fragment kept for one never reaches the other."""
    comment = make_comment(body="메뉴를 시험하는 댓글")
    url = comment.article.get_absolute_url()
    author_html = signed_in(comment.author).get(url).content.decode()
    member_html = signed_in(make_user()).get(url).content.decode()
    reader_html = Client().get(url).content.decode()
    assert menu_items(author_html) == ["수정", "삭제"]
    assert menu_items(member_html) == ["신고"]
    assert 'aria-label="댓글 메뉴"' in member_html
    assert 'aria-label="댓글 메뉴"' not in reader_html and "신고" not in reader_html
    # Shown again (from the kept fragments), each still sees their own menu.
    assert menu_items(signed_in(comment.author).get(url).content.decode()) == ["수정", "삭제"]
    assert menu_items(signed_in(make_user()).get(url).content.decode()) == ["신고"]


def test_one_row_of_actions_with_counts_and_no_raw_triangles():
    """Each comment has one row: 공감 n, 비공감 n, 답글 and ⋯, every toggle a summary styled
    as a button (no disclosure triangle of its own)."""
    comment = make_comment()
    html = signed_in(make_user()).get(comment.article.get_absolute_url()).content.decode()
    row = html.split('<div class="comment__actions">', 1)[1].split('<div class="comment__panel', 1)[
        0
    ]
    labels = re.findall(
        r'</svg>\s*([^<\s][^<]*?)\s*(?:<span class="comment__count">(\d+)</span>)?<', row
    )
    assert [label for label, _ in labels] == ["공감", "비공감", "답글"]
    assert [count for _, count in labels] == ["0", "0", ""]
    summaries = re.findall(r"<summary([^>]*)>", html)
    assert summaries and all('class="' in attributes for attributes in summaries)


def test_report_form_has_every_reason_and_none_chosen():
    """The 신고 form lists the five reasons as radio buttons and none is chosen beforehand."""
    comment = make_comment()
    html = signed_in(make_user()).get(comment.article.get_absolute_url()).content.decode()
    form = html.split('class="comment__form comment__report"', 1)[1].split("</form>", 1)[0]
    radios = re.findall(r'<input type="radio" name="reason" value="(\w+)"[^>]*>', form)
    assert radios == list(CommentReport.Reason.values)
    assert "checked" not in form and "selected" not in form
    assert "신고 사유" in form


def test_report_without_reason_is_refused_without_js():
    """A plain 신고 with no reason saves nothing; back on the article the Korean message sits
    under that comment with the report form open, so the reason can be chosen there."""
    comment = make_comment()
    page = signed_in(make_user())
    response = page.post(reverse("comments:report", args=[comment.pk]), {})
    assert response.status_code == 302 and response.url.endswith(f"#comment-{comment.pk}")
    assert not CommentReport.objects.exists()
    html = page.get(response.url.split("#")[0]).content.decode()
    assert f'<p class="comment__message" role="status">{services.COMMENT_REPORT_REASON}</p>' in html
    assert 'class="comment__panel comment__panel--report is-open"' in html
    # Shown once: the next view is the plain page again.
    assert (
        services.COMMENT_REPORT_REASON
        not in page.get(comment.article.get_absolute_url()).content.decode()
    )


def test_report_without_reason_is_refused_with_htmx():
    """With htmx, a 신고 with no (or a made-up) reason returns the thread with the Korean
    message and the form still open; nothing is saved."""
    comment = make_comment()
    page = signed_in(make_user())
    url = reverse("comments:report", args=[comment.pk])
    for data in ({}, {"reason": "made-up"}):
        html = page.post(url, data, headers=HTMX).content.decode()
        assert services.COMMENT_REPORT_REASON in html
        assert 'class="comment__panel comment__panel--report is-open"' in html
    assert not CommentReport.objects.exists()


def test_report_with_reason_is_taken_without_js():
    """A plain 신고 with a reason is saved once and says so under the comment."""
    comment = make_comment()
    page = signed_in(make_user())
    response = page.post(reverse("comments:report", args=[comment.pk]), {"reason": "spam"})
    assert CommentReport.objects.get().reason == "spam"
    html = page.get(response.url.split("#")[0]).content.decode()
    assert services.COMMENT_REPORTED in html


def test_edit_form_opens_around_the_comments_own_text():
    """The author's 수정 panel holds the comment's text in a full-width form that posts
    without JavaScript, and a plain edit comes back 수정됨."""
    comment = make_comment(body="고치기 전 글")
    page = signed_in(comment.author)
    html = page.get(comment.article.get_absolute_url()).content.decode()
    panel = html.split('class="comment__panel comment__panel--edit"', 1)[1].split("</form>", 1)[0]
    assert f'action="{reverse("comments:edit", args=[comment.pk])}"' in panel
    assert "고치기 전 글</textarea>" in panel and "수정 완료" in panel
    response = page.post(reverse("comments:edit", args=[comment.pk]), {"body": "고친 글"})
    assert response.status_code == 302
    html = page.get(response.url.split("#")[0]).content.decode()
    assert "고친 글" in html and "수정됨" in html


def test_reply_toggle_only_on_top_level_comments():
    """답글 sits in the row of a comment, not of a reply (replies go one level deep), and its
    form follows the comment, above the replies."""
    top = make_comment(body="위 댓글")
    make_comment(article=top.article, parent=top, body="아래 답글")
    html = signed_in(make_user()).get(top.article.get_absolute_url()).content.decode()
    assert html.count("comment__toggle--reply") == 1
    assert html.index('class="comment__panel comment-reply-form') < html.index("아래 답글")


def test_a_note_about_a_comment_off_the_page_shows_above_the_list():
    """If the page returned to does not show the comment (another tab), the note from a
    plain 신고 still reaches the member, above the comments, once."""
    comment = make_comment()
    page = signed_in(make_user())
    page.post(reverse("comments:report", args=[comment.pk]), {"reason": "abuse"})
    html = page.get(comment.article.get_absolute_url() + "?tab=con").content.decode()
    assert f'<p class="comment__message" role="status">{services.COMMENT_REPORTED}</p>' in html
    assert (
        services.COMMENT_REPORTED
        not in page.get(comment.article.get_absolute_url()).content.decode()
    )


def test_author_deletes_from_the_menu_without_js():
    """삭제 in the author's ⋯ menu is a plain form: it posts, comes back, and the comment is gone."""
    comment = make_comment(body="지울 댓글")
    page = signed_in(comment.author)
    html = page.get(comment.article.get_absolute_url()).content.decode()
    assert "삭제" in menu_items(html)
    assert f'action="{reverse("comments:delete", args=[comment.pk])}"' in html
    response = page.post(reverse("comments:delete", args=[comment.pk]))
    assert response.status_code == 302
    assert "지울 댓글" not in page.get(comment.article.get_absolute_url()).content.decode()
