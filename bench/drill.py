"""`make drill`: stop Redis, then PostgreSQL, under a running server (issue 5, item 4).

Starts the production shape (gunicorn from gunicorn.conf.py, PostgreSQL database
aipick_drill, Redis database 11) on 127.0.0.1, commits a few votes, a comment and a save,
then rehearses the two outages docs/deploy.md promises to survive:

(a) Redis stopped: pages still render, for members too (sessions live in PostgreSQL); an
    anonymous vote, a member's vote and comment, and a sign-in get the Korean 503 and
    change nothing; a sign-out still signs out; once Redis is back and each worker's
    breaker has closed (5 s), all work again.
(b) PostgreSQL stopped: a member's pages and /healthz answer 503 (in Korean), a reader
    without cookies gets a page kept under the current tokens or the same 503; once it is
    back the same gunicorn answers 200 on every worker, and every row committed before is
    there.

It stops the Redis and PostgreSQL that every engineer and test run on this machine
share, so it is never part of `make test`. Whatever it stopped it restarts, in a
`finally`, also on Ctrl-C, SIGTERM or its own time limit (DRILL_DEADLINE, default 300 s).
Prints PASS/FAIL per step; exits 1 if any step failed.
"""

import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from aipick.cache import BREAKER_SECONDS
from bench import server

DATABASE = "aipick_drill"
REDIS_DB = 11
PORT = int(os.environ.get("DRILL_PORT", "8761"))
DEADLINE = int(os.environ.get("DRILL_DEADLINE", "300"))
# Before stopping PostgreSQL, wait this long for other test runs to go quiet.
QUIET_WAIT = int(os.environ.get("DRILL_QUIET_WAIT", "60"))
RESULTS = server.ROOT / "bench-results"

REDIS_STOP = ["redis-cli", "-p", "6379", "shutdown", "nosave"]
# Exactly how this machine's Redis is started: no persistence, so a restart is empty.
REDIS_START = [
    "redis-server",
    "--daemonize",
    "yes",
    "--bind",
    "127.0.0.1",
    "-::1",
    "--port",
    "6379",
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    "/var/lib/redis",
    "--logfile",
    "/var/log/redis/ci.log",
]

# What the site says (aipick/middleware.py, aipick/ratelimit.py); kept literal so that the
# drill checks the words a reader sees, not whatever the constants happen to hold.
RATE_LIMIT_UNAVAILABLE = "지금은 요청 횟수를 확인할 수 없어"
DATABASE_UNAVAILABLE = "데이터베이스에 잠시 연결할 수 없습니다"


class DrillTimeout(Exception):
    pass


# --- The two servers ---------------------------------------------------------------


def pg_cluster() -> list[str]:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    return ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main"]


def redis_answers() -> bool:
    import redis

    try:
        return bool(
            redis.Redis.from_url(f"{server.REDIS_SERVER}/0", socket_connect_timeout=1).ping()
        )
    except Exception:
        return False


def pg_answers() -> bool:
    import psycopg

    try:
        psycopg.connect(f"{server.PG_SERVER}/postgres", connect_timeout=2).close()
        return True
    except Exception:
        return False


def wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return predicate()


def run(args: list[str]) -> None:
    result = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
    output = (result.stdout + result.stderr).strip()
    print(f"  $ {' '.join(a or '""' for a in args)}" + (f"\n    {output}" if output else ""))


def stop_redis() -> bool:
    run(REDIS_STOP)
    return wait_for(lambda: not redis_answers(), 10)


def start_redis() -> bool:
    if not redis_answers():
        run(REDIS_START)
    return wait_for(redis_answers, 20)


def stop_postgres() -> bool:
    run([*pg_cluster(), "stop", "-m", "fast"])
    return wait_for(lambda: not pg_answers(), 20)


def start_postgres() -> bool:
    if not pg_answers():
        run([*pg_cluster(), "start"])
    return wait_for(pg_answers, 60)


