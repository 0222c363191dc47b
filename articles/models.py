from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils import timezone

from aipick.counters import leave_counters_alone

from . import images
from .rendering import paragraph_texts, render_markdown

NAV_CACHE_KEY = "articles:nav-categories"
FOLLOW_UP_OF_ITSELF = "기사는 자기 자신의 후속 기사가 될 수 없습니다."

PARAGRAPHS_FORMAT = "근거 문단은 숫자와 쉼표로 적어 주세요 (예: 2 또는 2,3)."
PARAGRAPH_MISSING = "본문에 {numbers}번 문단이 없습니다 (본문은 {count}개 문단입니다)."


class Category(models.Model):
    name = models.CharField("이름", max_length=30, unique=True)
    slug = models.SlugField("주소 이름", max_length=40, unique=True, allow_unicode=False)
    order = models.PositiveSmallIntegerField("순서", default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "카테고리"
        verbose_name_plural = "카테고리"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:category", args=[self.slug])

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The header's category navigation is cached for every page; after the commit, so a
        # reader in between cannot put the old list back.
        transaction.on_commit(lambda: cache.delete(NAV_CACHE_KEY))

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        transaction.on_commit(lambda: cache.delete(NAV_CACHE_KEY))
        return result


class Reporter(models.Model):
    name = models.CharField("이름", max_length=30)
    email = models.EmailField("이메일")

    class Meta:
        ordering = ["name"]
        verbose_name = "기자"
        verbose_name_plural = "기자"

    def __str__(self):
        return f"{self.name} 기자"

    def get_absolute_url(self):
        return reverse("articles:reporter", args=[self.pk])


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def visible_to(self, user):
        """Readers see published articles; staff may also preview drafts and scheduled ones."""
        if user.is_authenticated and user.is_staff:
            return self.all()
        return self.published()

    def for_cards(self):
        return self.select_related("category").only(
            "id",
            "title",
            "category__name",
            "category__slug",
            "cover",
            "cover_caption",
            "cover_width",
            "cover_height",
            "cover_renditions",
            "lead",
            "published_at",
            "comment_count",
            "save_count",
        )

    def related_to(self, article, limit=4):
        """Same category first, then the newest; never the article itself."""
        return (
            self.published()
            .exclude(pk=article.pk)
            .annotate(
                same_category=Case(
                    When(category_id=article.category_id, then=Value(1)),
                    default=Value(0),
                    output_field=IntegerField(),
                )
            )
            .for_cards()
            .order_by("-same_category", "-published_at", "-id")[:limit]
        )


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "초안"
        PUBLISHED = "published", "발행"

    title = models.CharField("제목", max_length=200)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="articles", verbose_name="카테고리"
    )
    reporter = models.ForeignKey(
        Reporter, on_delete=models.PROTECT, related_name="articles", verbose_name="편집 기자"
    )
    cover = models.ImageField(
        "대표 이미지",
        upload_to="covers/%Y/%m/",
        blank=True,
        width_field="cover_width",
        height_field="cover_height",
        validators=[images.validate_cover],
        help_text="JPEG, PNG, WebP, GIF · 10MB 이하 · 4천만 화소 이하",
    )
    cover_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_renditions = models.JSONField(default=list, blank=True, editable=False)
    cover_caption = models.CharField("이미지 설명", max_length=200, blank=True)
    cover_alt = models.CharField(
        "대체 텍스트", max_length=200, blank=True, help_text="화면 낭독기를 위한 이미지 설명"
    )
    body = models.TextField("본문 (마크다운)", help_text="## 로 시작하는 줄은 소제목이 됩니다.")
    body_html = models.TextField(editable=False, blank=True)
    lead = models.CharField(
        "첫 요약",
        max_length=200,
        blank=True,
        editable=False,
        help_text="목록과 공유 설명에 씁니다.",
    )
    source_name = models.CharField(
        "저작권자", max_length=60, default="AI PICK", help_text="저작권 줄에 표시할 매체 이름"
    )
    status = models.CharField(
        "상태", max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField("발행 시각", null=True, blank=True, db_index=True)
    revised_at = models.DateTimeField("수정 시각", null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField("마지막 저장 시각", auto_now=True)
    # None: the body changed since an editor last confirmed the summary still fits it
    # (articles.services.article_publish_prepare keeps this, and asks before publishing).
    summary_reviewed_at = models.DateTimeField(
        "요약 확인 시각", null=True, blank=True, editable=False
    )
    # Denormalised for the meta line and cards; `manage.py recount` rebuilds them.
    comment_count = models.PositiveIntegerField("댓글 수", default=0, editable=False)
    save_count = models.PositiveIntegerField("저장 수", default=0, editable=False)
    follow_up_request_count = models.PositiveIntegerField("후속 요청", default=0, editable=False)
    # The follow-up points at the article it follows up; readers of the original are told.
    follow_up_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name="후속 기사로 잇는 원래 기사",
        help_text="이 기사가 후속 기사라면 원래 기사를 고르세요. 후속을 요청한 독자와 저장한 독자에게 알림이 갑니다.",
    )

    COUNTERS = frozenset({"comment_count", "save_count", "follow_up_request_count"})

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = "기사"
        verbose_name_plural = "기사"
        indexes = [models.Index(fields=["status", "-published_at"], name="article_listing")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="article_published_has_time",
                violation_error_message="발행하려면 발행 시각이 필요합니다.",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("articles:detail", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    def is_visible_to(self, user) -> bool:
        """`Article.objects.visible_to(user)`, for a row already in hand."""
        return self.is_public or (user.is_authenticated and user.is_staff)

    @property
    def copyright_line(self) -> str:
        return f"[저작권자ⓒ {self.source_name}. 무단전재-재배포 금지]"

    @property
    def contact_email(self) -> str:
        return settings.SITE_CONTACT_EMAIL

    def has_new_cover(self) -> bool:
        """A cover uploaded or assigned in code and not stored yet: its name is not the row's.

        A stored cover's name is the one storage gave it under `covers/<year>/<month>/`; a
        new file keeps the name it came with until `save()` stores it.
        """
        if not self.cover:
            return False
        stored = None
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values_list("cover", flat=True).first()
        return self.cover.name != stored

    def clean(self):
        super().clean()
        if self.follow_up_of_id is not None and self.follow_up_of_id == self.pk:
            raise ValidationError({"follow_up_of": FOLLOW_UP_OF_ITSELF})

    def clean_fields(self, exclude=None):
        # A cover already stored was checked when it came in; a re-save need not read it back.
        if self.cover and not self.has_new_cover():
            exclude = {*(exclude or ()), "cover"}
        super().clean_fields(exclude=exclude)

    def save(self, *args, **kwargs):
        # Rendered once on save, not per request (as djangoproject.com's blog does).
        self.body_html = render_markdown(self.body)
        new_cover = self.has_new_cover()
        if new_cover:
            images.strip_metadata(self.cover)
        leave_counters_alone(self, self.COUNTERS, kwargs)
        super().save(*args, **kwargs)
        if new_cover:
            self.cover_renditions = images.make_renditions(self.cover)
            type(self).objects.filter(pk=self.pk).update(cover_renditions=self.cover_renditions)
        elif not self.cover and self.cover_renditions:
            self.cover_renditions = []
            type(self).objects.filter(pk=self.pk).update(cover_renditions=[])

    def refresh_lead(self):
        """Keep the first summary line on the row, so lists need no extra query."""
        first = self.summary_lines.order_by("order").first()
        self.lead = first.text if first else ""
        type(self).objects.filter(pk=self.pk).update(lead=self.lead)

    @property
    def srcset(self) -> str:
        return ", ".join(f"{r['url']} {r['width']}w" for r in self.cover_renditions)

    @property
    def cover_src(self) -> str:
        if self.cover_renditions:
            return self.cover_renditions[-1]["url"]
        return self.cover.url if self.cover else ""

    @property
    def thumb_src(self) -> str:
        if self.cover_renditions:
            return self.cover_renditions[0]["url"]
        return self.cover.url if self.cover else ""

    @property
    def thumb_height(self) -> int | None:
        if self.cover_renditions:
            return self.cover_renditions[0]["height"]
        return self.cover_height

    @property
    def thumb_width(self) -> int | None:
        if self.cover_renditions:
            return self.cover_renditions[0]["width"]
        return self.cover_width


class SummaryLine(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="summary_lines", verbose_name="기사"
    )
    order = models.PositiveSmallIntegerField("순서", default=1)
    text = models.CharField("요약", max_length=120)
    paragraphs = models.CharField(
        "근거 문단",
        max_length=40,
        blank=True,
        validators=[
            RegexValidator(r"^\d{1,3}( *, *\d{1,3})*$", PARAGRAPHS_FORMAT, code="paragraphs_format")
        ],
        help_text="이 줄을 뒷받침하는 본문 문단 번호 (예: 2 또는 2,3)",
    )

    class Meta:
        ordering = ["order"]
        verbose_name = "3줄 요약"
        verbose_name_plural = "3줄 요약"
        constraints = [
            # Order is 1..3 and unique per article, so the database itself caps the box at three lines.
            models.UniqueConstraint(
                fields=["article", "order"],
                name="summary_line_unique_order",
                violation_error_message="같은 순서의 요약 줄이 이미 있습니다.",
            ),
            models.CheckConstraint(
                condition=Q(order__gte=1, order__lte=3),
                name="summary_line_order_1_to_3",
                violation_error_message="요약은 최대 3줄입니다 (순서 1~3).",
            ),
        ]

    def __str__(self):
        return self.text

    @property
    def paragraph_numbers(self) -> list[int]:
        return [int(n) for n in self.paragraphs.split(",") if n.strip().isdigit()]

    def paragraph_error(self, body_html: str) -> str | None:
        """A Korean message when a named paragraph is not in the body, else None."""
        count = len(paragraph_texts(body_html))
        missing = [n for n in self.paragraph_numbers if not 1 <= n <= count]
        if missing:
            return PARAGRAPH_MISSING.format(numbers=", ".join(map(str, missing)), count=count)
        return None


class DebateLine(models.Model):
    class Speaker(models.TextChoices):
        BUKI = "buki", "부키"
        MOKI = "moki", "모키"

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="debate_lines", verbose_name="기사"
    )
    order = models.PositiveSmallIntegerField("순서", default=0)
    speaker = models.CharField("화자", max_length=4, choices=Speaker.choices)
    text = models.CharField("대사", max_length=300)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "부키와 모키의 대화"
        verbose_name_plural = "부키와 모키의 대화"

    def __str__(self):
        return f"{self.get_speaker_display()}: {self.text}"


class SaveQuerySet(models.QuerySet):
    def for_list(self, user):
        """The member's saved list, newest first: lines whose article was deleted stay."""
        return (
            self.filter(user=user)
            .select_related("article", "article__category")
            .order_by("-created_at", "-id")
        )


class Save(models.Model):
    """One row per member per saved article; the unique constraint makes a double click harmless.

    The row outlives its article: a deleted article leaves `article` empty and the line in the
    saved list greyed under the title kept when it was saved. `seen_at` is when the member last
    had this line in front of them on the saved list; the list's cues (`기사 수정됨`,
    `투표 마감 · 찬성 62%`) are what happened after it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saves",
        verbose_name="회원",
    )
    article = models.ForeignKey(
        Article,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="saves",
        verbose_name="기사",
    )
    article_title = models.CharField("저장할 때 제목", max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField("저장 시각", auto_now_add=True, db_index=True)
    seen_at = models.DateTimeField("목록에서 본 시각", default=timezone.now, editable=False)

    objects = SaveQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "저장"
        verbose_name_plural = "저장"
        constraints = [
            # NULLs are distinct (SQLite and PostgreSQL alike), so one member may keep several
            # lines of deleted articles; a live article is still saved once.
            models.UniqueConstraint(fields=["user", "article"], name="save_once_per_member")
        ]

    def __str__(self):
        return f"{self.user} → {self.article or self.article_title}"

    @property
    def is_live(self) -> bool:
        """The article is still there for readers, so the line links to it."""
        return self.article is not None and self.article.is_public


class ArticleRead(models.Model):
    """One reader read one article in one hour: the front page's `많이 본 기사` counts these.

    Written in batches by `articles.reads.flush_reads`, never per page view. The unique
    constraint is what makes "once per reader per article per hour" exact, however many
    processes or servers buffered the same read.
    """

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="reads", verbose_name="기사"
    )
    hour = models.DateTimeField("시각 (정시)")
    # A keyed hash of the reader (articles.reads.reader_key), never an address.
    reader = models.CharField("독자", max_length=32)

    class Meta:
        verbose_name = "읽음"
        verbose_name_plural = "읽음"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "hour", "reader"], name="article_read_once_per_hour"
            )
        ]
        # The rankings group the last 24 hours by article; the flush prunes by hour.
        indexes = [models.Index(fields=["hour", "article"], name="article_read_recent")]

    def __str__(self):
        return f"{self.article_id} · {self.hour:%Y-%m-%d %H}시"


class FollowUpRequest(models.Model):
    """`후속기사 원해요`: one row per member per article, like a save."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="follow_up_requests",
        verbose_name="회원",
    )
    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="follow_up_requests",
        verbose_name="기사",
    )
    created_at = models.DateTimeField("요청 시각", auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "후속기사 요청"
        verbose_name_plural = "후속기사 요청"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "article"], name="follow_up_request_once_per_member"
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.article}"
