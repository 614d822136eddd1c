"""A reader's Python for the slow tests: a fresh venv holding the site's wheel and NumPy, nothing else."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests import background
from tests.paths import UV


def site_wheel() -> Path:
    """The wheel of the tests' own build of the site (tests/site/conftest.py queues the build first)."""
    site, output, returncode = background.result("site")
    wheels = sorted(site.glob("*.whl"))
    if returncode != 0 or len(wheels) != 1:
        raise RuntimeError(f"the site's build gave no wheel ({[w.name for w in wheels]}):\n{output}")
    return wheels[0]


def readers_python(folder: Path, *requirements: str, lowest: bool = False) -> str:
    """A new venv in `folder` with the site's wheel and `requirements`; with `lowest`, uv picks the
    oldest versions the wheel accepts. Returns its python."""
    python = str(folder / "bin" / "python")
    install = [UV, "pip", "install", "--quiet", "--python", python, str(site_wheel()), *requirements]
    if lowest:
        install[3:3] = ["--resolution", "lowest"]
    for command in ([UV, "venv", "--quiet", "--python", sys.executable, str(folder)], install):
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode:
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr}")
    return python