def wait_for_quiet_postgres() -> None:
    """Give other engineers' test runs a moment to finish before their server disappears."""
    import psycopg

    query = (
        "SELECT DISTINCT datname FROM pg_stat_activity WHERE backend_type = 'client backend' "
        "AND pid <> pg_backend_pid() AND datname NOT IN (%s, 'postgres') AND state = 'active'"
    )
    deadline = time.monotonic() + QUIET_WAIT
    busy: list[str] = []
    while time.monotonic() < deadline:
        with psycopg.connect(f"{server.PG_SERVER}/postgres", connect_timeout=3) as conn:
            busy = [row[0] for row in conn.execute(query, [DATABASE]).fetchall()]
        if not busy:
            return
        time.sleep(1)
    print(f"  note: still busy after {QUIET_WAIT} s, stopping anyway: {', '.join(busy)}")


# --- A reader's browser -----------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One reader's cookies; answers (status, body) and never follows redirects."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def _open(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            return 0, f"{type(error).__name__}: {error}"

    def get(self, path: str, headers: dict | None = None) -> tuple[int, str]:
        return self._open(urllib.request.Request(self.base + path, headers=headers or {}))

    def post(self, path: str, data: dict) -> tuple[int, str]:
        token = next((c.value for c in self.jar if c.name == "csrftoken"), "")
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        return self._open(urllib.request.Request(self.base + path, data=body))

    def sign_in(self, username: str, password: str) -> bool:
        self.get("/accounts/login/")
        status, _ = self.post("/accounts/login/", {"username": username, "password": password})
        return status == 302 and any(c.name == "sessionid" for c in self.jar)


# --- Rows behind the counters --------------------------------------------------------


def rows() -> dict[str, int]:
    import psycopg

    with psycopg.connect(f"{server.PG_SERVER}/{DATABASE}", connect_timeout=5) as conn:
        return {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("polls_vote", "comments_comment", "articles_save")
        }


class Report:
    def __init__(self):
        self.failed: list[str] = []
        self.passed = 0

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        if ok:
            self.passed += 1
            print(f"PASS {name}")
        else:
            self.failed.append(name)
            print(f"FAIL {name}" + (f": {detail}" if detail else ""))
        return ok


def short(body: str) -> str:
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip()
    return text[:160]


# --- The drill ---------------------------------------------------------------------


