import pytest
from django.urls import reverse

from aipick import ratelimit
from aipick.ratelimit import RATE_LIMIT_UNAVAILABLE
from comments import services
from comments.models import Comment, CommentReaction

from .factories import make_article, make_comment, make_user

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}

# Nothing listens here: what a stopped Redis answers.
DEAD_RATELIMIT = {
    "BACKEND": "django.core.cache.backends.redis.RedisCache",
    "LOCATION": "redis://127.0.0.1:6390/14",
}


def post_url(article):
    return reverse("comments:create", args=[article.pk])


def test_section_on_article_page(client):
    """The article page shows `댓글 N`, the form for members and the comments."""
    comment = make_comment(body="첫 댓글입니다")
    html = client.get(comment.article.get_absolute_url()).content.decode()
    assert '댓글 <span data-count="comments">1</span>' in html
    assert "첫 댓글입니다" in html
    assert "로그인</a>하면 댓글을 쓰고" in html
    # No side has a best comment yet: the box waits instead of saying 아직 없음 twice.
    assert "베스트 찬성 vs 베스트 반대" not in html and "아직 없음" not in html


def test_post_without_js_redirects_to_the_comment(client):
    """Without JavaScript, posting reloads the article at the new comment."""
    article, user = make_article(), make_user()
    client.force_login(user)
    response = client.post(post_url(article), {"body": "폼으로 쓴 댓글"})
    comment = Comment.objects.get()
    assert response.url == f"/articles/{article.pk}/#comment-{comment.pk}"
    html = client.get(article.get_absolute_url()).content.decode()
    assert "폼으로 쓴 댓글" in html and '<span data-count="comments">1</span>' in html


def test_post_with_htmx_returns_the_section(client):
    """With htmx the section re-renders in place and the meta line's count follows."""
    article, user = make_article(), make_user()
    client.force_login(user)
    response = client.post(post_url(article), {"body": "htmx 댓글"}, headers=HTMX)
    html = response.content.decode()
    assert response["HX-Retarget"] == "#comments"
    assert "<html" not in html and "htmx 댓글" in html
    assert "hx-swap-oob=\"innerHTML:[data-count='comments']\">1<" in html


def test_refused_post_shows_message_under_form_without_js(client):
    """An empty comment comes back with a Korean message under the form; nothing is saved."""
    article = make_article()
    client.force_login(make_user())
    response = client.post(post_url(article), {"body": "   "})
    assert response.url.endswith("#comment-form")
    html = client.get(article.get_absolute_url()).content.decode()
    form_part = html[html.index('id="comment-form"') :]
    assert services.COMMENT_EMPTY in form_part[: form_part.index("</form>")]
    assert not Comment.objects.exists()
    # The message is shown once, not on every later visit.
    assert services.COMMENT_EMPTY not in client.get(article.get_absolute_url()).content.decode()


def test_refused_post_with_htmx_keeps_the_text(client):
    """With htmx a too-long comment stays in the box with the message under it."""
    article = make_article()
    client.force_login(make_user())
    response = client.post(post_url(article), {"body": "가" * 1001}, headers=HTMX)
    html = response.content.decode()
    assert "1,000자까지" in html and "가" * 1001 in html
    assert not Comment.objects.exists()


def test_honeypot_refuses_bots(client):
    """A form with the hidden website field filled is refused."""
    article = make_article()
    client.force_login(make_user())
    client.post(post_url(article), {"body": "광고", "website": "http://spam.example"})
    assert not Comment.objects.exists()


def test_anonymous_post_goes_to_login(client):
    """An anonymous post is sent to sign in and nothing is saved."""
    article = make_article()
    response = client.post(post_url(article), {"body": "익명"})
    assert response.url.startswith(reverse("login"))
    assert not Comment.objects.exists()


