import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import conditional_page

from aipick.decorators import read_only
from aipick.middleware import DATABASE_UNAVAILABLE, service_unavailable
from articles.cache import CARDS, SITE, cached_page
from articles.models import Article
from articles.views import paginate


@read_only
def home(request):
    def render_page():
        page = paginate(request, Article.objects.published().for_cards())
        return render(request, "home.html", {"page": page})

    return cached_page(request, (SITE, CARDS), render_page)


@read_only
@never_cache  # a proxy's stored "ok" would hide an outage from the load balancer
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@read_only
@cache_control(max_age=86400, public=True)
@conditional_page
def robots_txt(request):
    sitemap_url = request.build_absolute_uri(reverse("sitemap"))
    body = f"User-agent: *\nDisallow: /admin/\nDisallow: /accounts/\nDisallow: /me/\n\nSitemap: {sitemap_url}\n"
    return HttpResponse(body, content_type="text/plain; charset=utf-8")


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # A database outage outside a view (e.g. saving the session) still deserves the 503 page.
    if isinstance(sys.exception(), OperationalError | InterfaceError):
        return service_unavailable(DATABASE_UNAVAILABLE)
    # No context processors: the database may be the thing that failed.
    return HttpResponse(render_to_string("500.html"), status=500)


def bench_bare(request):
    """The floor `make bench` compares against: the whole middleware stack and nothing else."""
    return HttpResponse("ok")


def bench_bytes(request):
    """A calibration point for `make bench`: the bare view answering as many bytes as a page."""
    try:
        size = min(int(request.GET.get("size", 0)), 1_000_000)
    except ValueError:
        size = 0
    return HttpResponse(
        BENCH_FILLER * (size // len(BENCH_FILLER) + 1), content_type="text/html; charset=utf-8"
    )


BENCH_FILLER = "<p>AI PICK 벤치 채움 문단입니다.</p>\n"


def bench_query(request):
    """A calibration point for `make bench`: the bare view plus one indexed query."""
    found = Article.objects.filter(pk=request.GET.get("id", 1)).values_list("pk", flat=True)
    return HttpResponse(f"ok {found.first()}")
