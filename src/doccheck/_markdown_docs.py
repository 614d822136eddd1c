"""The one place that touches pytest-markdown-docs' internals.

pytest-markdown-docs decides which fences are collected as tests
(`extract_fence_tests`) and how a superfences header such as
``{.python continuation}`` splits into a language and options
(`parse_superfences_block_info`). Neither is documented API, so pyproject.toml
pins the version below and tests/doccheck/test_markdown_docs_adapter.py checks it.
How the collected blocks run is doccheck's own: nothing here runs code.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import cast

from markdown_it import MarkdownIt
from markdown_it.token import Token
from pytest_markdown_docs.plugin import (
    FenceSyntax,
    MarkdownDocstringCodeModule,
    MarkdownTextFile,
    extract_fence_tests,
    parse_superfences_block_info,
)

PINNED_VERSION = "0.9.2"

# Its own collectors: doccheck's plugin drops them, so that nothing runs a block
# outside the checker even when --markdown-docs is given.
COLLECTORS = (MarkdownTextFile, MarkdownDocstringCodeModule)


class _Parsed:
    """Hands extract_fence_tests the tokens already parsed, so a page is parsed once."""

    def __init__(self, tokens: Sequence[Token]) -> None:
        self._tokens = tokens

    def parse(self, _text: str) -> Sequence[Token]:
        return self._tokens


def collected_fence_lines(tokens: Sequence[Token], text: str, path: Path) -> set[int]:
    """The 1-based lines of the fences that pytest-markdown-docs collects as tests."""
    try:
        return {
            test.start_line
            for test in extract_fence_tests(
                cast(MarkdownIt, _Parsed(tokens)), text, start_line_offset=0, source_path=path,
                fence_syntax=FenceSyntax.superfences,
            )
        }
    except Exception as exc:  # it raises a bare Exception for two runner: or a bad retry:
        raise ValueError(f"{path}: pytest-markdown-docs cannot read a fence header: {exc}") from exc


def block_info(info: str) -> list[str]:
    """A fence header as [language, option, ...], in superfences syntax or plain."""
    parts: list[str] = parse_superfences_block_info(info)
    return parts
