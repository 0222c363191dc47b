"""Where mail goes: the console by default, an SMTP server named by EMAIL_URL or EMAIL_HOST."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from aipick.settings import CONSOLE_MAILER, SMTP_BACKEND, mailer_from_url

ROOT = Path(__file__).resolve().parent.parent.parent


def test_smtp_url_with_starttls():
    """`smtp://user:pass@host:587?tls=1` is STARTTLS on 587 with the decoded credentials."""
    mailer = mailer_from_url("smtp://aipick%40mail.kr:p%3Ass@smtp.example.com:587?tls=1")
    assert mailer["BACKEND"] == SMTP_BACKEND
    options = mailer["OPTIONS"]
    assert options["host"] == "smtp.example.com" and options["port"] == 587
    assert options["username"] == "aipick@mail.kr" and options["password"] == "p:ss"
    assert options["use_tls"] is True and options["use_ssl"] is False
    assert options["timeout"] > 0


def test_smtps_url_defaults_to_ssl_on_465():
    """`smtps://host` is SMTP over SSL on port 465 unless another port is given."""
    options = mailer_from_url("smtps://user:secret@smtp.example.com")["OPTIONS"]
    assert options["port"] == 465 and options["use_ssl"] is True and options["use_tls"] is False


def test_plain_smtp_url_defaults_to_port_25():
    """`smtp://host` alone is plain SMTP on port 25, without credentials."""
    options = mailer_from_url("smtp://localhost")["OPTIONS"]
    assert options["port"] == 25 and options["username"] == "" and not options["use_tls"]


def test_console_url():
    """`console:` prints mail on the server's output."""
    assert mailer_from_url("console:") == CONSOLE_MAILER


def test_unknown_scheme_stops_with_a_korean_line():
    """A typo in EMAIL_URL stops the start-up with a one-line Korean explanation."""
    with pytest.raises(SystemExit, match="EMAIL_URL의 형식을 알 수 없습니다"):
        mailer_from_url("smpt://host")


def mailers_for(**env) -> str:
    """MAILERS as a fresh process with these environment variables would set it."""
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith("EMAIL_") and k != "DJANGO_DEBUG"
    }
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.MAILERS['default'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "aipick.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def test_default_is_the_console_and_email_host_is_read():
    """No mail variables: the console (SMTP on localhost in production, so no reset link lands
    in a log); Django's classic EMAIL_HOST/EMAIL_PORT still work."""
    assert "console.EmailBackend" in mailers_for()
    production = mailers_for(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 60)
    assert "smtp.EmailBackend" in production and "'host': 'localhost'" in production
    classic = mailers_for(EMAIL_HOST="mail.example.com", EMAIL_PORT="2525", EMAIL_USE_TLS="1")
    assert "smtp.EmailBackend" in classic and "'port': 2525" in classic
    assert "'use_tls': True" in classic
    assert "'host': 'relay.example.com'" in mailers_for(
        EMAIL_URL="smtp://relay.example.com", EMAIL_HOST="mail.example.com"
    )
