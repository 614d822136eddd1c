"""Tools the tests need that a reader's machine may lack: chromium, node and its packages.

One policy for all of them: locally, a test that needs a missing tool is skipped,
and the run ends with one loud line per tool (tests/conftest.py prints it); in CI
(`CI=true`) the same absence is a failure.
"""

from __future__ import annotations

import os
import shutil

import pytest

from tests.paths import ROOT

NOT_RUN = "NOT RUN"  # the skip reasons start "<TOOL> TESTS NOT RUN: ..."
NODE_TOOLS = ROOT / "tests" / "node"


def require(tool: str, missing: str | None) -> None:
    """Skip (fail in CI) the calling test when `missing` says why `tool` cannot run."""
    if missing is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{tool} tests cannot run in CI: {missing}")
    pytest.skip(f"{tool.upper()} TESTS {NOT_RUN}: {missing}")


def node_package_missing(package: str) -> str | None:
    if shutil.which("node") is None:
        return "no node on PATH (Debian: apt-get install nodejs npm)"
    if not (NODE_TOOLS / "node_modules" / package).is_dir():
        return f"{package} is not installed: run `make test` (it runs npm ci in tests/node)"
    return None
