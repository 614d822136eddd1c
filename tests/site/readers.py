"""Fresh Pythons for the slow tests: a venv holding only what a test installs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from doccheck.kernel import STANDALONE, Kernel
from tests import background
from tests.paths import ROOT, UV


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


def kernel_in(python: str, folder: Path, **options: Any) -> Kernel:
    """doccheck's kernel run by `python`, a fresh Python that has no doccheck: the kernel's
    modules, which need the standard library alone (kernel.STANDALONE), are lent to it in
    `folder`. The reader's packages are preloaded, as for the pages."""
    lent = folder / "doccheck"
    lent.mkdir(parents=True, exist_ok=True)
    for module in STANDALONE:
        shutil.copy(ROOT / "src" / "doccheck" / module, lent / module)
    (lent / "__init__.py").write_text("")
    return Kernel(["numpy", "lambda_puzzle"], python=python, env={"PYTHONPATH": str(folder)}, **options)
