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
  when the page ends, whatever becomes of it; writes no byte code. Every page's
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
"""

from __future__ import annotations
import __future__

import ast
import builtins
import contextlib
import ctypes
import functools
import importlib
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
import threading
import time
import traceback
import types
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

# PYTHONHASHSEED of the kernel that checks the output; the plugin runs each page
# again under other seeds, because a reader's Python draws a new one at every start.
HASH_SEED = "0"
DEFAULT_TIMEOUT = 60.0
BLAS_ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
READINGS = ("script", "notebook")
CODE_NAME = "<stdin>"  # what a reader who pastes a block sees in warnings and tracebacks
CONTROL_NAMES = {"\x00": "NUL", "\x07": "BEL", "\x08": "BS", "\x0b": "VT", "\x0c": "FF", "\x1b": "ESC", "\x7f": "DEL"}


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
    global _FRESH, _ROOT
    _ROOT = os.environ.pop("DOCCHECK_ROOT", None)  # the pages' parent folder; no page sees the variable
    for name in sys.argv[1:]:
        importlib.import_module(name)
    probe = subprocess.run([sys.executable, "-c", _PROBE, *sys.argv[1:]], capture_output=True, text=True, check=True)
    _FRESH = frozenset(ast.literal_eval(probe.stdout)) | {"__main__"}
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


class _Capture:
    """Everything written to file descriptors 1 and 2, read from one pipe by a thread.

    A pipe, as a terminal, has no position: ``open("/dev/stdout", "w")`` appends to
    it instead of truncating what was written before. A block's output ends at a
    mark that the child writes into the same pipe once the block is done.
    """

    def __init__(self) -> None:
        self._read, write = os.pipe()
        os.dup2(write, 1)
        os.dup2(write, 2)
        os.close(write)
        self._buffer = bytearray()
        self._ready = threading.Condition()
        self.thread = threading.Thread(target=self._drain, name="doccheck-capture", daemon=True)
        self.thread.start()

    def _drain(self) -> None:
        while chunk := os.read(self._read, 1 << 16):
            with self._ready:
                self._buffer += chunk
                self._ready.notify_all()

    def take(self) -> bytes:
        """What was written since the last take."""
        mark = b"\x00doccheck-" + os.urandom(8).hex().encode() + b"\x00"
        with contextlib.suppress(OSError):  # a block may have closed or moved fd 1
            os.write(1, mark)
        with self._ready:
            self._ready.wait_for(lambda: mark in self._buffer, timeout=10)
            end = self._buffer.find(mark)
            taken = bytes(self._buffer[: end if end >= 0 else len(self._buffer)])
            del self._buffer[: end + len(mark) if end >= 0 else len(self._buffer)]
        return taken


def _terminal_stream(fd: int) -> io.TextIOWrapper:
    """A stream as a terminal has it: line-buffered, flushed at each newline (stdout, and stderr
    since Python 3.9)."""
    raw = io.FileIO(fd, "w", closefd=False)
    return io.TextIOWrapper(io.BufferedWriter(raw), encoding="utf-8", errors="surrogateescape", line_buffering=True)


# Every module a fresh python has loaded once it has imported the reader's packages: a page
# starts with those and no other (serve() asks a fresh python at start).
_FRESH: frozenset[str] = frozenset()
_ROOT: str | None = None  # Kernel.root, as the parent was given it
_PROBE = "import sys\nfor name in sys.argv[1:]:\n    __import__(name)\nprint(sorted(sys.modules))"


def _is_the_readers_path(entry: str) -> bool:
    """The standard library's folders: the reader's Python has its own site-packages, not ours."""
    stdlib = (sys.base_prefix, sys.base_exec_prefix)
    return entry.startswith(stdlib) and "site-packages" not in entry and "dist-packages" not in entry


def _run_page(request: dict[str, Any], report_fd: int, clean_filters: list[Any], folder: str) -> None:
    os.setpgid(0, 0)  # a group of its own: what it starts, even a shell's background job, stays in it
    _adopt_orphans()
    work, scratch = Path(folder, "work"), Path(folder, "tmp")
    work.mkdir(exist_ok=True)  # one page's blocks share their folders, as a reader's session does
    scratch.mkdir(exist_ok=True)
    os.chdir(work)
    sys.argv = [""]  # as a fresh python reading a script from stdin has it
    os.environ["TMPDIR"] = str(scratch)
    tempfile.tempdir = None  # tempfile reads TMPDIR again
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    capture = _Capture()
    sys.stdin = sys.__stdin__ = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding="utf-8")  # type: ignore[misc]
    sys.stdout = sys.__stdout__ = _terminal_stream(1)  # type: ignore[misc]
    sys.stderr = sys.__stderr__ = _terminal_stream(2)  # type: ignore[misc]
    sys.dont_write_bytecode = True  # a module the page rewrites within a second is read again, not from a stale .pyc
    warnings.filters[:] = clean_filters  # type: ignore[index]  # a list at run time
    warnings._filters_mutated()  # type: ignore[attr-defined]  # forget which warnings the parent has shown
    # What a reader's fresh python has: the modules it loads by itself and with their packages
    # (not the kernel's own, such as doccheck, urllib.parse or json.decoder), and only the
    # standard library and the current folder to import more from.
    for name in [n for n in sys.modules if n not in _FRESH]:
        del sys.modules[name]
    sys.path[:] = ["", *(entry for entry in sys.path if entry and _is_the_readers_path(entry))]
    os.environ["DOCCHECK_RUN"] = f"{os.getpid()}-{time.monotonic_ns()}"  # inherited by all it starts
    report = os.fdopen(report_fd, "w", encoding="utf-8")

    def send(record: dict[str, Any]) -> None:
        report.write(json.dumps(record) + "\n")
        report.flush()

    page = _Page(request["path"], request.get("text"))
    if request["reading"] == "notebook":
        import asyncio  # here: the script reading, and the parent, start faster without it

        asyncio.run(_as_a_coroutine(lambda: _run_blocks(request, page, capture, send, notebook=True)))
    else:
        namespace = _run_blocks(request, page, capture, send, notebook=False)
        _exit_as_python_does(namespace, capture, send)  # what a fresh python does as it exits
    left = _left_running(capture.thread)
    if left:
        send({"left_running": left})
    send({"done": True})
    report.close()


async def _as_a_coroutine(run: Any) -> None:
    run()  # inside a running event loop, as a Jupyter cell runs: asyncio.run() there raises


def _run_blocks(
    request: dict[str, Any], page: _Page, capture: _Capture, send: Any, *, notebook: bool
) -> dict[str, Any]:
    """Run the blocks, report each; the namespace they ran in."""
    module: types.ModuleType | None = None
    raised_at = None  # line of the block that raised, in the current chain
    script = _Script()  # a block and its continuations are one script: lines and __future__ go on
    for block in request["blocks"]:
        line = block["line"]
        if module is None or not (block["continuation"] or notebook):
            module = types.ModuleType("__main__")
            module.__dict__.update(__builtins__=builtins, __annotations__={})
            sys.modules["__main__"] = module
            raised_at = None
            script = _Script()
        elif raised_at is not None and not notebook:
            send({"line": line, "not_run": f"not run: it continues the block at line {raised_at}, which raised"})
            continue
        error = displayed = None
        if notebook:  # Jupyter names each cell's code apart: a warning shows again in the next cell
            module.__dict__.pop("__warningregistry__", None)
        try:
            displayed = _execute(block["code"], line, module.__dict__, page, notebook, script)
        except SyntaxError as exc:
            tb = exc.__traceback__
            if exc.filename == CODE_NAME and exc.lineno is not None and tb is not None and tb.tb_next is None:
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
        output, problem = as_shown(capture.take())
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
    tree = ast.parse(code, CODE_NAME) if notebook else None
    last = None
    if tree is not None and tree.body and isinstance(tree.body[-1], ast.Expr) and not _ends_with_semicolon(code):
        last = ast.Expression(tree.body[-1].value)
        tree.body.pop()
    # In a script, the block's lines follow those of the blocks before it; a cell starts at 1.
    source = tree if tree is not None else "\n" * script.offset + code
    body = compile(source, CODE_NAME, "exec", flags=script.flags, dont_inherit=True)
    page.register(body, line - script.offset)
    script.flags |= body.co_flags & _FUTURE_FLAGS
    if not notebook:
        script.offset += code.count("\n") + (0 if code.endswith("\n") else 1)
    exec(body, namespace)
    if last is None:
        return None
    expression = compile(last, CODE_NAME, "eval", flags=script.flags, dont_inherit=True)
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


def as_shown(raw: bytes) -> tuple[str, str | None]:
    """What a terminal shows of `raw`, and why a page cannot show it faithfully, if it cannot.

    A carriage return goes back to the start of the line, and what follows overwrites
    it: a terminal and Jupyter agree on the result when the new text is at least as
    long as the old. Bytes that are not UTF-8, and control characters a terminal acts
    on (ESC starts a colour or cursor code), have no faithful text on a page.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        bad = raw[error.start : error.start + 4]
        return raw.decode("utf-8", "backslashreplace"), (
            f"it printed bytes that are not UTF-8 ({bad!r} at byte {error.start}): a terminal and Jupyter "
            "each show them differently, so no output block can show what the reader sees; print text"
        )
    for ch in text:
        if "\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069" or ch in "\u200e\u200f":
            return text, (
                f"it printed the bidirectional control U+{ord(ch):04X}, which a browser and a terminal "
                "lay out differently (a page could show 107 where the terminal shows 701); print plain text"
            )
        if (ch < " " or "\x7f" <= ch <= "\x9f") and ch not in "\n\t\r":  # Unicode's control characters
            name = CONTROL_NAMES.get(ch, f"U+{ord(ch):04X}")
            return text, (
                f"it printed the control character {ch!r} ({name}), which a terminal acts on instead of "
                "showing (an ESC starts a colour or cursor code), so no output block can show what the "
                "reader sees; print plain text"
            )
    shown = []
    for line in text.split("\n"):
        result, *overwrites = line.split("\r")
        if overwrites and any(overwrites) and (not line.isascii() or "\t" in line):
            return text, (
                f"it printed {line!r}, overwriting with a carriage return (\\r) text that has tabs or "
                "characters that are not ASCII: how many columns those take depends on the terminal "
                "(a Japanese character takes two), so no output block can show what the reader sees"
            )
        for new in overwrites:
            if not new:
                continue
            if len(new) < len(result):
                return text, (
                    f"it printed {new!r} over {result!r} with a carriage return (\\r): a terminal keeps the "
                    f"rest of the longer text ({(new + result[len(new):])!r}), Jupyter does not; pad the "
                    "shorter text with spaces"
                )
            result = new
        shown.append(result)
    return "\n".join(shown), None


