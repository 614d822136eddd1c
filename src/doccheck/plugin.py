"""The pytest plugin: every Markdown page pytest reaches is audited, run, and checked.

Load it with ``pytest_plugins = ["doccheck.plugin"]`` in a root conftest.py, so that
``pytest docs/ja/page.md`` checks a page exactly as the whole suite does. Each page
becomes one collector holding an ``audit`` item and one item per python block; the
first block item of a page runs the whole page, once in each reading of its reader
(`doccheck.kernel`), and each item then reports its own block: its output under
the checked hash seed, under another seed, and in the page's notebook.

Settings (pyproject.toml, ``[tool.pytest.ini_options]``):

* ``doccheck_preload``: modules the clean kernel imports once, to start pages faster;
  they are the reader's packages, the only ones a page may import besides the
  standard library.
* ``doccheck_timeout``: seconds a page may run (default 60).
* ``doccheck_readings``: script, seed, notebook (all three unless a test of the
  checker itself asks for fewer).

``--doccheck-shuffle SEED`` runs the pages in a random order; the blocks of a page
keep theirs. Pages are isolated, so the outcome must not change.

A ```` ```python book="ch05" ```` block runs only in the book's repository: with
``--doccheck-book=PATH`` it becomes an item of its own (marked ``book``), run by a
fresh python in PATH/ch05 and checked against its output block; without it, the run
ends with one line saying how many such blocks were not run.
"""

from __future__ import annotations

import ast
import os
import random
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

from doccheck import _markdown_docs
from doccheck.audit import audit_page
from doccheck.compare import output_mismatch
from doccheck.kernel import DEFAULT_TIMEOUT, HASH_SEED, BlockResult, Kernel
from doccheck.page import Block, Page, parse_page
from doccheck.update import twins_differ, updated

KERNELS = pytest.StashKey[dict[str, Kernel]]()
# Every page runs three times, side by side: as a script under the hash seed and time
# zone whose output is checked, as a script under another seed and zone (a reader's
# Python draws a new seed at every start, and runs where the reader lives), and as its
# notebook (one namespace, last values displayed).
READINGS = {"script": ("script", HASH_SEED), "seed": ("script", "1"), "notebook": ("notebook", "2")}
# The two other readings run at the ends of the world's clock, 25 hours apart: a local date
# printed by a page differs between them, whatever the instant.
ZONES = {"script": "UTC", "seed": "Pacific/Kiritimati", "notebook": "Pacific/Pago_Pago"}  # UTC+14, UTC-11
BLOCK_IDS = pytest.StashKey[dict[str, str]]()  # nodeid of each block item -> the folder of its page
BOOK = pytest.StashKey[Path | None]()  # --doccheck-book: the book's repository
BOOK_NOT_RUN = pytest.StashKey[int]()  # book blocks collected without --doccheck-book
# What marks a folder as the book's repository (oreilly-japan/deep-learning-from-scratch).
BOOK_MARKER = "common/gradient.py"


class DocCheckFailure(AssertionError):
    """A page is not what it claims; the message says where and why."""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("doccheck_preload", "modules the clean doc kernel imports once", type="args", default=[])
    parser.addini("doccheck_timeout", "seconds a page may run before it is stopped", default=str(DEFAULT_TIMEOUT))
    parser.addini("doccheck_languages", "fence languages Pygments does not know that pages may use", type="args",
                  default=[])
    parser.addini("doccheck_seed", "the other hash seed every page runs under (make test varies it)", default="1")
    parser.addini("doccheck_readings", "the readings every page runs in: script, seed, notebook (all by default)",
                  type="args", default=list(READINGS))
    parser.addini("doccheck_twins", "folders whose pages of the same name are one page in two languages",
                  type="args", default=[])
    group = parser.getgroup("doccheck")
    group.addoption(
        "--doccheck-shuffle", type=int, metavar="SEED", default=None,
        help="run the Markdown pages in a random order drawn from SEED (blocks keep their order)",
    )
    # Written --doccheck-book=PATH: pytest reads the command line once before this plugin
    # is loaded, takes a separate PATH for a test path, and loads the conftest.py files
    # above it.
    group.addoption(
        "--doccheck-book", metavar="PATH", default=None,
        help="run the ```python book=\"FOLDER\" blocks in that folder of the book's repository at PATH "
             "and check what they print (write --doccheck-book=PATH)",
    )
    group.addoption(
        "--doccheck-update", action="store_true", default=False,
        help="run the given pages (and their twins) and write what each block printed into its output block",
    )


