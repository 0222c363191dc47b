"""`비밀번호를 잊으셨나요?`: a reset link by e-mail, in Korean, limited so it cannot spam anyone."""

import re

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from accounts.forms import EMAIL_HELP, EMAIL_INVALID
from accounts.models import User
from accounts.views import RESET_LIMITED
from aipick.ratelimit import RATE_LIMIT_UNAVAILABLE
from aipick.tests.test_outages import DEAD_CACHES

from .factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "새-부엉이-비밀번호-2026"


def ask(email: str, *, address: str = "203.0.113.9"):
    return Client(REMOTE_ADDR=address).post(reverse("password_reset"), {"email": email})


def link_in(message) -> str:
    return re.search(r"https?://testserver(/accounts/reset/\S+/)", message.body).group(1)


def test_sign_in_page_links_the_reset(client):
    """The sign-in page offers `비밀번호를 잊으셨나요?`, leading to the reset form in Korean."""
    html = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}"' in html and "비밀번호를 잊으셨나요?" in html
    form = client.get(reverse("password_reset")).content.decode()
    assert "비밀번호 찾기" in form and "재설정 링크 받기" in form


def test_reset_end_to_end():
    """The member gets a Korean mail, follows its link, sets a new password and signs in with it."""
    make_user("owl", email="owl@example.com", display_name="부엉이")
    response = ask("OWL@example.com")
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["owl@example.com"]
    assert message.subject == "[AI PICK] 비밀번호 재설정 안내"
    assert "부엉이님, 안녕하세요." in message.body and "아이디: owl" in message.body
    assert "60분 동안, 한 번만" in message.body

    client = Client()
    page = client.get(link_in(message), follow=True)
    assert "새 비밀번호 정하기" in page.content.decode()
    done = client.post(
        page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert done.redirect_chain[-1][0] == reverse("password_reset_complete")
    assert "비밀번호를 바꿨습니다" in done.content.decode()
    assert Client().login(username="owl", password=NEW_PASSWORD)
    assert not Client().login(username="owl", password=PASSWORD)

    # The link worked once: after the change it no longer does.
    again = Client().get(link_in(message), follow=True).content.decode()
    assert "링크를 쓸 수 없습니다" in again


def test_unknown_address_gets_the_same_answer_and_no_mail():
    """An address nobody signed up with gets the very same page, and no mail goes out."""
    make_user("owl", email="owl@example.com")
    known = ask("owl@example.com")
    unknown = ask("nobody@example.com", address="198.51.100.4")
    assert unknown.status_code == known.status_code == 302
    assert unknown.url == known.url
    assert len(mail.outbox) == 1
    done = Client().get(unknown.url).content.decode()
    assert "가입한 회원이 있다면" in done


def test_a_tampered_link_is_refused_in_korean(client):
    """A link with a wrong token says so in Korean and offers a new one; nothing changes."""
    user = make_user("owl", email="owl@example.com")
    response = client.get(
        reverse("password_reset_confirm", args=["MQ", "wrong-token"]), follow=True
    )
    html = response.content.decode()
    assert "링크를 쓸 수 없습니다" in html and reverse("password_reset") in html
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_mismatched_new_passwords_are_refused_in_korean():
    """Two different new passwords: a Korean message, and the old password still works."""
    make_user("owl", email="owl@example.com")
    ask("owl@example.com")
    client = Client()
    page = client.get(link_in(mail.outbox[0]), follow=True)
    response = client.post(
        page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": "다른-비밀번호-9"},
    )
    assert response.status_code == 200
    assert "비밀번호가 일치하지 않습니다" in response.content.decode()
    assert Client().login(username="owl", password=PASSWORD)


def test_bad_address_gets_a_korean_message_and_no_mail():
    """A malformed or empty address is refused in Korean, sends nothing and counts nothing."""
    for bad in ("not-an-address", ""):
        response = ask(bad)
        assert response.status_code == 200
        html = response.content.decode()
        assert EMAIL_INVALID in html or "이메일을 입력해 주세요." in html
    assert mail.outbox == []


@override_settings(PASSWORD_RESET_LIMIT_PER_EMAIL=2, PASSWORD_RESET_LIMIT_PER_IP=100)
def test_one_address_is_mailed_only_a_few_times():
    """Asked again and again, even from many places, an inbox gets a few mails, then a Korean refusal."""
    make_user("owl", email="owl@example.com")
    for n in range(2):
        assert ask("owl@example.com", address=f"198.51.100.{n}").status_code == 302
    refused = ask("Owl@Example.com", address="198.51.100.9")
    assert refused.status_code == 429
    assert RESET_LIMITED in refused.content.decode()
    assert len(mail.outbox) == 2


@override_settings(PASSWORD_RESET_LIMIT_PER_EMAIL=100, PASSWORD_RESET_LIMIT_PER_IP=3)
def test_one_client_address_cannot_spray_many_inboxes():
    """One client address asking for many different inboxes is stopped after a few."""
    users = [make_user(f"owl{n}", email=f"owl{n}@example.com") for n in range(5)]
    answers = [ask(user.email).status_code for user in users]
    assert answers == [302, 302, 302, 429, 429]
    assert len(mail.outbox) == 3


@override_settings(PASSWORD_RESET_LIMIT_PER_EMAIL=1, PASSWORD_RESET_LIMIT_PER_IP=100)
def test_the_refusal_is_the_same_for_unknown_addresses():
    """The limit counts unknown addresses too, so refusing tells nobody who is a member."""
    make_user("owl", email="owl@example.com")
    ask("owl@example.com")
    ask("ghost@example.com")
    known = ask("owl@example.com")
    unknown = ask("ghost@example.com")
    assert known.status_code == unknown.status_code == 429
    assert RESET_LIMITED in unknown.content.decode()


@override_settings(CACHES=DEAD_CACHES)
def test_reset_fails_closed_while_the_counter_store_is_down(client):
    """Without the rate-limit store no mail goes out: the Korean 503 instead of unlimited mail."""
    make_user("owl", email="owl@example.com")
    response = client.post(reverse("password_reset"), {"email": "owl@example.com"})
    assert response.status_code == 503
    assert RATE_LIMIT_UNAVAILABLE in response.content.decode()
    assert mail.outbox == []


def test_signup_offers_an_optional_email_for_resets(client):
    """Sign-up has an optional 이메일 saying it is only for password resets; it is kept."""
    html = client.get(reverse("signup")).content.decode()
    assert "이메일 (선택)" in html and EMAIL_HELP in html
    fields = {"password1": "부엉이-비밀번호-2025", "password2": "부엉이-비밀번호-2025"}
    client.post(reverse("signup"), {"username": "withmail", "email": "me@example.com", **fields})
    assert User.objects.get(username="withmail").email == "me@example.com"
    Client().post(reverse("signup"), {"username": "nomail", **fields})
    assert User.objects.get(username="nomail").email == ""


def test_signup_with_a_bad_email_is_refused_in_korean(client):
    """A malformed address at sign-up gets a Korean message and makes no account."""
    response = client.post(
        reverse("signup"),
        {
            "username": "badmail",
            "email": "no-at-sign",
            "password1": "부엉이-비밀번호-2025",
            "password2": "부엉이-비밀번호-2025",
        },
    )
    assert EMAIL_INVALID in response.content.decode()
    assert not User.objects.filter(username="badmail").exists()
