import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)

from articles.cache import is_personal

from .ratelimit import RATE_LIMIT_UNAVAILABLE, RateLimitUnavailable

logger = logging.getLogger("aipick")


class KoreanErrorPagesMiddleware:
    """Give bare 405 responses (from require_GET & co.) a Korean page in the site's style."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.content:
            response.content = render_to_string("405.html", request=request)
            response["Content-Type"] = "text/html; charset=utf-8"
        return response


REQUEST_TOO_LARGE = "보내신 내용이 너무 큽니다. 내용을 줄여서 다시 보내 주세요."
FORM_NOT_UTF8 = "요청의 문자 인코딩을 읽을 수 없습니다. 페이지를 새로 고친 뒤 다시 시도해 주세요."

# A sign-in or sign-up form is a few short fields.
ACCOUNT_FORM_MAX_BODY_BYTES = 8 * 1024


def body_limits() -> dict[str, int]:
    """The largest body each small form endpoint takes, by URL name (read per request so that
    tests may change the settings). A comment may be COMMENT_MAX_LENGTH characters of up to
    12 bytes each once percent-encoded (4 UTF-8 bytes, "%XX" each), plus the other fields."""
    comment = 12 * settings.COMMENT_MAX_LENGTH + 4096
    return {
        "polls:vote": settings.POLL_MAX_BODY_BYTES,
        "comments:create": comment,
        "comments:edit": comment,
        "comments:delete": comment,
        "comments:react": comment,
        "comments:report": comment,
        "login": ACCOUNT_FORM_MAX_BODY_BYTES,
        "signup": ACCOUNT_FORM_MAX_BODY_BYTES,
        "admin:login": ACCOUNT_FORM_MAX_BODY_BYTES,
    }


def error_page(template: str, message: str, status: int) -> HttpResponse:
    """A Korean error page rendered without the request: it may be unreadable, and neither
    the database nor the cache is needed."""
    return HttpResponse(render_to_string(template, {"message": message}), status=status)


class RequestBodyMiddleware:
    """Refuse a POST body before anything reads it; it must sit above CsrfViewMiddleware,
    the first reader of request.POST.

    - A vote, comment or sign-in body over its limit (body_limits()) gets the Korean 413.
    - A form body declared in another charset than UTF-8 gets the Korean 400, where Django
      would raise BadRequest from request.POST and log a traceback for it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST":
            refused = self.refuse(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def refuse(self, request) -> HttpResponse | None:
        # Django's own condition for refusing a form body (HttpRequest._load_post_and_files).
        if (
            request.content_type == "application/x-www-form-urlencoded"
            and request.encoding is not None
            and request.encoding.lower() != "utf-8"
        ):
            return error_page("400.html", FORM_NOT_UTF8, 400)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None  # Django reads such a body as empty
        limits = body_limits()
        if length <= min(limits.values()):
            return None  # the common case, decided without resolving the path
        try:
            view_name = resolve(request.path_info).view_name
        except Resolver404:
            return None
        limit = limits.get(view_name)
        if limit is not None and length > limit:
            return error_page("413.html", REQUEST_TOO_LARGE, 413)
        return None


DATABASE_UNAVAILABLE = "데이터베이스에 잠시 연결할 수 없습니다. 잠시 후 다시 시도해 주세요."


def service_unavailable(message: str) -> HttpResponse:
    """A Korean 503 that touches neither the database nor the cache (either may be down)."""
    response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
    # Clients and proxies may retry soon: both outages are expected to be short.
    response["Retry-After"] = "10"
    response["Cache-Control"] = "no-store"
    return response


class ServiceUnavailableMiddleware:
    """PostgreSQL or the rate-limit store down → a Korean 503 page instead of a 500.

    Django reconnects by itself once PostgreSQL is back (CONN_HEALTH_CHECKS), so the site
    recovers without a restart; this only makes the meantime honest.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError):
            logger.error("Database unavailable: %s: %s", type(exception).__name__, exception)
            return service_unavailable(DATABASE_UNAVAILABLE)
        if isinstance(exception, RateLimitUnavailable):
            logger.error("Rate-limit store unavailable: %s", exception.__cause__)
            return service_unavailable(RATE_LIMIT_UNAVAILABLE)
        return None


# Lists every anonymous reader gets alike: a browser or proxy may keep them briefly. Short,
# because a card's counts move with every vote and comment.
PUBLIC_PAGES = {"home", "articles:category"}
PUBLIC_PAGE_MAX_AGE = 60


class CacheHeadersMiddleware:
    """Cache-Control (and an ETag) where it is safe; it must sit above the session and CSRF
    middleware so that it sees every cookie the response sets.

    - A reader with any cookie but the CSRF one (session, voter, messages) may see something
      of their own on any page: `private, no-cache`, so neither a shared proxy nor the
      back button shows it to someone else, or stale to them.
    - The home and category pages for a reader without such cookies are the same for
      everyone (they carry no CSRF token): `public, max-age=60`, `Vary: Cookie, HX-Request`
      and an ETag of the body, so a revalidation costs a 304 instead of the page.
    - A response that already says how to cache itself (robots.txt, the feed, a 503's
      `no-store`) is left alone; everything else keeps Django's default (no header).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD") or response.has_header("Cache-Control"):
            return response
        if is_personal(request):
            patch_cache_control(response, private=True, no_cache=True)
            patch_vary_headers(response, ("Cookie",))
            return response
        match = request.resolver_match
        if (
            response.status_code == 200
            and match is not None
            and match.view_name in PUBLIC_PAGES
            and not response.cookies
            and not getattr(response, "streaming", False)
            and "HX-Request" not in request.headers
        ):
            patch_cache_control(response, public=True, max_age=PUBLIC_PAGE_MAX_AGE)
            patch_vary_headers(response, ("Cookie", "HX-Request"))
            if not response.has_header("ETag"):
                set_response_etag(response)
            return get_conditional_response(request, etag=response["ETag"], response=response)
        return response


# The site uses none of these browser features; saying so stops an injected frame or script
# from asking for them, and header graders look for it.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)


class PermissionsPolicyMiddleware:
    """Headers Django's SecurityMiddleware does not set: Permissions-Policy and CORP."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response
