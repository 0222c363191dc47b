import unicodedata
from datetime import timedelta
from unittest import mock

import pytest
from django.apps import apps
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from aipick import ratelimit
from articles.models import Article
from comments import services
from comments.models import Comment, CommentReaction, CommentReport, CommentRevision

from .factories import (
    make_article,
    make_comment,
    make_established_user,
    make_poll,
    make_user,
    react,
    vote,
)

# Nothing listens here: what a stopped Redis answers.
DEAD_RATELIMIT = {
    "BACKEND": "django.core.cache.backends.redis.RedisCache",
    "LOCATION": "redis://127.0.0.1:6390/14",
}

pytestmark = pytest.mark.django_db


def count_of(article):
    article.refresh_from_db()
    return article.comment_count


def test_create_moves_the_counter():
    """Posting a comment shows it and `댓글 N` grows by one."""
    article, user = make_article(), make_user()
    comment = services.comment_create(article=article, author=user, body="  좋은 분석이에요  ")
    assert comment.body == "좋은 분석이에요"
    assert count_of(article) == 1


@pytest.mark.parametrize("body", ["", "   ", "\n\t \n"])
def test_empty_refused(body):
    """An empty or whitespace-only comment is refused and nothing is saved."""
    with pytest.raises(services.CommentError) as error:
        services.comment_create(article=make_article(), author=make_user(), body=body)
    assert error.value.message == services.COMMENT_EMPTY
    assert not Comment.objects.exists()


def test_length_counted_as_reader_sees_it():
    """1,000 Korean syllables are accepted even when typed as decomposed jamo; 1,001 are not."""
    article = make_article()
    decomposed = unicodedata.normalize("NFD", "한" * 1000)
    assert len(decomposed) == 3000
    comment = services.comment_create(article=article, author=make_user(), body=decomposed)
    assert len(comment.body) == 1000
    with pytest.raises(services.CommentError) as error:
        services.comment_create(article=article, author=make_user(), body="가" * 1001)
    assert "1,000자" in error.value.message
    assert Comment.objects.count() == 1


def test_article_unpublished_meanwhile_refused():
    """An article taken down while the comment was on its way gets no comment and no count."""
    article, user = make_article(), make_user()
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
    with pytest.raises(services.CommentError) as error:
        # The caller's copy still says published: the counter's UPDATE is what notices.
        services.comment_create(article=article, author=user, body="늦게 도착한 댓글")
    assert error.value.message == services.COMMENT_ARTICLE_CLOSED
    assert not Comment.objects.exists()
    assert count_of(article) == 0


def test_posting_a_comment_stays_within_two_queries(no_rate_limit, django_assert_num_queries):
    """Insert (the member's side read inside it) and count: nothing more hits the database.

    (Inside the test's transaction the service's atomic block adds SAVEPOINT/RELEASE.)"""
    article, user = make_article(), make_user()
    with django_assert_num_queries(4):
        services.comment_create(article=article, author=user, body="짧고 빠른 댓글")
    assert count_of(article) == 1


def test_side_at_post_is_stored_with_the_comment():
    """The badge a comment shows is the side its author held when posting it."""
    article = make_article()
    poll = make_poll(article)
    pro, undecided = make_user(), make_user()
    vote(poll, pro, "찬성")
    comment = services.comment_create(article=article, author=pro, body="찬성합니다")
    assert comment.side_at_post == "찬성"
    comment.refresh_from_db()
    assert comment.side_at_post == "찬성"
    other = services.comment_create(article=article, author=undecided, body="아직 모르겠어요")
    other.refresh_from_db()
    assert other.side_at_post == ""
    vote(poll, pro, "반대")
    comment.refresh_from_db()
    assert comment.side_at_post == "찬성"  # kept as it was, so the page can say 입장 변경


