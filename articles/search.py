"""Search: published articles whose title, summary lines or body contain the query.

One public function, `article_search(q)`. The query is one phrase found anywhere, also
inside longer Korean words (`신뢰` finds `신뢰를`, `신뢰도`), case-insensitively. A title hit
ranks above a summary hit above a body hit; then newest first.

How each database finds the phrase (the structures come from migration 0003_search):

- PostgreSQL: Django's `icontains` (`UPPER(col::text) LIKE UPPER('%…%')`), which the
  pg_trgm GIN indexes on those very expressions answer without reading every body.
- SQLite, a phrase of three characters or more: the FTS5 table `articles_search`
  (trigram tokenizer; the database's own triggers keep it in step with the articles and
  their summary lines), asked with MATCH and the phrase as a quoted string parameter.
- SQLite, one or two characters (a trigram index cannot hold them): the same `icontains`
  as PostgreSQL, a plain scan.

Either way the database gives three sets of article ids (any hit, title hits, summary
hits), and one query over them answers (id, rank) for every match, ranked in SQL; the
count is the length of that list and a page is a slice of it, so the bodies are read
once, and fetched only for the 20 articles shown. The user's text only ever reaches SQL
as a parameter. Snippets are made here in Python, for the page being shown only: the
text is escaped first, then the matches are wrapped in <mark>.
"""

import re
import unicodedata

from django.db import connection
from django.db.models import Case, IntegerField, Prefetch, Q, Value, When
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Article, SummaryLine

QUERY_MAX_LENGTH = 100
QUERY_TOO_SHORT = "두 글자 이상 입력해 주세요."
QUERY_SHORTENED = f"검색어가 길어 앞의 {QUERY_MAX_LENGTH}자로 찾았습니다."

# Ranks, best first.
IN_TITLE, IN_SUMMARY, IN_BODY = 3, 2, 1

SNIPPET_BEFORE = 40
SNIPPET_AFTER = 90


class SearchResults:
    """What `article_search` answers: the query it searched, a hint for the reader, and the
    hits, which a Paginator can page (`count()`, slicing).

    Nothing is asked of the database until the hits are first used (a page whose results
    are kept rendered never asks). Then one query reads the ranked ids of every match and
    nothing else: the count is their number, a page is a slice of them, and slicing fetches
    only that slice's articles, each with `rank`, `title_html` and `snippet` (both escaped,
    matches marked).
    """

    def __init__(self, query: str, hint: str, searched: bool):
        self.query = query
        self.hint = hint
        self.searched = searched

    @cached_property
    def hits(self) -> list[tuple[int, int]]:
        """(id, rank) of every published match, best first."""
        return list(_ranked_ids(self.query)) if self.searched else []

    def count(self) -> int:
        return len(self.hits)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1 or None][0]
        ranked = self.hits[index]
        articles = (
            Article.objects.select_related("category")
            .only("id", "title", "body", "lead", "published_at", "category__name", "category__slug")
            .prefetch_related(
                Prefetch("summary_lines", queryset=SummaryLine.objects.only("article_id", "text"))
            )
            .in_bulk([pk for pk, _rank in ranked])
        )
        page = []
        for pk, rank in ranked:
            if pk in articles:  # not deleted in the moment since the hits were read
                articles[pk].rank = rank
                page.append(articles[pk])
        return _decorate(page, self.query)


def article_search(q: str) -> SearchResults:
    """Published articles containing `q` (a reader's raw text), best first."""
    query, hint = _clean(q)
    if sum(ch.isalnum() for ch in query) < 2:
        return SearchResults(query=query, hint=QUERY_TOO_SHORT, searched=False)
    return SearchResults(query=query, hint=hint, searched=True)


def _ranked_ids(query: str):
    """One query: the union of the three id sets picks the matches, the rank is computed
    in SQL beside each id, and only (id, rank) comes back, never a body."""
    if connection.vendor == "sqlite" and len(query) >= 3:
        any_hit, in_title, in_summary = _sqlite_fts5_hits(query)
    else:
        any_hit, in_title, in_summary = _icontains_hits(query)
    return (
        Article.objects.published()
        .filter(any_hit)
        .annotate(
            rank=Case(
                When(in_title, then=Value(IN_TITLE)),
                When(in_summary, then=Value(IN_SUMMARY)),
                default=Value(IN_BODY),
                output_field=IntegerField(),
            )
        )
        .order_by("-rank", "-published_at", "-id")
        .values_list("id", "rank")
    )


