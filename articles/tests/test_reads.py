"""Read counting (articles/reads.py): once per reader per article per hour, no bots, no
database write per page view, exact across processes, harmless when Redis is sick."""

import json
import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import reads
from articles.models import Article, ArticleRead

from .factories import make_article, make_user

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"
LATER = 180  # seconds: the buffer's files of now are finished minutes by then


@pytest.fixture(autouse=True)
def file_buffer(settings):
    """The buffer without Redis, in this test's own directory (the Redis tests set their own)."""
    settings.REDIS_URL = ""


def read(client, article, agent=BROWSER, **extra):
    return client.get(article.get_absolute_url(), headers={"user-agent": agent}, **extra)


def flush() -> int:
    return reads.flush_reads(now=time.time() + LATER)


def buffered_lines(settings) -> list[str]:
    directory = Path(settings.READS_DIR)
    if not directory.exists():
        return []
    return [line for path in directory.iterdir() for line in path.read_text().splitlines()]


def test_a_reload_loop_counts_one_read_per_hour(client):
    """A reader reloading an article ten times is one read of it."""
    article = make_article()
    for _ in range(10):
        assert read(client, article).status_code == 200
    flush()
    assert ArticleRead.objects.filter(article=article).count() == 1


def test_rotating_user_agents_and_cookies_from_one_address_count_once(client, settings):
    """A script inventing a new User-Agent and voter cookie for every request is still one
    reader per address and hour: it cannot push an article up."""
    article = make_article()
    for n in range(5):
        client.cookies[settings.POLL_VOTER_COOKIE] = f"invented-{n}"
        read(client, article, agent=f"{BROWSER} v{n}", REMOTE_ADDR="203.0.113.50")
    flush()
    assert ArticleRead.objects.filter(article=article).count() == 1


def test_a_page_view_writes_nothing_to_the_database(client, settings):
    """Counting a read costs the article page no database write: it is buffered."""
    article = make_article()
    read(client, article)
    with CaptureQueriesContext(connection) as captured:
        assert read(client, article, REMOTE_ADDR="203.0.113.9").status_code == 200
    writes = ("INSERT", "UPDATE", "DELETE")
    assert not [q for q in captured.captured_queries if q["sql"].lstrip().startswith(writes)]
    assert len(buffered_lines(settings)) == 2


def test_two_readers_count_two(client, django_user_model):
    """Two browsers from two addresses, and a signed-in member, are three readers."""
    article = make_article()
    read(client, article, REMOTE_ADDR="203.0.113.1")
    read(client, article, REMOTE_ADDR="203.0.113.2")
    client.force_login(make_user())
    read(client, article, REMOTE_ADDR="203.0.113.2")
    flush()
    assert ArticleRead.objects.filter(article=article).count() == 3


def test_the_same_lines_flushed_twice_count_once(settings):
    """Lines buffered twice (two processes, or a batch flushed again) are one read each."""
    article = make_article()
    buffer = reads.FileBuffer(settings.READS_DIR)
    hour = int(time.time()) // 3600
    for _ in range(2):
        buffer.append(f"{article.pk} {hour} {'a' * 32}")
        buffer.append(f"{article.pk} {hour} {'b' * 32}")
        flush()
    assert ArticleRead.objects.filter(article=article).count() == 2


@pytest.mark.parametrize(
    ("agent", "headers"),
    [
        ("", {}),
        ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", {}),
        ("curl/8.5.0", {}),
        ("Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/131.0", {}),
        (BROWSER, {"sec-purpose": "prefetch;prerender"}),
        (BROWSER, {"purpose": "prefetch"}),
    ],
)
def test_bots_and_prefetches_count_nothing(client, settings, agent, headers):
    """A crawler, a script or a browser's prefetch leaves no read behind."""
    article = make_article()
    response = client.get(article.get_absolute_url(), headers={"user-agent": agent, **headers})
    assert response.status_code == 200
    assert buffered_lines(settings) == []


def test_unknown_and_draft_articles_leave_no_line(client, settings):
    """A 404 (unknown id, a draft) buffers nothing, so made-up URLs cannot fill the buffer."""
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    assert read(client, draft).status_code == 404
    assert client.get("/articles/987654/", headers={"user-agent": BROWSER}).status_code == 404
    assert client.head(make_article().get_absolute_url()).status_code == 200
    assert buffered_lines(settings) == []


def test_the_buffer_keeps_no_address(client, settings):
    """What is buffered names the reader by a short keyed hash, never by their address."""
    article = make_article()
    read(client, article, REMOTE_ADDR="198.51.100.77")
    [line] = buffered_lines(settings)
    article_id, _hour, reader = line.split()
    assert int(article_id) == article.pk
    assert len(reader) == 32 and "198.51.100.77" not in line


