"""`make serve`: it serves both languages, reloads on changes to docs/ and src/, and stops cleanly;
a notebook downloaded from it runs, and the home page's pip command installs the wheel it serves."""

from __future__ import annotations

import asyncio
import html
import json
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

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from traitlets import default

from doccheck import output_mismatch, parse_page
from tests import background
from tests.paths import DOCS, MKDOCS_ENV, ROOT, UV, front_matter
from tests.site.readers import fresh_python
from tests.site.test_notebooks import shown

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
             f"BIN={ROOT / '.venv' / 'bin'}", f"DOCS={stamp}", f"UV={UV}"],
            cwd=project, env=MKDOCS_ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_serving(base + "/", proc)
            pages = {path: get(base + path) for path in ("/", "/en/", "/api/", "/en/api/")}
            reader = as_a_reader(base, pages["/"], Path(folder) / "reader")

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
                "output": output, "closed": port_is_closed(port), "reader": reader}


def as_a_reader(base: str, home: str, folder: Path) -> dict:
    """What a reader does with a served site: a fresh Python with pip, NumPy and Jupyter
    (no lambda_puzzle) runs the home page's pip command, and then, once lambda_puzzle is
    uninstalled again, the home page's notebook downloaded from the server, whose first
    cell installs the wheel."""
    venv = folder / "venv"
    # The versions of our own .venv, which uv has cached: no download.
    frozen = subprocess.run([UV, "pip", "freeze", "--python", sys.executable], capture_output=True, text=True,
                            check=True).stdout
    pins = folder / "pins.txt"
    folder.mkdir(parents=True)
    pins.write_text("\n".join(line for line in frozen.splitlines()
                              if line and not line.startswith(("-e", "lambda-puzzle", "lambda_puzzle"))))
    python = fresh_python(venv, "-c", str(pins), "numpy", "ipykernel", pip=True)
    found: dict = {}

    # The command as the page shows it, with this Python: `python -m pip install numpy "<url>"`.
    code = html.unescape(re.sub(r"<[^>]+>", "", home))
    commands = [line for line in code.splitlines() if line.strip().startswith("python -m pip install")]
    found["pip_command"] = commands
    if len(commands) == 1:
        argv = [python, *commands[0].strip().split()[1:]]
        argv = [arg.strip('"') for arg in argv]
        pip = subprocess.run(argv, capture_output=True, text=True, check=False)
        probe = subprocess.run([python, "-c", "import lambda_puzzle; print(lambda_puzzle.__file__)"],
                               capture_output=True, text=True, check=False)
        found["pip"] = (pip.returncode, pip.stdout + pip.stderr, probe.stdout.strip())
        subprocess.run([python, "-m", "pip", "uninstall", "--quiet", "--yes", "lambda-puzzle"], check=True)

    # The notebook the page's link downloads, in a kernel of that Python, in an empty folder.
    link = re.search(r'<p class="md-notebook"><a href="([^"]+)" download>', home)
    found["notebook_link"] = link and link[1]
    if link:
        notebook = nbformat.reads(get(f"{base}/{link[1]}"), as_version=4)
        kernels = folder / "kernels" / "reader"
        kernels.mkdir(parents=True)
        (kernels / "kernel.json").write_text(json.dumps({
            "argv": [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "reader", "language": "python"}))
        (folder / "work").mkdir()

        class ReaderKernel(AsyncKernelManager):  # finds the spec "reader", and only there
            @default("kernel_spec_manager")
            def _reader_specs(self) -> KernelSpecManager:
                return KernelSpecManager(kernel_dirs=[str(kernels.parent)])

        # nbclient starts and stops the kernel, as for every other notebook (test_notebooks.py).
        client = NotebookClient(notebook, kernel_name="reader", kernel_manager_class=ReaderKernel, timeout=120,
                                allow_errors=True, resources={"metadata": {"path": str(folder / "work")}})
        asyncio.run(client.async_execute())  # as test_notebooks runs them: no socket left open
        found["cells"] = [(cell.source, shown(cell)) for cell in notebook.cells if cell.cell_type == "code"]
        probe = subprocess.run([python, "-c", "import lambda_puzzle; print(lambda_puzzle.__file__)"],
                               capture_output=True, text=True, check=False)
        found["installed_by_notebook"] = probe.stdout.strip()
    found["venv"] = str(venv)
    return found


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


def test_the_home_pages_pip_command_installs_the_served_wheel():
    served = background.result("make serve")
    reader = served["reader"]
    assert len(reader["pip_command"]) == 1, f"the home page shows {reader['pip_command']}"
    assert f'"{served["base"]}/lambda_puzzle-' in reader["pip_command"][0]
    returncode, output, where = reader["pip"]
    assert returncode == 0, output
    assert where.startswith(reader["venv"]), f"lambda_puzzle came from {where!r}, not the reader's venv"


def test_a_notebook_downloaded_from_serve_runs_top_to_bottom_in_a_fresh_kernel():
    served = background.result("make serve")
    reader = served["reader"]
    assert reader["notebook_link"] == "index.ja.ipynb"
    setup, *cells = reader["cells"]
    assert served["base"] + "/lambda_puzzle-" in setup[0] and setup[1] == ""
    assert reader["installed_by_notebook"].startswith(reader["venv"]), "the first cell did not install the wheel"
    _, text = front_matter((DOCS / "ja" / "index.md").read_text("utf-8"))
    blocks = parse_page(text, "docs/ja/index.md").runnable_blocks
    assert [source for source, _ in cells] == [block.code.rstrip("\n") for block in blocks]
    problems = [f"cell {number}: {problem}"
                for number, ((_, shown_), block) in enumerate(zip(cells, blocks, strict=True), start=2)
                if (problem := output_mismatch(block.expected_output, shown_, f"the page's line {block.output_line}"))]
    assert problems == [], "\n".join(problems)
