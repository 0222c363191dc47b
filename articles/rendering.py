"""Markdown → safe HTML. Editors write Markdown; readers only ever get the allow-listed tags."""

import re

import markdown
import nh3
from markdown.extensions.toc import TocExtension, slugify_unicode

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "b", "i", "u", "s", "del",
    "blockquote", "ul", "ol", "li", "a", "code", "pre", "table", "thead", "tbody",
    "tr", "th", "td", "sup", "sub", "figure", "figcaption",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "th": {"scope"},
    "td": set(),
    "ol": {"start"},
}
# No javascript:, data: or other schemes: links go to the web or to a mail client.
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def _markdown() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=[
            "sane_lists",
            "tables",
            TocExtension(
                slugify=slugify_unicode,
                permalink="#",
                permalink_class="heading-anchor",
                permalink_title="이 소제목 링크",
                toc_depth="2-4",
            ),
        ],
        output_format="html",
    )


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


# After nh3, a paragraph tag carries no attribute at all (`p` has none allowed), so every
# `<p>` in its output is exactly this string: one an editor typed as HTML included.
_PARAGRAPH_OPEN = re.compile(r"<p>")
_TAG = re.compile(r"<[^>]+>")


def number_paragraphs(html: str) -> str:
    """Give each paragraph an id `p1`, `p2`, … in document order, for the summary's links.

    Added after sanitising, so an editor can neither set nor collide with these ids.
    """
    counter = iter(range(1, len(_PARAGRAPH_OPEN.findall(html)) + 1))
    return _PARAGRAPH_OPEN.sub(lambda m: f'<p id="p{next(counter)}">', html)


def render_markdown(text: str) -> str:
    """Render an article body; `##` sub-headings get ids and a permalink anchor, paragraphs
    get numbered ids (`#p3`) that summary lines point at."""
    return number_paragraphs(sanitize_html(_markdown().convert(text or "")))


def paragraph_texts(html: str) -> list[str]:
    """The plain text of each numbered paragraph of rendered HTML; index 0 is `p1`."""
    parts = re.findall(r'<p id="p\d+">(.*?)</p>', html, flags=re.DOTALL)
    return [" ".join(_TAG.sub("", part).split()) for part in parts]