def test_side_at_post_without_polls():
    """Without the polls app every side is unknown and posting still works."""
    article, user = make_article(), make_user()
    installed = apps.is_installed
    with mock.patch.object(apps, "is_installed", lambda name: name != "polls" and installed(name)):
        comment = services.comment_create(article=article, author=user, body="투표 없는 기사")
    comment.refresh_from_db()
    assert comment.side_at_post == ""


def test_draft_article_refused():
    """A crafted post to an unpublished article saves nothing."""
    article = make_article(status=Article.Status.DRAFT)
    with pytest.raises(services.CommentError) as error:
        services.comment_create(article=article, author=make_user(), body="몰래 댓글")
    assert error.value.message == services.COMMENT_ARTICLE_CLOSED
    assert not Comment.objects.exists()


@pytest.mark.parametrize("status", [Comment.Status.HIDDEN, Comment.Status.DELETED])
def test_reply_to_hidden_or_deleted_refused(status):
    """Nobody can reply into a hidden or deleted comment's thread."""
    parent = make_comment(status=status)
    with pytest.raises(services.CommentError) as error:
        services.comment_create(
            article=parent.article, author=make_user(), body="답글", parent=parent
        )
    assert error.value.message == services.COMMENT_THREAD_CLOSED


def test_replies_are_one_level_deep():
    """A reply to a reply is refused: threads stay one level deep."""
    reply = make_comment(parent=make_comment())
    with pytest.raises(services.CommentError) as error:
        services.comment_create(article=reply.article, author=make_user(), body="x", parent=reply)
    assert error.value.message == services.COMMENT_REPLY_DEPTH


def test_submitted_reply_refused_under_its_own_thread():
    """A refused reply names the comment replied to, so the message goes under that reply form."""
    parent = make_comment(status=Comment.Status.HIDDEN)
    with pytest.raises(services.CommentError) as error:
        services.comment_submit(
            article=parent.article, author=make_user(), data={"body": "답글", "parent": parent.pk}
        )
    assert error.value.message == services.COMMENT_THREAD_CLOSED
    assert error.value.parent == parent


def test_submitted_reply_to_another_articles_comment_is_refused():
    """A reply aimed at a comment on another article finds no thread here; nothing is saved."""
    elsewhere = make_comment()
    with pytest.raises(services.CommentError) as error:
        services.comment_submit(
            article=make_article(),
            author=make_user(),
            data={"body": "답글", "parent": elsewhere.pk},
        )
    assert (error.value.message, error.value.parent) == (services.COMMENT_PARENT_MISSING, None)
    assert Comment.objects.count() == 1


def test_submitted_form_with_the_honeypot_filled_is_refused():
    """A bot that fills the hidden website field is refused with the Korean message."""
    with pytest.raises(services.CommentError) as error:
        services.comment_submit(
            article=make_article(),
            author=make_user(),
            data={"body": "광고", "website": "http://spam.example"},
        )
    assert error.value.message == services.COMMENT_BOT
    assert not Comment.objects.exists()


def test_one_comment_per_15_seconds():
    """A second comment within 15 seconds is refused with a Korean message."""
    article, user = make_article(), make_user()
    services.comment_create(article=article, author=user, body="첫 번째")
    with pytest.raises(services.CommentError) as error:
        services.comment_create(article=article, author=user, body="두 번째")
    assert error.value.message == services.COMMENT_TOO_FAST.format(seconds=15)
    assert Comment.objects.count() == 1


def test_daily_limit(settings):
    """The 101st comment of the day is refused."""
    settings.COMMENT_RATE_SECONDS = 0
    settings.COMMENT_DAILY_LIMIT = 3
    article, user = make_article(), make_user()
    for n in range(3):
        services.comment_create(article=article, author=user, body=f"댓글 {n}")
    with pytest.raises(services.CommentError) as error:
        services.comment_create(article=article, author=user, body="하나 더")
    assert error.value.message == services.COMMENT_DAILY_LIMIT.format(limit=3)


