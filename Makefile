# The two README commands: `make run` (set up, build, serve) and `make test` (set up, run tests).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup system web build clean

run: setup
	$(BIN)/kg serve --host $(HOST) --port $(PORT)

test: setup
	$(BIN)/python -m pytest

setup: system $(STAMP) web

# Java runs the HermiT reasoner; rapper is the independent parser the tests check our files with.
system:
	@command -v java >/dev/null 2>&1 && command -v rapper >/dev/null 2>&1 || { \
	  echo "installing Java and raptor2-utils from Debian"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless raptor2-utils >/dev/null; }

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

# The query page's YASGUI comes from npm; the page falls back to a plain form without it.
web:
	@if [ -f web/package-lock.json ] && [ ! -d web/node_modules ]; then \
	  npm ci --prefix web --no-audit --no-fund || echo "npm install failed: the query page will use its plain form"; fi

build: setup
	$(BIN)/kg build

clean:
	rm -rf dist .venv web/node_modules
