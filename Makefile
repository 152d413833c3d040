# Vroeg. `make run`: try it on http://127.0.0.1:8000 with demo data. `make test`: the test suite (on PostgreSQL when
# VROEG_DATABASE_URL points there; extra pytest arguments in PYTEST_ARGS). `make clean`: remove the virtualenv and
# caches (instance/, your database, stays).
SHELL := /bin/bash

# The first of these that is Python 3.11 or newer creates .venv (override: make run PYTHON=/path/to/python3.12).
PYTHON ?= $(shell for p in python3 python3.13 python3.12 python3.11; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
# install --no-compile: Python compiles what it imports when it first imports it; compiling every installed package
# up front took a quarter of the install.
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet
# ...and keeps it in __pycache__ (git ignores those). A PYTHONDONTWRITEBYTECODE in the caller's environment (some
# machines set one) made every process compile everything it imports again, ~1.4 s each: every test worker, every
# `vroeg` a test starts, the simulation's second process, the worker beside `make run`.
export PYTHONDONTWRITEBYTECODE :=
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# pytest-xdist workers: one per core (each has its own databases, app server and browser); 0 runs in this process.
# --dist loadfile keeps a test module on one worker (test_vroegsignalering_process checks its own paths' coverage).
PYTEST_WORKERS ?= auto

.PHONY: help run test clean

help:
	@echo "make run    - install, migrate, load demo data into an empty database, serve http://$(HOST):$(PORT)/ + worker"
	@echo "make test   - install test dependencies and run the test suite (PYTEST_ARGS=... passes arguments)"
	@echo "make clean  - remove .venv, build output and caches (keeps instance/)"

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "make: Python 3.11 or newer is needed; give it as PYTHON=/path/to/python3" >&2; exit 2; }
	$(PYTHON) -m venv $(VENV)

# Stamp files: reinstall only when pyproject.toml changed (or the virtualenv is new).
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install --no-compile -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(PIP) install --no-compile -e '.[test]'
	@touch $@

# The demo's contact settings, so the resident's letters name a way to reach the municipality (demo values;
# your own environment's VROEG_* win).
run: export VROEG_ORGANISATIE_NAAM ?= Gemeente Voorbeeld (demo)
run: export VROEG_CONTACT_NAAM ?= het team Vroegsignalering
run: export VROEG_CONTACT_TELEFOON ?= 14 000 (demo)
run: export VROEG_CONTACT_EMAIL ?= vroegsignalering@voorbeeld.invalid
run: $(VENV)/.installed
	$(BIN)/vroeg db upgrade
	$(BIN)/vroeg demo --if-empty
	@echo
	@echo "Vroeg: log in at http://$(HOST):$(PORT)/ (demo accounts above). Ctrl-C stops the web app and the worker."
	@echo
	@$(BIN)/vroeg worker & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	trap 'exit 0' INT; trap 'exit 143' TERM; \
	$(BIN)/vroeg serve --host $(HOST) --port $(PORT)

# The browser tests need Chromium: tools/find_chromium.py finds one (or installs Debian's as root), else stops here.
test: $(VENV)/.installed-test
	@chromium=$$($(BIN)/python tools/find_chromium.py) || exit 1; \
	echo "browser tests use $$chromium"; \
	VROEG_CHROMIUM="$$chromium" $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache test-artefacts
	find . -path ./.git -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
