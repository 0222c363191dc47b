"""Two-tier cache for article pages, invalidated on write rather than on a timer.

Each app-server process keeps rendered pages in local memory (the "local" cache); the
shared cache (Redis in production) holds only a small version token per article plus
one for the whole site. Every process mirrors those tokens in memory and Redis pushes it
each change (aipick.mirror), so reading them costs no round trip, and a write on any
server is still seen by every server on its next request:

- `article_changed(article_id)`: call it inside the write service of anything the
  article page shows (comment, like, save, a member's vote); the token moves after the commit.
- `poll_changed(article_id)`: only the poll section changed (an anonymous reader's vote).
  The page keeps its rendered shell — everything but the poll — and only the poll is
  rendered again into it: on a busy poll that is most re-renders, at a tenth of the cost.
- `site_changed()`: anything shown on every article page (categories, related cards,
  an article's text). Every successful POST to the admin calls it
  (`AdminWritesMiddleware`), so editors' changes, bulk actions included, show at once.

Readers with no cookie but the CSRF one share one rendering. A reader with a session or
voter cookie gets renderings keyed by those cookies (`reader_key`): their own vote, save
and comments are on the page, and every one of their writes moves the version too. Query
strings, htmx partials and one-time messages are always rendered afresh. The CSRF token
(aipick.csrf) and the CSP nonce are placeholders filled in per request, so one reader's
token never reaches another.

Below the whole page, the same versions key what a page rendered afresh reuses: the rows
it shows (`kept`: the article with its counts, the poll with its choices, the comment
thread's light rows) and the parts every reader sees alike (`fragment_context`: the
text, the related cards, the comment section as anonymous readers see it).

If a token could not be moved (Redis down at that moment), the local entries' timeout
(DJANGO_PAGE_CACHE_SECONDS, 30 s) bounds how long a stale page can live; counts of
*other* articles in the related cards follow the same timeout.
"""

import hashlib
import secrets
import time

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotModified
from django.middleware.csp import get_nonce
from django.utils.crypto import salted_hmac
from django.utils.safestring import mark_safe

from aipick.mirror import mirror

VERSION_PREFIX = "articles:version:"
VERSION_KEY = VERSION_PREFIX + "{}"
POLL_VERSION_KEY = VERSION_PREFIX + "poll:{}"
SITE_VERSION_KEY = VERSION_PREFIX + "site"
PAGE_KEY = "articles:page:{article_id}:{version}:{scheme}:{host}:{reader}"
SHELL_KEY = "articles:shell:{article_id}:{version}:{scheme}:{host}:{reader}"

# Derived from the secret key, so no user input can contain it, and the same in every
# process, so a page rendered on one server is finished on another. The CSRF token needs no
# such care here: every page renders it as a placeholder filled in per response (aipick.csrf).
AUTH_KEYS = {SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY}
NONCE_PLACEHOLDER = (
    f"nonce-{salted_hmac('aipick.csp.placeholder', 'nonce', algorithm='sha256').hexdigest()[:32]}"
)
# Where the poll section goes in a page's shell (an HTML comment, so a shell is valid HTML).
POLL_SLOT = mark_safe(  # noqa: S308 - our own constant, no user input
    f"<!--poll-{salted_hmac('aipick.poll.slot', 'poll', algorithm='sha256').hexdigest()[:32]}-->"
)
_POLL_SLOT_BYTES = POLL_SLOT.encode()
PLACEHOLDER_CONTEXT = {"csp_nonce": NONCE_PLACEHOLDER}
SHELL_CONTEXT = {**PLACEHOLDER_CONTEXT, "poll_slot": POLL_SLOT}


def _new_token() -> int:
    # An int: Django's Redis serializer stores it as is, with no pickling either way.
    return secrets.randbits(48)


