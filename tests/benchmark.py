"""What a test must not assert: timings and Lighthouse. Run by `make bench`; the tables go into README.

A timed assertion in `make test` fails on a busy machine and blocks a landing as
surely as a real bug, so the time budgets live here, next to their measurements:

* `make check` and `make test`, warm: within `make_check_seconds` and `make_test_seconds`.
* `mkdocs build` against a build of the same pages without plugins: the ratio must
  stay within `build_time_ratio` (a ratio, so that a slower machine still compares).
* The browser tests alone (`pytest tests/site/test_browser.py`, the site build
  included): within `browser_seconds`.
* Lighthouse 12.2.3 (tests/node/lighthouse/), with Debian's chromium, on every page
  of both languages as GitHub Pages serves them (under a path, gzipped:
  tests/site/server.py), mobile and desktop: the goal is 100 in all four
  categories and a cumulative layout shift of at most 0.01.

Each timing is the median of several runs, after one warm-up. Lighthouse's
performance score moves from run to run (its own documentation says to take the
median of several runs): each page and form factor runs `--lighthouse-runs` times
(default 3), the first with all four categories and the others with performance
only (the other three do not depend on timing). The table gives the median
performance score and the largest layout shift of the runs, so one bad shift is
not hidden. Exit status 1 when a budget or goal is missed. Byte budgets are
deterministic and stay tests (test_browser.py).
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

from tests.paths import BUDGETS as BUDGETS_FILE  # noqa: E402 - after the path
from tests.paths import DOCS, LANGUAGES, MKDOCS_ENV, PAGE_NAMES, PREFIX, page_url  # noqa: E402
from tests.site.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.site.server import PagesServer  # noqa: E402

BUDGETS = json.loads(BUDGETS_FILE.read_text("utf-8"))


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


LIGHTHOUSE = ROOT / "tests" / "node" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
FORM_FACTORS = ("mobile", "desktop")
MAX_CLS = 0.01


def lighthouse(url: str, form_factor: str, report: Path, categories: tuple[str, ...] = CATEGORIES) -> dict:
    """Scores (0-100) of the categories, and the cumulative layout shift, of one page."""
    command = [
        str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
        f"--chrome-path={CHROMIUM}", "--chrome-flags=--headless=new " + " ".join(CHROMIUM_ARGS),
        "--only-categories=" + ",".join(categories),
    ]
    if form_factor == "desktop":
        command.append("--preset=desktop")
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"lighthouse failed on {url}:\n{result.stderr}")
    data = json.loads(report.read_text("utf-8"))
    scores = {c: round(100 * data["categories"][c]["score"]) for c in categories}
    return {**scores, "cls": data["audits"]["cumulative-layout-shift"]["numericValue"]}


def median_run(url: str, form_factor: str, report: Path, runs: int) -> dict:
    """The first run's four scores, with the median performance score of all `runs` runs
    and the largest layout shift among them."""
    first = lighthouse(url, form_factor, report)
    more = [lighthouse(url, form_factor, report, ("performance",)) for _ in range(runs - 1)]
    every = [first, *more]
    return {**first, "performance": round(statistics.median(r["performance"] for r in every)),
            "performance_runs": [r["performance"] for r in every], "cls": max(r["cls"] for r in every)}


def lighthouse_table(runs: int) -> tuple[list[str], bool]:
    """Lighthouse on every page, both form factors, as Pages serves the site."""
    if not LIGHTHOUSE.exists():
        sys.exit("lighthouse is not installed: `make bench` runs npm ci in tests/node/lighthouse")
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        server = PagesServer(site, PREFIX)
        result = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "-q", "--site-dir", str(site)],
            cwd=ROOT, env={**MKDOCS_ENV, "SITE_URL": server.origin + PREFIX}, capture_output=True, text=True,
            check=False,
        )
        if result.returncode != 0:
            sys.exit(f"mkdocs build failed:\n{result.stderr}")
        lines = [f"| page | mobile: perf / a11y / best / SEO | desktop: perf / a11y / best / SEO "
                 f"| perf, each of {runs} runs (mobile; desktop) | CLS (max) |",
                 "| --- | --- | --- | --- | --- |"]
        ok = True
        with server:
            for lang in LANGUAGES:
                for name in PAGE_NAMES:
                    found = {f: median_run(server.url + page_url(name, lang), f, Path(tmp) / "report.json", runs)
                             for f in FORM_FACTORS}
                    cls = max(r["cls"] for r in found.values())
                    perfect = all(r[c] == 100 for r in found.values() for c in CATEGORIES) and cls <= MAX_CLS
                    ok &= perfect
                    cells = [" / ".join(str(found[f][c]) for c in CATEGORIES) for f in FORM_FACTORS]
                    each = "; ".join(", ".join(map(str, found[f]["performance_runs"])) for f in FORM_FACTORS)
                    lines.append(f"| {lang}/{name} | {cells[0]} | {cells[1]} | {each} | {cls:.3f} |")
                    print(lines[-1], flush=True)
        return lines, ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each quick command (default 5)")
    parser.add_argument("--slow-runs", type=int, default=3,
                        help="timed runs of `make test` and of the browser tests (default 3)")
    parser.add_argument("--lighthouse-runs", type=int, default=3,
                        help="Lighthouse runs of each page and form factor (default 3)")
    parser.add_argument("--only", choices=("timings", "lighthouse"), help="measure only one of the two")
    args = parser.parse_args()

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    rows = []
    if args.only != "lighthouse":
        rows += timings(args.runs, args.slow_runs, env)
    light, light_ok = lighthouse_table(args.lighthouse_runs) if args.only != "timings" else ([], True)

    print(f"\n{os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}; timings are medians of warm runs\n")
    if rows:
        print("| what | measured | budget | |\n| --- | --- | --- | --- |")
        for what, measured, budget, ok in rows:
            print(f"| {what} | {measured} | {budget} | {'ok' if ok else 'OVER'} |")
    if light:
        print(f"\nLighthouse 12.2.3 (goal: 100 everywhere, CLS at most {MAX_CLS}): "
              f"{'met' if light_ok else 'NOT MET'}\n")
        print("\n".join(light))
    return 0 if all(ok for *_, ok in rows) and light_ok else 1


def timings(runs: int, slow_runs: int, env: dict) -> list[tuple]:
    rows = []
    check = median_of(runs, ["make", "--no-print-directory", "check"], env)
    rows.append(("`make check`, warm", f"{check:.1f} s", f"{BUDGETS['make_check_seconds']} s",
                 check <= BUDGETS["make_check_seconds"]))
    whole = median_of(slow_runs, ["make", "--no-print-directory", "test"], env)
    rows.append(("`make test`, warm", f"{whole:.0f} s", f"{BUDGETS['make_test_seconds']} s",
                 whole <= BUDGETS["make_test_seconds"]))
    browser = median_of(slow_runs, [sys.executable, "-m", "pytest", "-q", "tests/site/test_browser.py"], env)
    rows.append(("browser tests alone (site build included)", f"{browser:.0f} s",
                 f"{BUDGETS['browser_seconds']} s", browser <= BUDGETS["browser_seconds"]))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        full = median_of(runs, build_command(ROOT / "mkdocs.yml", tmp / "full"), {**env, **MKDOCS_ENV})
        plain = median_of(runs, build_command(plain_config(tmp), tmp / "plain"), {**env, **MKDOCS_ENV})
    ratio = full / plain
    rows.append(("`mkdocs build` / build without plugins", f"{full:.2f} s / {plain:.2f} s = {ratio:.2f}",
                 f"{BUDGETS['build_time_ratio']}", ratio <= BUDGETS["build_time_ratio"]))
    return rows


if __name__ == "__main__":
    sys.exit(main())