def _clean(q: str) -> tuple[str, str]:
    """NFC (a Mac's decomposed Hangul matches the stored text), no control characters (a NUL
    is an error to PostgreSQL), whitespace collapsed, at most QUERY_MAX_LENGTH characters."""
    text = unicodedata.normalize("NFC", q or "")
    text = "".join(ch if not unicodedata.category(ch).startswith("C") else " " for ch in text)
    text = " ".join(text.split())
    if len(text) > QUERY_MAX_LENGTH:
        return text[:QUERY_MAX_LENGTH].strip(), QUERY_SHORTENED
    return text, ""


# --- PostgreSQL (and SQLite's short phrases): icontains ------------------------------


def _icontains_hits(query: str) -> tuple[Q, Q, Q]:
    """On PostgreSQL each lookup is answered by its pg_trgm GIN index. The union of the
    three id sets is one `IN (… UNION …)`, so the article table is read only for hits."""
    title_ids = Article.objects.filter(title__icontains=query).values("pk")
    summary_ids = SummaryLine.objects.filter(text__icontains=query).values("article_id")
    body_ids = Article.objects.filter(body__icontains=query).values("pk")
    any_hit = Q(pk__in=title_ids.union(summary_ids, body_ids))
    return any_hit, Q(title__icontains=query), Q(pk__in=summary_ids)


# --- SQLite, three characters or more: FTS5 with the trigram tokenizer ---------------

FTS5_MATCH = 'SELECT rowid FROM "articles_search" WHERE "articles_search" MATCH %s'


def _sqlite_fts5_hits(query: str) -> tuple[Q, Q, Q]:
    """The phrase goes to MATCH as a parameter, quoted as an FTS5 string (a double quote
    inside is doubled), so no character of it is read as FTS5 syntax."""
    phrase = '"' + query.replace('"', '""') + '"'
    return (
        Q(pk__in=RawSQL(FTS5_MATCH, (phrase,))),  # noqa: S611 - fixed SQL, the phrase a parameter
        Q(pk__in=RawSQL(FTS5_MATCH, (f"title : {phrase}",))),  # noqa: S611 - as above
        Q(pk__in=RawSQL(FTS5_MATCH, (f"summary : {phrase}",))),  # noqa: S611 - as above
    )


# --- Snippets -------------------------------------------------------------------------

MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
MARKDOWN_MARKS = re.compile(r"^\s*(?:#{1,6}|>|[-*+]|\d+\.)\s+|[*_`]+", re.MULTILINE)


def _decorate(articles: list, query: str) -> list:
    pattern = re.compile(re.escape(query), re.IGNORECASE)
    for article in articles:
        article.title_html = _marked(article.title, pattern)
        summary = " ".join(line.text for line in article.summary_lines.all())
        body = " ".join(MARKDOWN_MARKS.sub("", MARKDOWN_LINK.sub(r"\1", article.body)).split())
        for text in (summary, body):
            if pattern.search(text):
                article.snippet = _window(text, pattern)
                break
        else:
            article.snippet = _marked(
                article.lead or body[: SNIPPET_BEFORE + SNIPPET_AFTER], pattern
            )
    return articles


def _window(text: str, pattern: re.Pattern) -> SafeString:
    """Some words either side of the first match, with every match in it marked."""
    match = pattern.search(text)
    start = max(0, match.start() - SNIPPET_BEFORE)
    end = min(len(text), match.end() + SNIPPET_AFTER)
    marked = _marked(text[start:end], pattern)
    return mark_safe(("…" if start else "") + marked + ("…" if end < len(text) else ""))  # noqa: S308 - escaped by _marked


def _marked(text: str, pattern: re.Pattern) -> SafeString:
    """The text escaped, then each match wrapped in <mark> (the match escaped too)."""
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped
