"""What a notification says and where it leads, worked out when it is shown.

The poll's line reads its frozen result, so it always shows the final numbers.
"""

from dataclasses import dataclass

from polls.results import shares_in_percent

from .models import Notification

REPLY_TEXT = "{name}님이 내 댓글에 답글을 남겼습니다."
FOLLOW_UP_TEXT = "후속 기사가 나왔습니다: {title}"
POLL_CLOSED_TEXT = "투표 마감 · {label} {percent}%"
POLL_CLOSED_NO_VOTES = "투표 마감 · 투표 없음"
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
    """`투표 마감 · 찬성 62%`: the leading choice of the frozen result, in whole percent."""
    poll = getattr(article, "poll", None)
    snapshot = getattr(poll, "snapshot", None) if poll is not None else None
    leader = snapshot.leader if snapshot is not None else None
    if leader is None:
        return POLL_CLOSED_NO_VOTES
    counts = [r["count"] for r in snapshot.results]
    percent = shares_in_percent(counts)[snapshot.results.index(leader)]
    return POLL_CLOSED_TEXT.format(label=leader["label"], percent=percent)


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
