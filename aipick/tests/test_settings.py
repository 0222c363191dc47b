"""Production settings: the deploy checklist, a refusal without a secret, and the headers."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]


def production_env(**extra) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") or key == "DJANGO_SETTINGS_MODULE"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="aipick.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        DJANGO_ALLOWED_HOSTS="example.com",
        DJANGO_HTTPS="1",
    )
    env.update(extra)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_check_deploy_is_clean_in_production_settings():
    """An operator running Django's deploy checklist with production settings gets no warning."""
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_a_secret_refuses_to_start_in_one_line():
    """DJANGO_DEBUG=0 without DJANGO_SECRET_KEY stops with one Korean line, not a traceback."""
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    result = run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1
    assert "DJANGO_SECRET_KEY" in lines[0]


def test_https_turns_on_hsts_secure_cookies_and_the_proxy_header():
    """Behind HTTPS the cookies are Secure and HSTS is a year; on plain http neither is forced."""
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER is not None)"
    )
    https = run(["-c", script], production_env())
    assert https.stdout.split() == ["True", "True", "31536000", "True", "True"], https.stderr
    http = run(["-c", script], production_env(DJANGO_HTTPS="0"))
    assert http.stdout.split()[:4] == ["False", "False", "0", "False"], http.stderr


def test_admin_lives_at_the_configured_path():
    """DJANGO_ADMIN_URL moves the admin; the default path then answers 404."""
    script = (
        "import django; django.setup(); from django.urls import reverse, resolve, Resolver404\n"
        "print(reverse('admin:index'))\n"
        "try:\n    resolve('/admin/')\n    print('found')\nexcept Resolver404:\n    print('404')"
    )
    result = run(["-c", script], production_env(DJANGO_ADMIN_URL="/editor-desk"))
    assert result.stdout.split() == ["/editor-desk/", "404"], result.stderr


@pytest.mark.django_db
@override_settings(
    DEBUG=False,
    ALLOWED_HOSTS=["example.com"],
    SECURE_SSL_REDIRECT=True,
    SECURE_HSTS_SECONDS=31536000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SECURE_HSTS_PRELOAD=True,
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
)
def test_home_page_sends_the_security_headers(client):
    """A browser gets a strict CSP (no inline code), HSTS, nosniff, referrer, COOP and frame denial."""
    response = client.get("/", headers={"host": "example.com", "x-forwarded-proto": "https"})
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


@pytest.mark.django_db
@override_settings(ALLOWED_HOSTS=["example.com"], SECURE_SSL_REDIRECT=True)
def test_plain_http_is_redirected_to_https(client):
    """With HTTPS on, a plain-http request is sent to the https address first."""
    response = client.get("/", headers={"host": "example.com"})
    assert response.status_code == 301
    assert response["Location"] == "https://example.com/"


def test_pages_carry_no_inline_script_or_style():
    """The templates need no 'unsafe-inline': no <script> body, <style> or style=/on*= attribute."""
    import re

    offenders = []
    pattern = re.compile(r"<style|\sstyle=|\son[a-z]+=|<script(?![^>]*\ssrc=)", re.IGNORECASE)
    for path in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("*/templates/**/*.html")]:
        if ".venv" in path.parts:
            continue
        offenders += [
            f"{path.relative_to(ROOT)}: {m.group()}" for m in pattern.finditer(path.read_text())
        ]
    assert offenders == []


def test_uploads_are_limited_by_settings(settings):
    """Request bodies and in-memory uploads are capped, and cover images have their own limit."""
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024
    assert settings.COVER_MAX_BYTES == 10 * 1024 * 1024
