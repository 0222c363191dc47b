"""The front page's ranked lists (`많이 본 기사`, `댓글 많은 기사`, `지금 뜨거운 투표`)
and its per-category blocks.

Each list holds up to SIZE published articles, ranked by what happened to them in the last
WINDOW (reads, visible comments, votes), ties newest first, topped up with the newest
published articles so it is never empty while there are articles. Reads are articles' own
(`ArticleRead`); comments and votes are counted by their apps, which register a provider
in `articles.hooks` (`rankings={"most_commented": fn}`): one aggregate query each.

`rankings()` is computed at most once a minute for the whole site (and again after an
editor's write moves the site token), never per request; it flushes the read buffer first.
"""

import copy
import functools
import itertools
import logging
from datetime import timedelta
from typing import NamedTuple

from django.core.cache import caches
from django.db import DatabaseError
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from . import hooks
from .cache import SITE, current_tokens, start_tokens
from .hooks import decorate_cards
from .models import Article, ArticleRead
from .reads import flush_reads

logger = logging.getLogger("articles.rankings")

SIZE = 5
WINDOW = timedelta(hours=24)
SECONDS = 60
NAMES = ("most_read", "most_commented", "hot_polls")


class Rankings(NamedTuple):
    most_read: list[Article]
    most_commented: list[Article]
    hot_polls: list[Article]


def most_read(*, since, articles, limit: int) -> list[tuple[int, int]]:
    """[(article id, readers)] of the articles most read since `since`, ties newest first."""
    return list(
        ArticleRead.objects.filter(hour__gte=since, article__in=articles)
        .values("article")
        .annotate(count=Count("pk"))
        .order_by("-count", "-article__published_at", "-article")
        .values_list("article", "count")[:limit]
    )


def front_page_rankings() -> Rankings:
    """The three lists, computed now: one query per list and one for their articles."""
    since = timezone.now() - WINDOW
    published = Article.objects.published()
    providers = {"most_read": most_read} | hooks.rankings()
    counted = {
        name: providers[name](since=since, articles=published.values("pk"), limit=SIZE)
        if name in providers
        else []
        for name in NAMES
    }
    # The ranked articles and the newest ones in one query; the newest SIZE of what it
    # finds are the newest SIZE published (a ranked one among them is one of them).
    ranked_ids = {article_id for pairs in counted.values() for article_id, _ in pairs}
    newest_ids = published.order_by("-published_at", "-id").values("pk")[:SIZE]
    by_id = (
        published.filter(Q(pk__in=ranked_ids) | Q(pk__in=newest_ids))
        .only("id", "title", "published_at")
        .in_bulk()
    )
    newest = sorted(by_id.values(), key=lambda a: (a.published_at, a.pk), reverse=True)[:SIZE]
    lists = []
    for name in NAMES:
        ranked = []
        for article_id, count in counted[name]:
            if article_id in by_id:
                ranked.append(copy_with(by_id[article_id], count))
        shown = {article.pk for article in ranked}
        ranked += [copy_with(a, None) for a in newest if a.pk not in shown][: SIZE - len(ranked)]
        lists.append(ranked)
    return Rankings(*lists)


def copy_with(article: Article, count: int | None) -> Article:
    """The article with its count in this list (`rank_count`; None for a newest top-up)."""
    ranked = copy.copy(article)  # one article may stand in two lists with different counts
    ranked.rank_count = count
    return ranked


def rankings(site_token=None) -> Rankings:
    """`front_page_rankings()`, computed at most once a minute for the whole site.

    Kept a minute in the shared cache (every process reads the one computation) and a
    minute in this process's memory (no round trip per page), under the site token, so an
    editor's unpublish shows at once. The read buffer is flushed just before computing.
    """
    if site_token is None:
        # Only pages that answer 200 render the lists, so the page may start its token now
        # (as cached_page would after it), and the lists are kept under it from the start.
        start_tokens(SITE)
        site_token = current_tokens(SITE).get(SITE)
    key = f"rankings:{site_token}"
    kept = caches["local"].get(key)
    if kept is None:
        kept = caches["default"].get(key)
        if kept is None:
            try:
                flush_reads()
            except DatabaseError as exc:
                # A busy SQLite file, say: the lines wait for the next flush; the page is served.
                logger.warning("Reads not flushed: %s: %s", type(exc).__name__, exc)
            kept = front_page_rankings()
            caches["default"].set(key, kept, SECONDS)
        caches["local"].set(key, kept, SECONDS)
    return kept


def lazy_rankings(tokens: dict):
    """For a template context: computed only if the page renders them, at most once."""
    return functools.cache(lambda: rankings(tokens.get("site")))


def category_blocks(per_category: int = 4) -> list[tuple]:
    """[(category, its newest published articles)] in category order, empty ones left out.

    One query for all categories (the newest `per_category` of each, by a row number per
    category), plus the card badges' one query per app.
    """
    place = Window(
        RowNumber(),
        partition_by=F("category_id"),
        order_by=[F("published_at").desc(), F("id").desc()],
    )
    articles = decorate_cards(
        Article.objects.published()
        .for_cards()
        .annotate(place=place)
        .filter(place__lte=per_category)
        .order_by("category__order", "category__name", "-published_at", "-id")
    )
    return [
        (group[0].category, group)
        for group in (
            list(same) for _, same in itertools.groupby(articles, key=lambda a: a.category_id)
        )
    ]
