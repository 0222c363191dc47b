"""A comment's text: invisible characters dropped, look-alike hosts shown as punycode, and
the right message for a text too long or a reply to no comment."""

import pytest
from django.urls import reverse

from aipick.text import has_invisible, strip_invisible
from comments import services
from comments.models import Comment, CommentReport
from comments.rendering import render_comment

from .factories import make_article, make_comment, make_established_user, make_user

pytestmark = pytest.mark.django_db


def submit(body, **extra):
    return services.comment_submit(
        article=extra.pop("article", None) or make_article(),
        author=make_user(),
        data={"body": body, **extra},
    )


def test_an_invisible_comment_is_empty():
    """Three zero-width spaces are no comment: refused as empty, nothing saved."""
    with pytest.raises(services.CommentError) as error:
        submit("\u200b\u200b\u200b")
    assert error.value.message == services.COMMENT_EMPTY
    assert not Comment.objects.exists()


def test_bidi_override_and_hangul_filler_are_removed():
    """An RLO that would turn the text around and a Hangul filler are not stored."""
    comment = submit("\u202e좋은\u3164 기사네요\u2066")
    assert comment.body == "좋은 기사네요"


def test_line_breaks_and_emoji_sequences_survive():
    """Line breaks stay, and a family emoji keeps its joiners; a joiner between letters goes."""
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert strip_invisible(f"첫 줄\n둘째\u200d줄 {family}") == f"첫 줄\n둘째줄 {family}"


def test_invisible_characters_do_not_count_toward_the_limit(settings):
    """Padding with invisible characters neither fills nor passes the length limit."""
    settings.COMMENT_MAX_LENGTH = 10
    assert submit("가" * 10 + "\u200b" * 50).body == "가" * 10


def test_an_edit_drops_invisible_characters_too():
    """Editing runs the same cleaning as posting."""
    comment = make_comment()
    services.comment_edit(comment=comment, user=comment.author, body="고친\u200b 댓글\u202e")
    comment.refresh_from_db()
    assert comment.body == "고친 댓글"


@pytest.mark.parametrize(
    "text",
    ["http://аррӏе.com/login", "аррӏе.com", "(https://аррӏе.com/login)."],
)
def test_a_look_alike_host_is_shown_as_punycode(text, settings):
    """A Cyrillic `аррӏе.com` is linked and shown as `xn--80ak6aa92e.com`, never as apple.com."""
    settings.URLIZE_ASSUME_HTTPS = True  # Django's coming default for a bare `аррӏе.com`
    html = render_comment(text)
    assert 'href="http' in html and "xn--80ak6aa92e.com" in html
    assert "аррӏе" not in html and "%D0" not in html


def test_ascii_links_and_dotted_korean_are_left_alone():
    """An ordinary link keeps its text; Korean words joined by a dot are not a host."""
    assert ">https://aipick.kr/a/1<" in render_comment("https://aipick.kr/a/1")
    assert render_comment("좋네요.정말 그래요") == "<p>좋네요.정말 그래요</p>"


def test_a_too_long_comment_says_so(settings):
    """5,001 characters are refused as too long, with the limit, not as empty."""
    with pytest.raises(services.CommentError) as error:
        submit("가" * 5001)
    assert error.value.message == services.COMMENT_TOO_LONG.format(
        limit=settings.COMMENT_MAX_LENGTH, length=5001
    )


def test_a_reply_to_no_comment_says_so():
    """A reply whose `parent` is not a comment number is refused with its own message."""
    with pytest.raises(services.CommentError) as error:
        submit("답글입니다", parent="abc")
    assert error.value.message == services.COMMENT_PARENT_MISSING
    assert not Comment.objects.exists()


def test_a_reply_to_a_missing_comment_says_so():
    """A reply to a comment that does not exist is refused with the same message."""
    with pytest.raises(services.CommentError) as error:
        submit("답글입니다", parent="987654")
    assert error.value.message == services.COMMENT_PARENT_MISSING


def test_the_posting_view_shows_the_too_long_message(client, settings):
    """Without JavaScript the member reads the too-long message under the form."""
    article = make_article()
    client.force_login(make_user())
    client.post(reverse("comments:create", args=[article.pk]), {"body": "가" * 5001})
    html = client.get(article.get_absolute_url()).content.decode()
    assert f"{settings.COMMENT_MAX_LENGTH:,}자까지" in html
    assert services.COMMENT_EMPTY not in html


def test_the_rule_is_shared():
    """Names and comments ask the same module which characters are invisible."""
    for char in "\u200b\u202e\u3164\u115f\u1160\uffa0\ufeff\x07":
        assert has_invisible(f"가{char}나")
        assert strip_invisible(f"가{char}나") == "가나"
    assert not has_invisible("가 나\n")


def test_the_admin_marks_which_reports_count(client):
    """On the comment's admin page each report says whether it counts toward hiding."""
    comment = make_comment()
    services.comment_report(comment=comment, user=make_user(), reason="spam")
    services.comment_report(comment=comment, user=make_established_user(), reason="abuse")
    assert CommentReport.objects.count() == 2
    client.force_login(make_user(is_staff=True, is_superuser=True))
    html = client.get(reverse("admin:comments_comment_change", args=[comment.pk])).content.decode()
    assert "자동 숨김에 반영" in html
    assert html.count("icon-yes.svg") >= 1 and html.count("icon-no.svg") >= 1
