import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError
from django.urls import reverse

from accounts.groups import EDITORS_GROUP
from comments.models import Comment, CommentReaction, CommentReport
from comments.rendering import render_comment

from .factories import make_comment, make_user

pytestmark = pytest.mark.django_db


def test_plain_text_keeps_line_breaks():
    """Line breaks the member typed are kept; nothing else becomes markup."""
    assert render_comment("첫 줄\n둘째 줄") == "<p>첫 줄<br>둘째 줄</p>"


def test_links_are_nofollow_ugc():
    """A web address becomes a link search engines do not follow."""
    html = render_comment("출처: https://example.com/a?b=1")
    assert '<a href="https://example.com/a?b=1" rel="nofollow ugc noopener">' in html


def test_javascript_link_is_text():
    """A javascript: address is never a link."""
    html = render_comment('<a href="javascript:alert(1)">누르세요</a>')
    assert '<a href="javascript' not in html and "&lt;a" in html


def test_one_reaction_per_member_in_the_database():
    """Even bypassing the service, the database refuses a second reaction by one member."""
    comment, user = make_comment(), make_user()
    CommentReaction.objects.create(comment=comment, user=user, kind="like")
    with pytest.raises(IntegrityError):
        CommentReaction.objects.create(comment=comment, user=user, kind="dislike")


def test_one_report_per_member_in_the_database():
    """The database refuses a second report by the same member."""
    comment, user = make_comment(), make_user()
    CommentReport.objects.create(comment=comment, user=user, reason="spam")
    with pytest.raises(IntegrityError):
        CommentReport.objects.create(comment=comment, user=user, reason="abuse")


def test_editors_moderate_comments_but_not_members():
    """편집자 can view, change and delete comments and see reports, but cannot manage members."""
    codenames = set(
        Group.objects.get(name=EDITORS_GROUP).permissions.values_list("codename", flat=True)
    )
    assert {"view_comment", "change_comment", "delete_comment", "view_commentreport"} <= codenames
    assert not {c for c in codenames if c.endswith("_user") or c.endswith("_group")}


def test_admin_bulk_hide_and_restore(client):
    """Staff hide and restore comments in bulk from the admin; `댓글 N` follows."""
    comment = make_comment()
    client.force_login(make_user(is_staff=True, is_superuser=True))
    url = reverse("admin:comments_comment_changelist")
    client.post(url, {"action": "mark_hidden", "_selected_action": [comment.pk]})
    comment.refresh_from_db()
    comment.article.refresh_from_db()
    assert comment.status == Comment.Status.HIDDEN and comment.article.comment_count == 0
    client.post(url, {"action": "mark_visible", "_selected_action": [comment.pk]})
    comment.article.refresh_from_db()
    assert comment.article.comment_count == 1


def test_admin_shows_reports(client):
    """Staff see each report with its reason on the comment's admin page."""
    comment = make_comment()
    CommentReport.objects.create(comment=comment, user=make_user(), reason="spam")
    client.force_login(make_user(is_staff=True, is_superuser=True))
    html = client.get(reverse("admin:comments_comment_change", args=[comment.pk])).content.decode()
    assert "광고·도배" in html


@pytest.mark.django_db
def test_a_moderators_save_never_puts_back_an_old_like_count():
    """Likes given while a moderator had the comment open survive the moderator's save."""
    from comments import services

    comment = make_comment()
    stale = Comment.objects.get(pk=comment.pk)  # the admin form opens: 공감 0
    services.comment_react(comment=comment, user=make_user(), kind="like")
    stale.status = Comment.Status.HIDDEN
    stale.save()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.HIDDEN
    assert comment.like_count == 1
