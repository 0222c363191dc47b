"""`make loadtest`: 200 simulated readers for 60 s on the production shape, then counters == rows.

Starts gunicorn (gunicorn.conf.py) on PostgreSQL and Redis on 127.0.0.1 with its own
database (aipick_loadtest) and Redis database (12), runs bench/locustfile.py headless,
prints requests per second, p50/p95/p99 and errors per request kind, counts 5xx in the
access log, and finally runs `manage.py recount`, which must have nothing to repair.

Targets (issue 5): zero 5xx, zero counter drift, p95 under 300 ms for page reads.
LOADTEST_USERS and LOADTEST_SECONDS change the size.
"""

import csv
import json
import os
import re
import subprocess
import sys

from bench import server

ROOT = server.ROOT
DATABASE = "aipick_loadtest"
REDIS_DB = 12
PORT = int(os.environ.get("LOADTEST_PORT", "8741"))
USERS = int(os.environ.get("LOADTEST_USERS", "200"))
SECONDS = int(os.environ.get("LOADTEST_SECONDS", "60"))
RESULTS = ROOT / "bench-results"
READ_P95_TARGET_MS = 300


def main() -> int:
    if reason := server.services_answer():
        print(f"SKIP loadtest: {reason}", file=sys.stderr)
        return 1
    RESULTS.mkdir(exist_ok=True)
    access_log = RESULTS / "loadtest-access.log"
    access_log.unlink(missing_ok=True)  # gunicorn appends: count this run's requests only
    env = server.production_env(
        database=DATABASE,
        redis_db=REDIS_DB,
        # Each simulated reader sends its own address, as nginx would set it.
        DJANGO_CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR",
        GUNICORN_ACCESS_LOG=str(access_log),
        BENCH_MEMBERS=str(max(1, USERS * 3 // 10 + 1)),
    )
    print(f"loadtest: preparing {DATABASE} (PostgreSQL) and Redis db {REDIS_DB} …", flush=True)
    server.recreate_database(DATABASE)
    server.flush_redis(REDIS_DB)
    server.prepare(env)
    info = subprocess.run(
        [server.PYTHON, "-m", "bench.seed"],
        cwd=ROOT,
        # Seeding 200 comments is set-up, not the behaviour under test: no comment limits.
        env={**env, "COMMENT_RATE_SECONDS": "0", "COMMENT_DAILY_LIMIT": "0"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    json.loads(info)  # fail here, not inside locust, if the seed printed anything else
    # Fresh rows without statistics make the planner guess; a restarted PostgreSQL (after
    # `make drill`) starts with cold buffers: neither is what the site runs with.
    server.settle(env["DATABASE_URL"])

    csv_prefix = RESULTS / "loadtest"
    with server.gunicorn(env, port=PORT, log_path=RESULTS / "loadtest-gunicorn.log") as base:
        print(f"loadtest: {USERS} users for {SECONDS} s against {base} …", flush=True)
        subprocess.run(
            [
                str(server.Path(server.PYTHON).with_name("locust")),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--only-summary",
                "-u",
                str(USERS),
                "-r",
                str(max(1, USERS // 10)),
                "-t",
                f"{SECONDS}s",
                "--stop-timeout",
                "10",
                "--host",
                base,
                "--csv",
                str(csv_prefix),
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env={**os.environ, "BENCH_INFO": info},
            check=False,
            timeout=SECONDS + 120,
        )

    with open(f"{csv_prefix}_stats.csv", newline="") as stats:
        rows = list(csv.DictReader(stats))
    statuses = [int(m.group(1)) for m in re.finditer(r'" (\d{3}) ', access_log.read_text())]
    server_errors = sum(1 for s in statuses if s >= 500)
    fixed_output = server.manage(env, "recount")
    drift = sum(int(n) for n in re.findall(r"완료: (\d+)건", fixed_output))

    lines = [
        f"AI PICK loadtest · {USERS} users × {SECONDS} s · gunicorn on PostgreSQL + Redis, "
        f"{os.cpu_count()} cores (locust on the same cores)",
        "",
        f"{'request':<22} {'count':>7} {'fail':>6} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6}",
        "-" * 66,
    ]
    read_p95 = 0
    for row in rows:
        name = row["Name"] if row["Type"] else "all"
        name = "all requests" if name == "Aggregated" else name
        lines.append(
            f"{name:<22} {row['Request Count']:>7} {row['Failure Count']:>6} "
            f"{float(row['Requests/s']):>7.1f} {row['50%']:>6} {row['95%']:>6} {row['99%']:>6}"
        )
        if row["Type"] == "GET" and not name.startswith("/accounts"):
            read_p95 = max(read_p95, int(float(row["95%"] or 0)))
    failures = sum(int(r["Failure Count"]) for r in rows if r["Name"] == "Aggregated")
    lines += [
        "-" * 66,
        "latencies in ms",
        f"5xx responses in the access log: {server_errors} of {len(statuses)}",
        f"request errors (4xx/5xx/connection) seen by locust: {failures}",
        f"page reads p95: {read_p95} ms (target < {READ_P95_TARGET_MS} ms)",
        f"counter drift repaired by `manage.py recount`: {drift} (target 0)",
    ]
    table = "\n".join(lines)
    print("\n" + table)
    (RESULTS / "loadtest.txt").write_text(table + "\n")
    ok = server_errors == 0 and drift == 0 and read_p95 < READ_P95_TARGET_MS and failures == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