def test_same_text_twice_within_a_minute(no_rate_limit):
    """Posting the same text twice in a minute is refused (a double click or a spammer)."""
    article, user = make_article(), make_user()
    services.comment_create(article=article, author=user, body="같은 말")
    with pytest.raises(services.CommentError) as error:
        services.comment_create(article=make_article(), author=user, body=" 같은 말 ")
    assert error.value.message == services.COMMENT_DUPLICATE
    assert Comment.objects.count() == 1
    # Another member may say the same thing.
    services.comment_create(article=article, author=make_user(), body="같은 말")


def test_same_text_allowed_again_after_a_minute(no_rate_limit):
    """After the minute has passed the same text may be posted again."""
    article, user = make_article(), make_user()
    services.comment_create(article=article, author=user, body="한 번 더")
    caches[ratelimit.CACHE_ALIAS].delete(
        services.same_text_key(user, "한 번 더")
    )  # the minute is over
    services.comment_create(article=article, author=user, body="한 번 더")
    assert Comment.objects.count() == 2


def test_repeat_is_refused_as_a_repeat_and_costs_no_allowance(settings):
    """A double click says "same text", not "too fast", and does not use up the day's comments."""
    settings.COMMENT_DAILY_LIMIT = 5
    article, user = make_article(), make_user()
    services.comment_create(article=article, author=user, body="두 번 눌렀어요")
    with pytest.raises(services.CommentError) as error:
        services.comment_create(article=article, author=user, body="두 번 눌렀어요")
    assert error.value.message == services.COMMENT_DUPLICATE
    assert ratelimit.count(f"comments:burst:{user.pk}") == 1
    today = timezone.localdate().isoformat()
    assert ratelimit.count(f"comments:day:{user.pk}:{today}") == 1


def test_comment_refused_by_a_limit_leaves_no_repeat_mark(settings):
    """A comment refused as too fast may be sent again, unchanged, once the wait is over."""
    article, user = make_article(), make_user()
    services.comment_create(article=article, author=user, body="첫 번째")
    with pytest.raises(services.CommentError) as error:
        services.comment_create(article=article, author=user, body="두 번째")
    assert error.value.message == services.COMMENT_TOO_FAST.format(seconds=15)
    caches[ratelimit.CACHE_ALIAS].delete(f"comments:burst:{user.pk}")  # 15 seconds later
    services.comment_create(article=article, author=user, body="두 번째")
    assert Comment.objects.count() == 2


def test_comment_not_saved_leaves_no_repeat_mark(no_rate_limit):
    """A comment the database refused (article taken down meanwhile) is no repeat later."""
    article, user = make_article(), make_user()
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
    with pytest.raises(services.CommentError):
        services.comment_create(article=article, author=user, body="다시 올릴 댓글")
    Article.objects.filter(pk=article.pk).update(status=Article.Status.PUBLISHED)
    services.comment_create(article=article, author=user, body="다시 올릴 댓글")
    assert count_of(article) == 1


def test_daily_limit_refusal_keeps_the_text_free(settings):
    """Over the day's limit nothing is saved, and the same text is no repeat tomorrow."""
    settings.COMMENT_RATE_SECONDS = 0
    settings.COMMENT_DAILY_LIMIT = 1
    article, user = make_article(), make_user()
    services.comment_create(article=article, author=user, body="오늘의 댓글")
    with pytest.raises(services.CommentError) as error:
        services.comment_create(article=article, author=user, body="내일 올릴 댓글")
    assert error.value.message == services.COMMENT_DAILY_LIMIT.format(limit=1)
    today = timezone.localdate().isoformat()
    caches[ratelimit.CACHE_ALIAS].delete(f"comments:day:{user.pk}:{today}")  # a new day
    services.comment_create(article=article, author=user, body="내일 올릴 댓글")
    assert Comment.objects.count() == 2


