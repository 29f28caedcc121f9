# The README's two commands: `make run` and `make test`. Everything else here serves them.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 8050
CATALOG ?=
# An empty database gets the demo catalogue; these shrink it (e.g. DEMO_TRACKS=500 for a quick try).
DEMO_TRACKS ?=
DEMO_LISTENERS ?=
# `make run` is one person trying the app: the worker retrains after 20 new feedback events once
# 10 minutes have passed since the last training, and the web process looks for a new model every
# 5 s. Override on the command line or in the environment (README "make run").
MIXMAP_RETRAIN_AFTER_EVENTS ?= 20
MIXMAP_RETRAIN_MIN_MINUTES ?= 10
MIXMAP_MODEL_RELOAD_SECONDS ?= 5
DATA ?= ../shared/data
# The database tests also run on PostgreSQL when this answers; they skip it otherwise.
TEST_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
export TEST_DATABASE_URL

.PHONY: run test setup start serve lint browser-deps bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

## run: set up everything on a fresh machine, then run the web process (http://$(HOST):$(PORT))
## and the retraining worker together; one Ctrl-C stops both
run: setup start

setup: $(VENV)/.runtime
	$(FLASK) setup $(if $(CATALOG),--catalog "$(CATALOG)",) \
		$(if $(DEMO_TRACKS),--demo-tracks $(DEMO_TRACKS),) \
		$(if $(DEMO_LISTENERS),--demo-listeners $(DEMO_LISTENERS),)

# honcho runs Procfile.dev's processes the way the platform runs the Procfile's, each in its own
# process group: on Ctrl-C (or SIGTERM) it sends SIGTERM to every group, SIGKILL after 5 s.
start: $(VENV)/.runtime
	PATH="$(abspath $(BIN)):$$PATH" HOST="$(HOST)" PORT="$(PORT)" \
	MIXMAP_RETRAIN_AFTER_EVENTS="$(MIXMAP_RETRAIN_AFTER_EVENTS)" \
	MIXMAP_RETRAIN_MIN_MINUTES="$(MIXMAP_RETRAIN_MIN_MINUTES)" \
	MIXMAP_MODEL_RELOAD_SECONDS="$(MIXMAP_MODEL_RELOAD_SECONDS)" \
	$(BIN)/honcho start -f Procfile.dev

# The web process alone (no retraining), as `make run` did before the worker joined it.
serve: $(VENV)/.runtime
	$(BIN)/gunicorn app:server --bind $(HOST):$(PORT) --config gunicorn.conf.py

## test: install what the tests need (Python packages, Chromium for dash[testing]) and run them all
test: $(VENV)/.dev browser-deps
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

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