def test_reply_without_js(client):
    """A reply appears under its comment after the redirect."""
    parent = make_comment(body="원댓글")
    client.force_login(make_user())
    response = client.post(post_url(parent.article), {"body": "답글이에요", "parent": parent.pk})
    reply = Comment.objects.get(parent=parent)
    assert response.url.endswith(f"#comment-{reply.pk}")


def test_reply_with_htmx_renders_the_thread(client):
    """With htmx the thread re-renders with the new reply in it."""
    parent = make_comment(body="원댓글")
    client.force_login(make_user())
    response = client.post(
        post_url(parent.article), {"body": "htmx 답글", "parent": parent.pk}, headers=HTMX
    )
    html = response.content.decode()
    assert f'id="comment-{parent.pk}"' in html and "htmx 답글" in html


def test_rate_limit_store_down_answers_the_korean_503(client, settings):
    """With Redis unreachable a member's comment gets the Korean 503 page; nothing is saved."""
    settings.CACHES = {**settings.CACHES, "ratelimit": DEAD_RATELIMIT}
    article = make_article()
    client.force_login(make_user())
    response = client.post(post_url(article), {"body": "레디스가 멈춘 동안 쓴 댓글"})
    assert response.status_code == 503
    assert RATE_LIMIT_UNAVAILABLE in response.content.decode()
    assert not Comment.objects.exists()


def test_same_text_twice_without_js_shows_the_message(client, no_rate_limit):
    """A double submit lands the second time under the form with the "same text" message."""
    article = make_article()
    client.force_login(make_user())
    client.post(post_url(article), {"body": "두 번 보낸 댓글"})
    response = client.post(post_url(article), {"body": "두 번 보낸 댓글"})
    assert response.url.endswith("#comment-form")
    assert services.COMMENT_DUPLICATE in client.get(article.get_absolute_url()).content.decode()
    assert Comment.objects.count() == 1


def test_comment_on_draft_is_404(client):
    """A crafted post to a draft's address finds nothing."""
    article = make_article(status="draft")
    client.force_login(make_user())
    assert client.post(post_url(article), {"body": "몰래"}).status_code == 404


def test_refused_post_to_a_draft_is_404_too(client):
    """An empty comment to a draft's address still finds nothing, rather than a message."""
    article = make_article(status="draft")
    client.force_login(make_user())
    assert client.post(post_url(article), {"body": "  "}).status_code == 404


def test_staff_post_to_a_draft_is_refused_and_costs_nothing(client):
    """Staff see drafts, but a comment there is refused with a message and uses no allowance."""
    article = make_article(status="draft")
    staff = make_user(is_staff=True)
    client.force_login(staff)
    response = client.post(post_url(article), {"body": "초안에 단 댓글"})
    assert response.url.endswith("#comment-form")
    stash = client.session[f"comments:form:{article.pk}"]
    assert stash["message"] == services.COMMENT_ARTICLE_CLOSED
    assert not Comment.objects.exists()
    assert ratelimit.count(f"comments:burst:{staff.pk}") == 0


def test_other_members_edit_and_delete_are_403(client):
    """Editing or deleting another member's comment answers 403 and changes nothing."""
    comment = make_comment(body="원래 글")
    client.force_login(make_user())
    assert (
        client.post(reverse("comments:edit", args=[comment.pk]), {"body": "바꿈"}).status_code
        == 403
    )
    assert client.post(reverse("comments:delete", args=[comment.pk])).status_code == 403
    comment.refresh_from_db()
    assert comment.body == "원래 글" and comment.status == "visible"


def test_edit_shows_edited_and_history(client):
    """After an edit the comment says 수정됨 and anyone can open the earlier version."""
    comment = make_comment(body="처음 글")
    client.force_login(comment.author)
    client.post(reverse("comments:edit", args=[comment.pk]), {"body": "고친 글"})
    client.logout()
    html = client.get(comment.article.get_absolute_url()).content.decode()
    assert "고친 글" in html and "수정됨" in html
    history = client.get(reverse("comments:history", args=[comment.pk])).content.decode()
    assert "처음 글" in history and "고친 글" in history


