"""Run a page as its reader would, in forks of a clean kernel.

A reader meets a page in one of two ways, and the page must be true in both
(CONTRIBUTING.md, "The reader"):

* ``script``: each block, with the ``continuation`` blocks after it, fed to a fresh
  ``python`` as one script (``python < block.py``): line numbers and ``__future__``
  imports go on from block to block; the next block starts a fresh python.
* ``notebook``: the page's own notebook in Jupyter: one namespace for the whole page,
  code run inside an event loop that is already running, and the value of a bare
  last expression displayed under its cell.

`Kernel` starts one clean parent process (``python -c ...serve``) with a hash seed
and environment of its own. That parent imports the modules it is told to preload
(the reader's packages) and never runs page code. It forks a child for each script
of a page (for the whole page in the notebook reading), and the child:

* works in the page's own empty folder and temporary directory (``TMPDIR``), removed
  when the page ends, whatever becomes of it; writes byte code there as python does. Every page's
  folder sits under the kernel's own (`Kernel.root`), removed when the kernel
  closes, so that nothing of one checker run is seen by another beside it;
* reads nothing from stdin, starts with only the modules a fresh python has with the
  reader's packages, and imports only from the standard library and its folder;
* points file descriptors 1 and 2 at one pipe, line-buffered as on a terminal, so
  that stdout and stderr (Python's, C code's, subprocesses', ``/dev/stdout``) land in
  the order a terminal shows them;
* shows each block's output as a terminal would (a carriage return overwrites the
  line), and says so when that cannot be shown faithfully on a page: bytes that are
  not UTF-8, control characters a terminal acts on, a shorter or wider overwrite;
* reports each block as soon as it ends, then what a python prints as it exits and
  what the script left running (threads, processes), which a reader would see later.

Code is compiled as ``<stdin>``, as a reader who feeds it to python sees it in
warnings and tracebacks; a failure message for the writer maps the lines back to the
page's own.

Whatever a page changes (globals, modules and their attributes, NumPy's print
options, random generators, warning filters, builtins, the working directory) dies
with its child.

This file holds the fork server and the child's run of a page's blocks, in both
readings. What makes the child the reader's python (argv, streams, modules, and what
no page can show) is in reader.py, the terminal model in terminal.py, the end of a
script (exit, what is left running) in ending.py; all four need the standard library
alone, and are lent together (STANDALONE) to environments that have no doccheck.
"""

from __future__ import annotations
import __future__

import ast
import contextlib
import functools
import io
import json
import linecache
import operator
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import types
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from doccheck import reader
from doccheck.ending import adopt_orphans, exit_as_python_does, left_running
from doccheck.reader import CODE_NAME
from doccheck.terminal import Capture, as_shown, interleaved

# PYTHONHASHSEED of the kernel that checks the output; the plugin runs each page
# again under other seeds, because a reader's Python draws a new one at every start.
STANDALONE = ("kernel.py", "reader.py", "terminal.py", "ending.py")  # what a fresh environment needs to run a Kernel
HASH_SEED = "0"
DEFAULT_TIMEOUT = 60.0
BLAS_ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
READINGS = ("script", "notebook")


@dataclass
class BlockResult:
    """What became of one block."""

    line: int
    output: str = ""  # stdout and stderr, interleaved as written, as a terminal shows them
    error: str | None = None  # the traceback, when the block raised (page lines, for the writer)
    not_run: str | None = None  # why the block never ran, or never finished
    problem: str | None = None  # what the page cannot show as the reader sees it, or left running
    displayed: str | None = None  # notebook: the repr of a bare last expression that Jupyter shows

    @property
    def ok(self) -> bool:
        return self.error is None and self.not_run is None and self.problem is None


class RunnableBlock(Protocol):
    """What the kernel needs of a block: doccheck.page.Block has it."""

    @property
    def line(self) -> int: ...
    @property
    def code(self) -> str: ...
    @property
    def continuation(self) -> bool: ...


class KernelError(RuntimeError):
    """The clean parent process itself failed: no page could run."""


