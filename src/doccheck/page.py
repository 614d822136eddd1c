"""Parse a Markdown page once into the fenced blocks it holds.

The parser is CommonMark (markdown-it) plus the indented containers that Material
for MkDocs renders, so that a block inside an admonition or a content tab is seen
like any other. pytest-markdown-docs decides which blocks are collected as tests
(see `doccheck._markdown_docs`); everything else about a block is read here.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.lexers.python import (
    CythonLexer,
    NumPyLexer,
    Python2Lexer,
    Python2TracebackLexer,
    PythonConsoleLexer,
    PythonLexer,
    PythonTracebackLexer,
)
from pygments.lexers.shell import ShellSessionBaseLexer
from pygments.lexers.special import OutputLexer, TextLexer
from pygments.util import ClassNotFound

RUN_LANG = "python"  # the one spelling that runs
OUTPUT_LANG = "output"
OPTIONS = frozenset({"continuation", "notest"})
# ```python book="ch05": a block that runs only in that folder of the book's repository
# (pytest --doccheck-book PATH); the folder is a relative path inside the repository.
BOOK_OPTION = re.compile(r'book="(?P<folder>[^"]*)"')
BOOK_FOLDER = re.compile(r"[A-Za-z0-9_-]+(?:/[A-Za-z0-9_-]+)*")
NOTEST_REASON = re.compile(r"^\s*<!--\s*notest:\s*(?P<reason>\S.*?)\s*-->\s*$")

# Material's indented containers: admonitions (!!!), collapsible ones (???, ???+)
# and content tabs (===, ===+, ===!). Their body is indented by four spaces.
_CONTAINER_START = re.compile(r"(?:!!!|\?\?\?\+?|===[+!]?)(?:[ \t]|$)")


def _lexer(lang: str | None) -> Lexer | None:
    if not lang:
        return None
    try:
        lexer: Lexer = get_lexer_by_name(lang)
        return lexer
    except ClassNotFound:
        return None


def is_known_language(lang: str) -> bool:
    """Whether Pygments, and so the site, knows the language of a fence."""
    return _lexer(lang) is not None


@functools.cache
def known_languages() -> list[str]:
    """Every name Pygments knows a lexer by, in lower case: what a typo is compared with."""
    from pygments.lexers import get_all_lexers

    return sorted({alias.lower() for _, aliases, _, _ in get_all_lexers() for alias in aliases})


@functools.cache
def is_python_like(lang: str | None) -> bool:
    """Whether the site highlights a fence of this language as Python.

    Pygments resolves names without regard to case, so ``Python``, ``PY``,
    ``py3`` and ``sage`` all render as Python; ``pycon`` and ``python2`` too.
    """
    if lang and lang.lower().startswith("ipython"):
        return True  # IPython's lexers live in IPython, not Pygments
    lexer = _lexer(lang)
    # Python's own lexers, and the dialects that highlight Python code as Python (Cython,
    # NumPy, Mojo, Python with UL4): a reader takes any of them for Python.
    return isinstance(lexer, (PythonLexer, Python2Lexer, PythonConsoleLexer, CythonLexer, NumPyLexer)) or (
        type(lexer).__name__ in ("MojoLexer", "PythonUL4Lexer")
    )


@functools.cache
def could_pass_for_output(lang: str | None) -> bool:
    """Whether a fence of this language would look like printed output to a reader."""
    if lang == OUTPUT_LANG:
        return False  # the one fence that is checked as output
    lexer = _lexer(lang)
    return lexer is None or isinstance(
        lexer, (TextLexer, OutputLexer, ShellSessionBaseLexer, PythonTracebackLexer, Python2TracebackLexer)
    ) or type(lexer).__name__ in ("JsonLexer", "YamlLexer", "TOMLLexer")  # data a block might print


@dataclass(eq=False)
class Block:
    """One fenced block of a page, with everything needed to run and check it."""

    lang: str | None
    options: tuple[str, ...]
    line: int  # 1-based line of the opening fence; the code starts on the next line
    code: str
    end: int = 0  # 1-based line just after the closing fence
    collected: bool | None = None  # pytest-markdown-docs collects it as a test (None: not asked)
    expected_output: str | None = None  # content of the ```output block right after it
    output_line: int | None = None
    notest_reason: str | None = None
    previous_fence: Block | None = None  # the fence before this one, with nothing a reader sees between

    @property
    def continuation(self) -> bool:
        return "continuation" in self.options

    @property
    def notest(self) -> bool:
        return "notest" in self.options

    @property
    def book(self) -> str | None:
        """The folder of the book's repository a ```python book="..." block runs in, as written."""
        found = next((m for o in self.options if (m := BOOK_OPTION.fullmatch(o))), None)
        return found["folder"] if found else None

    @property
    def runs(self) -> bool:
        """Whether the checker runs this block on every run: ```python, collected, not notest,
        not a book block (those run only with --doccheck-book)."""
        return self.lang == RUN_LANG and self.collected is not False and not self.notest and self.book is None


