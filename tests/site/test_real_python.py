"""Every page as scripts, judged by a real python: the reader's own tool, not our model of it.

doccheck's kernel (src/doccheck/kernel.py) models the reader who runs each block with
its ```python continuation blocks as one script, `python < block.py`. Here that reader
is not modelled but run: a fresh venv with nothing but NumPy and the wheel of the
tests' build; for each page, one empty folder; for each block and its continuations,
a new `python` fed the script on stdin (so its argv is [""], as `python < block.py`
has it), its stdout and stderr a terminal (a pty, so both are line-buffered as a
reader's are) of 120 columns, and its hash seed drawn by python itself. The fast
model and Jupyter have no terminal's size, so a page whose output depends on the width
(`shutil.get_terminal_size()`, argparse's help) fails here, and the message says so.
What the terminal shows must be the page's output blocks, in order. `make check`'s
kernel passes the same pages, so where this test fails and the doc tests pass, the two
readers disagree: the failure names the page, the block and the difference.

Every page is read twice so: by make test's own Python (3.11 in CI), and by Debian 13's
python3 (3.13), run under chroot in a Debian 13 root (tests/site/readers.py), whose
`sum` of floats, reprs and error messages are those of a newer Python.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import time
from importlib.metadata import version
from pathlib import Path

import pytest

from doccheck import output_mismatch
from doccheck.page import Block, Page, parse_page
from doccheck.terminal import as_shown
from tests import background
from tests.paths import LANGUAGES, PAGE_NAMES, page_of
from tests.site.readers import DEBIAN13, Reader, debian13_missing, debian13_readers_python, readers_python
from tests.tools import require

pytestmark = pytest.mark.slow  # a venv and a python per block group

PAGES = [(lang, name) for lang in LANGUAGES for name in PAGE_NAMES]
TIMEOUT = 60
COLUMNS = 120  # a reader's terminal; without one (the model, Jupyter) Python assumes 80


def scripts(page: Page) -> list[list[Block]]:
    """The page's runnable blocks, each with the continuation blocks after it: one script each."""
    groups: list[list[Block]] = []
    for block in page.runnable_blocks:
        if block.continuation and groups:
            groups[-1].append(block)
        else:
            groups.append([block])
    return groups


def in_a_terminal(reader: Reader, code: str, folder: Path, columns: int = COLUMNS) -> tuple[int | None, str]:
    """`python` fed `code` on stdin, in `folder`, with a pty of `columns` for stdout and stderr:
    what the terminal shows."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PYTHON", "DOCCHECK", "VIRTUAL_ENV"))}
    env.update({"TMPDIR": reader.inside(folder / "tmp"), "LANG": "C.UTF-8", "TERM": "xterm", **dict(reader.env)})
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    try:
        proc = subprocess.Popen(reader.command(folder / "work"), stdin=subprocess.PIPE, stdout=slave, stderr=slave,
                                cwd=folder / "work", env=env, close_fds=True)
    finally:
        os.close(slave)
    assert proc.stdin is not None
    proc.stdin.write(code.encode("utf-8"))
    proc.stdin.close()
    shown = bytearray()
    deadline = time.monotonic() + TIMEOUT
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                break
            try:
                chunk = os.read(master, 1 << 16)
            except OSError:  # EIO: every writer of the terminal has closed it
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(master)
        if proc.poll() is None and time.monotonic() >= deadline:
            proc.kill()
        returncode = proc.wait()
    # The pty ends each line with \r\n (ONLCR), which a terminal shows as a newline; then a
    # carriage return of the page's own goes back to the start of the line (csv's \r\n
    # shows as one line end), as doccheck's terminal model shows it.
    return returncode, as_shown(bytes(shown).replace(b"\r\n", b"\n"))[0]


def run_pages(reader: Reader, root: Path, pages: dict) -> dict:
    """Each page's problems, by its key in `pages`: every script of it run, in page order, in one folder."""
    found: dict = {}
    for key, page in pages.items():
        folder = _folder(reader, root / str(len(found)))
        problems = []
        for group in scripts(page):
            code = "".join(block.code for block in group)
            returncode, shown = in_a_terminal(reader, code, folder)
            expected = "".join(block.expected_output or "" for block in group)
            where = f"{page.path}:{group[0].line}"
            if returncode != 0:
                problems.append(f"{where}: {reader.name} exited with status {returncode}:\n{shown}")
                continue
            if output_mismatch(expected, shown, "") is None:
                continue
            # Run again at both widths: what the first run left in the folder is there for both.
            wide = in_a_terminal(reader, code, folder)[1]
            narrow = in_a_terminal(reader, code, folder, columns=80)[1]
            if narrow != wide:
                problems.append(f"{where}: its output depends on the terminal's width: {reader.name} shows "
                                f"{narrow!r} in a terminal of 80 columns and {wide!r} in one of {COLUMNS}")
                continue
            # Block by block: the script cut after each block shows what the blocks so far print, so
            # each block's own output is what it adds. Compared block by block, as the page shows
            # it (a block that ends without a newline, continued by the next, is not a difference),
            # and the first block that shows other than the page is named.
            before = ""
            for end, block in enumerate(group, start=1):
                _, upto = in_a_terminal(reader, "".join(b.code for b in group[:end]), folder)
                own = upto[len(before):] if upto.startswith(before) else upto
                expected_own = block.expected_output if upto.startswith(before) else "".join(
                    b.expected_output or "" for b in group[:end])
                mismatch = output_mismatch(expected_own, own, f"{page.path}:{block.output_line or block.line}")
                if mismatch:
                    problems.append(f"{page.path}:{block.line}: {reader.name} shows something else "
                                    f"than the page: {mismatch}")
                    break
                before = upto
            else:
                if before != shown:  # block by block it agreed, but not the first run
                    problems.append(f"{where}: {reader.name} shows something else at each run: "
                                    f"{shown!r}, then {before!r}")
        found[key] = problems
    return found