class Kernel:
    """A clean parent process that forks one child per page.

    Args:
        preload: Modules the parent imports once, so that each page starts faster.
            A page still sees them exactly as a fresh import leaves them. They are
            also the reader's packages: besides the standard library, the only
            top-level modules a page may import.
        timeout: Seconds a page may run before its process is stopped.
        python: The interpreter of the parent: by default this one; another
            environment's (a reader's, with only the wheel and NumPy) must be able to
            import doccheck.kernel, which needs the standard library alone.
        env: Variables added to the parent's environment.
        seed: The parent's PYTHONHASHSEED.
        reading: "script" or "notebook" (module docstring).
    """

    def __init__(
        self,
        preload: Sequence[str] = (),
        timeout: float = DEFAULT_TIMEOUT,
        python: str = sys.executable,
        env: dict[str, str] | None = None,
        seed: str = HASH_SEED,
        reading: str = "script",
    ) -> None:
        if reading not in READINGS:
            raise ValueError(f"reading must be one of {READINGS}, got {reading!r}")
        self.preload = list(preload)
        self.timeout = timeout
        self.python = python
        self.env = dict(env or {})
        self.seed = seed
        self.reading = reading
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._pending = 0
        self._root: str | None = None

    @property
    def root(self) -> Path:
        """The folder of this kernel's pages (each page has one of its own inside it)."""
        if self._root is None:
            self._root = tempfile.mkdtemp(prefix="doccheck-run-")
        return Path(self._root)

    def run_page(self, path: Path | str, blocks: Iterable[RunnableBlock], text: str | None = None) -> list[BlockResult]:
        """Run `blocks` (objects with .line, .code and .continuation) as one page.

        `path` names the page in failure messages; `text`, the page itself, lets them
        quote its lines.
        """
        self.submit(path, blocks, text)
        return self.collect()

    def submit(self, path: Path | str, blocks: Iterable[RunnableBlock], text: str | None = None) -> None:
        """Start a page and return at once: several kernels then run their pages side by side."""
        request = {
            "path": str(path),
            "text": text,
            "timeout": self.timeout,
            "reading": self.reading,
            "blocks": [{"line": b.line, "code": b.code, "continuation": b.continuation} for b in blocks],
        }
        proc = self._parent()
        assert proc.stdin is not None  # a pipe
        try:
            proc.stdin.write(json.dumps(request).encode("utf-8") + b"\n")
            proc.stdin.flush()
        except BrokenPipeError:
            pass  # collect() says what happened
        self._pending += 1

    def collect(self) -> list[BlockResult]:
        """The results of the page submitted first and not yet collected."""
        proc = self._parent()
        assert proc.stdout is not None and self._pending > 0
        self._pending -= 1
        answer = proc.stdout.readline()
        if not answer:
            raise KernelError(f"the doc kernel stopped unexpectedly:\n{self._log_text()}")
        return [BlockResult(**r) for r in json.loads(answer)]

    def close(self) -> None:
        if self._proc is not None:
            assert self._proc.stdin is not None and self._proc.stdout is not None
            self._proc.stdin.close()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
            self._proc.stdout.close()
            self._proc = None
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)
            self._root = None

    def _parent(self) -> subprocess.Popen[bytes]:
        if self._proc is None:
            self._log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the parent; close() closes it
            self._proc = subprocess.Popen(
                # The notebook reading's own modules, imported once here instead of in every page.
                [self.python, "-c", "from doccheck.kernel import serve; serve()", *self.preload,
                 *(["asyncio", "ast"] if self.reading == "notebook" else [])],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log,
                # BLAS on one thread: its workers would be counted as threads the page left running.
                env={**os.environ, **BLAS_ONE_THREAD, **self.env, "PYTHONHASHSEED": self.seed,
                     "DOCCHECK_ROOT": str(self.root)},
            )
        return self._proc

    def _log_text(self) -> str:
        if self._log is None:
            return ""
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")


# --- The clean parent ------------------------------------------------------------


