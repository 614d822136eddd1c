"""The doc-test harness: every python block in docs/ runs, and its printed output is checked.

pytest-markdown-docs collects and runs the blocks; this plugin adds what it lacks:

* It parses Material's indented containers (``!!! note``, ``??? tip``, ``=== "Tab"``),
  so a block inside an admonition or a content tab is collected like any other.
* It replaces the default runner with one that redirects ``sys.stdout`` while the
  block runs and compares what was printed with the ``output`` block that follows
  it, exactly. For a ``continuation`` block, the earlier blocks of the chain run
  first with their output discarded, so only the block's own output is compared.
* ``audit_page`` finds blocks that would not be checked: python fences that are not
  collected, ``notest`` without a written reason, ``output`` blocks that follow no
  python block, and python-like fences (``pycon``...) that nothing would run.

The runner hooks into ``pytest_markdown_docs._runners``, which is private API, so
pyproject.toml pins pytest-markdown-docs exactly and tests/test_harness.py proves
the behaviour on small pages.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from _pytest.doctest import DoctestModule
from markdown_it import MarkdownIt
from pytest_markdown_docs._runners import DefaultRunner, register_runner
from pytest_markdown_docs.plugin import (
    FenceSyntax,
    MarkdownDocstringCodeModule,
    extract_fence_tests,
    parse_superfences_block_info,
)

PYTHON_LANGS = ("python", "py", "python3")
OUTPUT_LANG = "output"
NOTEST_REASON = re.compile(r"^\s*<!--\s*notest:\s*(?P<reason>\S.*?)\s*-->\s*$")


# --- Parsing -----------------------------------------------------------------

# Material's indented containers: admonitions (!!!), collapsible ones (???, ???+)
# and content tabs (===, ===+). Their body is indented by four spaces.
_CONTAINER_START = re.compile(r"(?:!!!|\?\?\?\+?|===\+?)(?:[ \t]|$)")


def _container_rule(state, start_line: int, end_line: int, silent: bool) -> bool:
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False
    first = state.src[state.bMarks[start_line] + state.tShift[start_line] : state.eMarks[start_line]]
    if not _CONTAINER_START.match(first):
        return False
    if silent:
        return True

    body_indent = state.sCount[start_line] + 4
    next_line = start_line + 1
    while next_line < end_line and (
        state.isEmpty(next_line) or state.sCount[next_line] >= body_indent
    ):
        next_line += 1

    saved = state.parentType, state.blkIndent
    state.parentType = "mkdocs_container"
    state.blkIndent = body_indent
    opening = state.push("mkdocs_container_open", "div", 1)
    opening.info = first
    opening.map = [start_line, next_line]
    state.md.block.tokenize(state, start_line + 1, next_line)
    state.push("mkdocs_container_close", "div", -1)
    state.parentType, state.blkIndent = saved
    state.line = next_line
    return True


def make_parser() -> MarkdownIt:
    """CommonMark plus Material's indented containers."""
    md = MarkdownIt("commonmark")
    md.block.ruler.before(
        "fence",
        "mkdocs_container",
        _container_rule,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
    return md


@dataclass
class Block:
    """A fenced code block as the harness sees it."""

    lang: str | None
    options: frozenset[str]
    line: int  # 1-based line of the opening fence, as pytest-markdown-docs counts
    code: str
    expected_output: str | None = None  # content of the output block right after it
    output_line: int | None = None
    notest_reason: str | None = None


@dataclass
class Page:
    path: Path
    blocks: list[Block] = field(default_factory=list)
    orphan_outputs: list[int] = field(default_factory=list)

    @property
    def python_blocks(self) -> list[Block]:
        return [b for b in self.blocks if b.lang in PYTHON_LANGS]


def parse_page(text: str, path: Path = Path("<page>")) -> Page:
    """Split a Markdown page into its fenced blocks, pairing python with output."""
    page = Page(path)
    lines = text.splitlines()
    tokens = make_parser().parse(text)
    for i, token in enumerate(tokens):
        if token.type == "fence" and token.map:
            info = parse_superfences_block_info(token.info)
            lang = info[0] if info else None
            block = Block(lang, frozenset(info[1:]), token.map[0] + 1, token.content)
            if lang == OUTPUT_LANG:
                previous = page.blocks[-1] if page.blocks else None
                follows_fence = i > 0 and tokens[i - 1].type == "fence"
                if follows_fence and previous is not None and previous.lang in PYTHON_LANGS:
                    previous.expected_output = token.content
                    previous.output_line = block.line
                else:
                    page.orphan_outputs.append(block.line)
            if "notest" in block.options and block.line >= 2:
                found = NOTEST_REASON.match(lines[block.line - 2])
                block.notest_reason = found["reason"] if found else None
            page.blocks.append(block)
    return page


@functools.lru_cache(maxsize=None)
def _load_page(path: Path, mtime_ns: int) -> Page:
    return parse_page(path.read_text("utf-8"), path)


def load_page(path: Path) -> Page:
    path = Path(path).resolve()
    return _load_page(path, path.stat().st_mtime_ns)


# --- Auditing ----------------------------------------------------------------

_RAW_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`]*?)[ \t]*$")
_RAW_LANG = re.compile(r"^\{?[ \t]*\.?(?P<lang>[\w+-]*)")


def raw_fences(text: str) -> list[tuple[int, str]]:
    """(line, lang) of every fence opener, found line by line without a Markdown parser.

    It is deliberately naive: it knows nothing of containers or indentation, so it
    sees the fences that a parser might miss.
    """
    found = []
    open_fence: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        m = _RAW_FENCE.match(line)
        if not m:
            continue
        fence, info = m["fence"], m["info"]
        if open_fence is None:
            open_fence = fence
            found.append((number, _RAW_LANG.match(info)["lang"]))
        elif fence[0] == open_fence[0] and len(fence) >= len(open_fence) and not info:
            open_fence = None
    return found


def audit_page(path: Path, text: str | None = None) -> list[str]:
    """Every reason why a python block of this page would not be run and checked."""
    path = Path(path)
    text = path.read_text("utf-8") if text is None else text
    page = parse_page(text, path)
    collected = {
        test.start_line
        for test in extract_fence_tests(
            make_parser(), text, start_line_offset=0, source_path=path,
            fence_syntax=FenceSyntax.superfences,
        )
    }
    problems = []
    by_line = {b.line: b for b in page.blocks}
    for line, lang in raw_fences(text):
        where = f"{path}:{line}"
        block = by_line.get(line)
        if lang in PYTHON_LANGS:
            if block is not None and "notest" in block.options:
                if block.notest_reason is None:
                    problems.append(
                        f"{where}: notest without a reason: put <!-- notest: why --> on the line above"
                    )
            elif line not in collected:
                problems.append(f"{where}: python block is not collected, so it never runs")
        elif lang.startswith("py") or lang == "ipython":
            problems.append(f"{where}: ```{lang} blocks are never run; use ```python")
    problems += [f"{path}:{line}: output block does not follow a python block" for line in page.orphan_outputs]
    return problems


# --- Running -------------------------------------------------------------------


class OutputMismatch(AssertionError):
    """The printed output of a block is not what the page shows."""


@register_runner(default=True)
class OutputCheckingRunner(DefaultRunner):
    """Run a block with stdout redirected, then compare with its output block."""

    def runtest(self, test, args, *, asyncio_runner=None):
        block = self._block(test)
        filename = str(test.source_path)
        lines = test.source.splitlines(keepends=True)
        # pytest-markdown-docs pads a chain so that line numbers stay true: the
        # block's own code starts on line `start_line + 1`.
        earlier = "".join(lines[: test.start_line])
        own = "\n" * test.start_line + "".join(lines[test.start_line :])
        if earlier.strip():
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(earlier, filename, "exec", dont_inherit=True), args)
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(own, filename, "exec", dont_inherit=True), args)
        self._compare(test, block, printed.getvalue())

    @staticmethod
    def _block(test) -> Block:
        page = load_page(Path(test.source_path))
        for block in page.python_blocks:
            if block.line == test.start_line:
                return block
        raise LookupError(f"{test.source_path}:{test.start_line}: the harness found no python block here")

    @staticmethod
    def _compare(test, block: Block, printed: str) -> None:
        where = f"{test.source_path}:{block.line}"
        if block.expected_output is None:
            if printed:
                raise OutputMismatch(
                    f"{where}: the block printed output, but no ```output block follows it.\n"
                    f"Printed:\n{printed}"
                )
            return
        if printed != block.expected_output:
            diff = "".join(
                difflib.unified_diff(
                    block.expected_output.splitlines(keepends=True),
                    printed.splitlines(keepends=True),
                    fromfile=f"shown on the page ({test.source_path}:{block.output_line})",
                    tofile="printed by the block",
                )
            )
            raise OutputMismatch(
                f"{where}: printed output differs from the output block at line "
                f"{block.output_line}\n{diff or repr(printed)}"
            )

    def repr_failure(self, test, excinfo, style=None):
        if isinstance(excinfo.value, OutputMismatch):
            return str(excinfo.value)
        return super().repr_failure(test, excinfo, style)


