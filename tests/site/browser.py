"""Debian's chromium, as the browser tests launch it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

# `npx playwright install` cannot download a browser here: use the system's.
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
    # No --disable-features: Playwright and Lighthouse's launcher each pass their own
    # list (Translate, OptimizationHints, MediaRouter, PaintHolding...), and Chromium
    # honours only the last such switch, so one of ours would switch theirs back on.
]


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)"
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (make test installs it from uv.lock)"
    return None
