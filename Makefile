# The two commands of the README: `make run` and `make test`. Both create .venv themselves.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: run test lint typecheck pytest install messages check-messages migrate-check bench clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[test]"
	touch $@

install: $(VENV)/.installed

## Install, migrate, load demo data and run web + Celery worker + beat (embedded mode).
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py seed_demo
	$(PY) manage.py serve_embedded --host $(HOST) --port $(PORT)

## Lint, type-check, migration and translation checks, then the whole test suite.
test: install
	.ci/system-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check_translations
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .

## Regenerate the Vietnamese catalogue after changing UI strings (needs GNU gettext).
messages: install
	$(PY) manage.py makemessages -l vi --no-obsolete --no-location --ignore=.venv --ignore=var
	$(PY) manage.py compilemessages -l vi --ignore=.venv

bench: install
	$(PY) bench/calendar_bench.py

clean:
	rm -rf var .pytest_cache
