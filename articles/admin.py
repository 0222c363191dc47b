from datetime import timedelta
from pathlib import PurePosixPath
from secrets import token_hex

from django import forms
from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponse, HttpResponseNotAllowed
from django.template.defaultfilters import truncatechars
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from aipick.admin import KoreanActionChoices

from . import hooks, images, services
from .models import Article, Category, DebateLine, Reporter, SummaryLine
from .rendering import paragraph_texts, render_markdown

# A chosen cover is kept here between a refused save and the next one (browsers never
# refill a file input). The signed name in a hidden field is the only way back to it.
PENDING_COVER_DIR = "covers/pending"
PENDING_COVER_SALT = "articles.admin.pending-cover"
PENDING_COVER_KEPT_FOR = timedelta(days=1)
PENDING_COVER_KEPT = "고른 이미지를 보관해 두었습니다. 다시 고르지 않아도 저장됩니다."

PARAGRAPHS_REQUIRED = "이 요약 줄을 뒷받침하는 본문 문단 번호를 적어 주세요 (예: 2 또는 2,3)."
DUPLICATE_ORDER = "순서 번호가 겹칩니다. 줄마다 다른 순서 번호를 적어 주세요."
PUBLISHED_AT_HELP = "서울 시각(KST)으로 입력합니다. 비워 두고 '발행'으로 저장하면 지금 발행됩니다."
PREVIEW_EMPTY = "미리 볼 본문이 없습니다."


def forget_old_pending_covers(*, older_than=PENDING_COVER_KEPT_FOR) -> None:
    """Drop covers kept for a save that never came (the editor left the page)."""
    try:
        _dirs, files = default_storage.listdir(PENDING_COVER_DIR)
    except FileNotFoundError:
        return
    cutoff = timezone.now() - older_than
    for filename in files:
        name = f"{PENDING_COVER_DIR}/{filename}"
        if default_storage.get_modified_time(name) < cutoff:
            default_storage.delete(name)


class CoverInput(forms.ClearableFileInput):
    """The file input, with a thumbnail of the current (or kept) cover beside it."""

    preview_url = ""
    kept = False

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        if not self.preview_url:
            return html
        note = format_html('<p class="help">{}</p>', PENDING_COVER_KEPT) if self.kept else ""
        return format_html(
            '{}<div class="cover-thumb"><img src="{}" alt="대표 이미지 미리보기" '
            'width="240">{}</div>',
            html,
            self.preview_url,
            note,
        )


class MarkdownBodyInput(forms.Textarea):
    """The body textarea and a `미리보기` button: with JavaScript the rendered body appears
    under the textarea (static/js/admin-article.js); without it, the button submits the
    form to the preview page in a new tab."""

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        url = reverse("admin:articles_article_preview")
        return format_html(
            '{}<div class="body-preview-tools"><button type="submit" class="button" '
            'formaction="{}" formtarget="_blank" data-body-preview-url="{}">미리보기</button> '
            '<span class="help">문단 앞의 번호가 요약 줄의 근거 번호입니다.</span></div>'
            '<div class="body-preview" data-body-preview hidden></div>',
            html,
            url,
            url,
        )


