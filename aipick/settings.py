"""AI PICK settings: one file, production behaviour switched on by environment variables.

The defaults are what `make run` needs on a laptop: DEBUG on, an SQLite file and a
local-memory cache. Production sets DJANGO_DEBUG=0, DJANGO_SECRET_KEY,
DJANGO_ALLOWED_HOSTS and, for a busy site, DATABASE_URL and REDIS_URL.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or default


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        # A one-line refusal reads better than a traceback in a deploy log.
        raise SystemExit(
            "DJANGO_SECRET_KEY가 없습니다: DJANGO_DEBUG=0(운영)에서는 비밀 키를 반드시 설정하세요. "
            "(DJANGO_SECRET_KEY is required when DJANGO_DEBUG=0.)"
        )
    SECRET_KEY = "dev-only-insecure-key-for-make-run-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)

HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "accounts",
    "articles",
    "polls",
    "comments",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "aipick.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Above sessions and CSRF: it must see every cookie the response sets.
    "aipick.middleware.CacheHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Above CSRF, the first reader of request.POST: refuses oversized or non-UTF-8 bodies.
    "aipick.middleware.RequestBodyMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "aipick.csrf.CsrfPlaceholderMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "aipick.middleware.KoreanErrorPagesMiddleware",
    "aipick.middleware.ServiceUnavailableMiddleware",
    "articles.cache.AdminWritesMiddleware",
]

ROOT_URLCONF = "aipick.urls"
WSGI_APPLICATION = "aipick.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "aipick.csrf.csrf_placeholder",
                "articles.context_processors.navigation",
            ],
        },
    }
]

# --- Data -----------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DJANGO_DB_SERVER_SIDE_BINDING", True
):
    # Parameters bound on the server let psycopg prepare a statement once it has run a few
    # times on a connection, so PostgreSQL plans the hot queries (the vote, the page's
    # reads) once per connection instead of once per request. Turn it off behind a
    # transaction-pooling pgbouncer, which cannot keep prepared statements.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside a writer; IMMEDIATE takes the write lock at BEGIN,
    # so concurrent voters queue on the busy timeout instead of failing mid-transaction.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"].setdefault("TEST", {})
    # Several test runs (or helpers) may share one server: keep their databases apart.
    suffix = os.environ.get("DJANGO_TEST_DB_SUFFIX", "")
    DATABASES["default"]["TEST"]["NAME"] = f"test_{DATABASES['default']['NAME']}{suffix}"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

REDIS_URL = os.environ.get("REDIS_URL", "")
# Seconds a Redis call may take before it counts as failed; after a failure the process
# stops asking Redis for a few seconds (aipick/cache.py), so a stalled Redis is cheap.
REDIS_TIMEOUT = 0.25
# Renderings kept in each process's memory, under version tokens every write moves
# (articles/cache.py, docs/caching.md). The timeout bounds only what no write moves:
# relative times ("3분 전"), a poll closing or an article appearing by the clock.
PAGE_CACHE_SECONDS = env_int("DJANGO_PAGE_CACHE_SECONDS", 30)
LOCAL_CACHE = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "aipick-local",
    "TIMEOUT": PAGE_CACHE_SECONDS,
    # A page is 30–100 KB, a comment 2 KB: a process keeps at most a few dozen megabytes.
    "OPTIONS": {"MAX_ENTRIES": 2000},
}
if REDIS_URL:
    _redis = {
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "aipick",
        "TIMEOUT": 300,
        "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
    }
    CACHES = {
        # Version tokens and small shared values; a Redis failure reads as a miss.
        "default": {"BACKEND": "aipick.cache.TolerantRedisCache", **_redis},
        # Rate limits; a Redis failure refuses the request (fails closed).
        "ratelimit": {"BACKEND": "aipick.cache.StrictRedisCache", **_redis},
        "local": LOCAL_CACHE,
    }
else:
    # Without Redis, every process of this machine (gunicorn's workers, runserver) shares
    # one directory, so a write in one worker is seen by the others on their next request.
    # Django lists the directory on every write to cull it, so the bound is kept small.
    CACHE_DIR = Path(os.environ.get("DJANGO_CACHE_DIR", BASE_DIR / ".cache"))
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": CACHE_DIR / "shared",
            "TIMEOUT": 300,
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        },
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": CACHE_DIR / "ratelimit",
            "TIMEOUT": 300,
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        },
        "local": LOCAL_CACHE,
    }
# Article reads waiting for `flush_reads` when there is no Redis (articles/reads.py): one
# directory that every process of this machine appends to.
READS_DIR = Path(os.environ.get("DJANGO_CACHE_DIR", BASE_DIR / ".cache")) / "reads"

# --- Accounts ---------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# Failed sign-ins per username and per IP before a pause (counted in the cache).
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW = 15 * 60
# New accounts per client address per hour (counted in the cache, like the sign-in limit).
SIGNUP_LIMIT = env_int("SIGNUP_LIMIT", 5)
SIGNUP_WINDOW = 60 * 60

# --- Locale -----------------------------------------------------------------

LANGUAGE_CODE = "ko-kr"
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["aipick.formats"]

# --- Static and media -------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_MAX_AGE = 31536000 if not DEBUG else 0

# Uploads: a cover image may be 10 MB; anything bigger is refused before it is read.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
COVER_MAX_BYTES = 10 * 1024 * 1024
COVER_MAX_PIXELS = 40_000_000

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# A less guessable admin path keeps password sprayers off the sign-in form; always "<path>/".
ADMIN_URL = os.environ.get("DJANGO_ADMIN_URL", "admin/").strip("/") + "/"

# Behind a reverse proxy REMOTE_ADDR is the proxy: name the header it sets, e.g.
# "HTTP_X_FORWARDED_FOR" (its last address is used, the one our proxy appended). Every
# per-address limit (votes, sign-ins) counts readers through it.
CLIENT_IP_HEADER = os.environ.get("DJANGO_CLIENT_IP_HEADER", "")

# `make bench` needs a bare view to compare against; it is not routed otherwise.
BENCH_ENDPOINTS = env_bool("DJANGO_BENCH", False)

# --- Security ---------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("DJANGO_SSL_REDIRECT", True)
# The load balancer's health check may come over plain HTTP; a redirect would read as down.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "aipick.views.csrf_failure"

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# --- Logging ----------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# --- Comments ---------------------------------------------------------------

COMMENT_MAX_LENGTH = 1000
COMMENT_EDIT_WINDOW = 10 * 60  # seconds after posting
COMMENT_RATE_SECONDS = env_int("COMMENT_RATE_SECONDS", 15)  # one comment per member per …
COMMENT_DAILY_LIMIT = env_int("COMMENT_DAILY_LIMIT", 100)
COMMENT_DUPLICATE_WINDOW = 60  # the same text twice within this many seconds is refused
COMMENT_REPORT_THRESHOLD = 5  # distinct established reporters before a comment hides itself
# A report counts toward hiding only when its member's account was at least this old (s)
# and had a visible comment or a poll vote of its own (comments/services/reactions.py).
COMMENT_REPORT_MIN_ACCOUNT_AGE = env_int("COMMENT_REPORT_MIN_ACCOUNT_AGE", 24 * 60 * 60)
COMMENT_RATIO_MIN_REACTIONS = 3  # 공감비율순 ranks comments with fewer reactions last
COMMENT_BEST_MIN_REACTIONS = 3  # a 베스트 찬성/반대 needs at least this many reactions
COMMENT_PAGE_SIZE = 20

# --- Site -------------------------------------------------------------------

SITE_CONTACT_EMAIL = "aipick@aipick.kr"

# --- E-mail and password reset ---------------------------------------------

# Mail (only the password-reset links so far) goes to the console while debugging (`make
# run`), to the machine's own SMTP on port 25 in production, unless a server is named: EMAIL_URL, or the classic EMAIL_HOST, EMAIL_PORT,
# EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS, EMAIL_USE_SSL (EMAIL_URL wins).
# Django 6.1 configures mail through MAILERS (its EMAIL_* settings are deprecated and not
# allowed beside it), so those variables are read here into MAILERS["default"].
EMAIL_SCHEMES = {"console", "smtp", "smtps"}
CONSOLE_MAILER = {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# A stalled mail server must not hold a worker for long (seconds).
EMAIL_TIMEOUT_SECONDS = env_int("EMAIL_TIMEOUT", 10)


def env_flag(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def mailer_from_url(url: str) -> dict:
    """A MAILERS entry from one URL:

    - `console:` prints each message on the server's standard output (the default);
    - `smtp://user:pass@host:587?tls=1` SMTP with STARTTLS (`?ssl=1` for SSL; port 25 if none);
    - `smtps://user:pass@host` SMTP over SSL (port 465 if none).

    The user and password are percent-decoded, so `@` or `:` in them is written `%40`, `%3A`.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in EMAIL_SCHEMES:
        raise SystemExit(
            f"EMAIL_URL의 형식을 알 수 없습니다: {scheme or url!r} (console:, smtp://, smtps:// 중 하나). "
            "(EMAIL_URL must start with console:, smtp:// or smtps://.)"
        )
    if scheme == "console":
        return CONSOLE_MAILER
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    ssl = scheme == "smtps" or env_flag(query.get("ssl", ""))
    return {
        "BACKEND": SMTP_BACKEND,
        "OPTIONS": {
            "host": parts.hostname or "localhost",
            "port": parts.port or (465 if ssl else 25),
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_ssl": ssl,
            "use_tls": not ssl and env_flag(query.get("tls", "")),
            "timeout": EMAIL_TIMEOUT_SECONDS,
        },
    }


