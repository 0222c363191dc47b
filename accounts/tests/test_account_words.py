"""The same words on every account form, and sign-out back to the page one was on."""

import pytest
from django.urls import reverse

from accounts.forms import SignupForm
from accounts.models import USERNAME_HELP, USERNAME_INVALID, User

from .factories import PASSWORD, make_article, make_user

pytestmark = pytest.mark.django_db


def test_sign_in_sign_up_and_admin_all_say_아이디(client):
    """Sign-up, sign-in and the editors' sign-in call the username 아이디, never 사용자 이름."""
    for url in (reverse("signup"), reverse("login"), reverse("admin:login")):
        html = client.get(url).content.decode()
        assert "아이디" in html, url
        assert "사용자 이름" not in html, url


def test_signup_help_states_the_real_rule():
    """The help text promises Hangul and the symbols the form really accepts."""
    form = SignupForm()
    assert form.fields["username"].help_text == USERNAME_HELP
    assert "한글" in USERNAME_HELP
    accepted = SignupForm(
        {"username": "부엉이_2025.ai", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert accepted.is_valid(), accepted.errors
    refused = SignupForm({"username": "부엉 이", "password1": PASSWORD, "password2": PASSWORD})
    assert not refused.is_valid()
    assert refused.errors["username"] == [USERNAME_INVALID]


def test_sign_out_returns_to_the_page_one_was_on(client):
    """The header's 로그아웃 sends the current page along, and signing out lands back there."""
    article = make_article()
    client.force_login(make_user())
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'name="next" value="{article.get_absolute_url()}"' in html
    response = client.post(reverse("logout"), {"next": article.get_absolute_url()})
    assert response.status_code == 302
    assert response.url == article.get_absolute_url()
    assert "_auth_user_id" not in client.session


def test_sign_out_with_an_offsite_next_goes_home(client):
    """A next pointing at another site is ignored: signing out goes to the home page."""
    client.force_login(make_user())
    response = client.post(reverse("logout"), {"next": "//evil.com"})
    assert response.url == reverse("home")
    assert "_auth_user_id" not in client.session
    assert User.objects.exists()
