from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy

from .models import Article


class LatestArticlesFeed(Feed):
    title = "AI PICK 최신 기사"
    link = reverse_lazy("home")
    description = "AI PICK이 고른 인공지능 뉴스와 독자 찬반 토론"
    language = "ko"

    def items(self):
        return Article.objects.published().select_related("category", "reporter")[:20]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.lead or item.title

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.revised_at or item.published_at

    def item_author_name(self, item):
        return str(item.reporter)

    def item_categories(self, item):
        return [item.category.name]
