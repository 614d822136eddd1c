"""Fresh Pythons for the slow tests: a venv holding only what a test installs."""

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


def fresh_python(folder: Path, *install: str, pip: bool = False) -> str:
    """A new venv in `folder` holding what `uv pip install *install` puts there and nothing
    else (pip too, with `pip`, as a reader's Jupyter has it). Returns its python."""
    python = str(folder / "bin" / "python")
    made = [UV, "venv", "--quiet", *(["--seed"] if pip else []), "--python", sys.executable, str(folder)]
    for command in (made, [UV, "pip", "install", "--quiet", "--python", python, *install]):
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode:
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr}")
    return python


def readers_python(folder: Path, *requirements: str, lowest: bool = False) -> str:
    """A reader's Python: the site's wheel and `requirements`; with `lowest`, uv picks the
    oldest versions the wheel accepts."""
    return fresh_python(folder, *(["--resolution", "lowest"] if lowest else []), str(site_wheel()), *requirements)