def serve() -> None:
    """The parent's loop: one JSON request a line on stdin, one JSON answer a line on stdout."""
    global _ROOT
    _ROOT = os.environ.pop("DOCCHECK_ROOT", None)  # the pages' parent folder; no page sees the variable
    reader.preload(sys.argv[1:])
    clean_filters = list(warnings.filters)
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    for raw in requests:
        request = json.loads(raw)
        answers.write(json.dumps(_fork_page(request, clean_filters)).encode("utf-8") + b"\n")
        answers.flush()


def _fork_page(request: dict[str, Any], clean_filters: list[Any]) -> list[dict[str, Any]]:
    """Run a page: in the script reading, each block with its continuations in a process of
    its own (a fresh python); in the notebook reading, the whole page in one."""
    folder = tempfile.mkdtemp(prefix="doccheck-page-", dir=_ROOT)
    deadline = time.monotonic() + request["timeout"]
    runs: list[list[dict[str, Any]]] = []
    for block in request["blocks"]:
        if runs and (block["continuation"] or request["reading"] == "notebook"):
            runs[-1].append(block)
        else:
            runs.append([block])
    results: list[dict[str, Any]] = []
    try:
        for run in runs:
            if time.monotonic() >= deadline:
                why = f"not run: the page ran for more than {request['timeout']:g} s before this block"
                results += [{"line": block["line"], "not_run": why} for block in run]
            else:
                results += _fork_run({**request, "blocks": run}, clean_filters, folder, deadline)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return results


def _fork_run(request: dict[str, Any], clean_filters: list[Any], folder: str, deadline: float) -> list[dict[str, Any]]:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        status = 1
        try:
            os.close(read_end)
            _run_page(request, write_end, clean_filters, folder)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    lines, timed_out = _read_reports(read_end, pid, max(deadline - time.monotonic(), 0.01))
    _, status = os.waitpid(pid, 0)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)  # anything of its process group still there
    reported: dict[int, dict[str, Any]] = {}
    left_running = None
    for record in lines:
        if "left_running" in record:
            left_running = record["left_running"]
        elif "line" in record:
            reported[record["line"]] = record
    results: list[dict[str, Any]] = []
    running = None
    for block in request["blocks"]:
        line = block["line"]
        if line in reported:
            results.append(reported[line])
        elif running is None:
            running = line
            why = (
                f"stopped: the page ran for more than {request['timeout']:g} s and this block had not finished"
                if timed_out
                else f"the block's process ended ({_describe(status)}) while it ran"
            )
            results.append({"line": line, "not_run": why})
        else:
            why = f"not run: the process ended in the block at line {running}, which this one continues"
            results.append({"line": line, "not_run": why})
    if left_running and results:
        last = results[-1]
        last["problem"] = "\n".join(filter(None, [last.get("problem"), left_running]))
    return results


def _read_reports(fd: int, pid: int, timeout: float) -> tuple[list[dict[str, Any]], bool]:
    """The child's reports, up to its last ("done"); what it left running may keep the pipe open."""
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                os.kill(pid, signal.SIGKILL)
                return _records(chunks), True
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    return _records(chunks), False
                chunks.append(chunk)
                if b'{"done": true}\n' in chunk or b'{"done": true}\n' in b"".join(chunks[-2:]):
                    return _records(chunks), False
    finally:
        os.close(fd)


def _records(chunks: list[bytes]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in b"".join(chunks).decode("utf-8").splitlines() if line.strip()]


def _describe(status: int) -> str:
    code = os.waitstatus_to_exitcode(status)
    if code < 0:
        return f"killed by {signal.Signals(-code).name}"
    return f"exit status {code}"


# --- The child: one page -----------------------------------------------------------


_ROOT: str | None = None  # Kernel.root, as the parent was given it


