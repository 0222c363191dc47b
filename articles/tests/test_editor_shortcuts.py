import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from .factories import make_article, make_user

pytestmark = pytest.mark.django_db


def _editor(*, perms=("change_article", "change_comment")):
    user = make_user(staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=perms))
    return user


def _links(article):
    edit = reverse("admin:articles_article_change", args=[article.pk])
    comments = reverse("admin:comments_comment_changelist") + f"?article__id__exact={article.pk}"
    return edit, comments


def test_editor_sees_edit_and_comment_moderation_links(client):
    """A signed-in editor finds 기사 수정 and 댓글 관리 on the article, pointing at its admin pages."""
    article = make_article()
    client.force_login(_editor())
    html = client.get(article.get_absolute_url()).content.decode()
    edit, comments = _links(article)
    assert f'href="{edit}">기사 수정</a>' in html
    assert f'href="{comments}">댓글 관리</a>' in html


def test_comment_moderation_link_opens_the_filtered_changelist(client):
    """The 댓글 관리 link opens the comment list for this article, not an error page."""
    article = make_article()
    client.force_login(_editor())
    response = client.get(_links(article)[1])
    assert response.status_code == 200
    assert response.context["cl"].get_filters_params() == {"article__id__exact": [str(article.pk)]}


@pytest.mark.parametrize("who", ["anonymous", "member", "staff without permission"])
def test_readers_and_members_never_see_editor_links(client, who):
    """Readers, plain members and staff who may not change articles see neither link."""
    article = make_article()
    if who == "member":
        client.force_login(make_user())
    elif who != "anonymous":
        client.force_login(_editor(perms=("change_comment",)))
    html = client.get(article.get_absolute_url()).content.decode()
    assert "기사 수정" not in html
    assert "댓글 관리" not in html
    for href in _links(article):
        assert href not in html
