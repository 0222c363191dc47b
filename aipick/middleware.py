import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

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