if os.environ.get("EMAIL_URL", "").strip():
    DEFAULT_MAILER = mailer_from_url(os.environ["EMAIL_URL"])
elif os.environ.get("EMAIL_HOST", "").strip():
    DEFAULT_MAILER = {
        "BACKEND": SMTP_BACKEND,
        "OPTIONS": {
            "host": os.environ["EMAIL_HOST"].strip(),
            "port": env_int("EMAIL_PORT", 25),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
            "use_ssl": env_bool("EMAIL_USE_SSL", False),
            "timeout": EMAIL_TIMEOUT_SECONDS,
        },
    }
elif DEBUG:
    DEFAULT_MAILER = CONSOLE_MAILER
else:
    # Production never prints reset links into its logs: without a named server it hands
    # mail to the machine's own SMTP (port 25), as Django always did; a failed send is logged.
    DEFAULT_MAILER = {
        "BACKEND": SMTP_BACKEND,
        "OPTIONS": {"host": "localhost", "port": 25, "timeout": EMAIL_TIMEOUT_SECONDS},
    }
MAILERS = {"default": DEFAULT_MAILER}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "AI PICK <noreply@aipick.kr>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A password-reset link is good for this long (Django's default is three days).
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 60 * 60)
# Reset requests per e-mail address and per client address within the window (counted in
# the cache like the sign-in limit), so the form cannot flood anyone's inbox.
PASSWORD_RESET_LIMIT_PER_EMAIL = env_int("PASSWORD_RESET_LIMIT_PER_EMAIL", 3)
PASSWORD_RESET_LIMIT_PER_IP = env_int("PASSWORD_RESET_LIMIT_PER_IP", 10)
PASSWORD_RESET_WINDOW = 60 * 60

# --- Polls ------------------------------------------------------------------

# Anonymous votes per poll per client IP, e.g. "30/minute" (also "/second", "/hour").
POLL_RATE_LIMIT = os.environ.get("POLL_RATE_LIMIT", "30/minute")
POLL_VOTER_COOKIE = "aipick_voter"
POLL_VOTER_COOKIE_AGE = 2 * 365 * 24 * 60 * 60
# A vote is a few dozen bytes; anything bigger is refused before it is parsed.
POLL_MAX_BODY_BYTES = 4096
