"""CSRF secrets drawn in one system call still look and work exactly like Django's."""

from django.middleware import csrf
from django.test import RequestFactory

from aipick.csrf import _new_csrf_string


def test_new_secrets_are_32_allowed_characters_and_never_repeat():
    """Each secret is 32 letters and digits; a thousand of them are all different."""
    drawn = [_new_csrf_string() for _ in range(1000)]
    assert len(set(drawn)) == 1000
    for secret in drawn:
        assert len(secret) == csrf.CSRF_SECRET_LENGTH
        assert set(secret) <= set(csrf.CSRF_ALLOWED_CHARS)
    # Every position takes many values: no character is stuck.
    for position in range(csrf.CSRF_SECRET_LENGTH):
        assert len({secret[position] for secret in drawn}) > 50


def test_a_new_readers_token_unmasks_to_their_cookie_secret():
    """Django's own checks accept the token a cookie-less reader is given."""
    request = RequestFactory().get("/")
    token = csrf.get_token(request)
    secret = request.META["CSRF_COOKIE"]
    csrf._check_token_format(token)
    assert csrf._unmask_cipher_token(token) == secret
    assert csrf._does_token_match(token, secret)
