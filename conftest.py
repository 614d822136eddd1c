"""Loads the doc checker into every pytest run, whatever paths are given.

A root conftest is the one file pytest always reads, so `pytest docs/en/index.md`
audits, runs and checks a page exactly as `make test` does.
"""

from pathlib import Path

import pytest
from _pytest.doctest import DoctestModule

pytest_plugins = ["doccheck.plugin", "pytester"]

SRC = Path(__file__).parent / "src"


@pytest.hookimpl(wrapper=True)
def pytest_collect_file(file_path, parent):
    # Docstring examples (>>> sessions) live in src/ only. --doctest-modules would
    # also import each test module a second time under another name.
    collectors = yield
    in_src = Path(file_path).is_relative_to(SRC)
    return [c for c in collectors or [] if in_src or not isinstance(c, DoctestModule)]
