"""Many readers voting at the same moment: every count still equals its rows."""

import http.cookiejar
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from aipick.testing import run_at_once
from polls.models import Vote
from polls.services import Voter, poll_vote_submit

from .factories import assert_counters_match_rows, browser, choices, make_poll

ROOT = Path(settings.BASE_DIR)


@pytest.mark.postgres(
    reason="needs PostgreSQL: SQLite serialises every writer, so nothing would race"
)
@pytest.mark.django_db(transaction=True)
def test_100_voters_at_once_then_100_switches_on_postgresql():
    """100 readers voting in the same instant make 총 투표수 exactly 100; then all switch sides at once."""
    poll = make_poll()
    pro, con = choices(poll)
    voters = [browser(f"crowd-{i}") for i in range(100)]
    connection.close()  # leave the connection slots to the 100 threads

    errors = run_at_once(range(100), lambda i: submit(poll, pro if i % 2 else con, voters[i], i))
    assert not errors, errors[:3]
    pro.refresh_from_db()
    con.refresh_from_db()
    assert Vote.objects.filter(poll=poll).count() == 100
    assert (pro.vote_count, con.vote_count) == (50, 50)
    assert_counters_match_rows(poll)

    errors = run_at_once(range(100), lambda i: submit(poll, con if i % 2 else pro, voters[i], i))
    assert not errors, errors[:3]
    pro.refresh_from_db()
    con.refresh_from_db()
    assert Vote.objects.filter(poll=poll).count() == 100
    assert (pro.vote_count, con.vote_count) == (50, 50)
    assert (pro.switched_away_count, con.switched_away_count) == (50, 50)
    assert_counters_match_rows(poll)


@pytest.mark.postgres(
    reason="needs PostgreSQL: SQLite serialises every writer, so nothing would race"
)
@pytest.mark.django_db(transaction=True)
def test_100_new_readers_at_once():
    """100 readers without a voter cookie vote in the same instant: 100 rows, counts equal to them."""
    poll = make_poll()
    pro, con = choices(poll)
    connection.close()
    labels = []

    def vote(i):
        voter = Voter.browser(f"new-{i}", fresh=True)
        labels.append(submit(poll, (pro, con)[i % 2], voter, i).choice.label)

    errors = run_at_once(range(100), vote)
    assert not errors, errors[:3]
    assert sorted(labels) == ["반대"] * 50 + ["찬성"] * 50
    pro.refresh_from_db()
    con.refresh_from_db()
    assert (pro.vote_count, con.vote_count) == (50, 50)
    assert_counters_match_rows(poll)


def submit(poll, choice, voter, i):
    """The vote as the view sends it; each reader from their own address, as in real life."""
    return poll_vote_submit(
        article_id=poll.article_id,
        raw_choice=str(choice.pk),
        voter=voter,
        client_ip=f"198.51.100.{i}",
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.mark.django_db
def test_50_simultaneous_voters_through_gunicorn_on_sqlite(tmp_path):
    """On the embedded SQLite setup, 50 readers voting at once through gunicorn all get through."""
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite deployment check; the PostgreSQL run has its own race test")
    db = tmp_path / "votes.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "DJANGO_DEBUG": "1",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        "POLL_RATE_LIMIT": "1000/minute",  # 50 readers share 127.0.0.1 here
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("REDIS_URL", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate", "--noinput"], ["load_demo"]):
        subprocess.run([*manage, *command], cwd=ROOT, env=env, check=True, capture_output=True)
    with sqlite3.connect(db) as con:
        article_id, pro_id, con_id = con.execute(
            "SELECT p.article_id, MIN(c.id), MAX(c.id) FROM polls_poll p "
            "JOIN polls_choice c ON c.poll_id = p.id GROUP BY p.id"
        ).fetchone()
        # The demo's five members have voted already (3 찬성, 2 반대).
        (demo_votes,) = con.execute("SELECT COUNT(*) FROM polls_vote").fetchone()
    assert demo_votes == 5

    empty_config = tmp_path / "gunicorn.conf.py"
    empty_config.write_text("")
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "aipick.wsgi",
            "-c",
            str(empty_config),
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "-k",
            "gthread",
            "--threads",
            "8",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)

        article_url = f"{base}/articles/{article_id}/"
        vote_url = f"{base}/articles/{article_id}/poll/vote/"
        statuses: list[int] = []
        barrier = threading.Barrier(50, timeout=60)

        def reader(i):
            jar = http.cookiejar.CookieJar()
            opener = urllib.request.build_opener(
                urllib.request.HTTPCookieProcessor(jar), NoRedirect()
            )
            html = opener.open(article_url, timeout=30).read().decode()
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
            body = urllib.parse.urlencode(
                {"csrfmiddlewaretoken": token, "choice": pro_id if i % 2 else con_id}
            ).encode()
            barrier.wait()
            try:
                response = opener.open(vote_url, data=body, timeout=30)
                statuses.append(response.status)
            except urllib.error.HTTPError as answer:
                statuses.append(answer.code)

        threads = [threading.Thread(target=reader, args=(i,)) for i in range(50)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait(timeout=10)

    assert len(statuses) == 50
    assert all(200 <= s < 400 for s in statuses), sorted(statuses)
    with sqlite3.connect(db) as con:
        rows = dict(con.execute("SELECT choice_ref, COUNT(*) FROM polls_vote GROUP BY choice_ref"))
        counted = dict(con.execute("SELECT ref, vote_count FROM polls_choice"))
    assert sum(rows.values()) == demo_votes + 50
    assert sum(counted.values()) == demo_votes + 50
    assert all(counted[ref] == rows.get(ref, 0) for ref in counted)
