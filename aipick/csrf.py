"""CSRF tokens filled in per response, so rendered HTML can be cached and shared safely.

Templates render `{% csrf_token %}` with a per-process placeholder (the context processor
below overrides Django's built-in one); the middleware swaps in this request's real token
on the way out. A cached page or fragment therefore never carries one reader's token to
another, and caching code needs no special care for forms.
"""

import secrets

from django.middleware.csrf import get_token

# Unguessable and never sent to a browser, so no user input can ever contain it.
CSRF_PLACEHOLDER = f"csrf-{secrets.token_hex(16)}"
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
