"""Timings that a test must not assert: run by `make bench`, written into README by hand.

A timed assertion in `make test` fails on a busy machine and blocks a landing as
surely as a real bug, so the time budgets live here, next to their measurements:

* `make check`, warm: the quick loop must stay within `make_check_seconds`.
* `mkdocs build` against a build of the same pages without plugins: the ratio must
  stay within `build_time_ratio` (a ratio, so that a slower machine still compares).

Each figure is the median of several runs, after one warm-up. Exit status 1 when a
budget is exceeded. Byte budgets are deterministic and stay tests (test_browser.py).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.paths import DOCS, MKDOCS_ENV  # noqa: E402 - after the path it needs

BUDGETS = json.loads((ROOT / "tests" / "site" / "budgets.json").read_text("utf-8"))


def seconds(command: list[str], env: dict | None = None) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    took = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    return took


def median_of(runs: int, command: list[str], env: dict | None = None) -> float:
    seconds(command, env)  # warm-up: the byte-code and the venv are in place after it
    return statistics.median(seconds(command, env) for _ in range(runs))


def plain_config(folder: Path) -> Path:
    """Our mkdocs.yml with every plugin and hook removed (no i18n, search or mkdocstrings)."""
    config = folder / "plain.yml"
    config.write_text(
        f"INHERIT: {ROOT / 'mkdocs.yml'}\n"
        f"docs_dir: {DOCS}\n"
        f"theme:\n  custom_dir: {ROOT / 'overrides'}\n"
        "plugins: []\n"
        "hooks: []\n"  # the search hook works on the i18n plugin's output
        "nav: null\n"  # the nav names ja/ pages as the i18n plugin sees them
        "strict: false\n",  # without mkdocstrings, ::: lines are plain text
        "utf-8",
    )
    return config


def build_command(config: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "--site-dir", str(out)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each command (default 5)")
    args = parser.parse_args()

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    rows = []
    check = median_of(args.runs, ["make", "--no-print-directory", "check"], env)
    rows.append(("`make check`, warm", f"{check:.1f} s", f"{BUDGETS['make_check_seconds']} s",
                 check <= BUDGETS["make_check_seconds"]))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        full = median_of(args.runs, build_command(ROOT / "mkdocs.yml", tmp / "full"), {**env, **MKDOCS_ENV})
        plain = median_of(args.runs, build_command(plain_config(tmp), tmp / "plain"), {**env, **MKDOCS_ENV})
    ratio = full / plain
    rows.append(("`mkdocs build` / build without plugins", f"{full:.2f} s / {plain:.2f} s = {ratio:.2f}",
                 f"{BUDGETS['build_time_ratio']}", ratio <= BUDGETS["build_time_ratio"]))

    print(f"median of {args.runs} warm runs, {os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}\n")
    print("| what | measured | budget | |\n| --- | --- | --- | --- |")
    for what, measured, budget, ok in rows:
        print(f"| {what} | {measured} | {budget} | {'ok' if ok else 'OVER'} |")
    return 0 if all(ok for *_, ok in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
