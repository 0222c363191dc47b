import functools
import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import conditional_page

from aipick.decorators import read_only
from aipick.middleware import DATABASE_UNAVAILABLE, error_page, service_unavailable
from articles.cache import CARDS, SITE, cached_page
from articles.models import Article
from articles.rankings import category_blocks, lazy_rankings
from articles.views import paginate


@read_only
def home(request):
    def render_page(tokens):
        page = paginate(request, Article.objects.published().for_cards())
        # Lazy: page 2 shows no category blocks, and the rankings are kept a minute.
        return render(
            request,
            "home.html",
            {
                "page": page,
                "rankings": lazy_rankings(tokens),
                "category_blocks": functools.cache(category_blocks),
            },
        )

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
    # Only the admin is closed: sign-in, search and members' pages (which send a crawler to
    # sign in) stay readable, since a page robots.txt blocks fails Lighthouse's SEO check.
    body = f"User-agent: *\nDisallow: /admin/\n\nSitemap: {sitemap_url}\n"
    return HttpResponse(body, content_type="text/plain; charset=utf-8")


BAD_REQUEST = "요청을 읽을 수 없습니다. 페이지를 새로 고친 뒤 다시 시도해 주세요."
FORBIDDEN = "이 페이지를 볼 권한이 없습니다. 다른 계정으로 로그인해야 할 수도 있습니다."
CSRF_FAILED = (
    "보안 확인이 만료되었거나 맞지 않아 요청을 받지 않았습니다. "
    "페이지를 새로 고친 뒤 다시 시도해 주세요."
)


def bad_request(request, exception=None):
    # Also an unreadable request (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, a bad Host): the
    # page is rendered without it.
    return error_page("400.html", BAD_REQUEST, 400)


def permission_denied(request, exception=None):
    return error_page("403.html", FORBIDDEN, 403)


def csrf_failure(request, reason=""):
    """settings.CSRF_FAILURE_VIEW: a form sent with an expired or missing token."""
    return error_page("403_csrf.html", CSRF_FAILED, 403)


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
