"""Every page prints the same under the oldest NumPy that the package accepts.

pyproject.toml lets readers keep an older NumPy (`numpy>=1.24`): many of the book's
readers run an Anaconda of 2023, with NumPy 1.24. NumPy 2 changed what some values
print (`repr(np.float64(0.5))` is `np.float64(0.5)`, and `0.5` before), so a page
checked under NumPy 2 alone could show one thing and print another on their machine.
Here the wheel of the tests' build is installed into a fresh venv with uv's lowest
resolution, which picks the oldest NumPy the wheel allows on this Python, and every
page of both languages runs there as scripts, with doccheck's kernel modules lent as in
test_wheel.py (readers.kernel_in). Each output block must be what it prints. (The
notebook reading prints the same values: its only other output, a displayed last
value, is refused on every page.)
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import tomllib

from doccheck import output_mismatch
from tests import background
from tests.paths import LANGUAGES, PAGE_NAMES, ROOT, page_of
from tests.site.readers import kernel_in, readers_python

pytestmark = pytest.mark.slow  # a virtual environment and every page

PAGES = [(lang, name) for lang in LANGUAGES for name in PAGE_NAMES]
# A block whose output differs between NumPy 1 and 2: the run below shows which NumPy it was.
PROBE = "import numpy as np\nprint(repr(np.float64(0.5)))\n"


def floor() -> str:
    """The oldest NumPy that pyproject.toml accepts, as written there ("1.24")."""
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["dependencies"]
    (numpy,) = [d for d in dependencies if re.match(r"numpy\b", d)]
    found = re.fullmatch(r"numpy\s*>=\s*([\d.]+)", numpy)
    assert found, f"pyproject.toml: expected numpy>=X, found {numpy!r}"
    return found[1]


def pages_under_the_oldest_numpy(config) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="numpy-floor-"))
    try:
        python = readers_python(folder / "venv", lowest=True)
        version = subprocess.run([python, "-c", "import numpy; print(numpy.__version__)"],
                                 capture_output=True, text=True, check=True).stdout.strip()
        found: dict = {"version": version, "pages": {}}
        kernel = kernel_in(python, folder / "lent", reading="script")
        try:
            for lang, name in PAGES:
                page = page_of(lang, name)
                results = kernel.run_page(page.path, page.runnable_blocks, page.text)
                found["pages"][(lang, name)] = [
                    problem for block, result in zip(page.runnable_blocks, results, strict=True)
                    if (problem := result.error or result.not_run or output_mismatch(
                        block.expected_output, result.output, f"{page.path}:{block.output_line}"))
                ]
            (probe,) = kernel.run_page("probe.md", [_Block(PROBE)])
            found["probe"] = [probe.output]
        finally:
            kernel.close()
        return found
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class _Block:
    line = 1
    continuation = False

    def __init__(self, code: str) -> None:
        self.code = code


# Run in the background thread from the end of collection on (tests/background.py).
BACKGROUND = {"numpy floor": pages_under_the_oldest_numpy}


@pytest.fixture(scope="module")
def under_the_floor(site) -> dict:  # the build, with its wheel, is queued first; skips if it failed
    return background.result("numpy floor")


def test_the_pages_ran_under_the_oldest_numpy_accepted(under_the_floor):
    version = under_the_floor["version"]
    assert version.split(".")[:2] == floor().split(".")[:2], f"uv's lowest resolution gave NumPy {version}"
    # NumPy 1 prints a float64 as a float: the pages really ran under it.
    assert under_the_floor["probe"] == ["0.5\n"]


@pytest.mark.parametrize(("lang", "name"), PAGES, ids=[f"{lang}:{name}" for lang, name in PAGES])
def test_the_page_prints_the_same_under_the_oldest_numpy(under_the_floor, lang, name):
    problems = under_the_floor["pages"][(lang, name)]
    assert problems == [], f"under NumPy {under_the_floor['version']}:\n" + "\n".join(problems)
