from django.contrib import admin, messages
from django.utils import timezone

from . import hooks
from .models import Article, Category, DebateLine, Reporter, SummaryLine


class SummaryLineInline(admin.TabularInline):
    model = SummaryLine
    extra = 3
    max_num = 3
    min_num = 0
    validate_max = True
    verbose_name = "요약 줄"
    verbose_name_plural = "기사 3줄 요약 (최대 3줄)"


class DebateLineInline(admin.TabularInline):
    model = DebateLine
    extra = 2
    verbose_name = "대사"
    verbose_name_plural = "부키와 모키의 티격태격"


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "category",
        "status",
        "published_at",
        "comment_count",
        "save_count",
    )
    list_filter = ("status", "category", "reporter")
    search_fields = ("title", "body", "lead")
    date_hierarchy = "published_at"
    list_select_related = ("category",)
    autocomplete_fields = ("category", "reporter")
    readonly_fields = ("comment_count", "save_count", "revised_at", "updated_at")
    inlines = [SummaryLineInline, DebateLineInline]
    actions = ["publish", "unpublish"]
    fieldsets = (
        (None, {"fields": ("title", "category", "reporter", "status", "published_at")}),
        ("대표 이미지", {"fields": ("cover", "cover_caption", "cover_alt")}),
        ("본문", {"fields": ("body", "source_name")}),
        ("기록", {"fields": ("comment_count", "save_count", "revised_at", "updated_at")}),
    )

    def save_model(self, request, obj, form, change):
        content_fields = {"title", "body", "cover", "cover_caption"}
        if change and obj.is_public and content_fields & set(form.changed_data):
            obj.revised_at = timezone.now()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.refresh_lead()
        hooks.article_saved(form.instance, changed=set(form.changed_data))

    @admin.action(description="선택한 기사 발행 (발행 시각이 없으면 지금)", permissions=["change"])
    def publish(self, request, queryset):
        now = timezone.now()
        scheduled = queryset.filter(published_at__isnull=False).update(
            status=Article.Status.PUBLISHED
        )
        immediate = queryset.filter(published_at__isnull=True).update(
            status=Article.Status.PUBLISHED, published_at=now
        )
        self.message_user(
            request, f"기사 {scheduled + immediate}건을 발행했습니다.", messages.SUCCESS
        )

    @admin.action(description="선택한 기사 발행 취소 (초안으로)", permissions=["change"])
    def unpublish(self, request, queryset):
        count = queryset.update(status=Article.Status.DRAFT)
        self.message_user(request, f"기사 {count}건을 초안으로 돌렸습니다.", messages.SUCCESS)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "order")
    list_editable = ("order",)
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


@admin.register(Reporter)
class ReporterAdmin(admin.ModelAdmin):
    list_display = ("name", "email")
    search_fields = ("name", "email")


# --- 후속 기사 (follow-ups): kept as one block, apart from the rest of ArticleAdmin. ---
# The `후속 요청` column sorts by the public count; the `열린 후속 요청` filter ranks the
# articles readers asked a follow-up for that has not been published yet.


class OpenFollowUpRequestFilter(admin.SimpleListFilter):
    title = "후속 요청"
    parameter_name = "follow_up"

    def lookups(self, request, model_admin):
        return [("open", "열린 요청 순위 (후속 기사 미발행)")]

    def queryset(self, request, queryset):
        if self.value() != "open":
            return queryset
        return (
            queryset.filter(follow_up_request_count__gt=0)
            .exclude(follow_ups__in=Article.objects.published())
            .order_by("-follow_up_request_count", "-published_at")
        )


ArticleAdmin.list_display = (*ArticleAdmin.list_display, "follow_up_request_count")
ArticleAdmin.list_filter = (OpenFollowUpRequestFilter, *ArticleAdmin.list_filter)
ArticleAdmin.autocomplete_fields = (*ArticleAdmin.autocomplete_fields, "follow_up_of")
ArticleAdmin.readonly_fields = (*ArticleAdmin.readonly_fields, "follow_up_request_count")
ArticleAdmin.fieldsets = (
    *ArticleAdmin.fieldsets,
    ("후속 기사", {"fields": ("follow_up_of", "follow_up_request_count")}),
)
