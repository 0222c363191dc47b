"""A real site for the tests that need several processes: a fresh SQLite database in a
temporary directory, gunicorn on a free port, and readers with their own cookies.

Only the standard library talks to the servers (urllib, one connection per request), so
each request may land on any worker. Used by test_many_workers.py and test_redis_stall.py.
"""

import http.cookiejar
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

from bench.server import stop, wait_until_up

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
PASSWORD = "live-site-pass-" + secrets.token_hex(4)
# The access log names the worker (pid) that answered each request.
ACCESS_FORMAT = "%(p)s %(m)s %(U)s %(s)s"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_env(tmp: Path, **extra: str) -> dict[str, str]:
    """A site of its own: SQLite file, cache directory and media under `tmp`; no Redis
    unless `extra` names one; the per-member comment pause off, limits out of the way."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "GUNICORN_")) and k not in {"DATABASE_URL", "REDIS_URL"}
    }
    (tmp / "cache").mkdir(exist_ok=True)
    (tmp / "media").mkdir(exist_ok=True)
    env.update(
        DJANGO_SETTINGS_MODULE="aipick.settings",
        # DEBUG on serves the static files' plain names, so no collectstatic (which writes
        # into the shared project directory) is needed.
        DJANGO_DEBUG="1",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_HTTPS="0",
        DJANGO_CACHE_DIR=str(tmp / "cache"),
        DJANGO_MEDIA_ROOT=str(tmp / "media"),
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        COMMENT_RATE_SECONDS="0",
        POLL_RATE_LIMIT="1000/minute",
        LOGIN_FAILURE_LIMIT="1000",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        raise AssertionError(f"manage.py {args[0]} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


SETUP_SCRIPT = """
import json, os
from django.contrib.auth import get_user_model
from polls.models import Poll
User = get_user_model()
password = os.environ["LIVE_SITE_PASSWORD"]
members = json.loads(os.environ["LIVE_SITE_MEMBERS"])
User.objects.create_superuser("editor", "editor@example.com", password, display_name="편집장")
for username, display_name in members.items():
    User.objects.create_user(username, password=password, display_name=display_name)
poll = Poll.objects.select_related("article").order_by("pk").first()
# Every reader, voter or not, sees each choice's count: a changed vote shows to all.
Poll.objects.filter(pk=poll.pk).update(results_visibility="always")
choices = list(poll.choices.order_by("order").values_list("pk", flat=True))
print(json.dumps({"article": poll.article_id, "choices": choices}))
"""


def prepare_site(env: dict[str, str], *, members: dict[str, str]) -> dict:
    """Migrate, load the demo, add an editor ("editor") and the members; returns the demo
    poll's article id and choice ids."""
    import json

    manage(env, "migrate", "--noinput")
    manage(env, "load_demo")
    out = manage(
        {**env, "LIVE_SITE_PASSWORD": PASSWORD, "LIVE_SITE_MEMBERS": json.dumps(members)},
        "shell",
        "-c",
        SETUP_SCRIPT,
    )
    return json.loads(out.strip().splitlines()[-1])


@contextmanager
def gunicorn(env: dict[str, str], *, workers: int, log_dir: Path):
    """`gunicorn aipick.wsgi -w N --threads 1` on 127.0.0.1:<free port>; yields the base
    URL and the access log's path. Always stopped."""
    port = free_port()
    access, errors = log_dir / "access.log", log_dir / "error.log"
    command = [
        GUNICORN,
        "aipick.wsgi",
        "-c",
        "gunicorn.conf.py",
        "-w",
        str(workers),
        "--threads",
        "1",
        "-b",
        f"127.0.0.1:{port}",
        "--access-logfile",
        str(access),
        "--access-logformat",
        ACCESS_FORMAT,
        "--error-logfile",
        str(errors),
    ]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_until_up(base, process=process)
        except SystemExit as failed:
            raise AssertionError(f"{failed}\n{errors.read_text()[-3000:]}") from None
        yield base, access
    finally:
        stop(process)


def workers_that_answered(access_log: Path, path_prefix: str) -> set[str]:
    pids = set()
    for line in access_log.read_text().splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[1] == "GET" and parts[2].startswith(path_prefix):
            pids.add(parts[0])
    return pids


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Response:
    def __init__(self, status: int, body: bytes, headers, seconds: float):
        self.status = status
        self.html = body.decode("utf-8", "replace")
        self.headers = headers
        self.seconds = seconds

    @property
    def location(self) -> str:
        return self.headers.get("Location", "") if self.headers else ""


class Browser:
    """One reader: a cookie jar, or (cookie_header) a fixed Cookie header and no jar."""

    def __init__(self, base: str, *, cookie_header: str | None = None, keep_cookies=True):
        self.base = base
        self.cookie_header = cookie_header
        self.jar = http.cookiejar.CookieJar()
        handlers = [NoRedirect()]
        if keep_cookies and cookie_header is None:
            handlers.insert(0, urllib.request.HTTPCookieProcessor(self.jar))
        self.opener = urllib.request.build_opener(*handlers)

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    def request(self, path: str, data: dict | None = None, timeout: float = 15) -> Response:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        if self.cookie_header is not None:
            request.add_header("Cookie", self.cookie_header)
        if data is not None:
            request.add_header("Referer", self.base + "/")
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=timeout) as response:
                raw, status, headers = response.read(), response.status, response.headers
        except urllib.error.HTTPError as error:
            raw, status, headers = error.read(), error.code, error.headers
        return Response(status, raw, headers, time.monotonic() - started)

    def get(self, path: str, timeout: float = 15) -> Response:
        return self.request(path, timeout=timeout)

    def post(self, path: str, data: dict, timeout: float = 15) -> Response:
        token = self.cookie("csrftoken")
        if token is None:
            self.get("/accounts/login/")
            token = self.cookie("csrftoken")
        return self.request(path, {**data, "csrfmiddlewaretoken": token}, timeout=timeout)

    def sign_in(self, username: str, password: str = PASSWORD) -> None:
        self.get("/accounts/login/")
        response = self.post("/accounts/login/", {"username": username, "password": password})
        assert response.status == 302, f"sign-in of {username} answered {response.status}"
        assert self.cookie("sessionid"), f"no session cookie after signing in {username}"


def page_text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


class FormFields(HTMLParser):
    """The fields a browser would submit from the form with the given id."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self.select: str | None = None
        self.textarea: str | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
            return
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "file", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self.fields.append((name, a.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in a:
            self.fields.append((self.select, a.get("value") or ""))
        elif tag == "textarea" and name:
            self.textarea, self.text = name, []

    def handle_data(self, data):
        if self.textarea is not None:
            self.text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            # A browser drops the one newline that follows <textarea>.
            value = "".join(self.text)
            self.fields.append((self.textarea, value.removeprefix("\n")))
            self.textarea = None


def form_fields(html: str, form_id: str) -> list[tuple[str, str]]:
    parser = FormFields(form_id)
    parser.feed(html)
    return parser.fields