def pytest_configure(config: pytest.Config) -> None:
    preload, timeout = config.getini("doccheck_preload"), float(config.getini("doccheck_timeout"))
    chosen = config.getini("doccheck_readings")
    unknown = sorted(set(chosen) - set(READINGS))
    if unknown or "script" not in chosen:
        raise pytest.UsageError(f"doccheck_readings: {' '.join(chosen)}: the readings are {', '.join(READINGS)}, "
                                "and script (the one whose output is checked) is always one of them")
    seeds = {**{name: seed for name, (_, seed) in READINGS.items()}, "seed": config.getini("doccheck_seed")}
    config.stash[KERNELS] = {
        name: Kernel(preload, timeout, seed=seeds[name], reading=reading, env={"TZ": ZONES[name]})
        for name, (reading, _) in READINGS.items() if name in chosen
    }
    config.stash[BLOCK_IDS] = {}
    config.stash[BOOK] = _book(config.getoption("doccheck_book"))
    config.stash[BOOK_NOT_RUN] = 0
    config.addinivalue_line("markers", "book: a page's block run in the book's repository (--doccheck-book)")


def _book(given: str | None) -> Path | None:
    if given is None:
        return None
    path = Path(given).expanduser().resolve()
    if not path.is_dir():
        raise pytest.UsageError(f"--doccheck-book {given}: no such folder")
    if not (path / BOOK_MARKER).is_file():
        raise pytest.UsageError(f"--doccheck-book {given}: not the book's repository (it has no {BOOK_MARKER}); "
                                "clone github.com/oreilly-japan/deep-learning-from-scratch and pass its folder")
    return path


def pytest_unconfigure(config: pytest.Config) -> None:
    for kernel in config.stash.get(KERNELS, {}).values():
        kernel.close()


@pytest.hookimpl(wrapper=True)
def pytest_collect_file(
    file_path: Path, parent: pytest.Collector
) -> Generator[None, list[pytest.Collector] | None, list[pytest.Collector]]:
    # pytest-markdown-docs' own collectors would run blocks with no output check.
    collectors = [c for c in (yield) or [] if not isinstance(c, _markdown_docs.COLLECTORS)]
    if file_path.suffix == ".md":
        collectors.append(MarkdownPage.from_parent(parent, path=file_path))
    elif file_path.suffix in OTHER_MARKDOWN:
        collectors.append(OtherMarkdownFile.from_parent(parent, path=file_path))
    return collectors


# MkDocs publishes these as pages too; this project writes its pages as .md.
OTHER_MARKDOWN = (".markdown", ".mdown", ".mkdn", ".mkd")


class OtherMarkdownFile(pytest.File):
    """A page with another Markdown extension: refused with one item that says why."""

    def collect(self) -> Iterator[pytest.Item]:
        yield RefusedPage.from_parent(self, name="audit")


class RefusedPage(pytest.Item):
    def runtest(self) -> None:
        raise DocCheckFailure(
            f"{self.path.name}: MkDocs publishes {self.path.suffix} files as pages, but doccheck reads .md "
            f"pages only, so its blocks would never run: rename it to {self.path.stem}.md"
        )

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        return str(excinfo.value) if isinstance(excinfo.value, DocCheckFailure) else super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"audit of {self.path.name}"


