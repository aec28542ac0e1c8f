# The two README commands: `make run` (set up, build, serve) and `make test` (set up, run tests).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup system system-test web build clean

run: setup
	$(BIN)/kg serve --host $(HOST) --port $(PORT)

test: setup system-test
	$(BIN)/python -m pytest

setup: system $(STAMP) web

# Java runs the HermiT reasoner in every build.
system:
	@command -v java >/dev/null 2>&1 || { \
	  echo "installing a Java runtime from Debian (for the HermiT reasoner)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; }

# Only the tests need these: rapper is the independent parser our files are checked with, and
# Chromium with its driver runs the explorer pages in a real browser.
system-test:
	@command -v rapper >/dev/null 2>&1 && command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 || { \
	  echo "installing raptor2-utils, chromium and chromium-driver from Debian (for the tests)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq raptor2-utils chromium chromium-driver >/dev/null; }

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

# The query page's YASGUI and the map's outlines come from npm, pinned by the lock file; the
# pages fall back to a plain form and a bare projection without them.
web: web/node_modules/.installed

web/node_modules/.installed: web/package-lock.json
	@if npm ci --prefix web --no-audit --no-fund; then touch $@; \
	  else echo "npm install failed: the query page will use its plain form"; fi

build: setup
	$(BIN)/kg build

clean:
	rm -rf dist .venv web/node_modules
