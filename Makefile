# AI PICK — `make run` serves the demo; `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/aipick
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15
HOST ?= 127.0.0.1
PORT ?= 8000

# Django 6.1 needs Python >= 3.12; take the first one that really runs.
PYTHON := $(shell for p in python3.13 python3.12 python3.14 \
	$$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3 \
	/usr/local/bin/python3.13 /usr/local/bin/python3.12 /usr/bin/python3.13 /usr/bin/python3.12 python3; do \
	"$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo "$$p"; break; }; done)

.PHONY: help run serve test test-sqlite test-postgres lint browser-deps bench loadtest drill clean wrk audit audit-deps

help:
	@echo "make run   — set up .venv, migrate, load the demo, serve http://$(HOST):$(PORT)/"
	@echo "make test  — ruff, checks, the whole pytest suite on SQLite and (if it answers) PostgreSQL"
	@echo "make serve — the production shape: DEBUG off, PostgreSQL, Redis, gunicorn + whitenoise"
	@echo "make bench — requests per second of the main pages and POSTs against a bare Django view"
	@echo "make loadtest — 200 simulated readers for 60 s on the production shape, then counters == rows"
	@echo "make drill — stop Redis, then PostgreSQL, under a running server; both are always restarted"
	@echo "make audit — Lighthouse, axe and the Nu HTML checker on every page, signed in and out: one table"

$(BIN)/python:
	@if [ -z "$(PYTHON)" ]; then echo "Python 3.12 이상이 필요합니다 (Django 6.1): python3.13 또는 python3.12를 설치하세요 (예: pyenv install 3.13)." >&2; exit 1; fi
	"$(PYTHON)" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.txt
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# --- Production shape (issue 5) ------------------------------------------------
SERVE_DATABASE_URL ?= $(PG_URL)
SERVE_REDIS_URL ?= redis://127.0.0.1:6379/0

# DEBUG off with a secret kept in .venv (generated once, so sign-ins and voter cookies
# survive a restart), PostgreSQL and Redis on this machine, plain http on 127.0.0.1.
serve: $(VENV)/.installed
	@test -s $(VENV)/.serve-secret || $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > $(VENV)/.serve-secret
	$(BIN)/python -m bench.server ensure-database "$(SERVE_DATABASE_URL)"
	@export DJANGO_DEBUG=0 DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat $(VENV)/.serve-secret)}" \
		DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}" DJANGO_HTTPS="$${DJANGO_HTTPS:-0}" \
		DATABASE_URL="$(SERVE_DATABASE_URL)" REDIS_URL="$(SERVE_REDIS_URL)" GUNICORN_BIND="$(HOST):$(PORT)"; \
	set -e; \
	$(BIN)/python manage.py collectstatic --noinput -v0; \
	$(BIN)/python manage.py migrate --noinput; \
	$(BIN)/python manage.py load_demo; \
	echo "serving the production shape on http://$(HOST):$(PORT)/"; \
	exec $(BIN)/gunicorn -c gunicorn.conf.py

# Load generators: wrk from Debian, locust from requirements-dev.txt.
wrk:
	@command -v wrk >/dev/null || { [ "$$(id -u)" = "0" ] && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null); } \
		|| { echo "wrk is missing: install it (Debian: apt-get install wrk)" >&2; exit 1; }

bench: $(VENV)/.installed-dev wrk
	$(BIN)/python -m bench.run

loadtest: $(VENV)/.installed-dev
	$(BIN)/python -m bench.loadtest

# Stops and restarts the shared Redis and PostgreSQL: never part of `make test`.
drill: $(VENV)/.installed-dev
	$(BIN)/python -m bench.drill

# Chromium and the CJK fonts come from Debian; Playwright cannot download its own browsers here.
browser-deps:
	@if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
		true; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "installing chromium and fonts-noto-cjk for the browser tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk fonts-noto-color-emoji >/dev/null) \
			|| echo "SKIP browser tests: could not install chromium/fonts-noto-cjk"; \
	else \
		echo "SKIP browser tests: /usr/bin/chromium is missing and apt-get needs root (install chromium and fonts-noto-cjk)"; \
	fi

# --- Audit (issue 15, item 9): slow, so never part of `make test` ------------------
# Node/npm for Lighthouse and Java for the Nu HTML checker come from Debian when missing.
audit-deps:
	@missing=""; command -v npm >/dev/null || missing="nodejs npm"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
			echo "installing$$missing for the audit"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else \
			echo "make audit needs:$$missing (apt-get install$$missing)" >&2; exit 1; \
		fi; \
	fi

# Lighthouse and vnu.jar pinned by audit/package-lock.json. --ignore-scripts: vnu-jar's
# install script only fetches a Java runtime from outside, and Debian's Java is used instead.
audit/node_modules/.installed: audit/package.json audit/package-lock.json | audit-deps
	cd audit && npm ci --no-audit --no-fund --ignore-scripts
	touch $@

# AUDIT_ARGS="--only login,signup" or "--skip-lighthouse" for a quicker look.
audit: $(VENV)/.installed-dev browser-deps audit-deps audit/node_modules/.installed
	$(BIN)/python -m audit $(AUDIT_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test-sqlite: $(VENV)/.installed-dev
	$(BIN)/python -m pytest

# The same suite on PostgreSQL, when a server answers; with Redis for the version tokens
# and the rate limits when Redis answers too (a database of its own: conftest.py only ever
# deletes its run's keys there). Sessions are in the database either way.
test-postgres: $(VENV)/.installed-dev
	@if $(BIN)/python -c "import psycopg; psycopg.connect('$(PG_URL)'.rsplit('/', 1)[0] + '/postgres', connect_timeout=3).close()" >/dev/null 2>&1; then \
		if $(BIN)/python -c "import redis; redis.Redis.from_url('$(REDIS_TEST_URL)', socket_connect_timeout=3).ping()" >/dev/null 2>&1; then \
			echo "== PostgreSQL run, with Redis at $(REDIS_TEST_URL) =="; \
			export REDIS_URL=$(REDIS_TEST_URL); \
		else \
			echo "== PostgreSQL run (SKIP Redis: no server answers at $(REDIS_TEST_URL); local-memory cache instead) =="; \
			unset REDIS_URL; \
		fi; \
		DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest -m "not browser"; \
	else \
		echo "SKIP PostgreSQL run: no server answers at $(PG_URL)"; \
	fi

test: $(VENV)/.installed-dev browser-deps lint
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

clean:
	rm -rf $(VENV) staticfiles db.sqlite3* media bench-results audit-results audit/node_modules