@dataclass(frozen=True)
class Heading:
    line: int
    level: int
    text: str  # as the reader sees it: inline code without its backticks, no { #id }
    id: str | None  # the explicit { #id }, if the heading has one


@dataclass(frozen=True)
class Paragraph:
    line: int
    source: str  # the paragraph's Markdown, inline code and links as written


@dataclass(eq=False)
class Page:
    """A Markdown page, parsed once: what every reader of pages (the checker, the tests) asks."""

    path: Path
    text: str
    blocks: list[Block] = field(default_factory=list)
    orphan_outputs: list[int] = field(default_factory=list)
    hidden: list[tuple[int, str]] = field(default_factory=list)  # (line, what): raw HTML that hides content
    raw_code: list[tuple[int, str]] = field(default_factory=list)  # (line, what): raw <pre>, or <code> after python
    front_matter: dict[str, Any] = field(default_factory=dict)  # the YAML between the first two --- lines
    body_line: int = 1  # the first line after the front matter
    headings: list[Heading] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)  # prose: not code, headings or raw HTML

    @property
    def python_blocks(self) -> list[Block]:
        """Every block the site renders as Python, run or not."""
        return [b for b in self.blocks if is_python_like(b.lang)]

    @property
    def runnable_blocks(self) -> list[Block]:
        return [b for b in self.blocks if b.runs]

    @property
    def book_blocks(self) -> list[Block]:
        """The ```python book="..." blocks: run in the book's repository, with --doccheck-book."""
        return [b for b in self.blocks if b.lang == RUN_LANG and b.book is not None]


