"""Session fixtures for the site tests: one build, one server, one browser."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests import background
from tests.paths import DOCS, MKDOCS_ENV, PREFIX, ROOT
from tests.site.browser import CHROMIUM, browser_missing
from tests.site.server import PagesServer
from tests.tools import require

BUILD = pytest.StashKey[tuple[Path, subprocess.Popen, PagesServer]]()


def start_build(out: Path, site_url: str, config: Path = ROOT / "mkdocs.yml") -> subprocess.Popen:
    """`mkdocs build --strict` into `out`, for the address `site_url`, started in the background."""
    return subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "--site-dir", str(out)],
        cwd=ROOT, env={**MKDOCS_ENV, "SITE_URL": site_url},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def pytest_collection_finish(session) -> None:
    # The build takes a few seconds: start it now, on the other core, while the
    # unit tests and doc blocks run, if any selected test will read the site. The
    # server takes its port now, so that the site is built for its own address,
    # path included, as GitHub Pages serves a project site.
    if any({"site", "site_build"} & set(getattr(item, "fixturenames", ())) for item in session.items):
        out = Path(tempfile.mkdtemp(prefix="lambda-puzzle-site-"))
        server = PagesServer(out, PREFIX)
        proc = start_build(out, server.origin + PREFIX)
        session.config.stash[BUILD] = (out, proc, server)
        # First in the background thread: the work queued after it reads the site.
        background.start("site", lambda: (out, proc.communicate()[0], proc.returncode))


def pytest_sessionfinish(session) -> None:
    out, proc, server = session.config.stash.get(BUILD, (None, None, None))
    if proc is not None:
        if proc.poll() is None:  # started, but no test read it (a failure stopped the run)
            proc.kill()
            proc.wait()
        server.close()
        shutil.rmtree(out, ignore_errors=True)


BUILD_TEST = "tests/site/test_build.py::test_the_site_builds_strictly"
NOT_BUILT = f"the site did not build: {BUILD_TEST} says why"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # pytest's summary gives a line to each place a test skipped from; the tests the
    # failed build skips all get this file's, so that they come as one line.
    report = yield
    if report.skipped and isinstance(report.longrepr, tuple) and report.longrepr[2].endswith(NOT_BUILT):
        report.longrepr = (__file__.replace(str(ROOT) + "/", ""), 1, report.longrepr[2])
    return report
LINK_WARNING = re.compile(r"Doc file '(?P<page>[^']+)' contains (?:a link|an absolute link) '(?P<target>[^']+)'")


@pytest.fixture(scope="session")
def site_build() -> tuple[Path, str, int]:
    """The build itself, whether it passed or not: the folder, what mkdocs printed, its exit status."""
    return background.result("site")


@pytest.fixture(scope="session")
def site(request) -> Path:
    """The site built with `mkdocs build --strict`, with no warning at all.

    When the build fails, every test that needs the site skips, pointing to the one
    test that says why (BUILD_TEST), instead of failing with the whole build log.
    """
    out, output, returncode = background.result("site")
    if returncode != 0 or build_warnings(output):
        pytest.skip(NOT_BUILT)
    return out


def build_warnings(output: str) -> list[str]:
    """Each warning of a build once, in the order first given, with the page's line where one can be found."""
    found: list[str] = []
    for line in output.splitlines():
        if not line.startswith(("WARNING", "ERROR")) or "in strict mode" in line:
            continue
        message = re.sub(r"^(WARNING|ERROR)\s*-\s*", "", line).strip()
        link = LINK_WARNING.search(message)
        if link:
            message = f"docs/{link['page']}{_line_of(link['page'], link['target'])}: {message}"
        if message not in found:
            found.append(message)
    return found


def _line_of(page: str, target: str) -> str:
    """':N' for the line of docs/PAGE that holds TARGET, or '' when it cannot be found."""
    path = DOCS / page
    if not path.exists():
        return ""
    for number, line in enumerate(path.read_text("utf-8").split("\n"), start=1):
        if f"({target}" in line or f"]: {target}" in line:
            return f":{number}"
    return ""


@pytest.fixture(scope="session")
def site_url(request, site) -> str:
    """The address the site was built for (its site_url): the test server's, path included."""
    return request.config.stash[BUILD][2].origin + PREFIX


@pytest.fixture(scope="session")
def site_server(request, site) -> PagesServer:
    """The built site served at its own address, under PREFIX, as Pages serves it."""
    server = request.config.stash[BUILD][2]
    server.start()
    return server


@pytest.fixture(scope="session")
def chromium() -> Path:
    """The browser's path; skips the test (fails it in CI) when there is none."""
    require("browser", browser_missing())
    return CHROMIUM
