# The README's two commands: `make run` and `make test`. Everything else here serves them.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 8050
CATALOG ?=
DATA ?= ../shared/data
# The database tests also run on PostgreSQL when this answers; they skip it otherwise.
TEST_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
export TEST_DATABASE_URL

.PHONY: run test setup serve lint browser-deps bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

## run: set up everything on a fresh machine and serve the app on http://$(HOST):$(PORT)
run: setup serve

setup: $(VENV)/.runtime
	$(FLASK) setup $(if $(CATALOG),--catalog "$(CATALOG)",)

serve: $(VENV)/.runtime
	$(BIN)/gunicorn app:server --bind $(HOST):$(PORT) --config gunicorn.conf.py

## test: install what the tests need (Python packages, Chromium for dash[testing]) and run them all
test: $(VENV)/.dev browser-deps
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# dash[testing] drives Debian's chromium through chromedriver; install them when missing.
browser-deps:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver >/dev/null; \
	fi
	@chromium --version && chromedriver --version | head -1

bench: $(VENV)/.dev
	for script in bench/*.py; do $(BIN)/python $$script --data $(DATA) || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
