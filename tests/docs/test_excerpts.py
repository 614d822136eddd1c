"""Code shown on a page as an excerpt of the package must be the package's code.

A `notest` block whose reason reads "an excerpt of src/PATH" is checked here:
comments, blank lines, indentation and docstrings aside, its lines must stand
together in that file.
"""

import ast
import re
import textwrap

import pytest

from doccheck import parse_page
from tests.docs.parity import without_comments
from tests.paths import DOCS, ROOT

EXCERPT = re.compile(r"an excerpt of (?P<path>src/\S+?\.py)")
EXCERPTS = [
    (page, block)
    for page in sorted(DOCS.rglob("*.md"))
    for block in parse_page(page.read_text("utf-8"), page.relative_to(ROOT)).blocks
    if block.notest and block.notest_reason and EXCERPT.search(block.notest_reason)
]


def code_lines(code: str) -> list[str]:
    """The lines that carry code: no comments, no blank lines, no indentation."""
    return [line.strip() for line in without_comments(textwrap.dedent(code)).splitlines() if line.strip()]


def source_lines(path) -> list[str]:
    """A source file's code lines, with every docstring removed."""
    text = path.read_text("utf-8")
    docstrings = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and ast.get_docstring(node) is not None:
            first = node.body[0]
            docstrings.update(range(first.lineno, first.end_lineno + 1))
    kept = "\n".join(line for n, line in enumerate(text.splitlines(), start=1) if n not in docstrings)
    return code_lines(kept)


def contains(lines: list[str], run: list[str]) -> bool:
    return any(lines[i : i + len(run)] == run for i in range(len(lines) - len(run) + 1))


def test_the_pages_have_excerpts():
    assert len(EXCERPTS) >= 4


@pytest.mark.parametrize(("page", "block"), EXCERPTS, ids=lambda v: getattr(v, "name", None) or f"line{v.line}")
def test_an_excerpt_is_the_package_code(page, block):
    path = ROOT / EXCERPT.search(block.notest_reason)["path"]
    assert contains(source_lines(path), code_lines(block.code)), f"{page}:{block.line} is not in {path}"


def test_a_changed_line_is_caught():
    path = ROOT / "src" / "lambda_puzzle" / "gradient.py"
    assert contains(source_lines(path), ["x[idx] = original + h"])
    assert not contains(source_lines(path), ["x[idx] = original + 2 * h"])
