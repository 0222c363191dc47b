import functools

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from aipick.decorators import read_only

from .cache import CARDS, SITE, article_token, cached_page, fragment_versions
from .hooks import decorate_cards
from .models import Article, Category, Reporter
from .rankings import lazy_rankings
from .reads import note_read

PAGE_SIZE = 20


def paginate(request, queryset):
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = decorate_cards(page.object_list)
    return page


@read_only
def article_detail(request, pk):
    def render_page(tokens):
        article = get_object_or_404(
            Article.objects.visible_to(request.user).select_related("category", "reporter"),
            pk=pk,
        )
        # Lazy: a part kept rendered ({% cache %} in the template) never runs them.
        return render(
            request,
            "articles/article_detail.html",
            {
                "article": article,
                "summary_lines": article.summary_lines.all(),
                "debate_lines": article.debate_lines.all(),
                "related": functools.cache(
                    lambda: decorate_cards(Article.objects.related_to(article))
                ),
                "is_preview": not article.is_public,
                "versions": fragment_versions(pk, tokens),
                "fragment_seconds": settings.PAGE_CACHE_SECONDS,
                "rankings": lazy_rankings(tokens),
            },
        )

    response = cached_page(
        request, (article_token(pk), SITE, CARDS), render_page, shows_own_vote=True
    )
    if response.status_code == 200:  # a kept page too; an unknown or draft URL counts nothing
        note_read(request, pk)
    return response


@read_only
def category_detail(request, slug):
    def render_page(_tokens):
        category = get_object_or_404(Category, slug=slug)
        queryset = Article.objects.published().filter(category=category).for_cards()
        return render(
            request,
            "articles/category_detail.html",
            {
                "category": category,
                "page": paginate(request, queryset),
                "current_category_slug": category.slug,
            },
        )

    return cached_page(request, (SITE, CARDS), render_page)


@read_only
def reporter_detail(request, pk):
    def render_page(_tokens):
        reporter = get_object_or_404(Reporter, pk=pk)
        queryset = Article.objects.published().filter(reporter=reporter).for_cards()
        return render(
            request,
            "articles/reporter_detail.html",
            {"reporter": reporter, "page": paginate(request, queryset)},
        )

    return cached_page(request, (SITE, CARDS), render_page)
