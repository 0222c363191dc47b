"""알림: one row per member per event, so retries, two servers and re-publishing never repeat one.

A row may be written before its moment (a scheduled follow-up, a poll's closing time):
`visible_from` says when it starts to show, and it shows only while its article is public,
so nothing needs a clock job to appear on time.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from articles.models import Article
from comments.models import Comment


class NotificationQuerySet(models.QuerySet):
    def shown_to(self, user):
        """What the member sees now: due, about an article readers can open, and (for a
        reply) about a comment still shown: a reply moderation hid or its author deleted is
        no longer news, and its link would lead nowhere."""
        now = timezone.now()
        return self.filter(
            Q(comment__isnull=True) | Q(comment__status=Comment.Status.VISIBLE),
            user=user,
            visible_from__lte=now,
            article__status=Article.Status.PUBLISHED,
            article__published_at__lte=now,
        )

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    class Kind(models.TextChoices):
        REPLY = "reply", "내 댓글에 답글"
        FOLLOW_UP = "follow_up", "후속 기사 발행"
        POLL_CLOSED = "poll_closed", "투표 마감"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name="회원",
    )
    kind = models.CharField("종류", max_length=12, choices=Kind.choices)
    # The place the notification links to: the replied-to article, the follow-up, the poll's article.
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="+", verbose_name="기사"
    )
    comment = models.ForeignKey(
        "comments.Comment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="답글",
    )
    # `reply:<comment id>`, `follow-up:<article id>`, `poll-closed:<poll id>`.
    event_key = models.CharField("사건", max_length=60)
    created_at = models.DateTimeField("만든 시각", default=timezone.now)
    visible_from = models.DateTimeField("보이는 시각", default=timezone.now)
    read_at = models.DateTimeField("읽은 시각", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-visible_from", "-id"]
        verbose_name = "알림"
        verbose_name_plural = "알림"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "event_key"], name="notification_once_per_member_event"
            )
        ]
        indexes = [
            models.Index(fields=["user", "-visible_from"], name="notification_listing"),
            models.Index(fields=["read_at"], name="notification_read_at"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_kind_display()}"
