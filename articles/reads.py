"""Counting article reads without a database write per page view.

A read is one line, `"<article id> <hour> <reader>"`: the hour is whole hours since the
epoch, the reader a keyed hash (`reader_key`: the member, else the client's address; the
address itself is never kept). `note_read` appends the
line to a buffer after the article page answered 200, so unknown and draft URLs leave
nothing; bots, link previews and prefetches are not counted.

The buffer is shared by every process of the deployment:

- with REDIS_URL: one Redis list. RPUSH appends; the flush takes lines with LPOP, so two
  flushers never take the same line. A line taken by a flusher that then dies is lost (a
  read less, never a read more). While Redis is sick (aipick/cache.py's breaker) reads are
  simply not counted; the page itself never notices.
- without: files in settings.READS_DIR, one per process and minute
  (`<minute>-<pid>.log`, opened in append mode per line). The flush claims a file of a
  finished minute by renaming it (atomic: only one flusher wins), and deletes it after its
  rows are written. A claim left by a flusher that died is taken over after CLAIM_SECONDS.

`flush_reads()` turns the lines into `ArticleRead` rows with one bulk insert that ignores
conflicts. The row's UniqueConstraint (article, hour, reader) is what makes "once per reader
per article per hour" exact across processes and servers, and what makes a batch flushed
twice harmless. Rows of deleted articles are dropped; rows older than KEEP are pruned
(by any flush that took lines).

`manage.py flush_reads` runs it (for cron); the front page's rankings run it too
(articles/rankings.py), so `make run` without cron still ranks.
"""

import contextlib
import os
import re
import secrets
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone
from django.utils.crypto import salted_hmac

from aipick.cache import CACHE_ERRORS, redis_breaker, redis_client
from aipick.ratelimit import client_ip

from .models import Article, ArticleRead

# Crawlers, link previews and scripts: a read is a person's.
BOT_AGENTS = re.compile(
    r"bot|crawl|spider|slurp|preview|fetch|curl|wget|python-|httpx|go-http|java/|"
    r"headless|lighthouse|monitor|scrapy|facebookexternalhit",
    re.IGNORECASE,
)
KEEP = timedelta(hours=48)
# Lines per Redis LPOP and rows per INSERT.
BATCH = 1000
# A claimed file older than this belongs to a flusher that died: flushing it again is
# harmless (the unique constraint drops what was already written).
CLAIM_SECONDS = 300
# This process's recently buffered lines, so a reload loop appends once; bounded by
# clearing (the unique constraint keeps the count exact anyway).
RECENT_LIMIT = 10_000
recent: set[tuple[str, str]] = set()


def is_counted(request) -> bool:
    """A person's plain GET: not a bot, not a prefetch, not a HEAD."""
    agent = request.headers.get("User-Agent", "")
    purpose = request.headers.get("Sec-Purpose", "") + request.headers.get("Purpose", "")
    if request.method != "GET" or "prefetch" in purpose.lower():
        return False
    return bool(agent) and not BOT_AGENTS.search(agent)


def reader_key(request) -> str:
    """32 hex characters naming the reader; keyed with SECRET_KEY, so it names no address."""
    # A reader without an account is their address alone: cookies and User-Agents are the
    # client's to invent, so a loop rotating them still counts once per address and hour
    # (readers sharing an address count once: under-counting is the safe side).
    if request.user.is_authenticated:
        who = f"member:{request.user.pk}"
    else:
        who = f"client:{client_ip(request)}"
    return salted_hmac("articles.reads", who, algorithm="sha256").hexdigest()[:32]


def note_read(request, article_id: int) -> None:
    """Buffer one read of the article; call only after its page answered 200."""
    if not is_counted(request):
        return
    hour = int(time.time()) // 3600
    line = f"{article_id} {hour} {reader_key(request)}"
    buffer = current_buffer()
    if (buffer.name, line) in recent:
        return
    if buffer.append(line):
        if len(recent) >= RECENT_LIMIT:
            recent.clear()
        recent.add((buffer.name, line))