def drill(base: str, info: dict, report: Report, stopped: set[str]) -> None:
    article = f"/articles/{info['poll_article_id']}/"
    vote = f"{article}poll/vote/"
    comment = f"{article}comments/new/"
    save = f"{article}save/"
    choices = info["choice_ids"]
    check = report.check

    member = Browser(base)
    if not check("member signs in", member.sign_in(info["members"][0], info["password"])):
        return
    # A second session, signed out while Redis is down.
    leaver = Browser(base)
    if not check("second member signs in", leaver.sign_in(info["members"][1], info["password"])):
        return
    status, home = Browser(base).get("/")
    slug = re.search(r'href="/categories/([\w-]+)/"', home)
    category = f"/categories/{slug.group(1)}/" if slug else "/"

    print("\n== before the outages: commit a vote, a member's vote, a comment and a save ==")
    start = rows()
    anon = Browser(base)
    anon.get(article)
    results = [
        anon.post(vote, {"choice": choices[0]})[0],
        member.post(vote, {"choice": choices[1]})[0],
        member.post(comment, {"body": "장애 훈련 전에 남긴 댓글입니다."})[0],
        member.post(save, {"saved": "1"})[0],
    ]
    committed = rows()
    check(
        "writes before the outages are committed (302 each, one row each)",
        results == [302] * 4
        and committed
        == {
            "polls_vote": start["polls_vote"] + 2,
            "comments_comment": start["comments_comment"] + 1,
            "articles_save": start["articles_save"] + 1,
        },
        f"statuses {results}, rows {start} → {committed}",
    )

    print("\n== (a) Redis stopped ==")
    stopped.add("redis")
    try:
        if not check("Redis stops", stop_redis()):
            return
        for name, browser, path in [
            ("home", Browser(base), "/"),
            ("category page", Browser(base), category),
            ("article page, anonymous", Browser(base), article),
            ("article page, signed-in member (session in PostgreSQL)", member, article),
            ("/healthz", Browser(base), "/healthz"),
        ]:
            status, body = browser.get(path)
            check(f"{name} renders 200 without Redis", status == 200, f"{status} {short(body)}")

        before = rows()
        voter = Browser(base)
        voter.get(article)
        status, body = voter.post(vote, {"choice": choices[0]})
        check(
            "anonymous vote POST → Korean 503",
            status == 503 and RATE_LIMIT_UNAVAILABLE in body,
            f"{status} {short(body)}",
        )
        status, body = member.post(vote, {"choice": choices[0]})
        check(
            "member's vote POST → Korean 503 (its limit cannot count)",
            status == 503 and RATE_LIMIT_UNAVAILABLE in body,
            f"{status} {short(body)}",
        )
        status, body = member.post(comment, {"body": "레디스가 멈춘 동안 쓴 댓글입니다."})
        check(
            "member's comment POST → Korean 503",
            status == 503 and RATE_LIMIT_UNAVAILABLE in body,
            f"{status} {short(body)}",
        )
        after = rows()
        check("refused POSTs changed nothing", after == before, f"{before} → {after}")
        reader = Browser(base)
        reader.get("/accounts/login/")
        status, body = reader.post(
            "/accounts/login/", {"username": info["members"][1], "password": info["password"]}
        )
        check(
            "sign-in POST → Korean 503 (the throttle cannot count)",
            status == 503 and RATE_LIMIT_UNAVAILABLE in body,
            f"{status} {short(body)}",
        )
        # Sessions are database rows: signing out deletes the row, Redis or not.
        old_session = next(c.value for c in leaver.jar if c.name == "sessionid")
        saved_before = leaver.get("/me/saved/")[0]
        status, body = leaver.post("/accounts/logout/", {})
        saved_after = Browser(base).get("/me/saved/", {"Cookie": f"sessionid={old_session}"})[0]
        check(
            "sign-out POST signs out (the old session cookie opens nothing)",
            (saved_before, status, saved_after) == (200, 302, 302),
            f"/me/saved/ {saved_before}, sign-out {status} {short(body)}, "
            f"/me/saved/ with the old cookie {saved_after}",
        )
    finally:
        print("  restarting Redis …")
        if check("Redis restarted", start_redis()):
            stopped.discard("redis")

    # Each worker's breaker (aipick/cache.py) stays open BREAKER_SECONDS after its last
    # Redis error, all of which came before the restart; until then it still answers 503.
    print(f"  waiting {BREAKER_SECONDS:.0f} s for the workers' breakers to close …")
    time.sleep(BREAKER_SECONDS + 0.5)
    before = rows()
    voter = Browser(base)
    voter.get(article)
    vote_status = voter.post(vote, {"choice": choices[0]})[0]
    comment_status = member.post(comment, {"body": "레디스가 돌아온 뒤에 쓴 댓글입니다."})[0]
    after = rows()
    check(
        "after Redis is back: sign-in works again",
        Browser(base).sign_in(info["members"][1], info["password"]),
    )
    check(
        "after Redis is back: a vote and a comment work again",
        (vote_status, comment_status) == (302, 302)
        and after["polls_vote"] == before["polls_vote"] + 1
        and after["comments_comment"] == before["comments_comment"] + 1,
        f"statuses {vote_status}, {comment_status}; rows {before} → {after}",
    )

    print("\n== (b) PostgreSQL stopped ==")
    wait_for_quiet_postgres()
    committed = rows()
    stopped.add("postgres")
    try:
        if not check("PostgreSQL stops", stop_postgres()):
            return
        # A member's session is a database row: every page of theirs needs PostgreSQL.
        for name, path in [("home", "/"), ("article page", article)]:
            status, body = member.get(path)
            check(
                f"{name}, signed-in member → Korean 503 page",
                status == 503 and DATABASE_UNAVAILABLE in body,
                f"{status} {short(body)}",
            )
        status, body = Browser(base).get("/healthz")
        check("/healthz → 503", status == 503, f"{status} {short(body)}")
        # A reader without cookies may get a page the worker kept under the current tokens
        # (Redis is up): a 200 from memory is as good as a 503, as long as it is not a 500.
        for name, path in [("home", "/"), ("category page", category), ("article page", article)]:
            status, body = Browser(base).get(path)
            check(
                f"{name}, anonymous → kept page or Korean 503",
                status == 200 or (status == 503 and DATABASE_UNAVAILABLE in body),
                f"{status} {short(body)}",
            )
        status, body = member.post(vote, {"choice": choices[0]})
        check(
            "member's vote POST → Korean 503",
            status == 503 and DATABASE_UNAVAILABLE in body,
            f"{status} {short(body)}",
        )
    finally:
        print("  restarting PostgreSQL …")
        if check("PostgreSQL restarted", start_postgres()):
            stopped.discard("postgres")

    # Recovery without restarting gunicorn: the first requests may meet a connection
    # the server closed; within a few seconds every worker thread must have reconnected.
    began = time.monotonic()
    recovered = wait_for(lambda: Browser(base).get("/")[0] == 200, 20)
    check(
        f"the same gunicorn recovers (home 200 after {time.monotonic() - began:.1f} s)",
        recovered,
    )
    statuses = []
    for n in range(24):
        path = ("/", article, category, "/healthz")[n % 4]
        statuses.append(Browser(base).get(path)[0])
    statuses.append(member.get(article)[0])
    check(
        "every worker answers 200 again (25 requests)",
        set(statuses) == {200},
        f"statuses {statuses}",
    )
    after = rows()
    check("no committed vote, comment or save lost", after == committed, f"{committed} → {after}")
    status = member.post(comment, {"body": "데이터베이스가 돌아온 뒤에 쓴 댓글입니다."})[0]
    check("after PostgreSQL is back: a comment works", status == 302, f"status {status}")


