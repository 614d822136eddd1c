"""The wheel that readers install: lambda_puzzle and nothing else, and it runs a page.

Every build of the site (`make build`, `make serve`, the tests' own build) puts the
wheel at the site's root (overrides/hooks.py), and every notebook's first cell
installs it. Here the wheel of the tests' build is installed into a fresh virtual
environment with nothing but it and NumPy (as a reader's notebook has), and
the addition-network page runs against it there. doccheck is a tool of this
repository: it is not in the wheel, and the fresh environment cannot import it;
only its kernel module, which needs the standard library alone, is lent to that
environment to run the page.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest

from doccheck import output_mismatch, parse_page
from tests import background
from tests.paths import DOCS, UV, front_matter
from tests.site.readers import kernel_in
from tests.site.test_notebooks import notebook_path

pytestmark = pytest.mark.slow  # builds a wheel and a virtual environment

PAGE = "addition-network.md"


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)


def wheel_in_a_fresh_venv(config) -> dict:
    """The wheel of the site's build, installed alone into a new venv, and a page run there."""
    site, output, returncode = background.result("site")  # queued before this (tests/site/conftest.py)
    wheels = sorted(site.glob("*.whl"))
    found: dict = {"build": (returncode, output), "wheels": [w.name for w in wheels]}
    if returncode != 0 or len(wheels) != 1:
        return found
    folder = Path(tempfile.mkdtemp(prefix="wheel-"))
    try:
        found["files"] = zipfile.ZipFile(wheels[0]).namelist()

        venv = folder / "venv"
        python = str(venv / "bin" / "python")
        made = run([UV, "venv", "--quiet", "--python", sys.executable, str(venv)])
        installed = run([UV, "pip", "install", "--quiet", "--python", python, str(wheels[0])])
        found["venv"] = (made.returncode + installed.returncode, made.stderr + installed.stderr)
        if made.returncode or installed.returncode:
            return found
        listed = run([UV, "pip", "list", "--python", python, "--format", "json"])
        found["packages"] = sorted(p["name"] for p in json.loads(listed.stdout or "[]"))
        probe = ("import importlib.util, lambda_puzzle; "
                 "print(lambda_puzzle.__file__); print(importlib.util.find_spec('doccheck'))")
        found["probe"] = run([python, "-c", probe], cwd=folder).stdout.splitlines()
        # The API page's examples, as the reader's own python runs them: doctest, exact.
        installed = Path(found["probe"][0]).parent if found["probe"] else folder
        found["doctests"] = {
            module.name: (done.returncode, done.stdout + done.stderr)
            for module in sorted(installed.glob("*.py"))
            for done in [run([python, "-m", "doctest", str(module)], cwd=folder)]
        }

        # The page, run there: doccheck's kernel module alone, on a path of its own.
        _, text = front_matter((DOCS / "en" / PAGE).read_text("utf-8"))
        page = parse_page(text, f"docs/en/{PAGE}", collect=False)
        kernel = kernel_in(python, folder / "lent")
        try:
            results = kernel.run_page(page.path, page.runnable_blocks, page.text)
        finally:
            kernel.close()
        found["page"] = [
            (block.line, result.error or result.not_run
             or output_mismatch(block.expected_output, result.output, f"{page.path}:{block.output_line}"))
            for block, result in zip(page.runnable_blocks, results, strict=True)
        ]
        found["venv_path"] = str(venv)
        return found
    finally:
        shutil.rmtree(folder, ignore_errors=True)


BACKGROUND = {"wheel": wheel_in_a_fresh_venv}


@pytest.fixture(scope="module")
def wheel(site) -> dict:  # skips, as every test of the site does, when it did not build
    found = background.result("wheel")
    assert found["build"][0] == 0, found["build"][1]
    assert len(found["wheels"]) == 1, f"the build made {found['wheels']}"
    return found


def test_the_wheel_holds_lambda_puzzle_and_nothing_else(wheel):
    tops = {name.split("/")[0] for name in wheel["files"] if ".dist-info/" not in name}
    assert tops == {"lambda_puzzle"}
    assert "lambda_puzzle/gradient.py" in wheel["files"]


def test_a_fresh_venv_gets_the_package_and_numpy_only(wheel):
    assert wheel["venv"][0] == 0, wheel["venv"][1]
    assert wheel["packages"] == ["lambda-puzzle", "numpy"]
    where, doccheck = wheel["probe"]
    assert where.startswith(wheel["venv_path"]), f"lambda_puzzle came from {where}, not the fresh venv"
    assert doccheck == "None", "the fresh venv can import doccheck"


def test_a_page_runs_against_the_installed_wheel(wheel):
    assert wheel["page"], "the page has no block to run"
    problems = [f"{PAGE}:{line}: {problem}" for line, problem in wheel["page"] if problem]
    assert problems == [], "\n".join(problems)


def test_the_notebooks_install_the_wheel_the_build_makes(site, wheel):
    notebook = json.loads(notebook_path(site, "ja", "faq.md").read_text("utf-8"))
    assert f'/{wheel["wheels"][0]}"' in notebook["cells"][0]["source"]


def test_the_api_pages_examples_pass_doctest_in_the_readers_python(wheel):
    assert "gradient.py" in wheel["doctests"]
    failed = {name: output for name, (code, output) in wheel["doctests"].items() if code != 0}
    assert failed == {}
