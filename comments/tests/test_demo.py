import pytest
from django.core.management import call_command
from django.db.models import F

from articles.models import Article
from comments.models import Comment, CommentReaction
from polls.models import Vote

pytestmark = pytest.mark.django_db


def load_twice():
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    return Article.objects.get(title__startswith="메타 AI 위기?")


def test_demo_article_has_a_lived_in_comment_section():
    """The demo's Meta article opens with comments, replies and reactions by the demo
    members; loading twice gives the same rows."""
    article = load_twice()
    comments = Comment.objects.filter(article=article)
    assert comments.filter(parent=None).count() == 4
    assert comments.exclude(parent=None).count() == 2
    assert article.comment_count == comments.count() == 6
    reactions = CommentReaction.objects.filter(comment__article=article)
    assert reactions.filter(kind="like").count() == 8
    assert reactions.filter(kind="dislike").count() == 2
    authors = {c.author for c in comments}
    assert len(authors) == 4
    assert not any(author.has_usable_password() for author in authors)
    assert not reactions.filter(user=F("comment__author")).exists()  # nobody likes their own
    for comment in comments.filter(parent=None):
        assert comment.like_count == comment.reactions.filter(kind="like").count()
        assert comment.dislike_count == comment.reactions.filter(kind="dislike").count()


def test_demo_members_vote_so_their_comments_carry_sides():
    """Every demo commenter (and one reader who only reacts) voted once in the demo poll
    (3 찬성, 2 반대), and the poll's counts say so: the comments show side badges."""
    article = load_twice()
    votes = Vote.objects.filter(poll__article=article)
    assert votes.count() == 5
    voters = {v.user.username for v in votes}
    assert voters >= {c.author.username for c in article.comments.all()}
    counts = dict(article.poll.choices.values_list("label", "vote_count"))
    assert counts == {"찬성": 3, "반대": 2}
    assert set(article.comments.values_list("side_at_post", flat=True)) == {"찬성", "반대"}


def test_demo_article_shows_a_best_comment_for_each_side(client):
    """The demo article opens with a real 베스트 찬성 and 베스트 반대, each a demo comment."""
    article = load_twice()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "베스트 찬성 vs 베스트 반대" in html and "아직 없음" not in html
    best = html.split('class="comment-best"', 1)[1].split("</section>", 1)[0]
    assert "공개 모델을 이만큼 꾸준히 내놓는 회사는 드뭅니다." in best
    assert "믿음은 숫자가 아니라 과정에서 생깁니다." in best
    assert 'comment-badge comment-badge--pro">찬성' in html
    assert 'comment-badge comment-badge--con">반대' in html
