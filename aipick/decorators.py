from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe


def read_only(view):
    """GET/HEAD only. CSRF-exempt because it never writes, so a stray POST gets a clear 405, not 403."""
    return csrf_exempt(require_safe(view))
