"""Two-tier cache for article pages, invalidated on write rather than on a timer.

Each app-server process keeps rendered pages in local memory (the "local" cache); the
shared cache (Redis in production) holds only a small version token per article plus
one for the whole site. A request reads both tokens in one round trip, so a write on
any server is seen by every server on its next request:

- `article_changed(article_id)`: call it inside the write service of anything the
  article page shows (vote, comment, like, save); the token moves after the commit.
- `site_changed()`: anything shown on every article page (categories, related cards,
  an article's text). Every successful POST to the admin calls it
  (`AdminWritesMiddleware`), so editors' changes, bulk actions included, show at once.

Only requests with nothing personal share a rendering: anonymous, no query string, no
cookie other than the CSRF one (a voter, session or messages cookie means the page may
differ). The CSRF token and the CSP nonce are rendered as placeholders and filled in per
request, so one reader's token never reaches another.

If a token could not be moved (Redis down at that moment), the local entries' timeout
(DJANGO_PAGE_CACHE_SECONDS, 30 s) bounds how long a stale page can live; counts of
*other* articles in the related cards follow the same timeout.
"""

import secrets

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token

VERSION_KEY = "articles:version:{}"
SITE_VERSION_KEY = "articles:version:site"
PAGE_KEY = "articles:page:{article_id}:{version}:{scheme}:{host}"

# Unguessable per process, so no user input can ever contain them.
CSRF_PLACEHOLDER = f"csrf-{secrets.token_hex(16)}"
NONCE_PLACEHOLDER = f"nonce-{secrets.token_hex(16)}"
PLACEHOLDER_CONTEXT = {"csrf_token": CSRF_PLACEHOLDER, "csp_nonce": NONCE_PLACEHOLDER}


def _new_token() -> str:
    return secrets.token_hex(6)


def article_version(article_id: int) -> str | None:
    """The article's and the site's version tokens as one string; None when unknown (skip caching)."""
    shared = caches["default"]
    keys = [VERSION_KEY.format(article_id), SITE_VERSION_KEY]
    found = shared.get_many(keys)
    if len(found) < len(keys):
        for key in keys:
            if key not in found:
                # add(): two servers starting a token at once agree on the first one.
                shared.add(key, _new_token(), None)
        found = shared.get_many(keys)
        if len(found) < len(keys):
            return None  # the shared cache is down: never trust a local page then
    return f"{found[keys[0]]}.{found[keys[1]]}"


def _bump(key: str) -> None:
    caches["default"].set(key, _new_token(), None)


def article_changed(article_id: int) -> None:
    """Something on this article's page changed: every server re-renders it after the commit."""
    transaction.on_commit(lambda: _bump(VERSION_KEY.format(article_id)))


def site_changed() -> None:
    """Something shown on every article page changed: all article pages re-render after the commit."""
    transaction.on_commit(lambda: _bump(SITE_VERSION_KEY))


def is_shareable(request) -> bool:
    """True when this reader would get exactly the page every other anonymous reader gets."""
    if request.method not in ("GET", "HEAD") or request.GET or request.headers.get("HX-Request"):
        return False
    safe_cookies = {settings.CSRF_COOKIE_NAME, *getattr(settings, "PAGE_CACHE_SAFE_COOKIES", ())}
    if not request.COOKIES.keys() <= safe_cookies:
        return False
    return not request.user.is_authenticated


def serve_article_page(request, article_id: int, render_page) -> HttpResponse:
    """`render_page(extra_context)`, or the same page from local memory when it may be shared."""
    if not is_shareable(request):
        return render_page({})
    version = article_version(article_id)
    if version is None:
        return render_page({})
    key = PAGE_KEY.format(
        article_id=article_id,
        version=version,
        scheme=request.scheme,
        host=request.get_host(),
    )
    local = caches["local"]
    entry = local.get(key)
    if entry is None:
        response = render_page(PLACEHOLDER_CONTEXT)
        if response.status_code != 200 or getattr(response, "streaming", False):
            return _personalise(request, response.content, response)
        entry = (response.content, response["Content-Type"])
        local.set(key, entry)
    content, content_type = entry
    return _personalise(request, content, HttpResponse(content_type=content_type))


def _personalise(request, content: bytes, response: HttpResponse) -> HttpResponse:
    content = content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
    nonce_placeholder = NONCE_PLACEHOLDER.encode()
    if nonce_placeholder in content:
        # str() generates this request's nonce, so the CSP header carries the same one.
        nonce = get_nonce(request)
        content = content.replace(nonce_placeholder, str(nonce or "").encode())
    response.content = content
    return response


class AdminWritesMiddleware:
    """An editor's successful POST in the admin may change any page: move the site version."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = "/" + settings.ADMIN_URL

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.method == "POST"
            and response.status_code < 400
            and request.path.startswith(self.prefix)
        ):
            site_changed()
        return response