def test_reads_of_deleted_articles_are_dropped_and_old_rows_pruned(client):
    """A flush skips reads of articles deleted meanwhile and forgets reads older than 48 h."""
    kept, deleted = make_article(), make_article()
    old = ArticleRead.objects.create(
        article=kept, hour=timezone.now() - timedelta(hours=49), reader="c" * 32
    )
    read(client, kept)
    read(client, deleted)
    deleted.delete()
    flush()
    assert list(ArticleRead.objects.values_list("article", flat=True)) == [kept.pk]
    assert not ArticleRead.objects.filter(pk=old.pk).exists()


def test_the_flush_command_moves_the_buffer(client, capsys):
    """`manage.py flush_reads` (for cron) writes what the pages buffered."""
    article = make_article()
    read(client, article)
    # The command flushes finished minutes only; make this minute's file an old one.
    for path in Path(reads.current_buffer().directory).iterdir():
        minute, rest = path.name.split("-", 1)
        path.rename(path.with_name(f"{int(minute) - 5}-{rest}"))
    call_command("flush_reads")
    assert "조회 기록 1건" in capsys.readouterr().out
    assert ArticleRead.objects.filter(article=article).count() == 1


WRITER = """
import sys, django
django.setup()
from articles.reads import FileBuffer
buffer = FileBuffer(sys.argv[1])
for line in sys.argv[2].split(","):
    buffer.append(line)
"""

CLAIMER = """
import json, sys, time, django
django.setup()
from articles.reads import FileBuffer
while time.time() < float(sys.argv[2]):  # start together
    pass
paths = FileBuffer(sys.argv[1]).claim(time.time() + 180)
print(json.dumps([line for path in paths for line in path.read_text().splitlines()]))
"""


def python(script: str, *args: str, **popen) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "aipick.settings", "REDIS_URL": ""}
    return subprocess.Popen(
        [sys.executable, "-c", script, *args], cwd=ROOT, env=env, text=True, **popen
    )


def test_two_processes_buffering_the_same_reader_count_once(settings):
    """Two worker processes buffer reads into one directory; one flush counts each reader once."""
    first, second = make_article(), make_article()
    hour = int(time.time()) // 3600
    shared = [f"{first.pk} {hour} {n:032x}" for n in range(50)]
    own = [f"{second.pk} {hour} {n:032x}" for n in range(30)]
    writers = [
        python(WRITER, str(settings.READS_DIR), ",".join(shared + own[:15])),
        python(WRITER, str(settings.READS_DIR), ",".join(shared + own[15:])),
    ]
    assert [writer.wait(timeout=60) for writer in writers] == [0, 0]
    assert len(list(Path(settings.READS_DIR).iterdir())) == 2  # one file per process
    assert flush() == 130
    assert ArticleRead.objects.filter(article=first).count() == 50
    assert ArticleRead.objects.filter(article=second).count() == 30


def test_two_flushers_never_take_the_same_file(settings):
    """Two flushers started together each claim whole files, and no file twice."""
    directory = Path(settings.READS_DIR)
    minute = int(time.time()) // 60 - 5
    expected = set()
    for n in range(40):
        lines = [f"1 1 {n:016x}{i:016x}" for i in range(5)]
        (directory / f"{minute}-{1000 + n}.log").write_text("\n".join(lines) + "\n")
        expected.update(lines)
    start = str(time.time() + 2)
    flushers = [
        python(CLAIMER, str(directory), start, stdout=subprocess.PIPE),
        python(CLAIMER, str(directory), start, stdout=subprocess.PIPE),
    ]
    taken = [json.loads(flusher.communicate(timeout=60)[0]) for flusher in flushers]
    assert set(taken[0]).isdisjoint(taken[1])
    assert sorted(taken[0] + taken[1]) == sorted(expected)


REDIS_TEST_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_buffer(settings):
    """The Redis path on a database of its own, under a key no one else uses."""
    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=0.25).ping()
    except redis.RedisError:
        pytest.skip(f"Redis is not answering at {REDIS_TEST_URL}")
    prefix = f"reads-test-{uuid.uuid4().hex}"
    settings.REDIS_URL = REDIS_TEST_URL
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": prefix,
            "KEY_PREFIX": prefix,
        },
    }
    buffer = reads.current_buffer()
    client = redis.Redis.from_url(REDIS_TEST_URL)
    yield buffer, client
    client.delete(buffer.key)
    client.close()


def test_redis_buffer_counts_once_per_reader_and_empties(client, redis_buffer):
    """With Redis, reads wait in one list; a flush empties it and counts each reader once."""
    buffer, server = redis_buffer
    article = make_article()
    for address in ["203.0.113.1", "203.0.113.1", "203.0.113.2"]:
        read(client, article, REMOTE_ADDR=address)
    # Another server buffered a read of the same reader in the same hour.
    buffer.append(next(line for name, line in reads.recent if name == buffer.name))
    flush()
    assert server.llen(buffer.key) == 0
    assert ArticleRead.objects.filter(article=article).count() == 2


def test_a_dead_redis_only_stops_counting(client, settings):
    """With Redis down the article page still answers; the read is simply not counted."""
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    article = make_article()
    assert read(client, article).status_code == 200
    assert flush() == 0
    assert not ArticleRead.objects.exists()
