"""The API page shows the package's docstrings: every example there is run and compared exactly.

mkdocstrings renders each docstring of src/lambda_puzzle on the API page, and pytest
runs their `>>>` examples (--doctest-modules). What the page shows is what the reader
reads, so a docstring may not hold what would be shown without being checked, or
checked more loosely than shown:

* no doctest directive (`# doctest: +SKIP`, `+ELLIPSIS`, `+NORMALIZE_WHITESPACE`...): the
  site drops the comment and shows the output as if it were exact;
* no fenced code (``` or ~~~) and no reStructuredText code block: rendered as code,
  never run;
* no doctest option flags in pyproject.toml for the same reason.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import tomllib

from tests.paths import ROOT

PACKAGE = ROOT / "src" / "lambda_puzzle"
MODULES = sorted(PACKAGE.rglob("*.py"))
REFUSED = [
    (re.compile(r"#\s*doctest\s*:", re.I), "a doctest directive: the API page shows the example as exact"),
    (re.compile(r"^\s*(```|~~~)", re.M), "fenced code: the API page renders it as code that never runs"),
    (re.compile(r"^\s*\.\.\s+(code-block|code|sourcecode)::", re.M), "a code block: rendered, never run"),
]


def docstrings(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text("utf-8"))
    found = []
    for node in [tree, *ast.walk(tree)]:
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            text = ast.get_docstring(node, clean=False)
            if text is not None:
                found.append((node.body[0].lineno if node.body else 1, text))
    return found


def refusals(text: str) -> list[str]:
    return [why for pattern, why in REFUSED if pattern.search(text)]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_docstrings_hold_only_examples_that_run_exactly(path):
    problems = [f"{path.relative_to(ROOT)}:{line}: {why}" for line, text in docstrings(path) for why in refusals(text)]
    assert problems == []


def test_doctest_compares_exactly():
    options = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["pytest"]["ini_options"]
    assert options.get("doctest_optionflags", []) == []


def test_the_refusals_catch_what_they_name():
    assert refusals(">>> f()  # doctest: +SKIP\n1\n") == [REFUSED[0][1]]
    assert refusals("Example:\n\n    ```python\n    f()\n    ```\n") == [REFUSED[1][1]]
    assert refusals("Example:\n\n    ~~~python\n    f()\n    ~~~\n") == [REFUSED[1][1]]
    assert refusals(".. code-block:: python\n\n    f()\n") == [REFUSED[2][1]]
    assert refusals(">>> f()\n1\n") == []
