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
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable
from typing import Any

_LANE = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="background")
_JOBS: dict[str, concurrent.futures.Future] = {}


def start(name: str, work: Callable[[], Any]) -> None:
    """Queue `work` under `name` unless something is queued under that name already."""
    if name not in _JOBS:
        _JOBS[name] = _LANE.submit(work)


def result(name: str) -> Any:
    """What the work queued under `name` returned; waits for it."""
    if name not in _JOBS:
        raise LookupError(f"nothing was queued as {name!r}: is the module's BACKGROUND entry missing?")
    return _JOBS[name].result()


def stop() -> None:
    """Drop the work not started yet (a run stopped early); what runs finishes."""
    for job in _JOBS.values():
        job.cancel()
