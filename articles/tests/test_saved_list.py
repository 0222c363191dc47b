"""The saved list (`/me/saved/`): what changed since the member last looked, and greyed lines."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import saved
from articles.models import Article, Save
from articles.save_views import SAVED_LINE_NOT_REMOVABLE, SAVED_LINE_REMOVED
from articles.services import article_save_toggle, recount, save_line_remove

from .factories import make_article, make_user

pytestmark = pytest.mark.django_db


def saved_html(client) -> str:
    response = client.get(reverse("saved"))
    assert response.status_code == 200
    return response.content.decode()


def looked_earlier(user, minutes=10):
    """The member last opened the saved list a while ago."""
    Save.objects.filter(user=user).update(seen_at=timezone.now() - timedelta(minutes=minutes))


@pytest.fixture
def member(client):
    user = make_user()
    client.force_login(user)
    return user


def test_revised_article_says_so_once(client, member):
    """An article edited after the member's last look shows `기사 수정됨`, and not on the next look."""
    article = make_article(title="고쳐질 기사")
    article_save_toggle(article=article, user=member)
    looked_earlier(member)
    Article.objects.filter(pk=article.pk).update(revised_at=timezone.now())
    assert saved.ARTICLE_REVISED in saved_html(client)
    assert saved.ARTICLE_REVISED not in saved_html(client)


def test_revision_before_the_last_look_is_not_news(client, member):
    """An edit the member already had in front of them shows no cue."""
    article = make_article()
    Article.objects.filter(pk=article.pk).update(revised_at=timezone.now() - timedelta(hours=1))
    article_save_toggle(article=article, user=member)
    assert saved.ARTICLE_REVISED not in saved_html(client)


def test_only_lines_on_the_page_shown_are_marked_seen(client, member, monkeypatch):
    """Opening page 1 leaves page 2's cues waiting for when the member gets there."""
    from articles import save_views

    monkeypatch.setattr(save_views, "SAVED_PAGE_SIZE", 2)
    articles = [make_article() for _ in range(3)]
    for article in articles:
        article_save_toggle(article=article, user=member)
    looked_earlier(member)
    Article.objects.filter(pk=articles[0].pk).update(revised_at=timezone.now())
    assert saved.ARTICLE_REVISED not in saved_html(client)  # page 1: the two newest
    page2 = client.get(reverse("saved"), {"page": 2}).content.decode()
    assert saved.ARTICLE_REVISED in page2


def test_published_follow_up_says_so_once(client, member):
    """A follow-up published after the member's last look shows `후속 기사 나옴`, once; a draft
    follow-up shows nothing."""
    original = make_article(title="원래 기사")
    article_save_toggle(article=original, user=member)
    looked_earlier(member)
    make_article(title="준비 중인 후속", follow_up_of=original, status=Article.Status.DRAFT)
    assert saved.FOLLOW_UP_PUBLISHED not in saved_html(client)
    looked_earlier(member)
    make_article(
        title="후속 기사", follow_up_of=original, published_at=timezone.now() - timedelta(minutes=1)
    )
    assert saved.FOLLOW_UP_PUBLISHED in saved_html(client)
    assert saved.FOLLOW_UP_PUBLISHED not in saved_html(client)


def test_deleted_article_stays_as_a_greyed_line_with_its_title(client, member):
    """Deleting a saved article leaves `삭제된 기사입니다.` under the title it had, without a link."""
    article = make_article(title="사라질 기사")
    article_save_toggle(article=article, user=member)
    article_id = article.pk
    article.delete()
    line = Save.objects.get(user=member)
    assert line.article is None and line.article_title == "사라질 기사"
    html = saved_html(client)
    assert "사라질 기사" in html and saved.LINE_DELETED in html
    assert f"/articles/{article_id}/" not in html
    assert "목록에서 지우기" in html


def test_unpublished_article_is_greyed_without_a_link(client, member):
    """An article taken back to draft shows `비공개로 전환된 기사입니다.` and no link to it."""
    article = make_article(title="내려간 기사")
    article_save_toggle(article=article, user=member)
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT, title="초안 제목")
    html = saved_html(client)
    assert saved.LINE_UNPUBLISHED in html and "내려간 기사" in html
    assert "초안 제목" not in html  # the editor's working title is not shown
    assert f'href="/articles/{article.pk}/"' not in html