def article_versions(article_id: int) -> tuple[str, str] | None:
    """The versions of the page's shell and of the whole page; None when unknown (skip caching).

    The shell (all but the poll) follows the article's and the site's tokens; the page
    follows the poll's token too.
    """
    versions = mirror("default", VERSION_PREFIX)
    keys = [
        VERSION_KEY.format(article_id),
        SITE_VERSION_KEY,
        POLL_VERSION_KEY.format(article_id),
    ]
    found = versions.get_many(keys)
    if len(found) < len(keys):
        shared = caches["default"]
        for key in keys:
            if key not in found:
                # add(): two servers starting a token at once agree on the first one.
                shared.add(key, _new_token(), None)
        found = versions.get_many(keys)
        if len(found) < len(keys):
            return None  # the shared cache is down: never trust a local page then
    shell = f"{found[keys[0]]}.{found[keys[1]]}"
    return shell, f"{shell}.{found[keys[2]]}"


def _bump(key: str) -> None:
    caches["default"].set(key, _new_token(), None)


def article_changed(article_id: int) -> None:
    """Something on this article's page changed: every server re-renders it after the commit."""
    transaction.on_commit(lambda: _bump(VERSION_KEY.format(article_id)))


def poll_changed(article_id: int) -> None:
    """Only the article's poll section changed: its pages re-render the poll after the commit."""
    transaction.on_commit(lambda: _bump(POLL_VERSION_KEY.format(article_id)))


def site_changed() -> None:
    """Something shown on every article page changed: all article pages re-render after the commit."""
    transaction.on_commit(lambda: _bump(SITE_VERSION_KEY))


def reader_key(request) -> str | None:
    """Whom this rendering is for, or None when it must be rendered afresh.

    Everything personal on an article page (the greeting, my vote, my save, my comments
    and reactions) follows from the reader's cookies: the session names the member, the
    voter cookie the browser. Readers with no cookie but the CSRF one share one rendering;
    any other reader gets renderings of their own, which the same version bumps retire.
    One-time content (a flash message, a refused form kept in the session) is never cached.
    """
    # META rather than request.headers: that builds a dict of every header, on the hot path.
    if request.method not in ("GET", "HEAD") or request.GET or request.META.get("HTTP_HX_REQUEST"):
        return None
    cookies = sorted(
        (name, value)
        for name, value in request.COOKIES.items()
        if name != settings.CSRF_COOKIE_NAME
    )
    if not cookies:
        return "everyone"
    if CookieStorage.cookie_name in request.COOKIES:
        return None
    session = getattr(request, "session", None)
    if session is not None and session.session_key and not set(session.keys()) <= AUTH_KEYS:
        return None
    user_id = request.user.pk if request.user.is_authenticated else 0
    digest = hashlib.sha256(repr(cookies).encode()).hexdigest()[:32]
    return f"{user_id}.{digest}"


def shell_reader(request, reader: str) -> str:
    """Whom the page's shell (all but the poll) is for: anonymous readers whose only other
    cookie is the voter's share one — the voter cookie personalises nothing but the poll."""
    if reader == "everyone" or request.user.is_authenticated:
        return reader
    poll_only = {settings.CSRF_COOKIE_NAME, getattr(settings, "POLL_VOTER_COOKIE", None)}
    return "everyone" if set(request.COOKIES) <= poll_only else reader


def is_shareable(request) -> bool:
    """True when this reader would get exactly the page every other anonymous reader gets."""
    return reader_key(request) == "everyone"