def test_rate_limit_store_down_refuses_the_comment(settings, no_rate_limit):
    """With Redis unreachable a comment is refused (the 503), even with the limits lifted."""
    settings.CACHES = {**settings.CACHES, "ratelimit": DEAD_RATELIMIT}
    article, user = make_article(), make_user()
    with pytest.raises(ratelimit.RateLimitUnavailable):
        services.comment_create(article=article, author=user, body="레디스가 멈춘 동안")
    assert not Comment.objects.exists()
    assert count_of(article) == 0


def test_edit_keeps_earlier_version():
    """Editing within 10 minutes changes the text, marks it edited and keeps the old text."""
    comment = make_comment(body="오타가 있는 댓긇")
    services.comment_edit(comment=comment, user=comment.author, body="오타를 고친 댓글")
    comment.refresh_from_db()
    assert comment.body == "오타를 고친 댓글" and comment.edited_at is not None
    assert CommentRevision.objects.get(comment=comment).body == "오타가 있는 댓긇"


def test_edit_after_ten_minutes_refused():
    """After 10 minutes the text is final."""
    comment = make_comment()
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(minutes=11))
    with pytest.raises(services.CommentError) as error:
        services.comment_edit(comment=comment, user=comment.author, body="늦은 수정")
    assert error.value.message == services.COMMENT_EDIT_EXPIRED


def test_edit_after_reply_refused():
    """Once someone replied, the comment cannot change under them."""
    comment = make_comment()
    make_comment(parent=comment)
    with pytest.raises(services.CommentError) as error:
        services.comment_edit(comment=comment, user=comment.author, body="말 바꾸기")
    assert error.value.message == services.COMMENT_EDIT_REPLIED


def test_other_members_cannot_edit_or_delete():
    """Another member's edit or delete is refused."""
    comment, stranger = make_comment(), make_user()
    with pytest.raises(PermissionDenied):
        services.comment_edit(comment=comment, user=stranger, body="남의 글 고치기")
    with pytest.raises(PermissionDenied):
        services.comment_delete(comment=comment, user=stranger)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.VISIBLE


def test_delete_with_replies_keeps_the_thread():
    """Deleting a comment with replies leaves the replies; `댓글 N` drops by one."""
    comment = make_comment()
    make_comment(parent=comment)
    article = comment.article
    assert count_of(article) == 2
    services.comment_delete(comment=comment, user=comment.author)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.DELETED
    assert Comment.objects.filter(parent=comment).count() == 1
    assert count_of(article) == 1
    services.comment_delete(comment=comment, user=comment.author)
    assert count_of(article) == 1


def test_react_like_switch_and_undo():
    """공감 then 비공감 moves the one reaction; pressing again takes it back."""
    comment, reader = make_comment(), make_user()
    services.comment_react(comment=comment, user=reader, kind="like")
    services.comment_react(comment=comment, user=reader, kind="like")
    comment.refresh_from_db()
    assert (comment.like_count, comment.dislike_count) == (1, 0)
    services.comment_react(comment=comment, user=reader, kind="dislike")
    comment.refresh_from_db()
    assert (comment.like_count, comment.dislike_count) == (0, 1)
    services.comment_react(comment=comment, user=reader, kind="dislike", on=False)
    comment.refresh_from_db()
    assert (comment.like_count, comment.dislike_count) == (0, 0)
    assert not CommentReaction.objects.exists()


def test_switching_a_reaction_moves_the_tokens_once(django_capture_on_commit_callbacks):
    """공감 → 비공감 is one change on the page: the article's tokens move once, not twice."""
    comment, reader = make_comment(), make_user()
    services.comment_react(comment=comment, user=reader, kind="like")
    with django_capture_on_commit_callbacks() as bumps:
        services.comment_react(comment=comment, user=reader, kind="dislike")
    assert len(bumps) == 1
    with django_capture_on_commit_callbacks() as bumps:
        services.comment_react(comment=comment, user=reader, kind="dislike")
    assert bumps == []  # nothing changed, nothing to re-render