class MarkdownPage(pytest.File):
    """A page: parsed once, run once, in its own kernel."""

    _page: Page | None = None
    _results: dict[str, dict[int, BlockResult]] | None = None

    @property
    def page(self) -> Page:
        if self._page is None:
            try:
                name = self.path.relative_to(self.config.rootpath)
            except ValueError:
                name = self.path
            self._page = parse_page(self.path.read_text("utf-8-sig"), name)  # as MkDocs reads it
        return self._page

    def collect(self) -> Iterator[pytest.Item]:
        yield AuditItem.from_parent(self, name="audit")
        for block in self.page.runnable_blocks:
            yield BlockItem.from_parent(self, name=f"line{block.line}", block=block)
        book = self.config.stash.get(BOOK, None)
        for block in self.page.book_blocks:
            if book is None:
                self.config.stash[BOOK_NOT_RUN] = self.config.stash.get(BOOK_NOT_RUN, 0) + 1
                continue
            item = BookBlockItem.from_parent(self, name=f"line{block.line}-book", block=block)
            item.add_marker("book")
            yield item

    def results(self) -> dict[str, dict[int, BlockResult]]:
        """Each reading's results, by block line: the page runs in all of them at once."""
        if self._results is None:
            kernels = self.config.stash[KERNELS]
            for kernel in kernels.values():
                kernel.submit(self.page.path, self.page.runnable_blocks, self.page.text)
            self._results = {name: {r.line: r for r in kernel.collect()} for name, kernel in kernels.items()}
        return self._results


class _PageItem(pytest.Item):
    """An item of a page: its failures are the checker's own message, not a traceback into it."""

    @property
    def markdown_page(self) -> MarkdownPage:
        assert isinstance(self.parent, MarkdownPage)  # from_parent gave it one
        return self.parent

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, DocCheckFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)


class AuditItem(_PageItem):
    """Fails when a block would render as code without being run and checked."""

    def runtest(self) -> None:
        problems = audit_page(self.markdown_page.page, self.config.getini("doccheck_languages"))
        if problems:
            raise DocCheckFailure("\n".join(problems))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"audit of {self.markdown_page.page.path}"


