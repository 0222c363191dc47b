"""`/search/?q=…`: never kept whole (a request with a query string never is, docs/caching.md)."""

from django.core.paginator import Paginator
from django.shortcuts import render

from aipick.decorators import read_only

from .search import article_search

SEARCH_PAGE_SIZE = 20


@read_only
def search(request):
    results = article_search(request.GET.get("q", ""))
    page = Paginator(results, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "articles/search.html",
        {"results": results, "page": page, "search_query": results.query},
    )