def main() -> int:
    if reason := server.services_answer():
        print(f"SKIP drill: {reason}", file=sys.stderr)
        return 1
    if not Path("/etc/postgresql").is_dir():
        print("SKIP drill: no /etc/postgresql cluster to stop on this machine", file=sys.stderr)
        return 1

    def on_alarm(signum, frame):
        raise DrillTimeout(f"the drill ran past its {DEADLINE} s limit")

    def on_term(signum, frame):
        raise SystemExit(f"stopped by signal {signum}")

    signal.signal(signal.SIGALRM, on_alarm)
    signal.signal(signal.SIGTERM, on_term)
    RESULTS.mkdir(exist_ok=True)
    report = Report()
    stopped: set[str] = set()
    began = time.monotonic()
    signal.alarm(DEADLINE)
    try:
        env = server.production_env(
            database=DATABASE,
            redis_db=REDIS_DB,
            GUNICORN_WORKERS="2",
            GUNICORN_THREADS="2",
            GUNICORN_ACCESS_LOG=str(RESULTS / "drill-access.log"),
            BENCH_MEMBERS="2",
            BENCH_COMMENTS="0",
        )
        print(f"drill: preparing {DATABASE} (PostgreSQL) and Redis db {REDIS_DB} …", flush=True)
        server.recreate_database(DATABASE)
        server.flush_redis(REDIS_DB)
        server.prepare(env)
        info = json.loads(
            subprocess.run(
                [server.PYTHON, "-m", "bench.seed"],
                cwd=server.ROOT,
                env=env,
                capture_output=True,
                text=True,
                check=True,
                timeout=120,
            ).stdout
        )
        with server.gunicorn(env, port=PORT, log_path=RESULTS / "drill-gunicorn.log") as base:
            print(f"drill: gunicorn on {base}; its log is bench-results/drill-gunicorn.log")
            drill(base, info, report, stopped)
        # An outage may be answered with a 503, never with a crash.
        access = (RESULTS / "drill-access.log").read_text()
        crashes = [line for line in access.splitlines() if re.search(r'" 5(?!03)\d\d ', line)]
        report.check("no other 5xx than 503 in the access log", not crashes, "; ".join(crashes[:3]))
        drift = sum(int(n) for n in re.findall(r"완료: (\d+)건", server.manage(env, "recount")))
        report.check("counters equal their rows (`manage.py recount` repaired 0)", drift == 0)
    except (DrillTimeout, SystemExit, KeyboardInterrupt, Exception) as exc:
        report.check("the drill ran to the end", False, f"{type(exc).__name__}: {exc}")
    finally:
        signal.alarm(0)
        # Whatever happened above, the shared servers come back.
        if "redis" in stopped:
            report.check("Redis running at the end", start_redis())
        if "postgres" in stopped:
            report.check("PostgreSQL running at the end", start_postgres())

    took = time.monotonic() - began
    verdict = "FAIL" if report.failed else "PASS"
    print(f"\ndrill {verdict}: {report.passed} passed, {len(report.failed)} failed in {took:.0f} s")
    for name in report.failed:
        print(f"  failed: {name}")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