class BlockItem(_PageItem):
    """One python block: it ran without raising and printed what the page shows."""

    def __init__(self, *, block: Block, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.block = block

    def runtest(self) -> None:
        page = self.markdown_page.page
        results = self.markdown_page.results()
        result = results["script"][self.block.line]
        where = f"{page.path}:{self.block.line}"
        shown_at = f"{page.path}:{self.block.output_line}"
        if result.not_run:
            raise DocCheckFailure(f"{where}: {result.not_run}")
        if result.error:
            printed = f"\nIt printed before that:\n{result.output}" if result.output else ""
            hint = ""
            if "ModuleNotFoundError" in result.error:
                readers = ", ".join(self.config.getini("doccheck_preload")) or "nothing else"
                hint = (f"\nA reader's Python has the standard library and {readers}: a page may import "
                        "nothing else (doccheck_preload).")
            hint += _continuation_hint(page, self.block, result.error)
            raise DocCheckFailure(f"{where}: the block raised an exception\n{result.error}{hint}{printed}")
        if result.problem:
            raise DocCheckFailure(f"{where}: {result.problem}")
        problem = output_mismatch(self.block.expected_output, result.output, shown_at)
        if problem:
            raise DocCheckFailure(f"{where}: {problem}")
        problems = []
        if "seed" in results:
            problems.append(_other_seed(results["seed"][self.block.line], result))
        if "notebook" in results:
            problems.append(_notebook(results["notebook"][self.block.line], self.block.expected_output, shown_at))
        problems = [p for p in problems if p]
        if problems:
            raise DocCheckFailure("\n".join(f"{where}: {p}" for p in problems))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.block.line - 1, f"python block at line {self.block.line}"


class BookBlockItem(_PageItem):
    """A ```python book="FOLDER" block, run as its reader runs it: saved in that folder of the
    book's repository and run there by a fresh python (here: fed on stdin, with that folder as
    the current one, so that it imports the book's modules from it and `os.pardir` is the
    repository). It must print its output block exactly."""

    def __init__(self, *, block: Block, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.block = block

    def runtest(self) -> None:
        page, block = self.markdown_page.page, self.block
        book = self.config.stash[BOOK]
        assert book is not None and block.book is not None  # collected only with --doccheck-book
        where = f"{page.path}:{block.line}"
        folder = book / block.book
        if not folder.is_dir():
            raise DocCheckFailure(f'{where}: book="{block.book}": the book\'s repository at {book} has no such folder')
        # A reader's python: nothing of ours in its environment, a new hash seed at every start,
        # and no byte code written into the reader's checkout.
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "DOCCHECK"))}
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        timeout = float(self.config.getini("doccheck_timeout"))
        try:
            done = subprocess.run([sys.executable, "-"], input=block.code, cwd=folder, env=env, text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise DocCheckFailure(f"{where}: still running after {timeout:g} s in {folder}") from None
        if done.returncode != 0:
            raise DocCheckFailure(f"{where}: in {folder}, python exited with status {done.returncode}:\n{done.stdout}")
        problem = output_mismatch(block.expected_output, done.stdout, f"{page.path}:{block.output_line}")
        if problem:
            raise DocCheckFailure(f"{where}: in {folder}: {problem}")

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.block.line - 1, f'book="{self.block.book}" block at line {self.block.line}'


def _continuation_hint(page: Page, block: Block, error: str) -> str:
    """When a NameError names something an earlier block of the page defines: say how to continue it."""
    found = re.search(r"NameError: name '(\w+)' is not defined", error)
    if not found or block.continuation:
        return ""
    name = found[1]
    earlier = [b for b in page.runnable_blocks if b.line < block.line and name in _defined(b.code)]
    if not earlier:
        return ""
    return (f"\n{name!r} is defined by the block at line {earlier[-1].line}, but each block starts a fresh "
            "python, as a reader who runs it alone does. To go on from that block, open this one with "
            "```python continuation.")


def _defined(code: str) -> set[str]:
    """The names a block binds at its top level."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        else:
            names |= {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return names


def _other_seed(other: BlockResult, result: BlockResult) -> str | None:
    """Why the block is not what a reader sees under another hash seed and time zone, if it is not."""
    where = f"under another hash seed and time zone (PYTHONHASHSEED other than {HASH_SEED}, TZ={ZONES['seed']})"
    if other.ok and other.output == result.output:
        return None
    if other.ok:
        diff = output_mismatch(result.output, other.output, f"PYTHONHASHSEED={HASH_SEED}, TZ={ZONES['script']}")
        return (f"the output depends on the hash seed or the time zone: {where} the block printed something "
                f"else. A reader's Python draws a new seed at every start, so the order of a set, or of a "
                f"dict built from one, changes from run to run: sort it before printing; and it runs in "
                f"the reader's time zone: print times with an explicit zone.\n{diff}")
    return f"{where} the block did not do what it does here:\n" + (other.not_run or other.error or other.problem or "")


def _notebook(nb: BlockResult, expected: str | None, shown_at: str) -> str | None:
    """Why the page's notebook shows something else under this block, if it does."""
    reading = "in the page's notebook (one namespace for the whole page, run inside Jupyter's event loop)"
    if nb.not_run:
        return f"{reading} the block did not run: {nb.not_run}"
    if nb.error:
        return f"{reading} the block raises, so a reader of the notebook sees an error:\n{nb.error}"
    if nb.problem:
        return f"{reading}: {nb.problem}"
    shown = nb.output + (nb.displayed + "\n" if nb.displayed is not None else "")
    mismatch = output_mismatch(expected, shown, shown_at)
    if mismatch is None:
        return None
    if nb.displayed is not None:
        return (f"{reading} Jupyter also shows the value of the block's last line, {nb.displayed[:80]}, "
                "which no output block shows: end the block with print(...), an assignment, or a ';'")
    return f"{reading} the block shows something else: {mismatch}"


UPDATE_FAILED = pytest.StashKey[bool]()


def _update_pages(config: pytest.Config, items: list[pytest.Item]) -> None:
    """--doccheck-update: rewrite the output blocks of the collected pages and their twins."""
    root = config.rootpath
    pages = {item.markdown_page.path.resolve() for item in items if isinstance(item, _PageItem)}
    folders = [(root / folder).resolve() for folder in config.getini("doccheck_twins")]
    groups: dict[tuple[str, ...], list[Path]] = {}
    for path in sorted(pages):
        home = next((f for f in folders if path.is_relative_to(f)), None)
        if home is None:
            groups[(str(path),)] = [path]
            continue
        name = path.relative_to(home)
        groups[("twins", str(name))] = [f / name for f in folders if (f / name).exists()]
    kernel = config.stash[KERNELS]["script"]
    write = config.get_terminal_writer().line
    failed = False
    counted: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()  # pages: updated, unchanged, not updated
    for paths in groups.values():
        parsed = [parse_page(p.read_text("utf-8-sig"), p.relative_to(root) if p.is_relative_to(root) else p)
                  for p in paths]
        differ = next((why for other in parsed[1:] if (why := twins_differ(parsed[0], other))), None)
        if differ:
            write(f"not updated: {differ}; twins must run the same code, comments aside")
            failed = True
            outcomes["not updated"] += len(paths)
            continue
        for page, path in zip(parsed, paths, strict=True):
            update = updated(page, kernel.run_page(page.path, page.runnable_blocks, page.text))
            counted["pages"] += 1
            counted["blocks"] += len(page.runnable_blocks)
            outcomes["not updated" if update.refused else "updated" if update.changes else "unchanged"] += 1
            if update.refused:
                write(update.refused)
                failed = True
            elif update.changes:
                path.write_text(update.text, "utf-8")
                for change in update.changes:
                    write(change)
                counted.update({f"output block {kind}": n for kind, n in update.kinds.items()})
                for warning in update.stale:
                    write(f"warning: {warning}")
            else:
                write(f"{page.path}: unchanged")
    kinds = ("output block replaced", "output block added", "output block removed")
    done = ", ".join(f"{counted[c]} {c}" for c in kinds if counted[c]) or "nothing changed"
    write(f"doccheck update: {counted['pages']} pages, {counted['blocks']} blocks run: {done}"
          + ("; some pages were not updated (above)" if failed else ""))
    config.stash[UPDATE_FAILED] = failed
    items[:] = []  # nothing else runs: the pages have just changed under the collected items
    # pytest's last line counts what its reporter holds ("no tests ran" otherwise): the pages.
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        for outcome, count in outcomes.items():
            reporter.stats.setdefault(f"{'page' if count == 1 else 'pages'} {outcome}", []).extend(
                [_PageCounted()] * count)


class _PageCounted:
    """One page in pytest's last line, as a report would be counted there."""

    count_towards_summary = True


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if session.config.getoption("doccheck_update", False):
        session.exitstatus = 1 if session.config.stash.get(UPDATE_FAILED, True) else 0


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("doccheck_update"):
        _update_pages(config, items)
        return
    config.stash[BLOCK_IDS] = {
        item.nodeid: Path(item.markdown_page.page.path).parent.as_posix()
        for item in items
        if isinstance(item, BlockItem)
    }
    seed = config.getoption("doccheck_shuffle")
    if seed is None:
        return
    slots = [i for i, item in enumerate(items) if isinstance(item, _PageItem)]
    pages: dict[MarkdownPage, list[pytest.Item]] = {}
    for i in slots:
        item = items[i]
        assert isinstance(item, _PageItem)
        pages.setdefault(item.markdown_page, []).append(item)
    order = list(pages)
    random.Random(seed).shuffle(order)
    for slot, item in zip(slots, [item for page in order for item in pages[page]], strict=True):
        items[slot] = item


def pytest_report_header(config: pytest.Config) -> list[str]:
    seed = config.getoption("doccheck_shuffle")
    return [f"doccheck: pages in random order, seed {seed}"] if seed is not None else []


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config) -> None:
    not_run = config.stash.get(BOOK_NOT_RUN, 0)
    if not_run:
        terminalreporter.write_line(
            f"BOOK BLOCKS NOT RUN ({not_run}): pass --doccheck-book=PATH, the book's repository "
            "(make book-check BOOK=PATH)", yellow=True, bold=True)
    blocks = config.stash.get(BLOCK_IDS, {})
    passed: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for outcome in ("passed", "failed"):
        for report in terminalreporter.stats.get(outcome, []):
            folder = blocks.get(getattr(report, "nodeid", ""))
            if folder is None or report.when != "call":
                continue
            total[folder] += 1
            passed[folder] += outcome == "passed"
    if total:
        parts = ", ".join(f"{folder}: {passed[folder]}/{total[folder]}" for folder in sorted(total))
        terminalreporter.write_line(
            f"doc blocks run with output checked: {sum(passed.values())}/{sum(total.values())} passed ({parts})"
        )
