from django.contrib import admin, messages
from django.template.defaultfilters import truncatechars
from django.utils import timezone

from aipick.admin import KoreanActionChoices

from . import services
from .models import Comment, CommentReport, CommentRevision


class ReportInline(admin.TabularInline):
    model = CommentReport
    extra = 0
    can_delete = False
    fields = ("user", "reason", "created_at", "counts_toward_hiding")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="자동 숨김에 반영", boolean=True)
    def counts_toward_hiding(self, obj):
        # False for a report from an account younger than a day or without activity of its own.
        return services.counted_reports(obj.comment_id).filter(pk=obj.pk).exists()


class RevisionInline(admin.TabularInline):
    model = CommentRevision
    extra = 0
    can_delete = False
    fields = ("body", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


def _moderate(status: str, label: str, done: str):
    # Through the service, so `댓글 N` follows every row that leaves or rejoins the page.
    def action(modeladmin, request, queryset):
        changed = services.comment_moderate(
            comment_ids=list(queryset.values_list("pk", flat=True)), status=status
        )
        modeladmin.message_user(request, f"댓글 {changed}개를 {done}.", messages.SUCCESS)

    action.__name__ = f"mark_{status}"
    return admin.action(description=f"선택한 댓글 {label}", permissions=["change"])(action)


@admin.register(Comment)
class CommentAdmin(KoreanActionChoices, admin.ModelAdmin):
    list_display = (
        "first_line",
        "article_title",
        "author",
        "report_count",
        "status",
        "created",
    )
    list_display_links = ("first_line",)
    list_filter = ("status", "created_at")
    search_fields = ("body", "author__username", "author__display_name", "article__title")
    list_select_related = ("author", "article")
    raw_id_fields = ("article", "author", "parent")
    readonly_fields = (
        "article",
        "author",
        "parent",
        "body",
        "status",
        "side_at_post",
        "like_count",
        "dislike_count",
        "report_count",
        "created_at",
        "edited_at",
    )
    fields = readonly_fields
    inlines = [ReportInline, RevisionInline]
    actions = [
        _moderate(Comment.Status.HIDDEN, "숨기기", "숨겼습니다"),
        _moderate(Comment.Status.VISIBLE, "다시 보이기", "다시 보이게 했습니다"),
        _moderate(Comment.Status.DELETED, "삭제 처리", "삭제 처리했습니다"),
    ]
    date_hierarchy = "created_at"

    @admin.display(description="내용")
    def first_line(self, obj):
        # The first line is what a moderator recognises; the rest is one click away.
        return truncatechars(obj.body.strip().splitlines()[0] if obj.body.strip() else "", 60)

    @admin.display(description="기사", ordering="article__title")
    def article_title(self, obj):
        return truncatechars(obj.article.title, 24)

    @admin.display(description="작성 시각", ordering="created_at")
    def created(self, obj):
        return f"{timezone.localtime(obj.created_at):%Y.%m.%d %H:%M}"

    def has_add_permission(self, request):
        return False

    def delete_model(self, request, obj):
        # Soft: the row stays so replies keep their thread and `댓글 N` moves with it.
        services.comment_moderate(comment_ids=[obj.pk], status=Comment.Status.DELETED)

    def get_actions(self, request, action_location=admin.ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        # A hard delete would skip the counters; the 삭제 처리 action is the way to remove.
        actions.pop("delete_selected", None)
        return actions


@admin.register(CommentReport)
class CommentReportAdmin(KoreanActionChoices, admin.ModelAdmin):
    list_display = ("comment", "reason", "user", "created_at")
    list_filter = ("reason", "created_at")
    list_select_related = ("comment", "user")
    raw_id_fields = ("comment", "user")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