def serve_article_page(request, article_id: int, render_page, render_poll) -> HttpResponse:
    """`render_page(extra_context)`, or this reader's page from memory while still current.

    `render_poll(extra_context)` renders just the poll section, for a page whose shell is
    still current.
    """
    versions = article_versions(article_id)
    if versions is None:
        return render_page({})
    shell_version, page_version = versions
    fragments = fragment_context(shell_version, page_version)
    reader = reader_key(request)
    if reader is None:
        return render_page(fragments)
    place = {
        "article_id": article_id,
        "scheme": request.scheme,
        "host": request.get_host(),
        "reader": reader,
    }
    key = PAGE_KEY.format(version=page_version, **place)
    local = caches["local"]
    # The version names what the page shows, the reader whom it shows it to; the time window
    # retires relative times ("3분 전") and polls that closed by the clock, as the entry does.
    window = int(time.time()) // max(int(local.default_timeout or 1), 1)
    etag = f'"{hashlib.sha256(f"{key}:{window}".encode()).hexdigest()[:24]}"'
    if etag in request.META.get("HTTP_IF_NONE_MATCH", ""):
        return _revalidate(HttpResponseNotModified(), etag)
    entry = local.get(key)
    if entry is None:
        # Then the shared tier: after a write, one process renders the page and every other
        # process and server takes it from Redis, instead of each rendering its own.
        shared = caches["pages"]
        entry = shared.get(key)
        if entry is None:
            shell_key = SHELL_KEY.format(
                version=shell_version, **{**place, "reader": shell_reader(request, reader)}
            )
            shell = local.get(shell_key) or shared.get(shell_key)
            if shell is None:
                response = render_page({**SHELL_CONTEXT, **fragments})
                if response.status_code != 200 or getattr(response, "streaming", False):
                    return _personalise(request, response.content, response)
                shell = (response.content, response["Content-Type"])
                shared.set(shell_key, shell)
            local.set(shell_key, shell)
            content, content_type = shell
            if _POLL_SLOT_BYTES in content:
                poll = render_poll({**PLACEHOLDER_CONTEXT, **fragments})
                content = content.replace(_POLL_SLOT_BYTES, poll.encode(), 1)
            entry = (content, content_type)
            shared.set(key, entry)
        local.set(key, entry)
    content, content_type = entry
    response = _personalise(request, content, HttpResponse(content_type=content_type))
    return _revalidate(response, etag)


def fragment_context(shell_version: str, page_version: str) -> dict:
    """What article_detail.html keys its shared fragments on (see `{% cache %}` there), and
    the versions `kept` rows follow.

    The parts of the page that are the same for every anonymous reader are kept rendered,
    so even a page rendered afresh (a query string, a member's own page after any write)
    renders only what is personal or has just changed: the comment section under the
    shell's version, the article's text and the related cards under the site's alone (only
    the admin changes them; a comment or a like leaves them as they were).
    """
    return {
        "fragment_version": shell_version,
        "page_version": page_version,
        # The shell's version is "<article token>.<site token>" (article_versions).
        "site_version": shell_version.rpartition(".")[2],
        # The local tier's own timeout: 0 (DJANGO_PAGE_CACHE_SECONDS=0) keeps nothing, as for pages.
        "fragment_seconds": caches["local"].default_timeout,
    }


def kept(name: str, version: str | None, load):
    """`load()`, kept in this process's memory for later calls with the same `version`.

    For rows the page shows that only a write changes (the article with its counts, the
    poll with its choices), under the version that write moves: a page rendered afresh
    then reads nothing it already read, and still shows every write on the next request.
    One entry per name, replaced when the version moves, so a busy thread's rows (a
    megabyte for ten thousand comments) are never kept once per write. With no version
    (the shared cache is down) it is always `load()`.
    """
    if version is None:
        return load()
    key = f"articles:kept:{name}"
    local = caches["local"]
    entry = local.get(key)
    if entry is not None and entry[0] == version:
        return entry[1]
    value = load()
    local.set(key, (version, value))
    return value


def _revalidate(response: HttpResponse, etag: str) -> HttpResponse:
    """The browser keeps its own copy (its CSRF token is in it) and asks before reusing it."""
    # Set outright rather than patched: this response was made here and has neither yet.
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache, private"
    response["Vary"] = "Cookie, HX-Request"
    return response


def _personalise(request, content: bytes, response: HttpResponse) -> HttpResponse:
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