def real_python(config) -> dict:
    root = Path(tempfile.mkdtemp(prefix="real-python-"))
    # The pages' folders on another file system than the Debian 13 reader's (tmpfs, where
    # /dev/shm is one): os.listdir and glob list a folder in the disk's own order.
    disk = Path("/dev/shm") if Path("/dev/shm").is_dir() and os.access("/dev/shm", os.W_OK) else None
    pages = Path(tempfile.mkdtemp(prefix="real-python-pages-", dir=disk))
    try:
        # NumPy as our .venv has it: uv has it cached, and the pages were checked against it.
        return read_every_page(Reader(readers_python(root / "venv", f"numpy=={version('numpy')}")), pages)
    finally:
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(pages, ignore_errors=True)


def debian13_python(config) -> dict:
    missing = debian13_missing()
    if missing:
        return {"missing": missing}
    (DEBIAN13 / "runs").mkdir(exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="real-python-", dir=DEBIAN13 / "runs"))  # inside: the python sees it
    root.chmod(0o755)  # the reader, nobody, goes through it
    try:
        return read_every_page(debian13_readers_python(root / "venv", f"numpy=={version('numpy')}"), root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def read_every_page(reader: Reader, root: Path) -> dict:
    pages = {(lang, name): page_of(lang, name) for lang, name in PAGES}
    return {"pages": run_pages(reader, root / "pages", pages), "probe": in_a_terminal(reader, PROBE, _probe(root)),
            "name": reader.name}


# What shows that the runs are a real python in a terminal, with a seed of its own.
PROBE = ("import os, shutil, sys\nprint(sys.stdout.isatty(), sys.stderr.isatty(), os.environ.get('PYTHONHASHSEED'), "
         "shutil.get_terminal_size().columns, sys.version_info[:2], sum([0.1] * 10))\n"
         "print(os.getuid() == 0, oct(os.umask(0)), os.cpu_count())\n")


def _probe(root: Path) -> Path:
    return _folder(None, root / "probe")


def _folder(reader: Reader | None, folder: Path) -> Path:
    """A page's empty folder, with its work and tmp folders: writable by `reader`."""
    for inner in (folder / "work", folder / "tmp"):
        inner.mkdir(parents=True)
        if reader is not None and reader.unprivileged:
            inner.chmod(0o777)
    return folder


# Run in the background thread from the end of collection on (tests/background.py).
BACKGROUND = {"real python": real_python, "debian 13": debian13_python}


@pytest.fixture(scope="module")
def real(site) -> dict:  # the build, with its wheel, is queued first; skips if it failed
    return background.result("real python")


@pytest.fixture(scope="module")
def debian13(site) -> dict:
    return background.result("debian 13")


def test_the_runs_are_a_real_python_in_a_terminal(real):
    returncode, shown = real["probe"]
    terminal, user = shown.splitlines()
    assert (returncode, terminal) == (0, f"True True None {COLUMNS} {sys.version_info[:2]} {sum([0.1] * 10)}")
    assert user.endswith(f" {os.cpu_count()}")  # this machine's CPUs, where the Debian 13 reader sees 8


def test_the_second_runs_are_debian_13s_python_3_13_on_another_cpu_path(debian13):
    require("Debian 13 python", debian13.get("missing"))
    # 3.12's sum is exact; an ordinary user, with a desktop's umask, on 8 CPUs
    assert debian13["probe"] == (0, f"True True None {COLUMNS} (3, 13) 1.0\nFalse 0o2 8\n")
    assert ", NumPy without " in debian13["name"]  # AVX-512 (or AVX2) switched off: another rounding


@pytest.mark.parametrize(("lang", "name"), PAGES, ids=[f"{lang}:{name}" for lang, name in PAGES])
def test_a_real_python_shows_what_the_page_shows(real, lang, name):
    assert real["pages"][(lang, name)] == []


@pytest.mark.parametrize(("lang", "name"), PAGES, ids=[f"{lang}:{name}" for lang, name in PAGES])
def test_debian_13s_python_3_13_shows_what_the_page_shows(debian13, lang, name):
    require("Debian 13 python", debian13.get("missing"))
    assert debian13["pages"][(lang, name)] == []


def test_a_block_whose_output_differs_is_named(tmp_path):
    text = ("```python\nx = 6\nprint(x)\n```\n\n```output\n6\n```\n\n"
            "```python continuation\nimport sys\nprint(x * 7, file=sys.stderr)\n```\n\n```output\n41\n```\n")
    found = run_pages(Reader(sys.executable), tmp_path, {"p": parse_page(text, "p.md", collect=False)})
    (problem,) = found["p"]
    assert problem.startswith("p.md:10: a real python shows something else than the page")
    assert "-41" in problem and "+42" in problem


def test_output_that_depends_on_the_terminals_width_is_named(tmp_path):
    text = "```python\nimport shutil\nprint(shutil.get_terminal_size().columns)\n```\n\n```output\n80\n```\n"
    found = run_pages(Reader(sys.executable), tmp_path, {"p": parse_page(text, "p.md", collect=False)})
    assert found["p"] == [f"p.md:1: its output depends on the terminal's width: a real python shows '80\\n' "
                          f"in a terminal of 80 columns and '{COLUMNS}\\n' in one of {COLUMNS}"]


def test_a_block_that_ends_without_a_newline_is_compared_as_the_page_shows_it(tmp_path):
    text = ("```python\nprint('Loading', end='')\n```\n\n```output\nLoading\n```\n\n"
            "```python continuation\nprint('... done')\n```\n\n```output\n... done\n```\n")
    assert run_pages(Reader(sys.executable), tmp_path, {"p": parse_page(text, "p.md", collect=False)}) == {"p": []}


def test_a_carriage_return_shows_as_a_terminal_shows_it(tmp_path):
    text = ("```python\nimport csv, sys\ncsv.writer(sys.stdout).writerow(['x', 'loss'])\n"
            "print('epoch 1', end='\\r')\nprint('epoch 2')\n```\n\n```output\nx,loss\nepoch 2\n```\n")
    assert run_pages(Reader(sys.executable), tmp_path, {"p": parse_page(text, "p.md", collect=False)}) == {"p": []}


def test_a_block_that_raises_is_named(tmp_path):
    text = "```python\n1 / 0\n```\n"
    found = run_pages(Reader(sys.executable), tmp_path, {"p": parse_page(text, "p.md", collect=False)})
    (problem,) = found["p"]
    assert problem.startswith("p.md:1: a real python exited with status 1:") and "ZeroDivisionError" in problem
