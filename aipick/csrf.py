"""CSRF tokens filled in per response, so rendered HTML can be kept and shared safely.

Templates render `{% csrf_token %}` with a placeholder (the context processor below
overrides Django's built-in one); the middleware swaps in this request's own token on the
way out, with Django's public `get_token()`. A kept page or fragment therefore never
carries one reader's token to another (docs/caching.md).
"""

from django.middleware.csrf import get_token
from django.utils.cache import patch_cache_control
from django.utils.crypto import salted_hmac

# Derived from the secret key, so no user input can contain it; the same in every process,
# so a rendering kept by one worker is finished correctly by the same code anywhere.
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
            # The page now holds this reader's token: no shared cache may keep it, and the
            # browser asks again before showing it (a back button must not resurrect counts).
            patch_cache_control(response, private=True, no_cache=True)
        return response
