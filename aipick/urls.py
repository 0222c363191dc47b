from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.views.decorators.cache import cache_control
from django.views.decorators.http import conditional_page
from django.views.generic import RedirectView

from accounts.forms import ThrottledAdminLoginForm
from articles import save_views, search_views
from articles.feeds import LatestArticlesFeed
from articles.sitemaps import sitemaps
from comments import my_views

from . import views

admin.site.site_header = "AI PICK 편집국"
admin.site.site_title = "AI PICK 편집국"
admin.site.index_title = "기사와 토론 관리"
# The editors' sign-in counts failures with the members' one (accounts/throttle.py).
admin.site.login_form = ThrottledAdminLoginForm


class FaviconRedirect(RedirectView):
    """Browsers ask for /favicon.ico on pages without an icon link (and some always do).
    The static URL is looked up per request: with hashed names it exists only after
    collectstatic, not when the URLs are imported."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static_url("favicon.ico")


def for_everyone(view):
    """The feed and the sitemap read the same for every reader, cookies or not: shared
    caches may keep them five minutes, then revalidate against the body's ETag."""
    return cache_control(public=True, max_age=300)(conditional_page(view))


urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots"),
    path(
        "favicon.ico",
        cache_control(public=True, max_age=86400)(FaviconRedirect.as_view()),
        name="favicon",
    ),
    path("feed/", for_everyone(LatestArticlesFeed()), name="feed"),
    path("sitemap.xml", for_everyone(sitemap), {"sitemaps": sitemaps}, name="sitemap"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include("articles.urls")),
    path("", include("polls.urls")),
    path("accounts/", include("accounts.urls")),
    path("me/saved/", save_views.saved_list, name="saved"),
    path("me/saved/<int:pk>/remove/", save_views.saved_line_remove, name="saved-remove"),
    path("me/comments/", my_views.my_comments, name="my-comments"),
    path("", include("notifications.urls")),
    path("search/", search_views.search, name="search"),
    path("", include("comments.urls")),
]

handler400 = "aipick.views.bad_request"
handler403 = "aipick.views.permission_denied"
handler404 = "aipick.views.page_not_found"
handler500 = "aipick.views.server_error"

if settings.BENCH_ENDPOINTS:
    urlpatterns += [
        path("_bench/bare", views.bench_bare, name="bench-bare"),
        path("_bench/query", views.bench_query, name="bench-query"),
        path("_bench/bytes", views.bench_bytes, name="bench-bytes"),
    ]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
