"""`make serve`: it serves both languages, reloads on changes to docs/ and src/, and stops cleanly."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests import background
from tests.paths import MKDOCS_ENV, ROOT

# Each test starts a real server and waits for builds: part of `make test`, not `make check`.
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, timeout: float = 10) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read().decode("utf-8")


def wait_until_serving(url: str, proc: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the server exited with {proc.returncode}:\n{proc.stdout.read()}")
        try:
            get(url, timeout=2)
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    pytest.fail(f"nothing served at {url} after {seconds} s")


# Ctrl+C reaches a command typed in a terminal. A job started in the background (`&`,
# nohup, as a benchmark may be) has SIGINT ignored, every child inherits that, and the
# server would then ignore the test's Ctrl+C: the command runs with SIGINT as a terminal
# gives it. (preexec_fn would do the same, but is unsafe in the thread this runs in.)
AS_IN_A_TERMINAL = [
    sys.executable, "-c",
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])",
]


def stop(proc: subprocess.Popen) -> str:
    """Ctrl+C, as a contributor stops it: the whole process group gets SIGINT."""
    os.killpg(proc.pid, signal.SIGINT)
    try:
        output, _ = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        output, _ = proc.communicate()
        pytest.fail(f"the server ignored Ctrl+C for 30 s:\n{output}")
    return output


def port_is_closed(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def copy_of_the_project(folder: Path) -> Path:
    """What `make serve` needs, copied into `folder`, so that the edits touch nothing of ours."""
    for name in ("docs", "src", "overrides"):
        shutil.copytree(ROOT / name, folder / name)
    for name in ("mkdocs.yml", "Makefile", "uv.lock", "pyproject.toml"):
        shutil.copy2(ROOT / name, folder)
    return folder


def current_epoch(html: str) -> tuple[str, str]:
    found = re.search(r"livereload\((\d+), (\d+)\)", html)
    assert found, "mkdocs serve injected no live-reload script"
    return found[1], found[2]


def wait_for_reload(base: str, html: str) -> None:
    epoch, request = current_epoch(html)
    # The server answers this long poll with a newer epoch once a rebuild is done.
    answer = get(f"{base}/livereload/{epoch}/{request}", timeout=90)
    assert int(answer) > int(epoch)


def serve_and_edit(config) -> dict:
    """`make serve` on a free port, in a copy of the project: four pages, the pages after
    an edit of docs/ and then of src/, what it printed, and whether Ctrl+C freed the port.

    The copy runs our .venv (BIN) and a stamp made just now (STAMP), so that make sees
    the environment as installed, as it is: `make test` installed it before this ran.
    """
    with tempfile.TemporaryDirectory(prefix="serve-") as folder:
        project = copy_of_the_project(Path(folder))
        stamp = project / ".installed"
        stamp.touch()
        port = free_port()
        proc = subprocess.Popen(
            [*AS_IN_A_TERMINAL, "make", "--no-print-directory", "serve", f"PORT={port}",
             f"BIN={ROOT / '.venv' / 'bin'}", f"DOCS={stamp}"],
            cwd=project, env=MKDOCS_ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_serving(base + "/", proc)
            pages = {path: get(base + path) for path in ("/", "/en/", "/api/", "/en/api/")}

            page = project / "docs" / "en" / "index.md"
            # A writer's slip while serving: a dead link. The site must rebuild anyway and
            # say so in the terminal (make build and the tests stay strict).
            page.write_text(page.read_text("utf-8") + "\nA sentence added while serving, linking to [a page that "
                            "is not there](gone.md).\n", "utf-8")
            wait_for_reload(base, pages["/en/"])
            after_docs = get(base + "/en/")

            module = project / "src" / "lambda_puzzle" / "gradient.py"
            html = get(base + "/en/api/")
            module.write_text(
                module.read_text("utf-8").replace("Estimate the gradient", "Estimate (edited) the gradient", 1),
                "utf-8",
            )
            wait_for_reload(base, html)
            after_src = get(base + "/en/api/")
        finally:
            output = stop(proc)
        return {"base": base, "pages": pages, "after_docs": after_docs, "after_src": after_src,
                "output": output, "closed": port_is_closed(port)}


def test_make_serve_serves_both_languages_and_stops_cleanly():
    served = background.result("make serve")
    pages, output, base = served["pages"], served["output"], served["base"]
    assert '<html lang="ja"' in pages["/"] and '<html lang="en"' in pages["/en/"]
    assert "TwoLayerNet" in pages["/"] and "TwoLayerNet" in pages["/en/"]
    for path in ("/api/", "/en/api/"):
        assert 'id="lambda_puzzle.gradient.numerical_gradient"' in pages[path]
    assert f"日本語:  {base}/" in output and f"English: {base}/en/" in output
    assert "Traceback" not in output
    assert served["closed"]


def test_serve_rebuilds_and_reloads_when_docs_or_src_change():
    served = background.result("make serve")
    assert "A sentence added while serving" in served["after_docs"]
    assert "gone.md" in served["output"] and "WARNING" in served["output"]
    assert "Estimate (edited) the gradient" in served["after_src"]
    assert "Traceback" not in served["output"]


# Run in the background thread from the end of collection on (tests/background.py).
BACKGROUND = {"make serve": serve_and_edit}