def _run_page(request: dict[str, Any], report_fd: int, clean_filters: list[Any], folder: str) -> None:
    os.setpgid(0, 0)  # a group of its own: what it starts, even a shell's background job, stays in it
    adopt_orphans()
    work, scratch = Path(folder, "work"), Path(folder, "tmp")
    work.mkdir(exist_ok=True)  # one page's blocks share their folders, as a reader's session does
    scratch.mkdir(exist_ok=True)
    os.chdir(work)
    os.environ["TMPDIR"] = str(scratch)
    tempfile.tempdir = None  # tempfile reads TMPDIR again
    notebook = request["reading"] == "notebook"
    null = os.open(os.devnull, os.O_RDONLY)  # a script has read all of stdin; Jupyter gives none
    os.dup2(null, 0)
    os.close(null)
    capture = Capture()
    unshowable = reader.become(notebook, scratch, capture, clean_filters)
    os.environ["DOCCHECK_RUN"] = f"{os.getpid()}-{time.monotonic_ns()}"  # inherited by all it starts
    report = os.fdopen(report_fd, "w", encoding="utf-8")

    def send(record: dict[str, Any]) -> None:
        report.write(json.dumps(record) + "\n")
        report.flush()

    page = _Page(request["path"], request.get("text"))
    if notebook:
        import asyncio  # here: the script reading, and the parent, start faster without it

        asyncio.run(_as_a_coroutine(lambda: _run_blocks(request, page, capture, unshowable, send, notebook=True)))
    else:
        namespace = _run_blocks(request, page, capture, unshowable, send, notebook=False)
        exit_as_python_does(namespace, capture, send)  # what a fresh python does as it exits
    left = left_running(capture.thread)
    if left:
        send({"left_running": left})
    send({"done": True})
    report.close()


async def _as_a_coroutine(run: Any) -> None:
    run()  # inside a running event loop, as a Jupyter cell runs: asyncio.run() there raises


def _run_blocks(
    request: dict[str, Any], page: _Page, capture: Capture, unshowable: reader.Unshowable, send: Any, *, notebook: bool
) -> dict[str, Any]:
    """Run the blocks, report each; the namespace they ran in."""
    module: types.ModuleType | None = None
    shell: reader.Shell | None = None  # a notebook's IPython names
    raised_at = None  # line of the block that raised, in the current chain
    script = _Script()  # a block and its continuations are one script: lines and __future__ go on
    for block in request["blocks"]:
        line = block["line"]
        if module is None or not (block["continuation"] or notebook):
            module, shell = reader.main_module(notebook)
            raised_at = None
            script = _Script()
        elif raised_at is not None and not notebook:
            send({"line": line, "not_run": f"not run: it continues the block at line {raised_at}, which raised"})
            continue
        error = displayed = None
        if shell is not None:  # Jupyter names each cell's code apart: a warning shows again in the next cell
            module.__dict__.pop("__warningregistry__", None)
            shell.before(block["code"])
        try:
            displayed = _execute(block["code"], line, module.__dict__, page, notebook, script)
        except SyntaxError as exc:
            tb = exc.__traceback__
            if reader.is_a_blocks(exc.filename) and exc.lineno is not None and tb is not None and tb.tb_next is None:
                exc.filename, exc.lineno = page.path, line + exc.lineno - script.offset  # the block does not parse
                if exc.end_lineno is not None:
                    exc.end_lineno += line - script.offset
            error = page.traceback(exc)
            raised_at = line
        except BaseException as exc:
            error = page.traceback(exc)
            raised_at = line
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):  # a block may leave a closed or odd stream behind
                stream.flush()
        if "ctypes" in sys.modules:  # C's stdio buffers what printf writes to a pipe: flush it as exit would
            with contextlib.suppress(Exception):
                sys.modules["ctypes"].CDLL(None).fflush(None)
        raw, turns = capture.take()
        output, problem = as_shown(raw)
        problem = problem or interleaved(turns) or unshowable.why()
        send({"line": line, "output": output, "error": error, "problem": problem, "displayed": displayed})
    return module.__dict__ if module is not None else {}


class _Script:
    """What the blocks of one script share: the lines before (numbers go on from block to
    block, as in one file) and the __future__ imports made so far."""

    def __init__(self) -> None:
        self.offset = 0
        self.flags = 0


