"""Session fixtures for the site tests: one build, one server, one browser."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.paths import MKDOCS_ENV, ROOT
from tests.site.browser import CHROMIUM, browser_missing
from tests.site.server import SiteServer
from tests.tools import require

BUILD = pytest.StashKey[tuple[Path, subprocess.Popen]]()


def start_build(out: Path, config: Path = ROOT / "mkdocs.yml") -> subprocess.Popen:
    """`mkdocs build --strict` into `out`, started in the background."""
    return subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "--site-dir", str(out)],
        cwd=ROOT, env=MKDOCS_ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def pytest_collection_finish(session) -> None:
    # The build takes a few seconds: start it now, on the other core, while the
    # unit tests and doc blocks run, if any selected test will read the site.
    if any("site" in getattr(item, "fixturenames", ()) for item in session.items):
        out = Path(tempfile.mkdtemp(prefix="lambda-puzzle-site-"))
        session.config.stash[BUILD] = (out, start_build(out))


def pytest_sessionfinish(session) -> None:
    out, proc = session.config.stash.get(BUILD, (None, None))
    if proc is not None:
        if proc.returncode is None:  # started, but no test read it (a failure stopped the run)
            proc.kill()
            proc.communicate()
        shutil.rmtree(out, ignore_errors=True)


@pytest.fixture(scope="session")
def site(request) -> Path:
    """The site built with `mkdocs build --strict`, with no warning at all."""
    out, proc = request.config.stash[BUILD]
    output, _ = proc.communicate()
    assert proc.returncode == 0, output
    assert [line for line in output.splitlines() if "WARNING" in line] == []
    return out


@pytest.fixture(scope="session")
def site_server(site):
    """The built site served on 127.0.0.1 for the session."""
    with SiteServer(site) as server:
        yield server


@pytest.fixture(scope="session")
def chromium() -> Path:
    """The browser's path; skips the test (fails it in CI) when there is none."""
    require("browser", browser_missing())
    return CHROMIUM