class FileBuffer:
    """Lines in per-process, per-minute files under one directory (no Redis)."""

    def __init__(self, directory):
        self.directory = Path(directory)
        self.name = f"file:{self.directory}"

    def append(self, line: str) -> bool:
        path = self.directory / f"{int(time.time()) // 60}-{os.getpid()}.log"
        try:
            # One short write in append mode: lines from several processes never interleave.
            with open(path, "a", encoding="ascii") as file:
                file.write(line + "\n")
        except FileNotFoundError:
            self.directory.mkdir(parents=True, exist_ok=True)
            with open(path, "a", encoding="ascii") as file:
                file.write(line + "\n")
        return True

    def claim(self, now: float) -> list[Path]:
        """Rename every finished file to a claim of this flusher; the ones it won.

        "Finished" leaves a minute's grace: a writer that computed its file name just
        before the minute turned may still be writing to it.
        """
        if not self.directory.is_dir():
            return []
        current = int(now) // 60
        mine = f"claimed-{os.getpid()}-{secrets.token_hex(4)}"
        won = []
        for path in self.directory.iterdir():
            head = path.name.split("-", 1)[0]
            # FileNotFoundError: another flusher renamed it first.
            with contextlib.suppress(FileNotFoundError):
                if path.name.startswith("claimed-"):
                    if now - path.stat().st_mtime <= CLAIM_SECONDS:
                        continue
                elif not (head.isdigit() and int(head) < current - 1):
                    continue
                target = self.directory / f"{mine}-{len(won)}.log"
                path.rename(target)
                os.utime(target)  # the claim's age starts now
                won.append(target)
        return won

    @contextlib.contextmanager
    def taken(self, now: float):
        """Yield the claimed lines; the files go only after the caller's rows are written."""
        paths = self.claim(now)
        lines = []
        for path in paths:
            lines += path.read_text(encoding="ascii").splitlines()
        yield lines
        for path in paths:
            path.unlink(missing_ok=True)


class RedisBuffer:
    """Lines in one Redis list, behind the per-process breaker."""

    def __init__(self, url: str):
        self.url = url
        self.key = caches["default"].make_key("reads")
        self.name = f"redis:{url}:{self.key}"

    def append(self, line: str) -> bool:
        if redis_breaker.is_open():
            return False
        try:
            redis_client(self.url).rpush(self.key, line)
        except CACHE_ERRORS as exc:
            redis_breaker.trip("reads", exc)
            return False
        return True

    @contextlib.contextmanager
    def taken(self, now: float):
        lines = []
        if not redis_breaker.is_open():
            try:
                client = redis_client(self.url)
                while batch := client.lpop(self.key, BATCH):
                    lines += [item.decode("ascii") for item in batch]
                    if len(batch) < BATCH:
                        break
            except CACHE_ERRORS as exc:
                redis_breaker.trip("reads flush", exc)
        yield lines


def current_buffer() -> FileBuffer | RedisBuffer:
    if settings.REDIS_URL:
        return RedisBuffer(settings.REDIS_URL)
    return FileBuffer(settings.READS_DIR)


def parse(line: str) -> tuple[int, datetime, str] | None:
    try:
        article_id, hour, reader = line.split()
        return int(article_id), datetime.fromtimestamp(int(hour) * 3600, tz=UTC), reader
    except ValueError:
        return None


def flush_reads(*, now: float | None = None) -> int:
    """Write the buffered reads as ArticleRead rows and prune old ones; returns lines taken."""
    now = time.time() if now is None else now
    with current_buffer().taken(now) as lines:
        reads = {parsed for parsed in map(parse, lines) if parsed}
        existing = set(
            Article.objects.filter(pk__in={article for article, _, _ in reads}).values_list(
                "pk", flat=True
            )
        )
        ArticleRead.objects.bulk_create(
            [
                ArticleRead(article_id=article, hour=hour, reader=reader)
                for article, hour, reader in reads
                if article in existing
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
    if lines:  # with nothing new the table does not grow; the next batch prunes it
        ArticleRead.objects.filter(hour__lt=timezone.now() - KEEP).delete()
    return len(lines)
