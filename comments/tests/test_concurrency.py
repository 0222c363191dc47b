import threading

import pytest

from aipick.testing import run_at_once
from articles.models import Save
from articles.services import article_save_toggle
from comments import services
from comments.models import Comment, CommentReaction

from .factories import make_article, make_user

RACE = "needs PostgreSQL: SQLite serialises writers, so it cannot show a race"
MEMBERS = 50
SUBMITS = 8


@pytest.mark.postgres(reason=RACE)
@pytest.mark.django_db(transaction=True)
def test_fifty_members_at_once_keep_every_counter_true():
    """50 members liking, saving and commenting at the same moment: every count equals its rows."""
    article = make_article()
    target = Comment.objects.create(article=article, author=make_user(), body="모두가 공감할 글")
    article.__class__.objects.filter(pk=article.pk).update(comment_count=1)
    members = [make_user() for _ in range(MEMBERS)]

    def act(user):
        services.comment_react(comment=target, user=user, kind="like")
        article_save_toggle(article=article, user=user, saved=True)
        services.comment_create(article=article, author=user, body=f"{user.pk}번 회원의 의견")
        # A double submit of the same like must not count twice.
        services.comment_react(comment=target, user=user, kind="like")

    errors = run_at_once(members, act)
    assert errors == []

    article.refresh_from_db()
    target.refresh_from_db()
    assert article.comment_count == Comment.objects.visible().filter(article=article).count()
    assert article.comment_count == MEMBERS + 1
    assert article.save_count == Save.objects.filter(article=article).count() == MEMBERS
    assert target.like_count == CommentReaction.objects.filter(comment=target).count() == MEMBERS
    assert services.recount() == 0


@pytest.mark.postgres(reason=RACE)
@pytest.mark.django_db(transaction=True)
def test_double_submit_at_once_saves_one_comment(settings):
    """The same text sent eight times at the same moment is saved once; the rest are repeats."""
    settings.COMMENT_RATE_SECONDS = 0
    settings.COMMENT_DAILY_LIMIT = 0
    article, member = make_article(), make_user()
    refusals = []
    connected = threading.Barrier(SUBMITS, timeout=120)

    def post(_):
        connected.wait()  # each thread has its connection: the posts really start together
        try:
            services.comment_create(article=article, author=member, body="한 번만 저장될 댓글")
        except services.CommentError as error:
            refusals.append(error.message)

    assert run_at_once(range(SUBMITS), post) == []
    assert Comment.objects.filter(author=member).count() == 1
    assert refusals == [services.COMMENT_DUPLICATE] * (SUBMITS - 1)
    article.refresh_from_db()
    assert article.comment_count == 1


@pytest.mark.postgres(reason=RACE)
@pytest.mark.django_db(transaction=True)
def test_different_texts_at_once_keep_the_burst_limit():
    """Different comments at the same moment: one is saved, the others are told to wait."""
    article, member = make_article(), make_user()
    refusals = []
    connected = threading.Barrier(SUBMITS, timeout=120)

    def post(n):
        connected.wait()
        try:
            services.comment_create(article=article, author=member, body=f"{n}번째 의견")
        except services.CommentError as error:
            refusals.append(error.message)

    assert run_at_once(range(SUBMITS), post) == []
    assert Comment.objects.filter(author=member).count() == 1
    assert refusals == [services.COMMENT_TOO_FAST.format(seconds=15)] * (SUBMITS - 1)