def test_deleted_with_replies_shows_placeholder(client):
    """A deleted comment with replies shows 삭제된 댓글입니다 and keeps the replies."""
    comment = make_comment(body="지울 글")
    make_comment(parent=comment, body="남는 답글")
    client.force_login(comment.author)
    client.post(reverse("comments:delete", args=[comment.pk]))
    html = client.get(comment.article.get_absolute_url()).content.decode()
    assert "삭제된 댓글입니다" in html and "남는 답글" in html and "지울 글" not in html


def test_react_with_and_without_js(client):
    """공감 works as a plain form and as htmx; a repeated 공감 does not add a count."""
    comment = make_comment()
    client.force_login(make_user())
    url = reverse("comments:react", args=[comment.pk])
    response = client.post(url, {"kind": "like", "on": "1"})
    assert response.url.endswith(f"#comment-{comment.pk}")
    response = client.post(url, {"kind": "like", "on": "1"}, headers=HTMX)
    comment.refresh_from_db()
    assert comment.like_count == 1 and CommentReaction.objects.count() == 1
    assert 'aria-pressed="true"' in response.content.decode()


def test_report_twice_gives_a_message(client):
    """A second report by the same member only earns a message."""
    comment = make_comment()
    client.force_login(make_user())
    url = reverse("comments:report", args=[comment.pk])
    client.post(url, {"reason": "spam"})
    response = client.post(url, {"reason": "spam"}, headers=HTMX)
    assert services.COMMENT_ALREADY_REPORTED in response.content.decode()


def test_hidden_visible_only_to_author_and_staff(client):
    """A hidden comment is marked for its author and staff, and absent for everyone else."""
    comment = make_comment(body="숨겨진 글", status="hidden")
    url = comment.article.get_absolute_url()
    assert "숨겨진 글" not in client.get(url).content.decode()
    client.force_login(make_user())
    assert "숨겨진 글" not in client.get(url).content.decode()
    client.force_login(comment.author)
    html = client.get(url).content.decode()
    assert "숨겨진 글" in html and "나에게만 보임" in html
    client.force_login(make_user(is_staff=True))
    html = client.get(url).content.decode()
    assert "숨겨진 글" in html and "숨김 처리됨" in html


def test_more_button_pages_by_20(client):
    """20 comments show at first; 더보기 brings the next ones."""
    article = make_article()
    for n in range(25):
        make_comment(article=article, body=f"댓글번호{n:02d}")
    html = client.get(article.get_absolute_url()).content.decode()
    assert html.count('class="comment-thread"') == 20 and "더보기" in html
    response = client.get(reverse("comments:list", args=[article.pk]) + "?page=2", headers=HTMX)
    assert response.content.decode().count('class="comment-thread"') == 5
    html = client.get(article.get_absolute_url() + "?cpage=2").content.decode()
    assert html.count('class="comment-thread"') == 25


def test_list_without_htmx_redirects_to_article(client):
    """A tab link opened without htmx lands on the article with the same tab."""
    article = make_article()
    response = client.get(reverse("comments:list", args=[article.pk]) + "?tab=pro&sort=ratio")
    assert response.url == f"/articles/{article.pk}/?tab=pro&sort=ratio&cpage=1#comments"


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '"><svg onload=alert(1)>',
        "javascript:alert(1)",
    ],
)
def test_xss_payloads_render_as_text(client, payload):
    """Markup typed into a comment is shown as the characters typed, never as HTML."""
    article = make_article()
    client.force_login(make_user())
    client.post(post_url(article), {"body": payload})
    html = client.get(article.get_absolute_url()).content.decode()
    body = html[html.index('class="comment__body"') :]
    body = body[: body.index("</div>")]
    assert "<script" not in body and "<img" not in body and "<svg" not in body
    assert 'href="javascript' not in body
    assert "&lt;" in body or "javascript:alert(1)" in body