# --- pytest hooks ----------------------------------------------------------------


@pytest.hookimpl
def pytest_markdown_docs_markdown_it() -> MarkdownIt:
    return make_parser()


@pytest.hookimpl(wrapper=True)
def pytest_collect_file(file_path, parent):
    collectors = yield
    # Docstring examples are >>> sessions, run by --doctest-modules, and only src/
    # has them. Both collectors import a module a second time under another name,
    # which for tests/ would mean a second copy of this very plugin.
    in_src = Path(file_path).is_relative_to(parent.config.rootpath / "src")
    return [
        c for c in collectors or []
        if not isinstance(c, MarkdownDocstringCodeModule)
        and not (isinstance(c, DoctestModule) and not in_src)
    ]


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    counts: dict[str, list[int]] = {}
    for report in terminalreporter.getreports("passed") + terminalreporter.getreports("failed"):
        if report.when != "call" or "[CodeFence#" not in report.nodeid:
            continue
        folder = Path(report.nodeid.split("::")[0]).parent.name
        passed, total = counts.setdefault(folder, [0, 0])
        counts[folder] = [passed + report.passed, total + 1]
    if counts:
        parts = ", ".join(f"{folder}: {p}/{t}" for folder, (p, t) in sorted(counts.items()))
        total_passed = sum(p for p, _ in counts.values())
        total = sum(t for _, t in counts.values())
        terminalreporter.write_line(
            f"doc blocks run with output checked: {total_passed}/{total} passed ({parts})"
        )

