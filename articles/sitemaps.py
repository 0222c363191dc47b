from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Article, Category, Reporter


class HomeSitemap(Sitemap):
    changefreq = "hourly"
    priority = 1.0

    def items(self):
        return ["home"]

    def location(self, item):
        return reverse(item)


class CategorySitemap(Sitemap):
    changefreq = "daily"
    priority = 0.6

    def items(self):
        return Category.objects.all()


class ArticleSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8
    limit = 5000

    def items(self):
        return Article.objects.published().only("id", "published_at", "revised_at", "updated_at")

    def lastmod(self, item):
        return item.revised_at or item.published_at


class ReporterSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.4

    def items(self):
        """Reporters with a published article: the others' pages are only an empty line."""
        return Reporter.objects.filter(pk__in=Article.objects.published().values("reporter_id"))


sitemaps = {
    "home": HomeSitemap,
    "categories": CategorySitemap,
    "articles": ArticleSitemap,
    "reporters": ReporterSitemap,
}
