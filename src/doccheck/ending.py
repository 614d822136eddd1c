"""The end of a script, as a reader's python has it.

After a script's last block a python runs its atexit functions, lets go of the
script's globals (their __del__ runs, files close and flush) and exits; what that
prints, a reader sees after the page's last output. And what the script started and
did not wait for (threads, child processes, a shell's background job) goes on
printing after it. `exit_as_python_does` does the first and says what it printed;
`left_running` finds the second and stops it; `adopt_orphans` makes the page's
process the parent of every orphan it leaves, so that none escapes.

Standard library only: the kernel, which imports it, is lent to fresh environments.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from doccheck.terminal import Capture, as_shown


def exit_as_python_does(namespace: dict[str, Any], capture: Capture, send: Any) -> None:
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
    tracker = sys.modules.get("multiprocessing.resource_tracker")
    if tracker is not None:  # python's exit closes the tracker's pipe: it ends, and warns of what leaked
        with contextlib.suppress(Exception):
            tracker._resource_tracker._stop()
    output, problem = as_shown(capture.take()[0])
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


def left_running(capture_thread: threading.Thread) -> str | None:
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
    # multiprocessing's resource tracker lives as long as the python that started it, and prints
    # only as that python ends (a script has stopped it by now): a notebook's stays, as in Jupyter.
    tracker = sys.modules.get("multiprocessing.resource_tracker")
    quiet = {getattr(getattr(tracker, "_resource_tracker", None), "_pid", None)}
    for pid in (set(_children()) | set(_group()) | set(_marked())) - quiet:
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


def adopt_orphans() -> None:
    """Make this process the parent of every orphan among what it starts (Linux's child
    subreaper): a job that a shell puts in the background and leaves, even one that then
    leaves the process group (setsid) while its environment cannot be read (mid-exec),
    is then one of its children, which left_running finds without a race."""
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
