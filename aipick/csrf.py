"""CSRF tokens filled in per response, so rendered HTML can be cached and shared safely.

Templates render `{% csrf_token %}` with a placeholder (the context processor
below overrides Django's built-in one); the middleware swaps in this request's real token
on the way out. A cached page or fragment therefore never carries one reader's token to
another, and caching code needs no special care for forms.
"""

import secrets

from django.middleware import csrf as django_csrf
from django.middleware.csrf import get_token
from django.utils.crypto import salted_hmac

# Never sent to a browser and derived from the secret key, so no user input can contain it;
# the same in every process, so a page rendered by one server can be finished by another.
CSRF_PLACEHOLDER = (
    f"csrf-{salted_hmac('aipick.csrf.placeholder', 'csrf', algorithm='sha256').hexdigest()[:32]}"
)
_PLACEHOLDER_BYTES = CSRF_PLACEHOLDER.encode()


def csrf_placeholder(request):
    return {"csrf_token": CSRF_PLACEHOLDER}


class CsrfPlaceholderMiddleware:
    """Must sit right after CsrfViewMiddleware: get_token() here still gets its cookie set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            not getattr(response, "streaming", False)
            and response.get("Content-Type", "").startswith("text/html")
            and _PLACEHOLDER_BYTES in response.content
        ):
            response.content = response.content.replace(
                _PLACEHOLDER_BYTES, get_token(request).encode()
            )
        return response


def _new_csrf_string() -> str:
    """What Django's `_get_new_csrf_string` returns, drawn from one os.urandom call.

    Django draws each of the 32 characters with its own `secrets.choice`: one system call
    apiece, 64 for every reader who arrives without a CSRF cookie (the secret and its mask),
    a fifth of a cached article page's time. `token_urlsafe` draws uniformly from 64
    characters; without '-' and '_' the other 62, Django's letters and digits, stay uniform.
    """
    while True:
        drawn = secrets.token_urlsafe(36).replace("-", "").replace("_", "")
        if len(drawn) >= django_csrf.CSRF_SECRET_LENGTH:  # 48 drawn, 46.5 kept on average
            return drawn[: django_csrf.CSRF_SECRET_LENGTH]


# A private function, but the one place both the secret and its mask come from; if a Django
# upgrade renames it, starting fails loudly rather than silently keeping the slow one.
if not callable(getattr(django_csrf, "_get_new_csrf_string", None)):
    raise ImportError("django.middleware.csrf._get_new_csrf_string is gone: see aipick/csrf.py")
django_csrf._get_new_csrf_string = _new_csrf_string
