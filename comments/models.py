from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from aipick.counters import leave_counters_alone
from articles.models import Article

from .rendering import render_comment


class CommentQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(status=Comment.Status.VISIBLE)


class Comment(models.Model):
    class Status(models.TextChoices):
        VISIBLE = "visible", "공개"
        HIDDEN = "hidden", "숨김"
        DELETED = "deleted", "삭제"

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="comments", verbose_name="기사"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name="작성자",
    )
    # Replies are one level deep: the service refuses a parent that is itself a reply.
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name="원댓글",
    )
    body = models.TextField("내용")
    body_html = models.TextField(editable=False)
    status = models.CharField("상태", max_length=10, choices=Status.choices, default=Status.VISIBLE)
    # The author's poll side when posting, so a later change of vote can say `입장 변경`.
    side_at_post = models.CharField("작성 당시 입장", max_length=20, blank=True, editable=False)
    like_count = models.PositiveIntegerField("공감", default=0, editable=False)
    dislike_count = models.PositiveIntegerField("비공감", default=0, editable=False)
    report_count = models.PositiveIntegerField("신고", default=0, editable=False)
    created_at = models.DateTimeField("작성 시각", auto_now_add=True)
    edited_at = models.DateTimeField("수정 시각", null=True, blank=True, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "댓글"
        verbose_name_plural = "댓글"
        indexes = [
            models.Index(fields=["article", "status", "-created_at"], name="comment_listing"),
            models.Index(fields=["author", "-created_at"], name="comment_by_author"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="comment_not_own_parent"
            )
        ]

    def __str__(self):
        return self.body[:40]

    def get_absolute_url(self):
        return f"{reverse('articles:detail', args=[self.article_id])}#comment-{self.pk}"

    def save(self, *args, **kwargs):
        # Rendered once on write, like Article.body_html: readers never run the renderer.
        self.body_html = render_comment(self.body)
        leave_counters_alone(self, {"like_count", "dislike_count", "report_count"}, kwargs)
        super().save(*args, **kwargs)


class CommentRevision(models.Model):
    """An earlier text of an edited comment; anyone may read the history."""

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="revisions", verbose_name="댓글"
    )
    body = models.TextField("이전 내용")
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField("원래 작성 시각")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "댓글 이전 버전"
        verbose_name_plural = "댓글 이전 버전"

    def __str__(self):
        return self.body[:40]


class CommentReaction(models.Model):
    class Kind(models.TextChoices):
        LIKE = "like", "공감"
        DISLIKE = "dislike", "비공감"

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="reactions", verbose_name="댓글"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="comment_reactions",
        verbose_name="회원",
    )
    kind = models.CharField("반응", max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "댓글 공감"
        verbose_name_plural = "댓글 공감"
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="reaction_once_per_member"),
            models.CheckConstraint(
                condition=Q(kind__in=["like", "dislike"]), name="reaction_kind_known"
            ),
        ]

    def __str__(self):
        return f"{self.user} {self.get_kind_display()}"


class CommentReport(models.Model):
    class Reason(models.TextChoices):
        ABUSE = "abuse", "욕설·비방"
        SPAM = "spam", "광고·도배"
        OBSCENE = "obscene", "음란·선정"
        PRIVACY = "privacy", "개인정보 노출"
        OTHER = "other", "기타"

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="reports", verbose_name="댓글"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="comment_reports",
        verbose_name="신고한 회원",
    )
    reason = models.CharField("사유", max_length=10, choices=Reason.choices)
    created_at = models.DateTimeField("신고 시각", auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "댓글 신고"
        verbose_name_plural = "댓글 신고"
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="report_once_per_member")
        ]

    def __str__(self):
        return f"{self.get_reason_display()} · {self.comment}"
