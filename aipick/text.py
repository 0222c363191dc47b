"""Characters a reader cannot see: one rule for display names and comments.

Invisible characters let a name look like someone else's (`관리자` + U+200B), a comment look
empty or longer than it is, and bidi controls (U+202E) turn the text after them around.
What counts as invisible here:

- format characters (Unicode category Cf): zero-width spaces and joiners, bidi marks and
  overrides, the byte-order mark, tag characters;
- control characters (Cc) other than a line break and a tab;
- letters and marks that draw nothing: the Hangul fillers (U+115F, U+1160, U+3164, U+FFA0),
  the braille blank (U+2800), the combining grapheme joiner (U+034F) and the Khmer inherent
  vowels (U+17B4, U+17B5).

Comments drop them (`strip_invisible`), except a zero-width joiner inside an emoji sequence
(👨‍👩‍👧 stays one picture); names are refused when they hold any (`has_invisible`).
"""

import unicodedata

BLANK_LOOKING = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u2800\u3164\uffa0")
KEPT_CONTROLS = frozenset("\n\t")
ZWJ = "\u200d"
EMOJI_PRESENTATION = "\ufe0f"


def is_invisible(char: str) -> bool:
    """True for a character that shows nothing on its own (a line break and a tab do)."""
    if char in BLANK_LOOKING:
        return True
    category = unicodedata.category(char)
    return category == "Cf" or (category == "Cc" and char not in KEPT_CONTROLS)


def has_invisible(text: str) -> bool:
    return any(is_invisible(char) for char in text)


def has_visible(text: str) -> bool:
    """True when at least one character draws something: not a space, a mark, a control,
    or one of the invisible characters above."""
    return any(
        not is_invisible(char) and unicodedata.category(char)[0] not in "ZMC" for char in text
    )


def strip_invisible(text: str) -> str:
    """`text` without its invisible characters; a joiner between two emoji is kept."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(
        char
        for i, char in enumerate(text)
        if not is_invisible(char) or (char == ZWJ and _joins_emoji(text, i))
    )


def _joins_emoji(text: str, i: int) -> bool:
    before = text[i - 1] if i else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    return (
        bool(before and after)
        and (before == EMOJI_PRESENTATION or unicodedata.category(before) in ("So", "Sk"))
        and unicodedata.category(after) == "So"
    )