class ArticleAdminForm(forms.ModelForm):
    summary_confirm = forms.BooleanField(
        label="요약 확인",
        required=False,
        help_text="3줄 요약이 지금의 본문과 맞는지 읽어 보았습니다.",
    )
    cover_pending = forms.CharField(
        label="보관한 대표 이미지", required=False, widget=forms.HiddenInput
    )

    class Meta:
        model = Article
        fields = [
            "title",
            "category",
            "reporter",
            "status",
            "published_at",
            "cover",
            "cover_caption",
            "cover_alt",
            "body",
            "source_name",
        ]
        widgets = {
            "cover": CoverInput,
            "body": MarkdownBodyInput(attrs={"rows": 24}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.pending_cover = None
        self.pending_file = None
        if "published_at" in self.fields:
            self.fields["published_at"].help_text = PUBLISHED_AT_HELP
        if "cover" in self.fields and self.instance.cover:
            self.fields["cover"].widget.preview_url = self.instance.thumb_src

    def clean(self):
        cleaned = super().clean()
        self.keep_cover(cleaned)
        if "status" in cleaned and "published_at" not in self.errors:
            article = self.instance
            article.status = cleaned["status"]
            article.published_at = cleaned.get("published_at")
            try:
                services.article_publish_prepare(
                    article=article,
                    body_changed=self.body_changed(),
                    summary_confirmed=cleaned.get("summary_confirm", False),
                )
            except ValidationError as error:
                self.add_error("summary_confirm", error)
            else:
                cleaned["published_at"] = article.published_at
        return cleaned

    def body_changed(self) -> bool:
        """Changed in words, not only in whitespace: browsers send a textarea's lines as
        CRLF, so an untouched body would otherwise look edited and un-review the summary."""
        if "body" not in self.changed_data:
            return False
        before = self["body"].initial or ""
        after = self.cleaned_data.get("body") or ""
        return before.split() != after.split()

    def keep_cover(self, cleaned):
        """Keep a newly chosen cover server-side, or take back the one kept last time.

        Every good upload is copied to PENDING_COVER_DIR before the rest of the page is
        judged (the inlines are validated after this form), so whatever refuses the save,
        the page comes back with the cover and its thumbnail. A save discards the copy.
        """
        cover = cleaned.get("cover")
        widget = self.fields["cover"].widget
        if isinstance(cover, UploadedFile):
            if "cover" in self.errors:
                return
            try:
                images.validate_cover(cover)
            except ValidationError:
                return  # the model's own validation reports it
            name = default_storage.save(
                f"{PENDING_COVER_DIR}/{token_hex(8)}-{PurePosixPath(cover.name).name}", cover
            )
            cover.seek(0)
            forget_old_pending_covers()
            self.pending_cover = name
            self.data = self.data.copy()
            self.data[self.add_prefix("cover_pending")] = signing.dumps(
                name, salt=PENDING_COVER_SALT
            )
        elif cover is not False and cleaned.get("cover_pending"):
            name = self.pending_name(cleaned["cover_pending"])
            if name is None:
                return
            self.pending_cover = name
            self.pending_file = File(default_storage.open(name), name=PurePosixPath(name).name)
            cleaned["cover"] = self.pending_file
        else:
            return
        widget.preview_url = default_storage.url(self.pending_cover)
        widget.kept = True

    @staticmethod
    def pending_name(signed: str) -> str | None:
        try:
            name = signing.loads(signed, salt=PENDING_COVER_SALT)
        except signing.BadSignature:
            return None
        if not name.startswith(PENDING_COVER_DIR + "/") or not default_storage.exists(name):
            return None
        return name

    def discard_pending_cover(self):
        """After the article is saved, its cover is stored under its own name: drop the copy."""
        if self.pending_file is not None:
            self.pending_file.close()
        if self.pending_cover:
            default_storage.delete(self.pending_cover)


class OrderedRowsFormSet(BaseInlineFormSet):
    """Rows that come numbered: a new row takes the next free order (1, 2, 3…), so an editor
    only writes the content; the numbers may still be edited, or moved with ↑/↓."""

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if index is not None and index >= self.initial_form_count():
            kwargs["initial"] = self.new_row_initial(index - self.initial_form_count())
        return kwargs

    def new_row_initial(self, position: int) -> dict:
        taken = {row.order for row in self.get_queryset()}
        free = [n for n in range(1, len(taken) + position + 2) if n not in taken]
        return {"order": free[position]}

    def get_unique_error_message(self, unique_check):
        return DUPLICATE_ORDER


class SummaryLineFormSet(OrderedRowsFormSet):
    def clean(self):
        super().clean()
        body_html = render_markdown(self.instance.body)
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            if form.cleaned_data.get("DELETE"):
                continue
            line = SummaryLine(paragraphs=form.cleaned_data.get("paragraphs", ""))
            if not line.paragraphs:
                if "paragraphs" in form.changed_data or not form.instance.pk:
                    form.add_error("paragraphs", PARAGRAPHS_REQUIRED)
                continue
            error = line.paragraph_error(body_html)
            if error:
                form.add_error("paragraphs", error)


class DebateLineFormSet(OrderedRowsFormSet):
    def new_row_initial(self, position: int) -> dict:
        initial = super().new_row_initial(position)
        # 부키 and 모키 take turns, so a new dialogue needs only its lines typed.
        speakers = [DebateLine.Speaker.BUKI, DebateLine.Speaker.MOKI]
        initial["speaker"] = speakers[(initial["order"] - 1) % 2]
        return initial


class SummaryLineInline(admin.TabularInline):
    model = SummaryLine
    formset = SummaryLineFormSet
    fields = ("order", "text", "paragraphs")
    extra = 3
    max_num = 3
    min_num = 0
    validate_max = True
    verbose_name = "요약 줄"
    verbose_name_plural = "기사 3줄 요약 (최대 3줄, 줄마다 근거 문단 번호)"
    classes = ["ordered-rows"]


class DebateLineInline(admin.TabularInline):
    model = DebateLine
    formset = DebateLineFormSet
    fields = ("order", "speaker", "text")
    verbose_name = "대사"
    verbose_name_plural = "부키와 모키의 티격태격"
    classes = ["ordered-rows"]

    def get_extra(self, request, obj=None, **kwargs):
        if obj is None:
            return 6
        return max(6 - obj.debate_lines.count(), 1)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "speaker":
            kwargs["choices"] = [("", "화자 선택"), *DebateLine.Speaker.choices]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


@admin.register(Article)
class ArticleAdmin(KoreanActionChoices, admin.ModelAdmin):
    form = ArticleAdminForm
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
    readonly_fields = (
        "comment_count",
        "save_count",
        "revised_at",
        "updated_at",
        "paragraph_list",
        "summary_state",
    )
    inlines = [SummaryLineInline, DebateLineInline]
    actions = ["publish", "unpublish"]
    fieldsets = (
        (None, {"fields": ("title", "category", "reporter", "status", "published_at")}),
        ("대표 이미지", {"fields": ("cover", "cover_pending", "cover_caption", "cover_alt")}),
        ("본문", {"fields": ("body", "paragraph_list", "source_name")}),
        ("3줄 요약 확인", {"fields": ("summary_state", "summary_confirm")}),
        ("기록", {"fields": ("comment_count", "save_count", "revised_at", "updated_at")}),
    )

    class Media:
        js = ["js/admin-article.js"]

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        return [
            path("preview/", preview, name="articles_article_preview"),
            *super().get_urls(),
        ]

    def preview_view(self, request):
        """The body as readers will get it: the page's own sanitising renderer, numbered."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            return HttpResponse(status=403)
        body_html = render_markdown(request.POST.get("body", ""))
        if request.GET.get("fragment"):
            return HttpResponse(body_html or format_html("<p>{}</p>", PREVIEW_EMPTY))
        context = {
            **self.admin_site.each_context(request),
            "title": "본문 미리보기",
            "body_html": body_html,
            "empty_message": PREVIEW_EMPTY,
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/articles/article/preview.html", context)

    @admin.display(description="본문 문단 (요약 줄의 근거 번호)")
    def paragraph_list(self, obj):
        texts = paragraph_texts(obj.body_html) if obj.pk else []
        if not texts:
            return "저장하거나 본문 아래 '미리보기'를 누르면 문단 번호가 보입니다."
        rows = format_html_join("", "<li>{}</li>", ((truncatechars(t, 80),) for t in texts))
        return format_html('<ol class="paragraph-list">{}</ol>', rows)

    @admin.display(description="요약 상태")
    def summary_state(self, obj):
        if obj.pk is None:
            return "새 기사: 본문과 함께 쓴 요약은 확인된 것으로 봅니다."
        if obj.summary_reviewed_at is None:
            return "본문이 바뀐 뒤 아직 확인하지 않았습니다."
        return f"확인됨 ({timezone.localtime(obj.summary_reviewed_at):%Y.%m.%d %H:%M})"

    def save_model(self, request, obj, form, change):
        content_fields = {"title", "body", "cover", "cover_caption"}
        content_changed = content_fields & set(form.changed_data) or form.pending_file
        if change and obj.is_public and content_changed:
            obj.revised_at = timezone.now()
        super().save_model(request, obj, form, change)
        form.discard_pending_cover()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.refresh_lead()
        hooks.article_saved(form.instance, changed=set(form.changed_data))

    @admin.action(description="선택한 기사 발행 (발행 시각이 없으면 지금)", permissions=["change"])
    def publish(self, request, queryset):
        published, waiting = 0, []
        now = timezone.now()
        with transaction.atomic():
            for article in queryset:
                article.status = Article.Status.PUBLISHED
                try:
                    services.article_publish_prepare(article=article, now=now)
                except ValidationError:
                    waiting.append(article.title)
                    continue
                Article.objects.filter(pk=article.pk).update(
                    status=article.status, published_at=article.published_at
                )
                # As the change form does: a follow-up published from the list tells its readers.
                hooks.article_saved(article, changed={"status", "published_at"})
                published += 1
        if published:
            self.message_user(request, f"기사 {published}건을 발행했습니다.", messages.SUCCESS)
        if waiting:
            self.message_user(
                request,
                "요약 확인이 필요해 발행하지 않은 기사: "
                + ", ".join(waiting)
                + ". 기사를 열어 '요약 확인'에 체크하고 저장하세요.",
                messages.WARNING,
            )

    @admin.action(description="선택한 기사 발행 취소 (초안으로)", permissions=["change"])
    def unpublish(self, request, queryset):
        with transaction.atomic():
            articles = list(queryset)
            count = queryset.update(status=Article.Status.DRAFT)
            for article in articles:
                article.status = Article.Status.DRAFT
                hooks.article_saved(article, changed={"status"})
        self.message_user(request, f"기사 {count}건을 초안으로 돌렸습니다.", messages.SUCCESS)


@admin.register(Category)
class CategoryAdmin(KoreanActionChoices, admin.ModelAdmin):
    list_display = ("name", "slug", "order")
    list_editable = ("order",)
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


@admin.register(Reporter)
class ReporterAdmin(KoreanActionChoices, admin.ModelAdmin):
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