@pytest.mark.parametrize("on", [True, False])
def test_unknown_reaction_is_refused(on):
    """A made-up reaction is refused, whether switched on or off, and counts nothing."""
    comment = make_comment()
    with pytest.raises(services.CommentError) as error:
        services.comment_react(comment=comment, user=make_user(), kind="love", on=on)
    assert error.value.message == services.COMMENT_UNKNOWN_REACTION
    assert not CommentReaction.objects.exists()


def test_cannot_like_own_comment():
    """A member cannot 공감 their own comment."""
    comment = make_comment()
    with pytest.raises(services.CommentError):
        services.comment_react(comment=comment, user=comment.author, kind="like")


def test_report_once_per_member():
    """A second report by the same member is refused with a message."""
    comment, reader = make_comment(), make_user()
    services.comment_report(comment=comment, user=reader, reason="spam")
    with pytest.raises(services.CommentError) as error:
        services.comment_report(comment=comment, user=reader, reason="abuse")
    assert error.value.message == services.COMMENT_ALREADY_REPORTED
    assert CommentReport.objects.count() == 1


def test_report_threshold_hides(settings):
    """Five distinct established members reporting hide the comment and `댓글 N` drops."""
    settings.COMMENT_REPORT_THRESHOLD = 5
    comment = make_comment()
    for n in range(5):
        services.comment_report(comment=comment, user=make_established_user(), reason="abuse")
        comment.refresh_from_db()
        assert comment.status == (Comment.Status.HIDDEN if n == 4 else Comment.Status.VISIBLE)
    assert count_of(comment.article) == 0


def test_moderate_hide_and_restore():
    """Staff hide then restore comments in bulk; the counter follows both ways."""
    first, second = make_comment(), make_comment()
    article = first.article
    Comment.objects.filter(pk=second.pk).update(article=article)
    Article.objects.filter(pk=second.article_id).update(comment_count=0)
    Article.objects.filter(pk=article.pk).update(comment_count=2)
    assert services.comment_moderate(comment_ids=[first.pk, second.pk], status="hidden") == 2
    assert count_of(article) == 0
    assert services.comment_moderate(comment_ids=[first.pk, second.pk], status="visible") == 2
    assert count_of(article) == 2


def test_recount_repairs_drift():
    """Counters that drifted are rebuilt from the rows, and a second pass finds nothing."""
    comment, reader = make_comment(), make_user()
    react(comment, reader, "like")
    make_comment(article=comment.article, status=Comment.Status.HIDDEN)
    Article.objects.filter(pk=comment.article_id).update(comment_count=9)
    Comment.objects.filter(pk=comment.pk).update(like_count=4, dislike_count=2)
    assert services.recount() == 3
    comment.refresh_from_db()
    assert count_of(comment.article) == 1
    assert (comment.like_count, comment.dislike_count) == (1, 0)
    assert services.recount() == 0


def test_reply_right_after_own_comment_passes():
    """A member who just commented can answer someone else at once: replies have their own burst limit."""
    article, user = make_article(), make_user()
    other = services.comment_create(article=article, author=make_user(), body="다른 분 의견")
    services.comment_create(article=article, author=user, body="제 의견입니다")
    reply = services.comment_create(article=article, author=user, body="동의합니다", parent=other)
    assert reply.parent_id == other.pk
    assert ratelimit.count(f"comments:burst:reply:{user.pk}") == 1


def test_two_replies_within_15_seconds_are_limited():
    """A second reply within 15 seconds is refused like a second comment."""
    article, user = make_article(), make_user()
    other = services.comment_create(article=article, author=make_user(), body="다른 분 의견")
    services.comment_create(article=article, author=user, body="첫 답글", parent=other)
    with pytest.raises(services.CommentError) as error:
        services.comment_create(article=article, author=user, body="둘째 답글", parent=other)
    assert error.value.message == services.COMMENT_TOO_FAST.format(seconds=15)
    assert Comment.objects.filter(author=user).count() == 1
