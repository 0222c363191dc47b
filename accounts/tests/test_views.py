import pytest
from django.test import override_settings
from django.urls import reverse

from accounts import throttle
from accounts.models import User
from aipick import ratelimit
from aipick.ratelimit import RATE_LIMIT_UNAVAILABLE
from aipick.tests.test_outages import DEAD_CACHES

from .factories import PASSWORD, make_article, make_user

pytestmark = pytest.mark.django_db


def test_signup_creates_member_and_signs_in(client):
    """A new reader signs up with a display name and is greeted by it straight away."""
    response = client.post(
        reverse("signup"),
        {
            "username": "newreader",
            "display_name": "새독자",
            "password1": "부엉이-비밀번호-2025",
            "password2": "부엉이-비밀번호-2025",
        },
        follow=True,
    )
    assert User.objects.get(username="newreader").display_name == "새독자"
    assert "환영해🦉 <strong>새독자</strong>" in response.content.decode()


def test_signup_rejects_weak_password_in_korean(client):
    """A too-short, common password is refused with Django's validators, in Korean."""
    response = client.post(
        reverse("signup"),
        {"username": "weak", "display_name": "", "password1": "1234", "password2": "1234"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert not User.objects.filter(username="weak").exists()
    assert "비밀번호" in html and "너무" in html


def test_signup_rejects_mismatched_passwords(client):
    """Typing the password differently twice is caught before an account exists."""
    client.post(
        reverse("signup"),
        {
            "username": "typo",
            "password1": "부엉이-비밀번호-2025",
            "password2": "부엉이-비밀번호-2026",
        },
    )
    assert not User.objects.filter(username="typo").exists()


def test_login_follows_safe_next(client):
    """Signing in from an article brings the reader back to that article."""
    make_user("reader")
    article = make_article()
    response = client.post(
        reverse("login"),
        {"username": "reader", "password": PASSWORD, "next": article.get_absolute_url()},
    )
    assert response.status_code == 302
    assert response.url == article.get_absolute_url()


def test_login_ignores_offsite_next(client):
    """A crafted link cannot bounce a member to another site after sign-in."""
    make_user("reader")
    response = client.post(
        reverse("login"),
        {"username": "reader", "password": PASSWORD, "next": "https://evil.example/phish"},
    )
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_signup_ignores_offsite_next(client):
    """Sign-up also refuses to send a new member off-site."""
    response = client.post(
        reverse("signup") + "?next=//evil.example/",
        {
            "username": "fresh",
            "password1": "부엉이-비밀번호-2025",
            "password2": "부엉이-비밀번호-2025",
        },
    )
    assert response.url == reverse("home")


def test_wrong_password_message_is_korean(client):
    """A wrong password gets a Korean explanation, not a silent reload."""
    make_user("reader")
    response = client.post(reverse("login"), {"username": "reader", "password": "nope"})
    assert "아이디 또는 비밀번호가 올바르지 않습니다." in response.content.decode()


def test_five_failures_throttle_the_username(client):
    """After five wrong passwords even the right one is refused for a while, with a Korean message."""
    make_user("target")
    for _ in range(5):
        client.post(reverse("login"), {"username": "target", "password": "guess"})
    response = client.post(reverse("login"), {"username": "target", "password": PASSWORD})
    assert throttle.LOGIN_THROTTLED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_throttle_the_ip_across_usernames(client):
    """Spraying many usernames from one address is paused too."""
    make_user("victim")
    for n in range(5):
        client.post(reverse("login"), {"username": f"guess{n}", "password": "guess"})
    response = client.post(reverse("login"), {"username": "victim", "password": PASSWORD})
    assert throttle.LOGIN_THROTTLED in response.content.decode()


def test_failures_are_counted_in_the_shared_rate_limit_store(client):
    """Sign-in failures count where votes and comments do (Redis in production), per username and IP."""
    make_user("counted")
    for _ in range(3):
        client.post(reverse("login"), {"username": "Counted ", "password": "guess"})
    assert ratelimit.count("accounts:login-fail:user:counted") == 3
    assert ratelimit.count("accounts:login-fail:ip:127.0.0.1") == 3


@override_settings(CACHES=DEAD_CACHES)
def test_sign_in_fails_closed_while_redis_is_down(client):
    """With the throttle's store down nobody can guess passwords unlimited: a Korean 503, no sign-in."""
    make_user("reader")
    response = client.post(reverse("login"), {"username": "reader", "password": PASSWORD})
    assert response.status_code == 503
    assert RATE_LIMIT_UNAVAILABLE in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_is_post_only(client):
    """Visiting the logout address does not sign anyone out; the header button (POST) does."""
    user = make_user()
    client.force_login(user)
    assert client.get(reverse("logout")).status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_header_links_for_anonymous_and_member(client):
    """Signed out the header offers 로그인/회원가입; signed in it offers 저장한 기사 and 로그아웃."""
    html = client.get(reverse("home")).content.decode()
    assert "로그인" in html and "회원가입" in html and "로그아웃" not in html
    client.force_login(make_user(display_name="부엉이"))
    html = client.get(reverse("home")).content.decode()
    assert "저장한 기사" in html and "로그아웃" in html
    assert f'action="{reverse("logout")}"' in html


def test_password_change(client):
    """A member changes the password and can sign in with the new one."""
    user = make_user("changer")
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "새-부엉이-비밀번호-77",
            "new_password2": "새-부엉이-비밀번호-77",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("새-부엉이-비밀번호-77")


def test_password_change_requires_login(client):
    """The password page sends anonymous visitors to sign in."""
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and reverse("login") in response.url