def _exit_as_python_does(namespace: dict[str, Any], capture: _Capture, send: Any) -> None:
    """Run the atexit functions, let go of the script's globals (their __del__ runs, a coroutine
    never awaited warns) and flush every open file, as a python that exits does, and say what
    that printed or left pending (an alarm)."""
    import atexit

    with contextlib.suppress(Exception):
        atexit._run_exitfuncs()
    with contextlib.suppress(Exception):
        # Dropping the globals runs their __del__, closes (and so flushes) their files and
        # lets a coroutine never awaited warn, as at a python's exit. (A cycle would need the
        # garbage collector, which costs more than a page's run: left out.)
        namespace.clear()
        import gc

        gc.collect(1)  # the young generations: a cycle the script made, as a python's exit frees it
    output, problem = as_shown(capture.take())
    pending = signal.alarm(0) or signal.getitimer(signal.ITIMER_REAL)[0]
    notes = []
    if output:
        notes.append(f"as the block's python exits it prints {output!r} (an atexit function, a file "
                     "left open on /dev/stdout...): a reader sees it, the output block does not")
    if problem:
        notes.append(problem)
    if pending:
        notes.append(f"the block leaves an alarm set to go off {pending:g} s later (signal.alarm or "
                     "setitimer), which would stop the reader's python")
    if notes:
        send({"left_running": "\n".join(notes)})


