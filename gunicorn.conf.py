"""gunicorn settings for `make serve`, `make bench` and `make loadtest` (and production).

Every value can be overridden from the environment, so one host can run several
servers (the two-server test) and an operator can size workers per machine.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


wsgi_app = "aipick.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Every request here waits on PostgreSQL or Redis a few times, so a worker needs company
# while it waits: four processes per core with two threads each. More threads per process
# would fight over the GIL at each wait (measured: `make bench` served the vote and comment
# POSTs 10–20% faster this way than with five processes of four threads on 2 cores).
worker_class = "gthread"
workers = _int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 4)
threads = _int("GUNICORN_THREADS", 2)

# A request taking 30 s is stuck (a lock, a dead peer): free the worker for others.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = 20
# Behind nginx or a load balancer that reuses connections, a few seconds is plenty.
keepalive = 5
# Recycling bounds the damage of a slow leak; the jitter keeps workers from restarting together.
max_requests = _int("GUNICORN_MAX_REQUESTS", 5000)
max_requests_jitter = 500

# "-" is stdout; an empty GUNICORN_ACCESS_LOG=none turns it off (the benchmark does, to
# measure Django rather than the terminal).
_access = os.environ.get("GUNICORN_ACCESS_LOG", "-")
accesslog = None if _access == "none" else _access
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# Reverse proxies on this host only are trusted for X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = "aipick"
# The control socket defaults to one path per user; several servers on one host (the
# two-server test, a benchmark beside `make serve`) would fight over it.
control_socket_disable = True