def test_greyed_line_can_be_removed(client, member):
    """`목록에서 지우기` takes a deleted article's line away, with a Korean confirmation."""
    article = make_article(title="지울 줄")
    article_save_toggle(article=article, user=member)
    article.delete()
    line = Save.objects.get(user=member)
    response = client.post(reverse("saved-remove", args=[line.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("saved")
    html = response.content.decode()
    assert SAVED_LINE_REMOVED in html and "지울 줄" not in html
    assert not Save.objects.exists()


def test_removing_an_unpublished_line_keeps_the_counter_true(client, member):
    """Taking an unpublished article's line away moves its 저장 count with the row."""
    article = make_article()
    article_save_toggle(article=article, user=member)
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
    line = Save.objects.get(user=member)
    client.post(reverse("saved-remove", args=[line.pk]), headers={"HX-Request": "true"})
    article.refresh_from_db()
    assert article.save_count == 0 and not Save.objects.exists()
    assert recount() == 0


def test_live_line_or_someone_elses_cannot_be_removed(client, member):
    """A crafted remove on a live article or another member's line changes nothing."""
    mine = make_article()
    article_save_toggle(article=mine, user=member)
    other = make_user()
    theirs = make_article()
    article_save_toggle(article=theirs, user=other)
    theirs.delete()
    for line in Save.objects.all():
        response = client.post(reverse("saved-remove", args=[line.pk]), follow=True)
        assert SAVED_LINE_NOT_REMOVABLE in response.content.decode()
    assert Save.objects.count() == 2
    mine.refresh_from_db()
    assert mine.save_count == 1
    assert client.post(reverse("saved-remove", args=[999999])).status_code == 302
    assert Save.objects.count() == 2


def test_remove_is_post_only_and_for_members(client):
    """A link cannot remove a line, and a visitor is sent to sign in."""
    user = make_user()
    article = make_article()
    article_save_toggle(article=article, user=user)
    article.delete()
    line = Save.objects.get()
    response = client.post(reverse("saved-remove", args=[line.pk]))
    assert response.status_code == 302 and reverse("login") in response.url
    client.force_login(user)
    assert client.get(reverse("saved-remove", args=[line.pk])).status_code == 405
    assert Save.objects.count() == 1


def test_recount_ignores_lines_of_deleted_articles():
    """Counts stay equal to rows: a deleted article's lines count for nothing, the rest are kept."""
    first, second = make_user(), make_user()
    kept, gone = make_article(), make_article()
    for user in (first, second):
        article_save_toggle(article=kept, user=user)
        article_save_toggle(article=gone, user=user)
    gone.delete()
    assert recount() == 0
    kept.refresh_from_db()
    assert kept.save_count == 2


def test_saving_again_after_a_deletion_and_toggling_work_as_before(member):
    """A member with a greyed line still saves and unsaves live articles once each."""
    gone = make_article()
    article_save_toggle(article=gone, user=member)
    gone.delete()
    other = make_article()
    article_save_toggle(article=other, user=member, saved=True)
    article_save_toggle(article=other, user=member, saved=True)
    assert Save.objects.filter(user=member, article=other).count() == 1
    assert article_save_toggle(article=other, user=member) is False
    assert Save.objects.filter(user=member).count() == 1  # the greyed line stays


def test_two_deleted_articles_leave_two_lines(client, member):
    """Several deleted articles each keep their own greyed line (the unique rule allows it)."""
    for title in ("첫째 삭제", "둘째 삭제"):
        article = make_article(title=title)
        article_save_toggle(article=article, user=member)
        article.delete()
    html = saved_html(client)
    assert "첫째 삭제" in html and "둘째 삭제" in html
    assert html.count(saved.LINE_DELETED) == 2


def test_service_refuses_a_live_line(member):
    """`save_line_remove` leaves a live article's save alone; `저장 취소` is for that."""
    article = make_article()
    article_save_toggle(article=article, user=member)
    assert save_line_remove(save_id=Save.objects.get().pk, user=member) is False
    assert Save.objects.count() == 1


def test_activity_nav_links_my_comments(client, member):
    """The saved list's `내 활동` nav links `내 댓글`."""
    html = saved_html(client)
    assert "내 활동" in html and f'href="{reverse("my-comments")}"' in html


def test_saved_list_queries_stay_constant(client, member):
    """The saved list asks the same few queries for 3 lines or 20, greyed and revised ones too."""

    def fill(n):
        for i in range(n):
            article = make_article()
            article_save_toggle(article=article, user=member)
            if i % 3 == 0:
                Article.objects.filter(pk=article.pk).update(revised_at=timezone.now())
            if i % 5 == 1:
                article.delete()
        looked_earlier(member)

    fill(3)
    client.get(reverse("saved"))
    looked_earlier(member)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("saved")).status_code == 200
    fill(17)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("saved")).status_code == 200
    assert len(few) == len(many) <= 8
