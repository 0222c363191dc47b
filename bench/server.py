"""Start the production shape (gunicorn + PostgreSQL + Redis) on 127.0.0.1 for a measurement.

Used by bench/run.py, bench/loadtest.py, bench/drill.py and the two-server test. Each
caller gets its own PostgreSQL database and Redis database number, so a benchmark
never touches `make serve`'s data or another engineer's test run.
"""

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
PG_SERVER = os.environ.get("PG_SERVER_URL", "postgres://postgres@127.0.0.1:5432")
REDIS_SERVER = os.environ.get("REDIS_SERVER_URL", "redis://127.0.0.1:6379")


def production_env(*, database: str, redis_db: int, **extra: str) -> dict[str, str]:
    """DEBUG off, a fresh secret, PostgreSQL and Redis: what `make serve` runs, on plain http."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="aipick.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_HTTPS="0",
        DATABASE_URL=f"{PG_SERVER}/{database}",
        REDIS_URL=f"{REDIS_SERVER}/{redis_db}",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def services_answer() -> str | None:
    """None when PostgreSQL and Redis both answer, else a one-line reason."""
    try:
        import psycopg

        psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=3).close()
    except Exception as exc:
        return f"PostgreSQL does not answer at {PG_SERVER}: {exc}".splitlines()[0]
    try:
        import redis

        redis.Redis.from_url(f"{REDIS_SERVER}/0", socket_connect_timeout=3).ping()
    except Exception as exc:
        return f"Redis does not answer at {REDIS_SERVER}: {exc}".splitlines()[0]
    return None


def recreate_database(name: str) -> None:
    """Drop and create `name`, so every run starts from the same rows."""
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def ensure_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def settle(database_url: str) -> None:
    """Write out dirty pages and refresh the planner's statistics, then let the disk rest:
    what seeding or an earlier scenario left behind is not charged to the next measurement."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("CHECKPOINT")
        conn.execute("VACUUM (ANALYZE)")
    time.sleep(1)


def flush_redis(db: int) -> None:
    """Empty this run's own Redis database (never FLUSHALL: other databases are others')."""
    import redis

    redis.Redis.from_url(f"{REDIS_SERVER}/{db}").flushdb()


def manage(env: dict[str, str], *args: str, quiet: bool = True) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"manage.py {' '.join(args)} failed")
    if not quiet:
        sys.stdout.write(result.stdout)
    return result.stdout


def prepare(env: dict[str, str]) -> None:
    """Migrations, static files and the demo content, as `make serve` does."""
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    manage(env, "load_demo")


def wait_until_up(
    base_url: str, timeout: float = 40.0, *, process: subprocess.Popen | None = None
) -> None:
    """Until `/healthz` answers 200; stops early if `process` (the server) has exited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise SystemExit(f"gunicorn exited before {base_url}/healthz answered")
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer {base_url}/healthz within {timeout:.0f} s")


@contextmanager
def gunicorn(env: dict[str, str], *, port: int, log_path: Path | None = None, **settings: str):
    """Run gunicorn from gunicorn.conf.py on 127.0.0.1:`port` for the `with` block; always stopped."""
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", **settings}
    log = open(log_path, "w") if log_path else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen(
        [GUNICORN, "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}", process=process)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)
        if log_path:
            log.close()


def stop(process: subprocess.Popen) -> None:
    """Stop a process group this module's caller started (and only that one)."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


def ensure_database_url(url: str) -> None:
    """Create the database named in a postgres:// URL if missing (used by `make serve`)."""
    import psycopg

    server_url, name = url.rsplit("/", 1)
    try:
        with psycopg.connect(f"{server_url}/postgres", autocommit=True, connect_timeout=5) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        first_line = str(exc).strip().splitlines()[0]
        raise SystemExit(f"PostgreSQL에 연결할 수 없습니다 ({server_url}): {first_line}") from exc


if __name__ == "__main__":
    # python -m bench.server ensure-database postgres://…/name
    if len(sys.argv) == 3 and sys.argv[1] == "ensure-database":
        if sys.argv[2].startswith("postgres"):
            ensure_database_url(sys.argv[2])
    else:
        raise SystemExit("usage: python -m bench.server ensure-database DATABASE_URL")
