"""Fresh Pythons for the slow tests: a venv holding only what a test installs, from
make test's own Python or from a Debian 13 root's (3.13)."""

from __future__ import annotations

import dataclasses
import os
import platform
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
    _run([UV, "venv", "--quiet", *(["--seed"] if pip else []), "--python", sys.executable, str(folder)])
    _run([UV, "pip", "install", "--quiet", "--python", python, *install])
    return python


def _run(command: list[str]) -> str:
    """What `command` printed; its error output in the exception if it fails."""
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr}")
    return done.stdout


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


# A second reader's Python: Debian 13's python3 (3.13), in a root that `make test` makes
# where the machine allows it (tests/site/debian13.sh: root and debootstrap).
DEBIAN13 = ROOT / ".readers" / "debian13"
CHROOT = shutil.which("chroot") or "/usr/sbin/chroot"


def debian13_missing() -> str | None:
    """Why the Debian 13 reader cannot run here, if it cannot."""
    if not (DEBIAN13 / "usr" / "bin" / "python3").exists():
        return (f"no Debian 13 root in {DEBIAN13.relative_to(ROOT)}: make test makes one where the machine "
                "allows it (root and debootstrap; tests/site/debian13.sh says why not)")
    if os.geteuid() != 0:
        return "running a python in the Debian 13 root needs root (chroot)"
    return None


@dataclasses.dataclass(frozen=True)
class Reader:
    """A reader's python, started as `python < block.py` (stdin a script, not a terminal);
    `root` is the folder it sees as /, for a python in the Debian 13 root, which runs
    under chroot."""

    python: str
    root: Path | None = None
    name: str = "a real python"  # in failure messages
    env: tuple[tuple[str, str], ...] = ()  # set for every run
    # In the Debian 13 root, an ordinary user's: nobody, with a desktop account's umask (002).
    unprivileged: bool = False

    def inside(self, path: Path) -> str:
        """`path` as this python sees it."""
        return str(path) if self.root is None else "/" + path.relative_to(self.root).as_posix()

    def command(self, work: Path) -> list[str]:
        """What starts this python reading its script from stdin, in the folder `work`."""
        if self.root is None:
            return [self.python]
        user = ["--userspec=65534:65534"] if self.unprivileged else []
        umask = "umask 002 && " if self.unprivileged else ""
        return [CHROOT, *user, str(self.root), "/bin/sh", "-c", umask + 'cd "$0" && exec "$1"',
                self.inside(work), self.python]


def debian13_readers_python(folder: Path, *requirements: str) -> Reader:
    """A reader's Python 3.13 on another CPU: a venv of Debian 13's python3 in `folder`, which
    must lie in the Debian 13 root, holding the site's wheel and `requirements` (installed by
    our uv, for 3.13). Its NumPy runs without the widest SIMD code this machine has (AVX-512
    where there is some, else AVX2), as on a reader's older or smaller CPU: np.exp, sum and
    others may round differently there in the last digit. It runs as an ordinary user
    (nobody, umask 002: a file's mode, a read-only file), and sees 8 CPUs
    (PYTHON_CPU_COUNT), where the first reader sees this machine's."""
    reader = Reader("", DEBIAN13)
    (DEBIAN13 / "dev" / "shm").chmod(0o1777)  # as on a reader's system (debootstrap leaves it root's alone)
    _run([CHROOT, str(DEBIAN13), "python3", "-m", "venv", "--without-pip", reader.inside(folder)])
    (packages,) = folder.glob("lib/python3.*/site-packages")
    version = packages.parent.name.removeprefix("python")
    _run([UV, "pip", "install", "--quiet", "--target", str(packages), "--python-version", version,
          "--python-platform", f"{platform.machine()}-manylinux_2_28", str(site_wheel()), *requirements])
    python = reader.inside(folder / "bin" / "python")
    available = _run([CHROOT, str(DEBIAN13), python, "-c", CPU_PROBE]).split()
    wider = [feature for feature in available if feature != "X86_V3"]  # above AVX2
    off = " ".join(wider or available)
    name = f"Debian 13's python {version}, as nobody" + (f", NumPy without {off}" if off else "")
    return Reader(python, DEBIAN13, name, (("NPY_DISABLE_CPU_FEATURES", off), ("PYTHON_CPU_COUNT", "8")),
                  unprivileged=True)


# The SIMD features NumPy dispatches to on this machine (NumPy 2: X86_V3 is AVX2, X86_V4
# and AVX512_* are AVX-512), widest last.
CPU_PROBE = """from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
print(*(feature for feature in __cpu_dispatch__ if __cpu_features__.get(feature)))"""
