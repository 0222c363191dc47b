import functools

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string

from aipick.decorators import read_only

from .cache import kept, serve_article_page
from .hooks import decorate_cards
from .models import Article, Category

PAGE_SIZE = 20


def paginate(request, queryset):
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = decorate_cards(page.object_list)
    return page


@read_only
def article_detail(request, pk):
    @functools.cache
    def article(version):
        # The row with its counts is the same for every reader until a write moves `version`.
        found = kept(
            f"article:{pk}",
            version,
            lambda: Article.objects.select_related("category", "reporter").filter(pk=pk).first(),
        )
        if found is None or not found.is_visible_to(request.user):
            raise Http404
        return found

    def render_page(extra_context):
        shown = article(extra_context.get("fragment_version"))
        # Querysets and the related cards stay lazy: a fragment kept rendered never runs them.
        return render(
            request,
            "articles/article_detail.html",
            {
                "article": shown,
                "summary_lines": shown.summary_lines.all(),
                "debate_lines": shown.debate_lines.all(),
                "related": functools.cache(
                    lambda: decorate_cards(Article.objects.related_to(shown))
                ),
                "is_preview": not shown.is_public,
                **extra_context,
            },
        )

    def render_poll(extra_context):
        shown = article(extra_context.get("fragment_version"))
        return render_to_string(
            "articles/poll_slot.html", {"article": shown, **extra_context}, request=request
        )

    # Anonymous readers with nothing personal share one rendering per version of the page.
    return serve_article_page(request, pk, render_page, render_poll)


@read_only
def category_detail(request, slug):
    category = get_object_or_404(Category, slug=slug)
    page = paginate(request, Article.objects.published().filter(category=category).for_cards())
    return render(
        request,
        "articles/category_detail.html",
        {"category": category, "page": page, "current_category_slug": category.slug},
    )
