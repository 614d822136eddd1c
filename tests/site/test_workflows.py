"""The GitHub workflows pass zizmor's audit (actionlint: test_actionlint.py)."""

import subprocess
import sys
from pathlib import Path

from tests.paths import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def test_there_is_a_workflow():
    assert [w.name for w in WORKFLOWS] == ["site.yml"]


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
