"""`/search/?q=…`: the page is rendered per request (a query string is never kept whole,
docs/caching.md), but its results are kept rendered per (query, page) under the `site` and
`cards` tokens, so a repeated search runs no query until a write moves them."""

import functools

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render

from aipick.decorators import read_only

from .cache import CARDS, SITE, current_tokens, start_tokens
from .search import article_search

SEARCH_PAGE_SIZE = 20


@read_only
def search(request):
    results = article_search(request.GET.get("q", ""))
    number = request.GET.get("page") or "1"
    tokens = current_tokens(SITE, CARDS)
    response = render(
        request,
        "articles/search.html",
        {
            "results": results,
            # Lazy: results kept rendered ({% cache %} in the template) never search.
            "page": functools.cache(lambda: Paginator(results, SEARCH_PAGE_SIZE).get_page(number)),
            "page_number": number,
            "search_query": results.query,
            "versions": tokens if len(tokens) == 2 else None,
            "fragment_seconds": settings.PAGE_CACHE_SECONDS,
        },
    )
    if len(tokens) < 2:
        start_tokens(SITE, CARDS)
    return response
