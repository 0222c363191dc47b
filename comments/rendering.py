"""A comment is plain text: escaped, line breaks kept, web addresses as nofollow links.

urlize escapes everything it does not turn into a link; nh3 then keeps only <a href> with
http(s) and <br>, so even a bug in the first step cannot let markup through. Its age is
shown relatively (`3분 전`), the exact time on hover.
"""

import unicodedata

import nh3
from django.utils import timezone
from django.utils.html import linebreaks, urlize

LINK_REL = "nofollow ugc noopener"


def normalize(text: str) -> str:
    """What the reader will see: NFC (so 한 counts once, not as three jamo), no outer blanks."""
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def render_comment(text: str) -> str:
    linked = urlize(text, trim_url_limit=60, nofollow=False, autoescape=True)
    html = linebreaks(linked, autoescape=False)
    return nh3.clean(
        html,
        tags={"a", "br", "p"},
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        link_rel=LINK_REL,
    )


def relative_time(value) -> str:
    """`방금 전`, `3분 전`, `2시간 전`, `5일 전`, then the date."""
    if not value:
        return ""
    seconds = int((timezone.now() - value).total_seconds())
    if seconds < 60:
        return "방금 전"
    if seconds < 3600:
        return f"{seconds // 60}분 전"
    if seconds < 86400:
        return f"{seconds // 3600}시간 전"
    if seconds < 7 * 86400:
        return f"{seconds // 86400}일 전"
    return timezone.localtime(value).strftime("%Y.%m.%d")
