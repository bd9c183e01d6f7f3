# recovery-care. `make run` for a first look, `make test` for the whole suite; `make help` for more.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

# `make test` takes DATABASE_URL, REDIS_URL and CHROMIUM from the environment or the command
# line; scripts/test-services.sh finds or starts whatever is not given. `make run` ignores them:
# it runs on the embedded default unless DATABASE_URL is already set in the environment.
PYTEST_ARGS ?=

RUN_ADDRESS ?= 127.0.0.1:8000
SERVE_BIND ?= 127.0.0.1:8000

PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.package-lock.json
CSS := static/build/app.css
SCSS := $(wildcard static/scss/*.scss)

LOCAL := DJANGO_SETTINGS_MODULE=recovery_site.settings.local

.PHONY: help setup run test planted-bugs mutants lint lint-ruff lint-format lint-types lint-layers lint-migrations \
	check-run serve worker beat

help:
	@echo "make run        set up, then run the embedded default with demo data on http://$(RUN_ADDRESS)"
	@echo "make test       set up, then run every test against PostgreSQL and Redis (started if need be)"
	@echo "make lint       ruff, formatting, mypy, import layers, missing migrations"
	@echo "make planted-bugs  plant known single-line bugs one at a time; fails if a test misses one"
	@echo "make mutants    mutation testing of permissions, services, selectors, scoring (by hand; MUTANTS='directory.permissions*')"
	@echo "make check-run  prove the embedded default starts, serves the sign-in page and the league pages"
	@echo "make serve      gunicorn web process, configured from the environment"
	@echo "make worker     Celery worker, configured from the environment"
	@echo "make beat       Celery beat, configured from the environment"
	@echo "make setup      virtualenv, Python and npm packages, CSS (each only when out of date)"

# --- setup: each step runs only when its inputs changed ------------------------------------------

setup: $(PY_STAMP) $(NODE_STAMP) $(CSS)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(PY_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

# npm writes this file itself; touching it keeps make from reinstalling when npm left it as it was.
$(NODE_STAMP): package-lock.json
	npm ci --no-audit --no-fund
	touch $@

$(CSS): $(SCSS) $(NODE_STAMP)
	npm run build:css

# --- the embedded default -----------------------------------------------------------------------

run: setup
	$(LOCAL) $(MANAGE) migrate --noinput
	$(LOCAL) $(MANAGE) seed_demo
	$(LOCAL) $(MANAGE) runserver $(RUN_ADDRESS)

# Migrates and seeds a throwaway SQLite file, starts the dev server on a free port and waits for
# the sign-in page and the compiled CSS to answer 200; then signs in as the demo QA manager and
# fetches the league, a team's page, the benchmark page, their files and the league API.
check-run: setup
	@tmp="$$(mktemp -d)"; server=""; \
	trap 'if [ -n "$$server" ]; then kill $$server 2>/dev/null || true; wait $$server 2>/dev/null || true; fi; rm -rf "$$tmp"' EXIT; \
	port="$$($(BIN)/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"; \
	export DJANGO_SETTINGS_MODULE=recovery_site.settings.local DATABASE_URL="sqlite:///$$tmp/db.sqlite3"; \
	$(MANAGE) migrate --noinput >"$$tmp/migrate.log" 2>&1 || { cat "$$tmp/migrate.log"; exit 1; }; \
	$(MANAGE) seed_demo >"$$tmp/seed.log" 2>&1 || { cat "$$tmp/seed.log"; exit 1; }; \
	$(MANAGE) runserver --noreload "127.0.0.1:$$port" >"$$tmp/server.log" 2>&1 & \
	server=$$!; \
	url="http://127.0.0.1:$$port"; \
	for _ in $$(seq 60); do \
		kill -0 $$server 2>/dev/null || { echo "The server exited:"; cat "$$tmp/server.log"; exit 1; }; \
		status="$$(curl -s -o /dev/null -w '%{http_code}' "$$url/account/sign-in/" || true)"; \
		[ "$$status" = 200 ] && break; \
		sleep 1; \
	done; \
	if [ "$$status" != 200 ]; then \
		echo "$$url/account/sign-in/ did not answer 200 within 60 s (last: $$status):"; \
		cat "$$tmp/server.log"; exit 1; \
	fi; \
	css="$$(curl -s -o /dev/null -w '%{http_code}' "$$url/static/build/app.css")"; \
	[ "$$css" = 200 ] || { echo "$$url/static/build/app.css answered $$css"; exit 1; }; \
	$(BIN)/python scripts/check_league_pages.py "$$url" || { cat "$$tmp/server.log"; exit 1; }; \
	echo "The embedded default serves $$url/account/sign-in/, its CSS and the QA manager's league pages."

# --- tests and checks ---------------------------------------------------------------------------

# The script provides a browser, PostgreSQL and Redis (installing or starting throwaway ones
# when none are there) around pytest. pytest exits 5 when it collected nothing; like any other
# non-zero status, that fails the target.
test: setup
	DJANGO_SETTINGS_MODULE=recovery_site.settings.test PYTHON=$(BIN)/python \
		scripts/test-services.sh $(BIN)/python -m pytest $(PYTEST_ARGS)

# Plants known single-line bugs one at a time (tests/planted_bugs.py) and fails if a test misses one.
planted-bugs: setup
	DJANGO_SETTINGS_MODULE=recovery_site.settings.test PYTHON=$(BIN)/python \
		scripts/test-services.sh $(BIN)/python -m tests.planted_bugs

# Mutation testing with mutmut (configured in pyproject.toml), by hand and never in CI: one
# worker, at low priority, as the machine is shared. Each mutant runs only the tests that call the
# function it changed. MUTANTS picks some, e.g. MUTANTS='directory.permissions*'; docs/mutation.md
# has the scores and the survivors.
MUTANTS ?=
mutants: setup
	DJANGO_SETTINGS_MODULE=recovery_site.settings.test PYTHON=$(BIN)/python \
		scripts/test-services.sh nice -n 15 $(BIN)/mutmut run --max-children 1 $(MUTANTS)
	$(BIN)/mutmut results

lint: lint-ruff lint-format lint-types lint-layers lint-migrations

lint-ruff: setup
	$(BIN)/ruff check .

lint-format: setup
	$(BIN)/ruff format --check .

lint-types: setup
	$(BIN)/mypy .

lint-layers: setup
	$(BIN)/lint-imports

# An in-memory database: the check needs no server and leaves no file behind.
lint-migrations: setup
	$(LOCAL) DATABASE_URL='sqlite://:memory:' $(MANAGE) makemigrations --check --dry-run

# --- the real stack, every setting from the environment (see .env.example) ----------------------

serve worker beat: export DJANGO_SETTINGS_MODULE ?= recovery_site.settings.production

serve: setup
	$(MANAGE) migrate --noinput
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(BIN)/gunicorn recovery_site.wsgi --no-control-socket --bind $(SERVE_BIND) --access-logfile -

worker: setup
	$(BIN)/celery -A recovery_site worker --loglevel=INFO

beat: setup
	$(BIN)/celery -A recovery_site beat --loglevel=INFO
