"""Display names: one visible name per member, never the site's own voices."""

import pytest
from django.urls import reverse

from accounts.forms import SignupForm
from accounts.models import (
    NAME_INVISIBLE,
    NAME_NOTHING_VISIBLE,
    NAME_RESERVED,
    NAME_TAKEN,
    RESERVED_NAMES,
    User,
)
from articles.models import DebateLine

from .factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "부엉이-비밀번호-2025"


def signup_form(display_name: str, username: str = "newreader") -> SignupForm:
    return SignupForm(
        {
            "username": username,
            "display_name": display_name,
            "password1": PASSWORD,
            "password2": PASSWORD,
        }
    )


def display_name_errors(display_name: str) -> list[str]:
    form = signup_form(display_name)
    assert not form.is_valid()
    return form.errors["display_name"]


def test_another_members_exact_name_is_taken():
    """A name another member already shows is refused."""
    make_user(display_name="부엉이독자")
    assert display_name_errors("부엉이독자") == [NAME_TAKEN]


def test_another_members_username_is_taken():
    """Another member's username is their shown name when they set none: refused too."""
    make_user("owlreader")
    assert display_name_errors("OwlReader") == [NAME_TAKEN]


def test_a_case_folded_duplicate_is_taken():
    """`AI Fan` and `ai fan` are the same name; full-width `ＡＩ Ｆａｎ` is too."""
    make_user(display_name="AI Fan")
    assert display_name_errors("ai fan") == [NAME_TAKEN]
    assert display_name_errors("ＡＩ  Ｆａｎ") == [NAME_TAKEN]


@pytest.mark.parametrize("name", ["AI PICK 편집국", "aipick편집국", "AI PICK", "관리자", "운영자"])
def test_the_sites_own_names_are_reserved(name):
    """Nobody signs up as the newsroom, the site or its staff."""
    assert display_name_errors(name) == [NAME_RESERVED]


def test_the_mascots_are_reserved():
    """부키 and 모키, the two voices of every article's debate, are reserved."""
    for label in DebateLine.Speaker.labels:
        assert label in RESERVED_NAMES
        assert display_name_errors(label) == [NAME_RESERVED]


def test_reserved_name_with_a_zero_width_space_is_refused():
    """`관리자` with a zero-width space looks like 관리자 and is refused."""
    assert display_name_errors("관리자\u200b") == [NAME_INVISIBLE]


def test_a_bidi_override_before_a_name_is_refused():
    """U+202E before a name (it turns the text around) is refused."""
    assert display_name_errors("\u202e독자") == [NAME_INVISIBLE]


@pytest.mark.parametrize("filler", ["\u3164", "\uffa0", "\u115f", "\u1160"])
def test_a_hangul_filler_alone_is_refused(filler):
    """A blank-looking Hangul filler is no name."""
    assert display_name_errors(filler) == [NAME_INVISIBLE]


def test_a_name_of_combining_marks_only_is_refused():
    """Marks with nothing to sit on show nothing."""
    assert display_name_errors("\u0301\u0301") == [NAME_NOTHING_VISIBLE]


def test_a_name_is_stored_normalised():
    """Full-width letters and repeated spaces are stored as readers will compare them."""
    form = signup_form("  ＡＩ   좋아  ")
    assert form.is_valid(), form.errors
    assert form.save().display_name == "AI 좋아"


def test_an_empty_display_name_shows_the_username_which_is_checked_too():
    """Left empty, the username is the shown name: a reserved one is refused there."""
    form = signup_form("", username="관리자")
    assert not form.is_valid()
    assert form.errors["username"] == [NAME_RESERVED]
    assert signup_form("", username="owl_fan").is_valid()


def test_the_signup_page_shows_the_korean_message(client):
    """Without JavaScript the refusal is shown under the field; no account is made."""
    response = client.post(
        reverse("signup"),
        {
            "username": "sneaky",
            "display_name": "AI PICK 편집국",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert NAME_RESERVED in response.content.decode()
    assert not User.objects.filter(username="sneaky").exists()


def admin_change(client, user, **changes):
    data = {
        "username": user.username,
        "display_name": user.display_name,
        "date_joined_0": "2025-04-30",
        "date_joined_1": "00:58:00",
        "is_active": "on",
        **changes,
    }
    return client.post(reverse("admin:accounts_user_change", args=[user.pk]), data)


def test_the_admin_holds_members_to_the_same_rules(client):
    """Staff cannot give a member another member's name or a reserved one in the admin."""
    make_user(display_name="부엉이독자")
    member = make_user(display_name="새독자")
    client.force_login(make_user(is_staff=True, is_superuser=True))
    response = admin_change(client, member, display_name="부엉이독자")
    assert NAME_TAKEN in response.content.decode()
    response = admin_change(client, member, display_name="편집국")
    assert NAME_RESERVED in response.content.decode()
    member.refresh_from_db()
    assert member.display_name == "새독자"


def test_a_staff_account_may_carry_a_reserved_name(client):
    """The newsroom's own account may be called 편집국; a member keeps their own name on save."""
    newsroom = make_user(display_name="도윤", is_staff=True)
    client.force_login(make_user(is_staff=True, is_superuser=True))
    response = admin_change(client, newsroom, display_name="편집국", is_staff="on")
    assert response.status_code == 302
    newsroom.refresh_from_db()
    assert newsroom.display_name == "편집국"
    assert admin_change(client, newsroom, is_staff="on").status_code == 302
