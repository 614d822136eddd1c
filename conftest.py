"""Loads the doc-test harness into every pytest run, whatever paths are given.

A root conftest is the one file pytest always reads, so `pytest docs/en/index.md`
checks printed output exactly as `make test` does.
"""

pytest_plugins = ["tests.doc_harness", "tests.fixtures", "pytester"]
