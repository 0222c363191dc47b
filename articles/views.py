import functools

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string

from aipick.decorators import read_only

from .cache import serve_article_page
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
    def article():
        return get_object_or_404(
            Article.objects.visible_to(request.user).select_related("category", "reporter"), pk=pk
        )

    @functools.cache
    def related():
        return decorate_cards(Article.objects.related_to(article()))

    def render_page(extra_context):
        # Querysets and `related` stay lazy: a fragment served from the cache never runs them.
        return render(
            request,
            "articles/article_detail.html",
            {
                "article": article(),
                "summary_lines": article().summary_lines.all(),
                "debate_lines": article().debate_lines.all(),
                "related": related,
                "is_preview": not article().is_public,
                **extra_context,
            },
        )

    def render_poll(extra_context):
        return render_to_string(
            "articles/poll_slot.html", {"article": article(), **extra_context}, request=request
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
