"""Session fixtures shared by the site, browser and budget tests: one build, one server, one browser."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
LANGUAGES = ("ja", "en")
# Debian's chromium: `npx playwright install` cannot download a browser here.
CHROMIUM = Path(os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    # Without these Chromium calls Google's hosts at start, which a closed network refuses.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-features=Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider",
]
MKDOCS_ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def page_url(name: str, lang: str) -> str:
    """The URL path of a page such as "faq.md" in a language: /faq/ or /en/faq/."""
    stem = Path(name).with_suffix("").as_posix()
    path = "" if stem == "index" else f"{stem}/"
    return f"/{path}" if lang == "ja" else f"/{lang}/{path}"


PAGE_NAMES = sorted(p.relative_to(DOCS / "ja").as_posix() for p in (DOCS / "ja").rglob("*.md"))


def mkdocs_build(out: Path, config: Path = ROOT / "mkdocs.yml") -> tuple[subprocess.CompletedProcess, float]:
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "--site-dir", str(out)],
        cwd=ROOT, env=MKDOCS_ENV, capture_output=True, text=True, check=False,
    )
    return result, time.perf_counter() - start


@pytest.fixture(scope="session")
def site_build(tmp_path_factory) -> tuple[Path, float]:
    """The site built with `mkdocs build --strict`, and how long the build took."""
    out = tmp_path_factory.mktemp("site")
    result, seconds = mkdocs_build(out)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert [line for line in output.splitlines() if "WARNING" in line] == []
    return out, seconds


@pytest.fixture(scope="session")
def site(site_build) -> Path:
    return site_build[0]


# (path, bytes) of every file the test server sends, for the byte budget.
SERVED: list[tuple[str, int]] = []


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    served = SERVED

    def log_message(self, format, *args):  # noqa: A002 - the name is the base class's
        pass

    def send_head(self):
        body = super().send_head()
        if body is not None and hasattr(body, "fileno"):
            self.served.append((self.path, os.fstat(body.fileno()).st_size))
        return body

    def handle(self):
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser moved on before a response was finished


@pytest.fixture(scope="session")
def site_url(site) -> str:
    """The built site served on 127.0.0.1, on a free port, for the session."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def browser_missing() -> str | None:
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (make test installs it from requirements.lock)"
    return None


@pytest.fixture(scope="session")
def chromium() -> Path:
    """The browser's path; skips the test (fails it in CI) when there is none."""
    missing = browser_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run in CI: {missing}")
        pytest.skip(f"browser tests not run: {missing}")
    return CHROMIUM


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    skipped = [
        r for r in terminalreporter.getreports("skipped")
        if "browser tests not run" in str(getattr(r, "longrepr", ""))
    ]
    if skipped:
        terminalreporter.write_line(
            f"BROWSER TESTS NOT RUN ({len(skipped)} skipped): {browser_missing()}",
            yellow=True, bold=True,
        )
