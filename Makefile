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

.PHONY: help run serve test test-sqlite test-postgres lint browser-deps bench loadtest drill clean

help:
	@echo "make run   — set up .venv, migrate, load the demo, serve http://$(HOST):$(PORT)/"
	@echo "make test  — ruff, checks, the whole pytest suite on SQLite and (if it answers) PostgreSQL"
	@echo "make bench — requests per second against a bare Django view"

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

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test-sqlite: $(VENV)/.installed-dev
	$(BIN)/python -m pytest

# The same suite on PostgreSQL (with Redis as cache and rate-limit store), when the servers answer.
test-postgres: $(VENV)/.installed-dev
	@if $(BIN)/python -c "import psycopg; psycopg.connect('$(PG_URL)'.rsplit('/', 1)[0] + '/postgres', connect_timeout=3).close()" >/dev/null 2>&1; then \
		echo "== PostgreSQL run =="; \
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
	rm -rf $(VENV) staticfiles db.sqlite3* media
