"""Renderings kept under version tokens that every write moves (docs/caching.md, in full).

Tokens are random numbers in the shared cache ("default"): `article:<id>` moves with any
write its page shows (`article_changed`), `cards` with every count shown on cards, `site`
with any admin write (`site_changed`). Writers move them after the commit; readers read
them before rendering. Renderings live in each process's memory ("local") under them, so
after a write no process serves its old copy, whichever process made the write.
"""

import secrets

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse

# A token left alone this long expires; the next reader starts a new one (just a miss).
TOKEN_SECONDS = 24 * 60 * 60


def article_token(article_id: int) -> str:
    return f"article:{article_id}"


SITE = "site"
CARDS = "cards"


def _move(*names: str) -> None:
    caches["default"].set_many(
        {f"version:{name}": secrets.randbits(48) for name in names}, TOKEN_SECONDS
    )


def article_changed(article_id: int) -> None:
    """Call inside the write: after the commit, every process renders the article's page afresh."""
    transaction.on_commit(lambda: _move(article_token(article_id), CARDS))


def site_changed() -> None:
    """Call inside the write: after the commit, every page is rendered afresh."""
    transaction.on_commit(lambda: _move(SITE, CARDS))


def member_token(user_id: int) -> str:
    return f"member:{user_id}"


def member_changed(*user_ids: int) -> None:
    """Call inside the write: after the commit, those members' own kept pages are rendered afresh
    (something only they see changed, such as their unread notification count)."""
    if user_ids:
        transaction.on_commit(lambda: _move(*(member_token(pk) for pk in user_ids)))


def current_tokens(*names: str) -> dict[str, int]:
    """{name: token} for the names that have one now; missing ones are left out (never made here)."""
    found = caches["default"].get_many([f"version:{name}" for name in names])
    return {name: found[f"version:{name}"] for name in names if f"version:{name}" in found}


def start_tokens(*names: str) -> None:
    """Give the names that have no token one (add(): the first process to do so wins)."""
    for name in names:
        caches["default"].add(f"version:{name}", secrets.randbits(48), TOKEN_SECONDS)


def fragment_versions(article_id: int, tokens: dict[str, int]) -> dict | None:
    """The tokens `{% cache %}` keys article_detail.html's shared parts on, from those
    `cached_page` read; None (keep none) while one is missing."""
    names = {"article": article_token(article_id), "site": SITE, "cards": CARDS}
    if any(name not in tokens for name in names.values()):
        return None
    return {part: tokens[name] for part, name in names.items()}


# The cookies through which the site shows a reader something of their own. Any other
# cookie (analytics, a stray `junk=1`) is ignored: it never makes a rendering of its own.
POLL_VOTER_COOKIE = settings.POLL_VOTER_COOKIE
PERSONAL_COOKIES = {settings.SESSION_COOKIE_NAME, POLL_VOTER_COOKIE, CookieStorage.cookie_name}


def is_personal(request) -> bool:
    return any(name in request.COOKIES for name in PERSONAL_COOKIES)


# What a signed-in session holds; anything more (a refused comment waiting under its form,
# a message) is shown once, so a page carrying it is never kept.
AUTH_SESSION_KEYS = {SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY}


def reader_of(request, *, shows_own_vote: bool = False) -> str | None:
    """Whom a kept page may be shown to: "all", one member, or None (render it afresh).

    On a page that shows the reader's own vote (the article's poll), voters are rendered
    afresh, around the fragments they share with everyone. Elsewhere (home, category and
    reporter lists) a voter sees what everyone sees, so the voter cookie is not personal.
    """
    if request.method not in ("GET", "HEAD") or request.GET or request.htmx:
        return None
    if request.user.is_authenticated:
        waiting = set(request.session.keys()) - AUTH_SESSION_KEYS
        if waiting or CookieStorage.cookie_name in request.COOKIES:
            return None
        return f"member-{request.user.pk}"
    personal = PERSONAL_COOKIES if shows_own_vote else PERSONAL_COOKIES - {POLL_VOTER_COOKIE}
    return None if any(name in request.COOKIES for name in personal) else "all"


def cached_page(
    request, names: tuple[str, ...], render, *, shows_own_vote: bool = False
) -> HttpResponse:
    """`render(tokens)`, kept in this process's memory until a token in `names` moves.

    `tokens` is what `current_tokens(*names)` read, once per request, for the page's
    fragment keys. Only for a plain GET by a reader `reader_of` names is the page kept;
    anything else is rendered for the request. A page that is not a 200 (a missing
    article, a draft) is never kept and starts no token, so unknown URLs leave nothing.
    """
    reader = reader_of(request, shows_own_vote=shows_own_vote)
    if reader is not None and reader != "all":
        # A member's page also shows what only they see (the header's `알림 N`): one more
        # token, read in the same get_many.
        names = (*names, member_token(request.user.pk))
    tokens = current_tokens(*names)
    if reader is None:
        return render(tokens)
    if len(tokens) < len(names):
        response = render(tokens)
        if response.status_code == 200:
            start_tokens(*(name for name in names if name not in tokens))
        return response
    versions = ".".join(str(tokens[name]) for name in names)
    key = f"page:{request.scheme}://{request.get_host()}{request.path}:{versions}:{reader}"
    local = caches["local"]
    kept = local.get(key)
    if kept is not None:
        content, content_type = kept
        return HttpResponse(content, content_type=content_type)
    response = render(tokens)
    if response.status_code == 200 and not response.cookies:
        local.set(key, (response.content, response["Content-Type"]))
    return response


class AdminWritesMiddleware:
    """An editor's successful POST in the admin may change any page: move the site token.

    Except the body preview (`미리보기`), a POST that only renders Markdown back: pressing
    it should not make every process render every page afresh.
    """

    WRITES_NOTHING = {"articles_article_preview"}

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = "/" + settings.ADMIN_URL

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.method == "POST"
            and response.status_code < 400
            and request.path.startswith(self.prefix)
            and getattr(request.resolver_match, "url_name", None) not in self.WRITES_NOTHING
        ):
            site_changed()
        return response
