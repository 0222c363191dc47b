"""Reports: every one reaches the moderation queue, only established accounts hide a comment."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from comments import services
from comments.models import Comment, CommentReport

from .factories import make_comment, make_established_user, make_poll, make_user, vote

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _threshold(settings):
    settings.COMMENT_REPORT_THRESHOLD = 5
    settings.COMMENT_REPORT_MIN_ACCOUNT_AGE = 24 * 60 * 60


def report_all(comment, users):
    for user in users:
        services.comment_report(comment=comment, user=user, reason="abuse")
    comment.refresh_from_db()
    return comment


def test_young_accounts_reports_do_not_hide():
    """Five accounts made today report a comment: it stays up, and all five wait for an editor."""
    young = []
    for _ in range(5):
        user = make_user()
        make_comment(author=user)  # active, but not a day old
        young.append(user)
    comment = report_all(make_comment(), young)
    assert comment.status == Comment.Status.VISIBLE
    assert comment.report_count == 5
    assert CommentReport.objects.filter(comment=comment).count() == 5
    assert services.counted_reports(comment.pk).count() == 0


def test_old_accounts_without_activity_do_not_hide():
    """Old accounts that never commented or voted do not hide a comment by reporting it."""
    idle = [make_user(date_joined=timezone.now() - timedelta(days=30)) for _ in range(5)]
    comment = report_all(make_comment(), idle)
    assert comment.status == Comment.Status.VISIBLE
    assert comment.report_count == 5


def test_five_established_accounts_hide():
    """Five established members' reports hide the comment and `댓글 N` drops."""
    comment = make_comment()
    comment = report_all(comment, [make_established_user() for _ in range(5)])
    assert comment.status == Comment.Status.HIDDEN
    assert Article.objects.get(pk=comment.article_id).comment_count == 0


def test_young_reports_fill_the_count_but_not_the_threshold():
    """Four established reports and many young ones: still shown; the fifth established hides."""
    comment = make_comment()
    report_all(comment, [make_established_user() for _ in range(4)])
    comment = report_all(comment, [make_user() for _ in range(3)])
    assert (comment.status, comment.report_count) == (Comment.Status.VISIBLE, 7)
    comment = report_all(comment, [make_established_user()])
    assert (comment.status, comment.report_count) == (Comment.Status.HIDDEN, 8)


def test_a_poll_vote_is_activity():
    """An old account whose only activity is a poll vote counts as established."""
    comment = make_comment()
    poll = make_poll(comment.article)
    voters = [make_user(date_joined=timezone.now() - timedelta(days=3)) for _ in range(5)]
    for user in voters:
        vote(poll, user, "찬성")
    comment = report_all(comment, voters)
    assert comment.status == Comment.Status.HIDDEN


def test_a_hidden_own_comment_is_no_activity():
    """A member whose only comment was hidden by moderation is not established."""
    user = make_user(date_joined=timezone.now() - timedelta(days=3))
    make_comment(author=user, status=Comment.Status.HIDDEN)
    comment = make_comment()
    services.comment_report(comment=comment, user=user, reason="spam")
    assert services.counted_reports(comment.pk).count() == 0


def test_a_report_made_while_young_never_counts_later():
    """A report counts by the account's age when it was made, not by its age today."""
    user = make_user()
    make_comment(author=user)
    comment = make_comment()
    services.comment_report(comment=comment, user=user, reason="spam")
    assert services.counted_reports(comment.pk).count() == 0
    # A week on, the account is old; the report it made on its first day still is not counted.
    CommentReport.objects.filter(user=user).update(
        created_at=timezone.now() - timedelta(days=7, hours=-1)
    )
    type(user).objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=7))
    assert services.counted_reports(comment.pk).count() == 0


def test_recount_keeps_every_report():
    """`report_count` counts every report, young or established; recount agrees with the service."""
    comment = make_comment()
    report_all(comment, [make_user(), make_established_user()])
    assert services.recount() == 0
    assert Comment.objects.get(pk=comment.pk).report_count == 2
