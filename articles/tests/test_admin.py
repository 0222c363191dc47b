import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.groups import EDITORS_GROUP
from articles.models import Article

from .factories import make_article, make_category, make_reporter, make_user
from .test_images import admin_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = make_user(staff=True)
    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    client.force_login(user)
    return client


def test_editor_can_write_and_publish_an_article(editor):
    """A staff member in 편집자 writes an article with its summary and it appears on the site."""
    data = admin_payload(
        **{
            "summary_lines-TOTAL_FORMS": "2",
            "summary_lines-0-order": "1",
            "summary_lines-0-text": "첫째 요약",
            "summary_lines-0-paragraphs": "1",
            "summary_lines-1-order": "2",
            "summary_lines-1-text": "둘째 요약",
            "summary_lines-1-paragraphs": "1",
        }
    )
    response = editor.post("/admin/articles/article/add/", data)
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.lead == "첫째 요약"
    assert editor.get(article.get_absolute_url()).status_code == 200


def test_admin_refuses_a_fourth_summary_line(editor):
    """The admin will not take more than three summary lines."""
    data = admin_payload(**{"summary_lines-TOTAL_FORMS": "4"})
    for i in range(4):
        data[f"summary_lines-{i}-order"] = str(i + 1)
        data[f"summary_lines-{i}-text"] = f"요약 {i + 1}"
        data[f"summary_lines-{i}-paragraphs"] = "1"
    response = editor.post("/admin/articles/article/add/", data)
    assert response.status_code == 200
    assert not Article.objects.exists()


def test_editor_cannot_manage_users(editor):
    """Editors publish news; they cannot see or change member accounts."""
    assert editor.get("/admin/accounts/user/").status_code == 403
    assert editor.get("/admin/auth/group/").status_code == 403
    assert editor.get("/admin/articles/article/").status_code == 200


def test_publish_and_unpublish_actions(editor):
    """Editors publish drafts (now, if no time was set) and pull articles back to draft in bulk."""
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    editor.post(
        "/admin/articles/article/",
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED and draft.published_at <= timezone.now()
    editor.post(
        "/admin/articles/article/",
        {"action": "unpublish", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT
    assert editor.get(draft.get_absolute_url()).status_code == 200  # staff preview
    editor.logout()
    assert editor.get(draft.get_absolute_url()).status_code == 404


def test_article_list_has_the_editors_columns(editor):
    """The article list shows title, category, status, publish time and counts, with search."""
    make_article(
        title="목록에 보일 기사", category=make_category(name="기술/연구"), reporter=make_reporter()
    )
    html = editor.get("/admin/articles/article/?q=목록").content.decode()
    assert "목록에 보일 기사" in html
    for header in ["카테고리", "상태", "발행 시각", "댓글 수", "저장 수"]:
        assert header in html
