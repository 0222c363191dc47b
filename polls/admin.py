import csv

from django.contrib import admin
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import format_html_join

import articles.admin  # noqa: F401  (registers ArticleAdmin, which PollInline joins below)
from aipick.admin import KoreanActionChoices
from aipick.ratelimit import RateLimitUnavailable
from articles.models import Article

from . import ratelimit
from .forms import PollInlineForm, PollInlineFormSet
from .models import Choice, Poll, PollSnapshot, Vote
from .results import format_tenths, shares_in_tenths


def results_line(poll: Poll) -> str:
    """`찬성 62.5% (5표) · 반대 37.5% (3표) · 합계 100.0% (8표)`, from the counters."""
    choices = list(poll.choices.all()) if poll.pk else []
    if not choices:
        return "-"
    tenths = shares_in_tenths([c.vote_count for c in choices])
    rows = [(c.label, format_tenths(t), c.vote_count) for c, t in zip(choices, tenths, strict=True)]
    total = sum(c.vote_count for c in choices)
    return format_html_join(
        " · ", "{} {}% ({}표)", [*rows, ("합계", "100.0" if total else "0.0", total)]
    )


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 2
    fields = ("label", "order", "vote_count", "share", "switched_away_count")
    # Counts come only from votes: shown, never editable.
    readonly_fields = ("vote_count", "share", "switched_away_count")
    verbose_name_plural = "선택지 (득표는 읽기 전용)"

    def has_delete_permission(self, request, obj=None):
        # A choice with votes must not disappear with them (the database refuses it, too);
        # choices are removed from the article page, which explains why when it cannot.
        return False

    @admin.display(description="비율")
    def share(self, choice):
        if not choice.pk:
            return "-"
        siblings = list(choice.poll.choices.all())
        tenths = shares_in_tenths([c.vote_count for c in siblings])
        by_pk = {c.pk: t for c, t in zip(siblings, tenths, strict=True)}
        return f"{format_tenths(by_pk[choice.pk])}%"


@admin.register(Poll)
class PollAdmin(KoreanActionChoices, admin.ModelAdmin):
    list_display = ("question", "article", "opens_at", "closes_at", "results_visibility", "total")
    list_filter = ("results_visibility", "allow_anonymous")
    search_fields = ("question", "article__title")
    autocomplete_fields = ("article",)
    list_select_related = ("article",)
    inlines = [ChoiceInline]
    actions = ["export_csv"]
    readonly_fields = ("results", "refused_voters", "final_result")
    fieldsets = (
        (None, {"fields": ("article", "question")}),
        (
            "일정과 공개",
            {"fields": ("opens_at", "closes_at", "allow_anonymous", "results_visibility")},
        ),
        ("결과 (읽기 전용)", {"fields": ("results", "refused_voters", "final_result")}),
    )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and PollSnapshot.objects.filter(poll=obj).exists():
            # The result is frozen: reopening or moving the dates would contradict it.
            fields += ["opens_at", "closes_at"]
        return fields

    @admin.display(description="총 투표수")
    def total(self, poll):
        return sum(c.vote_count for c in poll.choices.all())

    @admin.display(description="결과")
    def results(self, poll):
        return results_line(poll)

    @admin.display(description="투표 제한에 막힌 독자 (주소·회원마다 시간당 한 번)")
    def refused_voters(self, poll):
        # Kept in the rate-limit store only, never on the reader's page: see polls.ratelimit.
        if not poll.pk:
            return "-"
        try:
            this_hour, last_hour = ratelimit.refused_voters(poll.article_id)
        except RateLimitUnavailable:
            return "지금은 확인할 수 없습니다."
        return f"이번 시간 {this_hour}명 · 지난 시간 {last_hour}명"

    @admin.display(description="최종 결과")
    def final_result(self, poll):
        snapshot = PollSnapshot.objects.filter(poll=poll).first()
        if snapshot is None:
            return "마감 후 확정됩니다."
        return format_html_join(
            " · ",
            "{} {}% ({}표)",
            ((r["label"], r["percent"], r["count"]) for r in snapshot.results),
        )

    @admin.action(description="선택한 투표의 결과를 CSV로 내려받기", permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="poll-results-{stamp}.csv"'
        response.write("\ufeff")  # Excel opens UTF-8 Korean correctly only with a BOM.
        writer = csv.writer(response)
        writer.writerow(
            ["기사", "질문", "선택지", "득표", "비율(%)", "다른 선택으로 바꾼 수", "마감"]
        )
        for poll in queryset.select_related("article").prefetch_related("choices"):
            choices = list(poll.choices.all())
            tenths = shares_in_tenths([c.vote_count for c in choices])
            for choice, t in zip(choices, tenths, strict=True):
                writer.writerow(
                    [
                        _safe_cell(poll.article.title),
                        _safe_cell(poll.question),
                        _safe_cell(choice.label),
                        choice.vote_count,
                        format_tenths(t),
                        choice.switched_away_count,
                        "예" if poll.is_closed else "아니오",
                    ]
                )
        return response


def _safe_cell(value: str) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet (CSV injection).
    return f"'{value}" if value[:1] in ("=", "+", "-", "@") else value


@admin.register(PollSnapshot)
class PollSnapshotAdmin(KoreanActionChoices, admin.ModelAdmin):
    list_display = ("poll", "total", "frozen_at")
    readonly_fields = ("poll", "total", "results", "frozen_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PollInline(admin.StackedInline):
    """The article's poll on the article's own admin page: question, dates, choices, results.

    Choices are a textarea on the poll's form (Django has no nested inlines); the counts
    appear only in the read-only results line, so no form here can set one.
    """

    model = Poll
    form = PollInlineForm
    formset = PollInlineFormSet
    max_num = 1
    show_change_link = True  # the full poll page: per-choice table, CSV export
    verbose_name = "찬/반 투표"
    verbose_name_plural = "찬/반 투표 (득표는 읽기 전용)"
    fields = (
        "question",
        "choices",
        "results",
        "opens_at",
        "closes_at",
        "allow_anonymous",
        "results_visibility",
    )
    readonly_fields = ("results",)

    @admin.display(description="결과")
    def results(self, poll):
        return results_line(poll)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and PollSnapshot.objects.filter(poll__article=obj).exists():
            fields += ["opens_at", "closes_at"]  # as on the poll's own page: the result is final
        return fields

    def has_delete_permission(self, request, obj=None):
        # `obj` is the article. A poll that has votes is never deleted from here.
        if obj is not None and Vote.objects.filter(poll__article=obj).exists():
            return False
        return super().has_delete_permission(request, obj)


# `articles` must not import `polls`, so the poll joins the article page from this side:
# the ArticleAdmin that articles registered gains one inline. Extending the registered
# instance (not unregistering it for a subclass) lets another app add its section the
# same way without undoing ours; importing `articles.admin` above makes sure it is
# registered first, whatever the order of INSTALLED_APPS.
_article_admin = admin.site.get_model_admin(Article)
if PollInline not in _article_admin.inlines:
    _article_admin.inlines = [*_article_admin.inlines, PollInline]
