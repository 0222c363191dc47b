"""The comment moderation list an editor reads at 1280 px (issue 15, item 1)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.tests.factories import make_article
from comments.models import Comment

from .factories import make_comment, make_user

pytestmark = pytest.mark.django_db

URL = "/admin/comments/comment/"


@pytest.fixture
def moderator(client):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    return client


def test_list_shows_first_line_article_author_reports_status_and_full_time(moderator):
    """Each row shows the text's first line, the article, author, reports, status and the time
    as `2026.12.06 14:03`."""
    article = make_article(title="모더레이션 대상 기사")
    comment = make_comment(article=article, body="첫 줄만 보입니다\n둘째 줄은 안 보입니다")
    html = moderator.get(URL).content.decode()
    for header in ["내용", "기사", "작성자", "신고", "상태", "작성 시각"]:
        assert header in html
    cell = re.search(r'<th class="field-first_line"><a [^>]*>(.*?)</a></th>', html)
    assert cell and cell.group(1) == "첫 줄만 보입니다"
    assert "모더레이션 대상 기사" in html
    stamp = f"{timezone.localtime(comment.created_at):%Y.%m.%d %H:%M}"
    assert re.search(rf'<td class="field-created">{re.escape(stamp)}</td>', html)
    assert "css/admin.css" in html  # the column widths


def test_hiding_says_so_in_plain_korean(moderator):
    """After hiding, the message reads `댓글 1개를 숨겼습니다.`"""
    comment = make_comment()
    response = moderator.post(
        URL, {"action": "mark_hidden", "_selected_action": [comment.pk]}, follow=True
    )
    assert "댓글 1개를 숨겼습니다." in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.HIDDEN


def test_list_query_count_stays_constant(moderator):
    """The list costs the same number of queries for 2 comments as for 12."""
    article = make_article()

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert moderator.get(reverse("admin:comments_comment_changelist")).status_code == 200
        return len(queries)

    for _ in range(2):
        make_comment(article=article)
    few = count()
    for _ in range(10):
        make_comment(article=article, author=make_user())
    assert count() == few
