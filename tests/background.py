"""Slow work started the moment the tests are collected, in one thread beside them.

pytest runs one test at a time, on one core, and the slowest tests mostly wait on
other processes: the site build, Jupyter kernels, `mkdocs serve`, textlint, pytest
itself. A test module lists such work in BACKGROUND, a dict of name -> function of
the pytest config. When any of the module's tests is selected, tests/conftest.py
queues each function on one background thread, in order, at the end of collection;
the unit tests and doc blocks run meanwhile on the other core. A test calls
`result(name)`, which waits for the function and returns what it returned, or
raises what it raised (pytest.fail included).

The functions observe and the tests assert. A function may wait for the result of
another only if that one was queued before it (the thread runs one at a time).

A function that fails with EFAULT ("Bad address": a program it spawned never
started) runs again, up to twice more. It has been seen once on our 2-core machines,
for two spawns in a row from this thread (CPython 3.11), and then never again; the
functions only observe, so running one again changes nothing else.
"""

from __future__ import annotations

import concurrent.futures
import errno
from collections.abc import Callable
from typing import Any

_LANE = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="background")
_JOBS: dict[str, concurrent.futures.Future] = {}
ATTEMPTS = 3


def _again_if_never_started(work: Callable[[], Any]) -> Callable[[], Any]:
    def run() -> Any:
        for _ in range(ATTEMPTS - 1):
            try:
                return work()
            except OSError as error:
                if error.errno != errno.EFAULT:
                    raise
        return work()  # the last attempt: whatever it raises is the result

    return run


def start(name: str, work: Callable[[], Any]) -> None:
    """Queue `work` under `name` unless something is queued under that name already."""
    if name not in _JOBS:
        _JOBS[name] = _LANE.submit(_again_if_never_started(work))


def result(name: str) -> Any:
    """What the work queued under `name` returned; waits for it."""
    if name not in _JOBS:
        raise LookupError(f"nothing was queued as {name!r}: is the module's BACKGROUND entry missing?")
    return _JOBS[name].result()


def stop() -> None:
    """Drop the work not started yet (a run stopped early); what runs finishes."""
    for job in _JOBS.values():
        job.cancel()