_FUTURE_FLAGS = functools.reduce(
    operator.or_, (getattr(__future__, name).compiler_flag for name in __future__.all_feature_names)
)


def _execute(
    code: str, line: int, namespace: dict[str, Any], page: _Page, notebook: bool, script: _Script
) -> str | None:
    """Run one block; in a notebook, the repr of a bare last expression that Jupyter displays."""
    name = reader.cell_name(code) if notebook else CODE_NAME
    tree = ast.parse(code, name) if notebook else None
    last = None
    if tree is not None and tree.body and isinstance(tree.body[-1], ast.Expr) and not _ends_with_semicolon(code):
        last = ast.Expression(tree.body[-1].value)
        tree.body.pop()
    # In a script, the block's lines follow those of the blocks before it; a cell starts at 1.
    source = tree if tree is not None else "\n" * script.offset + code
    body = compile(source, name, "exec", flags=script.flags, dont_inherit=True)
    page.register(body, line - script.offset)
    script.flags |= body.co_flags & _FUTURE_FLAGS
    if not notebook:
        script.offset += code.count("\n") + (0 if code.endswith("\n") else 1)
    exec(body, namespace)
    if last is None:
        return None
    expression = compile(last, name, "eval", flags=script.flags, dont_inherit=True)
    page.register(expression, line)
    value = eval(expression, namespace)
    return None if value is None else repr(value)


def _ends_with_semicolon(code: str) -> bool:
    """Whether the block's last token is ';', comments aside: IPython then displays nothing."""
    import tokenize

    last = None
    with contextlib.suppress(tokenize.TokenError, SyntaxError):
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.ENDMARKER,
                                  tokenize.INDENT, tokenize.DEDENT):
                last = token.string
    return last == ";"


class _Page:
    """The page's own lines, for tracebacks the writer reads: code is compiled as <stdin>."""

    def __init__(self, path: str, text: str | None) -> None:
        self.path = path
        self.lines = text.split("\n") if text is not None else []
        self._blocks: dict[types.CodeType, int] = {}

    def register(self, code: types.CodeType, line: int) -> None:
        """Remember that `code`, and every function defined in it, came from the block at `line`."""
        self._blocks[code] = line
        for const in code.co_consts:
            if isinstance(const, types.CodeType):
                self.register(const, line)

    def traceback(self, exc: BaseException) -> str:
        """The traceback, with <stdin> frames named by the page's path and lines."""
        parts: list[str] = []
        self._format(exc, parts, set())
        return "".join(parts)

    def _format(self, exc: BaseException, parts: list[str], seen: set[int]) -> None:
        seen.add(id(exc))
        if exc.__cause__ is not None and id(exc.__cause__) not in seen:
            self._format(exc.__cause__, parts, seen)
            parts.append("\nThe above exception was the direct cause of the following exception:\n\n")
        elif exc.__context__ is not None and not exc.__suppress_context__ and id(exc.__context__) not in seen:
            self._format(exc.__context__, parts, seen)
            parts.append("\nDuring handling of the above exception, another exception occurred:\n\n")
        frames = []
        tb = exc.__traceback__
        while tb is not None:
            code = tb.tb_frame.f_code
            if code.co_filename != __file__:  # the kernel's own frames are not the page's
                start = self._blocks.get(code)
                if start is not None:
                    lineno = start + (tb.tb_lineno or 0)
                    frames.append(traceback.FrameSummary(self.path, lineno, code.co_name, line=self._line(lineno)))
                else:
                    lineno = tb.tb_lineno or 0
                    frames.append(traceback.FrameSummary(code.co_filename, lineno, code.co_name,
                                                         line=linecache.getline(code.co_filename, lineno).strip()))
            tb = tb.tb_next
        if frames:
            parts.append("Traceback (most recent call last):\n")
            parts.extend(traceback.StackSummary.from_list(frames).format())
        parts.extend(traceback.format_exception_only(type(exc), exc))

    def _line(self, lineno: int) -> str:
        return self.lines[lineno - 1].strip() if 0 < lineno <= len(self.lines) else ""
