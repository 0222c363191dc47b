import pytest
from django.core.management import call_command

from articles.models import Article
from comments.models import Comment, CommentReaction

pytestmark = pytest.mark.django_db


def test_demo_article_has_a_lived_in_comment_section():
    """The demo's Meta article opens with comments, replies and likes by two demo members."""
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    article = Article.objects.get(title__startswith="메타 AI 위기?")
    comments = Comment.objects.filter(article=article)
    assert comments.filter(parent=None).count() == 4
    assert comments.exclude(parent=None).count() == 2
    assert article.comment_count == comments.count() == 6
    assert CommentReaction.objects.filter(comment__article=article, kind="like").count() == 4
    authors = {c.author for c in comments}
    assert len(authors) == 2
    assert not any(author.has_usable_password() for author in authors)
    for comment in comments.filter(parent=None):
        assert comment.like_count == comment.reactions.filter(kind="like").count()
