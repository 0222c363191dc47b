"""찬/반 투표: one poll per article, its choices, one vote row per voter, and the frozen result.

Counters (`Choice.vote_count`, `Choice.switched_away_count`) are moved only by
`polls.services` with `F()` updates in the transaction that writes the rows;
`manage.py recount` rebuilds them from the Vote rows.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from aipick.counters import leave_counters_alone
from articles.models import Article

# A choice's `ref` is poll_id * CHOICE_SLOTS + slot. A vote points at the choice by
# `ref`, so a plain foreign key plus one single-row CHECK on each table makes the
# database itself refuse a vote whose choice belongs to another poll, on SQLite and
# PostgreSQL alike (neither needs a composite foreign key, which Django cannot declare).
CHOICE_SLOTS = 1000


def _ref_belongs_to_poll(ref_field: str) -> Q:
    return Q(**{f"{ref_field}__gte": F("poll") * CHOICE_SLOTS}) & Q(
        **{f"{ref_field}__lt": F("poll") * CHOICE_SLOTS + CHOICE_SLOTS}
    )


class PollQuerySet(models.QuerySet):
    def closed_now(self):
        return self.filter(closes_at__lte=timezone.now())


class Poll(models.Model):
    class ResultsVisibility(models.TextChoices):
        AFTER_VOTE = "after_vote", "투표한 독자에게 (기본)"
        ALWAYS = "always", "항상"
        AFTER_CLOSE = "after_close", "마감 후에만 (밴드왜건 방지)"

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, related_name="poll", verbose_name="기사"
    )
    question = models.CharField("질문", max_length=200)
    opens_at = models.DateTimeField("투표 시작", default=timezone.now)
    closes_at = models.DateTimeField(
        "투표 마감", null=True, blank=True, help_text="비워 두면 마감 없이 계속 받습니다."
    )
    allow_anonymous = models.BooleanField(
        "비회원 투표 허용", default=True, help_text="끄면 로그인한 회원만 투표할 수 있습니다."
    )
    results_visibility = models.CharField(
        "결과 공개",
        max_length=12,
        choices=ResultsVisibility.choices,
        default=ResultsVisibility.AFTER_VOTE,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PollQuerySet.as_manager()

    class Meta:
        verbose_name = "찬/반 투표"
        verbose_name_plural = "찬/반 투표"
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__isnull=True) | Q(closes_at__gt=F("opens_at")),
                name="poll_closes_after_opening",
                violation_error_message="마감 시각은 시작 시각보다 뒤여야 합니다.",
            ),
            models.CheckConstraint(
                condition=Q(results_visibility__in=["after_vote", "always", "after_close"]),
                name="poll_results_visibility_known",
            ),
        ]

    def __str__(self):
        return self.question

    @property
    def has_opened(self) -> bool:
        return self.opens_at <= timezone.now()

    @property
    def is_closed(self) -> bool:
        return self.closes_at is not None and self.closes_at <= timezone.now()


class Choice(models.Model):
    poll = models.ForeignKey(
        Poll, on_delete=models.CASCADE, related_name="choices", verbose_name="투표"
    )
    ref = models.BigIntegerField(unique=True, editable=False)
    label = models.CharField("선택지", max_length=40)
    order = models.PositiveSmallIntegerField("순서", default=0)
    vote_count = models.PositiveIntegerField("득표", default=0, editable=False)
    # `마음을 바꾼 독자`: voters whose first vote was this choice and whose vote is now
    # another (Vote.first_choice), so it counts readers, not clicks.
    switched_away_count = models.PositiveIntegerField(
        "다른 선택으로 바꾼 수", default=0, editable=False
    )

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "선택지"
        verbose_name_plural = "선택지"
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "label"],
                name="choice_label_unique_per_poll",
                violation_error_message="같은 이름의 선택지가 이미 있습니다.",
            ),
            models.CheckConstraint(
                condition=_ref_belongs_to_poll("ref"), name="choice_ref_in_poll_range"
            ),
        ]

    def __str__(self):
        return self.label

    def save(self, *args, **kwargs):
        if self.ref is None:
            # The slot is fixed at creation: votes point at `ref`, so it must never move.
            taken = Choice.objects.filter(poll_id=self.poll_id).aggregate(m=models.Max("ref"))["m"]
            base = self.poll_id * CHOICE_SLOTS
            self.ref = base if taken is None else taken + 1
            if self.ref >= base + CHOICE_SLOTS:
                raise ValidationError("한 투표의 선택지가 너무 많습니다.")
        leave_counters_alone(self, {"ref", "vote_count", "switched_away_count"}, kwargs)
        super().save(*args, **kwargs)


class Vote(models.Model):
    """One row per poll per voter: `u:<user id>` for a member, `a:<cookie token>` for a browser."""

    # No index of its own: `vote_once_per_voter` (poll, voter_key) starts with it. Every
    # index is one more write per vote.
    poll = models.ForeignKey(
        Poll, on_delete=models.CASCADE, related_name="votes", verbose_name="투표", db_index=False
    )
    choice = models.ForeignKey(
        Choice,
        to_field="ref",
        db_column="choice_ref",
        # RESTRICT: a choice with votes cannot be deleted on its own (its count would
        # vanish), but deleting the whole poll still takes its votes with it.
        on_delete=models.RESTRICT,
        related_name="votes",
        verbose_name="선택",
    )
    # The choice of the voter's first vote, never moved: a reader who changes sides and
    # changes back has not changed their mind, and one who changes back and forth is one
    # reader. No index of its own, like `poll`: only `recount` groups by it.
    first_choice = models.ForeignKey(
        Choice,
        to_field="ref",
        db_column="first_choice_ref",
        on_delete=models.RESTRICT,
        related_name="+",
        verbose_name="처음 선택",
        db_index=False,
        editable=False,
    )
    voter_key = models.CharField("투표자", max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="poll_votes",
        verbose_name="회원",
    )
    created_at = models.DateTimeField("투표 시각", default=timezone.now)
    changed_at = models.DateTimeField("변경 시각", null=True, blank=True)

    class Meta:
        verbose_name = "표"
        verbose_name_plural = "표"
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "voter_key"],
                name="vote_once_per_voter",
                violation_error_message="이미 투표했습니다.",
            ),
            models.CheckConstraint(
                condition=_ref_belongs_to_poll("choice"), name="vote_choice_in_same_poll"
            ),
            models.CheckConstraint(
                condition=_ref_belongs_to_poll("first_choice"),
                name="vote_first_choice_in_same_poll",
            ),
            models.CheckConstraint(
                condition=Q(voter_key__startswith="u:") | Q(voter_key__startswith="a:"),
                name="vote_voter_key_kind",
            ),
        ]
        indexes = [models.Index(fields=["voter_key"], name="vote_voter_key")]

    def __str__(self):
        return f"{self.poll} · {self.voter_key}"


class PollSnapshotQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("최종 결과는 고칠 수 없습니다.")


class PollSnapshot(models.Model):
    """The result frozen when the poll closed: written once by `poll_snapshot_freeze`, never changed."""

    poll = models.OneToOneField(
        Poll,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="snapshot",
        verbose_name="투표",
    )
    frozen_at = models.DateTimeField("확정 시각", default=timezone.now)
    total = models.PositiveIntegerField("총 투표수")
    # [{"label": "찬성", "count": 5, "percent": "62.5"}, ...] in choice order.
    results = models.JSONField("결과")

    objects = PollSnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = "최종 결과"
        verbose_name_plural = "최종 결과"

    def __str__(self):
        return f"{self.poll} · 최종 결과"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("최종 결과는 고칠 수 없습니다.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        # Deleting the poll (or its article) still removes it through the cascade.
        raise TypeError("최종 결과는 지울 수 없습니다.")

    @property
    def leader(self) -> dict | None:
        if not self.total:
            return None
        return max(self.results, key=lambda r: r["count"])
