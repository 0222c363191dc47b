"""The repair path for comment counters, run by `manage.py recount`."""

from django.db import transaction
from django.db.models import Q

from aipick.counters import repair, rows_pointing_at
from articles.models import Article

from ..models import Comment, CommentReaction, CommentReport


@transaction.atomic
def recount() -> int:
    """Rebuild `댓글 N` and every comment's 공감/비공감/신고 from the rows; returns fixes made."""
    visible = Q(status=Comment.Status.VISIBLE)
    fixed = repair(
        Article.objects.all(),
        "comment_count",
        rows_pointing_at(Comment, field="article", where=visible),
    )
    for counter, kind in (("like_count", "like"), ("dislike_count", "dislike")):
        actual = rows_pointing_at(CommentReaction, field="comment", where=Q(kind=kind))
        fixed += repair(Comment.objects.all(), counter, actual)
    fixed += repair(
        Comment.objects.all(), "report_count", rows_pointing_at(CommentReport, field="comment")
    )
    return fixed
