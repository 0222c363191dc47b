"""Comments without going through the service (no rate limits), for arranging tests."""

__all__ = [
    "make_article",
    "make_comment",
    "make_established_user",
    "make_poll",
    "make_user",
    "react",
    "vote",
]

from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from accounts.tests.factories import make_article, make_user
from articles.models import Article
from comments.models import Comment, CommentReaction


def make_comment(*, article=None, author=None, body="좋은 기사네요.", parent=None, **extra):
    article = article or (parent.article if parent else make_article())
    comment = Comment.objects.create(
        article=article, author=author or make_user(), body=body, parent=parent, **extra
    )
    if comment.status == Comment.Status.VISIBLE:
        Article.objects.filter(pk=article.pk).update(comment_count=F("comment_count") + 1)
    return comment


def make_established_user(**extra):
    """A member whose reports count toward hiding: joined two days ago, with a comment."""
    user = make_user(date_joined=timezone.now() - timedelta(days=2), **extra)
    earlier = make_comment(author=user, body="지난주에 남긴 댓글입니다.")
    Comment.objects.filter(pk=earlier.pk).update(created_at=timezone.now() - timedelta(days=1))
    return user


def react(comment, user, kind="like"):
    CommentReaction.objects.create(comment=comment, user=user, kind=kind)
    field = "like_count" if kind == "like" else "dislike_count"
    Comment.objects.filter(pk=comment.pk).update(**{field: F(field) + 1})


def vote(poll, user, label):
    """The member's vote through the polls service, as the poll form would cast it."""
    from polls.services import Voter, poll_vote_cast

    choice = poll.choices.get(label=label)
    return poll_vote_cast(poll=poll, choice=choice, voter=Voter.member(user))


def make_poll(article):
    from polls.tests.factories import make_poll as polls_make_poll

    return polls_make_poll(article)
