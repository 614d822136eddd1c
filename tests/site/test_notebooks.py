"""Every page as a Jupyter notebook: it runs in a real kernel and shows what the page shows.

The build writes a notebook beside each page (overrides/hooks.py, doccheck.notebook).
Here each one runs in an IPython kernel (nbclient and ipykernel), and what a reader
sees under each code cell, the value Jupyter displays for a bare expression at the
end of a cell included, must be the page's output block for that code.
"""

from __future__ import annotations

import asyncio
import atexit
import json
import re
import tempfile
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from doccheck import output_mismatch, parse_page
from tests import background
from tests.paths import DOCS, LANGUAGES, PAGE_NAMES, front_matter, page_url

pytestmark = pytest.mark.slow  # a kernel per page: part of `make test`, not `make check`

NOTEBOOKS = [(lang, name) for lang in LANGUAGES for name in PAGE_NAMES]
KERNELS_AT_ONCE = 2
# A kernel that dies before it answers its first message never ran a cell: seen once in a
# fresh clone's make test (jupyter_client picks its ports by binding and releasing them, and
# another process may take one meanwhile). It is started again, once; a page's own failure
# is never retried.
DIED_STARTING = "Kernel died before replying to kernel_info"
STARTS = 2


def notebook_path(site: Path, lang: str, name: str) -> Path:
    return site / page_url(name, lang).lstrip("/") / f"{Path(name).stem}.{lang}.ipynb"


def shown(cell) -> str:
    """What Jupyter shows under a code cell: its streams and displayed values, in order.
    A stream's carriage returns are shown as JupyterLab shows them: \r\n (csv's line end)
    is a newline, and a lone \r clears the line before it."""
    parts = []
    for output in cell.outputs:
        if output.output_type == "stream":
            parts.append(re.sub(r"^[^\n]*\r", "", re.sub(r"\r+\n", "\n", output.text), flags=re.MULTILINE))
        elif output.output_type in ("execute_result", "display_data"):
            parts.append(output.data.get("text/plain", "") + "\n")
        elif output.output_type == "error":
            parts.append("\n".join(output.traceback) + "\n")
    return "".join(parts)


def run_notebooks(config) -> dict:
    """Every notebook of the site, run; a failure to run is kept as the exception."""
    site, output, returncode = background.result("site")  # queued before this (tests/site/conftest.py)
    if returncode != 0:
        raise RuntimeError(f"mkdocs build failed, so no notebook was run:\n{output}")

    async def run(lang: str, name: str, slots: asyncio.Semaphore, folder: Path):
        async with slots:
            (folder / lang / name).mkdir(parents=True)  # a reader's empty folder
            for attempt in range(STARTS):
                notebook = nbformat.read(notebook_path(site, lang, name), as_version=4)
                client = NotebookClient(notebook, timeout=120, kernel_name="python3", allow_errors=True,
                                        resources={"metadata": {"path": str(folder / lang / name)}})
                try:
                    await client.async_execute()
                except Exception as error:  # reported by the page's test
                    atexit.unregister(client._cleanup_kernel)  # nbclient leaves it registered when a start fails
                    if attempt + 1 < STARTS and DIED_STARTING in str(error):
                        continue
                    return error
                return notebook

    async def run_all(folder: Path):
        slots = asyncio.Semaphore(KERNELS_AT_ONCE)
        return await asyncio.gather(*(run(lang, name, slots, folder) for lang, name in NOTEBOOKS))

    with tempfile.TemporaryDirectory(prefix="notebooks-") as folder:
        return dict(zip(NOTEBOOKS, asyncio.run(run_all(Path(folder))), strict=True))


# Run in the background thread from the end of collection on (tests/background.py).
BACKGROUND = {"notebooks": run_notebooks}


@pytest.fixture(scope="session")
def executed(site) -> dict:  # skips, as every test of the site does, when it did not build
    return background.result("notebooks")


def test_every_page_has_a_valid_notebook(site):
    for lang, name in NOTEBOOKS:
        nbformat.validate(nbformat.read(notebook_path(site, lang, name), as_version=4))


@pytest.mark.parametrize(("lang", "name"), NOTEBOOKS, ids=[f"{lang}:{name}" for lang, name in NOTEBOOKS])
def test_the_notebook_shows_what_the_page_shows(executed, lang, name):
    notebook = executed[(lang, name)]
    if isinstance(notebook, Exception):
        pytest.fail(f"the notebook did not run: {notebook!r}")
    _, text = front_matter((DOCS / lang / name).read_text("utf-8"))
    blocks = parse_page(text, f"docs/{lang}/{name}").runnable_blocks
    setup, *cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert shown(setup) == ""
    assert [cell.source for cell in cells] == [block.code.rstrip("\n") for block in blocks]
    problems = [
        f"cell {number}: {problem}"
        for number, (cell, block) in enumerate(zip(cells, blocks, strict=True), start=2)
        if (problem := output_mismatch(block.expected_output, shown(cell), f"the page's line {block.output_line}"))
    ]
    assert problems == [], "\n".join(problems)


def test_the_first_cell_installs_the_wheel_only_when_needed(site):
    notebook = json.loads(notebook_path(site, "en", "index.md").read_text("utf-8"))
    setup = notebook["cells"][0]["source"]
    assert 'if importlib.util.find_spec("lambda_puzzle") is None:' in setup
    assert setup.splitlines()[-1].startswith("del importlib, subprocess, sys")  # the page's cells don't see them
    assert re.search(r'"http://127\.0\.0\.1:\d+/lambda-puzzle/lambda_puzzle-[\d.]+-py3-none-any\.whl"', setup)
