from django.core.cache import cache

from .models import NAV_CACHE_KEY, Category


def navigation(request):
    """Categories for the header, cached because every page shows them."""

    def categories():
        return cache.get_or_set(
            NAV_CACHE_KEY, lambda: list(Category.objects.values("name", "slug")), 3600
        )

    # Lazy: pages that never render the header (the 500 page) never touch the database.
    return {"nav_categories": categories}
