# Lotse – everything a fresh machine needs goes through these targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEV_ENV := LOTSE_ENV=development LOTSE_DEMO_MODE=1
TEST_ENV := LOTSE_ENV=test
PYTEST_ARGS ?=
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench deps test-deps browser messages migrate demo clean check-deploy

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# WeasyPrint renders the client documents with Debian's Pango.
$(VENV)/.deps: pyproject.toml | $(BIN)/python
	@ldconfig -p | grep -q libpangoft2-1.0 || (apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null)
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test-deps: pyproject.toml $(VENV)/.deps
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

node_modules/.deps: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

deps: $(VENV)/.deps node_modules/.deps messages

test-deps: deps $(VENV)/.test-deps browser

# German and English catalogues are compiled from the .po files in the repository.
messages: $(VENV)/.deps
	@command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext >/dev/null)
	$(DEV_ENV) $(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules -v0

# Browser tests drive Debian's Chromium; no browser is downloaded by a test tool.
browser:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

migrate: deps
	mkdir -p var
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input -v0

demo: migrate
	$(DEV_ENV) $(BIN)/python manage.py seed_demo

run: demo
	@echo ""
	@echo "Lotse läuft auf http://$(HOST):$(PORT)/  (Demo-Modus, Anmeldung ohne zweiten Faktor)"
	$(DEV_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: test-deps
	$(TEST_ENV) $(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

# Benchmarks use their own database, never the demo database: SQLite under var/bench/ for
# BENCH_SCALE=small, PostgreSQL (lotse_bench on 127.0.0.1) for BENCH_SCALE=national, or DATABASE_URL if set.
BENCH_SCALE ?= small
BENCH_PG_URL := postgres://postgres@127.0.0.1:5432/lotse_bench
BENCH_DB := $(if $(DATABASE_URL),$(DATABASE_URL),$(if $(filter national,$(BENCH_SCALE)),$(BENCH_PG_URL),))
BENCH_ENV := LOTSE_ENV=development LOTSE_SQLITE_PATH=var/bench/bench.sqlite3 BENCH_SCALE=$(BENCH_SCALE) DATABASE_URL=$(BENCH_DB)
bench: deps
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk >/dev/null)
	mkdir -p var/bench
	@if [ "$(BENCH_DB)" = "$(BENCH_PG_URL)" ]; then \
		psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='lotse_bench'" | grep -q 1 \
		|| createdb -h 127.0.0.1 -U postgres lotse_bench; fi
	$(BENCH_ENV) $(BIN)/python manage.py migrate --no-input -v0
	$(BENCH_ENV) $(BIN)/python manage.py bench --output var/bench/latest.json

check-deploy: deps
	LOTSE_ENV=production LOTSE_SECRET_KEY=$$(head -c 48 /dev/urandom | base64) LOTSE_ALLOWED_HOSTS=lotse.example.org \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) node_modules var