def _left_running(capture_thread: threading.Thread) -> str | None:
    """What the page started and did not wait for: it would go on printing after the page."""
    problems = []
    now = sys.modules.get("threading", threading)  # the page's own, if it imported it afresh
    threads = [t for module in {now, threading} for t in module.enumerate()
               if t is not module.main_thread() and t is not capture_thread and t.is_alive()
               and t.ident != threading.get_ident()]
    tasks = len(list(Path("/proc/self/task").iterdir())) - 2  # the OS's count: _thread and C threads too
    if threads or tasks > 0:
        names = ", ".join(t.name for t in threads) or "threads that the threading module does not list"
        problems.append(
            f"the page left {max(len(threads), tasks)} thread(s) running after its last block ({names}): a reader "
            "would see what they print later, the checker does not; wait for them (join()) in the block "
            "that starts them"
        )
    children = []
    for pid in set(_children()) | set(_group()) | set(_marked()):
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        if state != "Z":
            children.append(f"{pid} ({command[:60]})")
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
    if children:
        problems.append(
            f"the page left {len(children)} child process(es) running after its last block "
            f"({', '.join(children)}): a reader would see what they print later, the checker does not; "
            "wait for them (subprocess.run, or wait()) in the block that starts them"
        )
    return "\n".join(problems) or None


PR_SET_CHILD_SUBREAPER = 36  # linux/prctl.h


def _adopt_orphans() -> None:
    """Make this process the parent of every orphan among what it starts (Linux's child
    subreaper): a job that a shell puts in the background and leaves, even one that then
    leaves the process group (setsid) while its environment cannot be read (mid-exec),
    is then one of its children, which _left_running finds without a race."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def _group() -> list[int]:
    """The other processes of this one's process group: a shell's background job is no longer a child."""
    me, found = os.getpid(), []
    for pid in _younger_processes():
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            if int(fields[2]) == me:
                found.append(pid)
    return found


def _younger_processes() -> list[int]:
    """Processes started after this one (pids grow; a wrap-around is rare): all it can have started."""
    me = os.getpid()
    return [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit() and int(entry.name) > me]


def _marked() -> list[int]:
    """Processes that carry this run's mark in their environment: all it started, even those that
    left its process group (setsid) and were handed to init."""
    mark, found = f"DOCCHECK_RUN={os.environ.get('DOCCHECK_RUN', '')}".encode(), []
    for pid in _younger_processes():
        with contextlib.suppress(OSError):
            if mark in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0"):
                found.append(pid)
    return found


def _children() -> list[int]:
    pids: list[int] = []
    for task in Path("/proc/self/task").glob("*"):
        with contextlib.suppress(OSError):
            pids += [int(p) for p in (task / "children").read_text().split()]
    return pids