def _container_rule(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
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


@functools.lru_cache(maxsize=1)
def make_parser() -> MarkdownIt:
    """CommonMark plus Material's indented containers (one parser, shared: it keeps no state)."""
    md = MarkdownIt("commonmark")
    md.block.ruler.before(
        "fence",
        "mkdocs_container",
        _container_rule,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
    return md


def fence_info(info: str) -> list[str]:
    """A fence header as [language, option, ...]: "python continuation" or "{.python continuation}".

    The same reading as pytest-markdown-docs' (tests/doccheck/test_markdown_docs_adapter.py
    holds them side by side), without importing it, and pytest with it, into the site build.
    """
    parts = info.strip().strip("{}").split() if info.strip().startswith("{") else info.split()
    lang = next((part for part in parts if part.startswith(".")), None) if info.strip().startswith("{") else None
    if lang is not None:
        parts.remove(lang)
        parts.insert(0, lang[1:])
    return parts


def parse_page(text: str, path: Path | str = Path("<page>"), *, collect: bool = True) -> Page:
    """Split a Markdown page into its fenced blocks, pairing each python block with its output.

    With `collect`, pytest-markdown-docs says which fences it collects (the checker
    needs that); without it, as for the site build, it is not imported at all, and
    every python fence that is not notest counts as run.
    """
    path = Path(path)
    text = text.removeprefix("\ufeff")  # a byte-order mark, which MkDocs reads as nothing
    page = Page(path, text)
    lines = text.split("\n")  # lines end at \n alone, as for the Markdown parser
    meta, body_start = _front_matter(text)
    page.front_matter, page.body_line = meta, body_start + 1
    # The front matter is blanked, not cut, so that every line keeps its number.
    tokens = make_parser().parse("\n" * body_start + "\n".join(lines[body_start:]) if body_start else text)
    if collect:
        from doccheck import _markdown_docs  # imports pytest-markdown-docs, and pytest with it

        collected = _markdown_docs.collected_fence_lines(tokens, text, path)
    previous: Block | None = None
    previous_index = -1
    for i, token in enumerate(tokens):
        if token.type == "code_block" and token.map:  # indented code: shown as code, never run
            line = token.map[0] + 1
            block = Block(None, ("indented",), line, token.content, end=token.map[1] + 1, collected=False)
            if previous is not None and _nothing_shown_between(tokens, previous_index, i):
                block.previous_fence = previous
            page.blocks.append(block)
            previous, previous_index = block, i
            continue
        if token.type == "html_block" and token.map:  # raw HTML that passes for code or output
            if _RAW_PRE.search(token.content):
                page.raw_code.append((token.map[0] + 1, "<pre>"))
            elif (_RAW_CODE.search(token.content) and previous is not None and is_python_like(previous.lang)
                  and _nothing_shown_between(tokens, previous_index, i)):
                page.raw_code.append((token.map[0] + 1, "<code> right after a python block"))
            continue
        if token.type != "fence" or not token.map:
            continue
        info = _markdown_docs.block_info(token.info) if collect else fence_info(token.info)
        lang = info[0] if info else None
        line = token.map[0] + 1
        block = Block(lang, tuple(info[1:]), line, token.content, end=token.map[1] + 1,
                      collected=(line in collected) if collect else None)
        if previous is not None and _nothing_shown_between(tokens, previous_index, i):
            block.previous_fence = previous
        if lang == OUTPUT_LANG:
            before = block.previous_fence
            if before is not None and is_python_like(before.lang) and before.expected_output is None:
                before.expected_output = token.content
                before.output_line = line
            else:
                page.orphan_outputs.append(line)
        if block.notest and line >= 2:
            found = NOTEST_REASON.match(lines[line - 2])
            block.notest_reason = found["reason"] if found else None
        page.blocks.append(block)
        previous, previous_index = block, i
    page.hidden = [(t.map[0] + 1, hiding) for t in tokens if t.map and (hiding := _hides(t))]
    page.hidden += [(t.map[0] + 1, f"a container of the class {cls}, which Material's stylesheet hides")
                    for t in tokens if t.type == "mkdocs_container_open" and t.map
                    and (cls := _hidden_container_class(t.info))]
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.map:
            source = tokens[i + 1].content
            found = _HEADING_ID.search(source)
            shown = _HEADING_ID.sub("", source).replace("`", "").strip()
            page.headings.append(Heading(token.map[0] + 1, int(token.tag[1]), shown, found["id"] if found else None))
        elif token.type == "paragraph_open" and token.map:
            page.paragraphs.append(Paragraph(token.map[0] + 1, tokens[i + 1].content))
    return page


_HEADING_ID = re.compile(r"\s*\{\s*#(?P<id>[A-Za-z][\w-]*)\s*\}\s*$")
_FRONT_MATTER = re.compile(r"---[ \t]*\n(?P<yaml>.*?\n)?---[ \t]*(\n|$)", re.S)


def _front_matter(text: str) -> tuple[dict[str, Any], int]:
    """The page's front matter, as MkDocs reads it (YAML), and the line the body starts on."""
    found = _FRONT_MATTER.match(text)
    if not found:
        return {}, 0
    import yaml  # MkDocs' own YAML reader; only pages with front matter need it

    meta = yaml.safe_load(found["yaml"] or "") or {}
    if not isinstance(meta, dict):
        raise ValueError(f"the front matter is not a mapping of keys to values: {meta!r}")
    return meta, text[: found.end()].count("\n")

# Raw HTML that keeps what it wraps from the reader, or from the check of the built page.
# The classes Material's stylesheet hides outright (display: none), as of mkdocs-material 9.x;
# tests/doccheck/test_audit.py reads them again from the installed theme.
HIDDEN_CLASSES = frozenset({
    "giscus", "headerlink", "md-banner", "md-clipboard", "md-consent__settings", "md-content__button",
    "md-dialog", "md-feedback", "md-footer", "md-header", "md-header__source", "md-nav__source",
    "md-post__back", "md-search-result__icon", "md-sidebar", "md-sidebar--secondary", "md-tabs",
    "md-toggle", "md-top", "tabbed-block",
})
_HIDING = re.compile(
    r"<[a-z][^>]*\sstyle\s*=|<[a-z][^>]*\shidden(?=[\s>=/])|class=[\"'][^\"']*\bdoc\b|</article\b|<style\b"
    r"|class=[\"'][^\"']*(?<![\w-])(?:" + "|".join(re.escape(c) for c in sorted(HIDDEN_CLASSES)) + r")(?![\w-])",
    re.I,
)
_RAW_PRE = re.compile(r"<pre\b", re.I)
_RAW_CODE = re.compile(r"<code\b", re.I)


def _hidden_container_class(header: str) -> str | None:
    """A class that Material hides, among those an admonition's header gives it (!!! note md-toggle)."""
    words = re.sub(r"^(?:!!!|\?\?\?\+?|===[+!]?)", "", header.strip()).split('"')[0].split()
    return next((word for word in words if word in HIDDEN_CLASSES), None)


def _hides(token: Any) -> str | None:
    """What in a token of raw HTML hides content, if anything does."""
    if token.type not in ("html_block", "inline"):
        return None
    sources = [token.content] if token.type == "html_block" else [
        child.content for child in token.children or [] if child.type == "html_inline"
    ]
    for source in sources:
        found = _HIDING.search(source)
        if found:
            return found[0]
    return None


def _nothing_shown_between(tokens: list[Any], start: int, end: int) -> bool:
    """Whether a reader sees nothing between two fences: only HTML comments, or the
    opening and closing of tabs and admonitions (an "Output" tab beside a "Code" tab)."""
    for token in tokens[start + 1 : end]:
        if token.type in ("mkdocs_container_open", "mkdocs_container_close"):
            continue
        if token.type == "html_block" and not re.sub(r"<!--.*?-->|<[^>]*>", "", token.content, flags=re.S).strip():
            continue  # comments and tags with no text between them show the reader nothing
        return False
    return True
