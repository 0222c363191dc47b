"""What a notification says and where it leads, worked out when it is shown.

The poll's line reads its frozen result, so it always shows the final numbers.
"""

from dataclasses import dataclass

from polls.results import closed_result_line

from .models import Notification

REPLY_TEXT = "{name}님이 내 댓글에 답글을 남겼습니다."
FOLLOW_UP_TEXT = "후속 기사가 나왔습니다: {title}"
ORIGINAL_TEXT = "원래 기사: {title}"


@dataclass(frozen=True)
class Line:
    notification: Notification
    text: str
    context: str
    url: str

    @property
    def is_unread(self) -> bool:
        return self.notification.read_at is None


def poll_result_text(article) -> str:
    """`투표 마감 · 찬성 62%` from the frozen result, worded as the saved list words it."""
    poll = getattr(article, "poll", None)
    snapshot = getattr(poll, "snapshot", None) if poll is not None else None
    results = snapshot.results if snapshot is not None else []
    return closed_result_line([(result["label"], result["count"]) for result in results])


def describe(notification: Notification) -> Line:
    article = notification.article
    kind = notification.kind
    if kind == Notification.Kind.REPLY:
        comment = notification.comment
        name = comment.author.public_name if comment and comment.author else "누군가"
        anchor = f"#comment-{notification.comment_id}" if notification.comment_id else ""
        return Line(
            notification,
            REPLY_TEXT.format(name=name),
            article.title,
            article.get_absolute_url() + anchor,
        )
    if kind == Notification.Kind.FOLLOW_UP:
        original = article.follow_up_of
        return Line(
            notification,
            FOLLOW_UP_TEXT.format(title=article.title),
            ORIGINAL_TEXT.format(title=original.title) if original else "",
            article.get_absolute_url(),
        )
    return Line(
        notification,
        poll_result_text(article),
        article.title,
        article.get_absolute_url() + "#poll",
    )
