"""Run a page like a notebook in a fresh kernel: one forked process per page.

`Kernel` starts one clean parent process (``python -c ...serve``) with a fixed
hash seed. That parent imports the modules it is told to preload and never runs
page code. For each page it forks a child, and the child:

* works in a new empty directory and reads nothing from stdin;
* points file descriptors 1 and 2 at one file, so that stdout and stderr (Python's,
  C code's and subprocesses') land in the order they were written, as on a terminal;
* runs the blocks in page order, each once, in a module named ``__main__``: a
  ``continuation`` block keeps the namespace of the block before it, any other
  block starts a fresh one;
* reports each block as soon as it ends (its output, or the traceback it raised).

Whatever a page changes (globals, modules and their attributes, NumPy's print
options, random generators, warning filters, builtins, the working directory)
dies with its child. The next page gets another fork of the same clean parent.
"""

from __future__ import annotations

import builtins
import contextlib
import importlib
import io
import json
import linecache
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import types
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

# PYTHONHASHSEED for every page: set iteration order is the same on every run.
HASH_SEED = "0"
DEFAULT_TIMEOUT = 60.0


@dataclass
class BlockResult:
    """What became of one block."""

    line: int
    output: str = ""  # stdout and stderr, interleaved as written
    error: str | None = None  # the traceback, when the block raised
    not_run: str | None = None  # why the block never ran, or never finished

    @property
    def ok(self) -> bool:
        return self.error is None and self.not_run is None


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
            A page still sees them exactly as a fresh import leaves them.
        timeout: Seconds a page may run before its process is stopped.
        python: The interpreter of the parent: by default this one; another
            environment's (a reader's, with only the wheel and NumPy) must be able to
            import doccheck.kernel, which needs the standard library alone.
        env: Variables added to the parent's environment.
    """

    def __init__(
        self,
        preload: list[str] | tuple[str, ...] = (),
        timeout: float = DEFAULT_TIMEOUT,
        python: str = sys.executable,
        env: dict[str, str] | None = None,
    ) -> None:
        self.preload = list(preload)
        self.timeout = timeout
        self.python = python
        self.env = dict(env or {})
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def run_page(self, path: Path | str, blocks: Iterable[RunnableBlock], text: str | None = None) -> list[BlockResult]:
        """Run `blocks` (objects with .line, .code and .continuation) as one page.

        `path` names the page in tracebacks and warnings: give it relative to the
        project, so that what a page prints is the same on every machine. `text`,
        the page itself, lets tracebacks quote its lines wherever the page runs.
        """
        request = {
            "path": str(path),
            "text": text,
            "timeout": self.timeout,
            "blocks": [{"line": b.line, "code": b.code, "continuation": b.continuation} for b in blocks],
        }
        proc = self._parent()
        assert proc.stdin is not None and proc.stdout is not None  # both are pipes
        try:
            proc.stdin.write(json.dumps(request).encode("utf-8") + b"\n")
            proc.stdin.flush()
            answer = proc.stdout.readline()
        except BrokenPipeError:
            answer = b""
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

    def _parent(self) -> subprocess.Popen[bytes]:
        if self._proc is None:
            self._log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the parent; close() closes it
            self._proc = subprocess.Popen(
                [self.python, "-c", "from doccheck.kernel import serve; serve()", *self.preload],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log,
                env={**os.environ, **self.env, "PYTHONHASHSEED": HASH_SEED},
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
    for name in sys.argv[1:]:
        importlib.import_module(name)
    clean_filters = list(warnings.filters)
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    for raw in requests:
        request = json.loads(raw)
        answers.write(json.dumps(_fork_page(request, clean_filters)).encode("utf-8") + b"\n")
        answers.flush()


def _fork_page(request: dict[str, Any], clean_filters: list[Any]) -> list[dict[str, Any]]:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        status = 1
        try:
            os.close(read_end)
            _run_page(request, write_end, clean_filters)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    raw, timed_out = _read_until_eof(read_end, pid, request["timeout"])
    _, status = os.waitpid(pid, 0)
    reported = {r["line"]: r for r in map(json.loads, raw.decode("utf-8").splitlines())}
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
                else f"the page's process ended ({_describe(status)}) while this block ran"
            )
            results.append({"line": line, "not_run": why})
        else:
            why = f"not run: the page's process ended in the block at line {running}"
            results.append({"line": line, "not_run": why})
    return results


def _read_until_eof(fd: int, pid: int, timeout: float) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                os.kill(pid, signal.SIGKILL)
                return b"".join(chunks), True
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    return b"".join(chunks), False
                chunks.append(chunk)
    finally:
        os.close(fd)


def _describe(status: int) -> str:
    code = os.waitstatus_to_exitcode(status)
    if code < 0:
        return f"killed by {signal.Signals(-code).name}"
    return f"exit status {code}"


# --- The child: one page -----------------------------------------------------------


def _text_stream(fd: int) -> io.TextIOWrapper:
    return io.TextIOWrapper(
        io.FileIO(fd, "w", closefd=False), encoding="utf-8", errors="backslashreplace", write_through=True
    )


def _run_page(request: dict[str, Any], report_fd: int, clean_filters: list[Any]) -> None:
    os.chdir(tempfile.mkdtemp(prefix="doccheck-page-"))
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    capture = tempfile.TemporaryFile(buffering=0)  # noqa: SIM115 - open until the child exits
    os.dup2(capture.fileno(), 1)
    os.dup2(capture.fileno(), 2)
    sys.stdin = sys.__stdin__ = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding="utf-8")  # type: ignore[misc]
    sys.stdout = sys.__stdout__ = _text_stream(1)  # type: ignore[misc]
    sys.stderr = sys.__stderr__ = _text_stream(2)  # type: ignore[misc]
    warnings.filters[:] = clean_filters  # type: ignore[index]  # a list at run time
    warnings._filters_mutated()  # type: ignore[attr-defined]  # forget which warnings the parent has shown
    report = os.fdopen(report_fd, "w", encoding="utf-8")

    path = request["path"]
    if request.get("text") is not None:
        # mtime None: linecache keeps the entry, and tracebacks quote the page's lines.
        lines = request["text"].splitlines(keepends=True)
        linecache.cache[path] = (len(request["text"]), None, lines, path)
    module = None
    raised_at = None  # line of the block that raised, in the current chain
    for block in request["blocks"]:
        line = block["line"]
        if not block["continuation"] or module is None:
            module = types.ModuleType("__main__")
            module.__dict__["__builtins__"] = builtins
            sys.modules["__main__"] = module
            raised_at = None
        elif raised_at is not None:
            result = {"line": line, "not_run": f"not run: it continues the block at line {raised_at}, which raised"}
            report.write(json.dumps(result) + "\n")
            report.flush()
            continue
        start = os.lseek(capture.fileno(), 0, os.SEEK_CUR)
        error = None
        try:
            # Padding keeps line numbers true: tracebacks name the page's own lines.
            code = compile("\n" * line + block["code"], path, "exec", dont_inherit=True)
            exec(code, module.__dict__)
        except BaseException as exc:
            tb = exc.__traceback__
            error = "".join(traceback.format_exception(type(exc), exc, tb.tb_next if tb else None))
            raised_at = line
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):  # a block may leave a closed or odd stream behind
                stream.flush()
        end = os.lseek(capture.fileno(), 0, os.SEEK_CUR)
        output = os.pread(capture.fileno(), end - start, start).decode("utf-8", "backslashreplace")
        report.write(json.dumps({"line": line, "output": output, "error": error}) + "\n")
        report.flush()
    report.close()
