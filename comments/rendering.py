"""A comment is plain text: escaped, line breaks kept, web addresses as nofollow links.

urlize escapes everything it does not turn into a link; nh3 then keeps only <a href> with
http(s) and <br>, so even a bug in the first step cannot let markup through. A link to a
host written in other than ASCII letters (`аррӏе.com` in Cyrillic looks like apple.com)
shows and points to its punycode form (`xn--80ak6aa92e.com`), so no look-alike passes for
the real site. Its age is shown relatively (`3분 전`), the exact time on hover.
"""

import re
import unicodedata

import nh3
from django.utils import timezone
from django.utils.html import linebreaks, urlize

from aipick.text import strip_invisible

LINK_REL = "nofollow ugc noopener"

# A word that urlize turns into a link, as far as its host: after opening punctuation, a
# scheme (and user info), or `www.`, or a bare name under one of the top-level domains
# urlize links without a scheme.
_LINKED_WORD = re.compile(
    r"""(?P<lead>[(\[<"'“‘]*(?:https?://(?:[^\s/?#@]*@)?)?)
        (?P<host>[\w-]+(?:\.[\w-]+)+)
        (?P<rest>.*)""",
    re.IGNORECASE | re.VERBOSE | re.DOTALL,
)
_BARE_TLD = re.compile(r"\.(?:com|edu|gov|int|mil|net|org)$", re.IGNORECASE)
_WORDS = re.compile(r"(\s+)")


def normalize(text: str) -> str:
    """What the reader will see: NFC (so 한 counts once, not as three jamo), no invisible or
    bidi-control characters (aipick/text.py), no outer blanks."""
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").replace("\r", "\n")
    return strip_invisible(text).strip()


def ascii_hosts(text: str) -> str:
    """`text` with the host of every web address in it in its ASCII (punycode) form."""
    if text.isascii():
        return text
    return "".join(_ascii_host(word) for word in _WORDS.split(text))


def _ascii_host(word: str) -> str:
    match = _LINKED_WORD.fullmatch(word)
    if match is None or match["host"].isascii():
        return word
    lead, host, rest = match["lead"], match["host"], match["rest"]
    has_scheme = lead.lower().lstrip("([<\"'“‘").startswith(("http://", "https://"))
    bare_link = host.lower().startswith("www.") or _BARE_TLD.search(host)
    if not (has_scheme or bare_link):
        return word  # not a link: `좋네요.정말` stays as written
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return word
    return f"{lead}{host}{rest}"


def render_comment(text: str) -> str:
    linked = urlize(ascii_hosts(text), trim_url_limit=60, nofollow=False, autoescape=True)
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
