"""Markdown → safe HTML. Editors write Markdown; readers only ever get the allow-listed tags."""

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


def render_markdown(text: str) -> str:
    """Render an article body; `##` sub-headings get ids and a permalink anchor."""
    return sanitize_html(_markdown().convert(text or ""))
