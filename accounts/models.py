import re
import unicodedata

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from aipick.text import has_invisible, has_visible

NAME_INVISIBLE = "보이지 않는 문자나 글자 방향을 바꾸는 문자는 이름에 쓸 수 없습니다."
NAME_NOTHING_VISIBLE = "이름에 보이는 글자가 없습니다."
NAME_TAKEN = "다른 회원이 이미 쓰고 있는 이름입니다. 다른 이름을 골라 주세요."
USERNAME_HELP = (
    "150자 이하로, 한글·영문 글자와 숫자, 그리고 @ . + - _ 만 쓸 수 있습니다"
    " (띄어쓰기 불가). 로그인할 때 씁니다."
)
USERNAME_INVALID = "아이디에는 한글·영문 글자와 숫자, @ . + - _ 만 쓸 수 있습니다."
USERNAME_TAKEN = "이미 쓰이고 있는 아이디입니다."
NAME_RESERVED = "AI PICK 운영진이나 마스코트로 오해할 수 있는 이름은 쓸 수 없습니다."

# The site's own voices: its name, its newsroom and staff, and the two mascots of
# `부키와 모키의 티격태격` (articles.models.DebateLine.Speaker). Compared without spaces
# and case, so `aipick편집국` is the same name as `AI PICK 편집국`.
RESERVED_NAMES = ("AI PICK", "AI PICK 편집국", "편집국", "관리자", "운영자", "부키", "모키")

_SPACES = re.compile(r"\s+")


def normalize_name(value: str) -> str:
    """A name as it is stored and shown: NFKC (full-width `ＡＩ` is `AI`), single spaces, trimmed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", value or "")).strip()


def _reserved_key(name: str) -> str:
    return _SPACES.sub("", name).casefold()


_RESERVED_KEYS = frozenset(_reserved_key(name) for name in RESERVED_NAMES)


def public_name_check(value: str, *, user=None, allow_reserved: bool = False) -> str:
    """The name normalised, or a Korean ValidationError: invisible or bidi-control characters,
    nothing visible, a reserved name, or another member's display name or username.

    "Another member's" is compared case-insensitively (the database's iexact: every letter
    on PostgreSQL, ASCII on SQLite; full-width letters are already folded by NFKC).
    `user` is the member being named, who may keep their own names; `allow_reserved` is for
    staff accounts named in the admin.
    """
    name = normalize_name(value)
    if not name:
        return ""
    if has_invisible(value) or has_invisible(name):
        raise ValidationError(NAME_INVISIBLE, code="invisible")
    if not has_visible(name):
        raise ValidationError(NAME_NOTHING_VISIBLE, code="nothing_visible")
    if not allow_reserved and _reserved_key(name) in _RESERVED_KEYS:
        raise ValidationError(NAME_RESERVED, code="reserved")
    same = Q()
    for spelling in {name, name.casefold()}:
        same |= Q(display_name__iexact=spelling) | Q(username__iexact=spelling)
    others = User.objects.filter(same)
    if user is not None and user.pk is not None:
        others = others.exclude(pk=user.pk)
    if others.exists():
        raise ValidationError(NAME_TAKEN, code="taken")
    return name


class UsernameValidator(UnicodeUsernameValidator):
    """Django's rule (`\\w` is any letter, Hangul included, or digit, plus @ . + - _),
    refused in the site's own words."""

    message = USERNAME_INVALID


class User(AbstractUser):
    """A member. The display name is what readers see next to comments and in the greeting;
    `public_name_check` keeps it visible and nobody else's."""

    # `아이디` on every form (sign-up, sign-in, admin): the field's own label and rule.
    username = models.CharField(
        "아이디",
        max_length=150,
        unique=True,
        help_text=USERNAME_HELP,
        validators=[UsernameValidator()],
        error_messages={"unique": USERNAME_TAKEN},
    )

    display_name = models.CharField("표시 이름", max_length=30, blank=True)

    class Meta:
        verbose_name = "회원"
        verbose_name_plural = "회원"

    def __str__(self):
        return self.public_name

    @property
    def public_name(self) -> str:
        return self.display_name or self.username
