"""What a test must not assert: timings and Lighthouse. Run by `make bench`; the tables go into README.

A timed assertion in `make test` fails on a busy machine and blocks a landing as
surely as a real bug, so the time budgets live here, next to their measurements:

* `make check` and `make test`, warm: within `make_check_seconds` and `make_test_seconds`.
* `mkdocs build` against a build of the same pages without plugins: the ratio must
  stay within `build_time_ratio` (a ratio, so that a slower machine still compares).
* The browser tests alone (`pytest tests/site/test_browser.py`, the site build
  included): within `browser_seconds`.
* `numerical_gradient` against the book's algorithm (tests/book_reference.py), in one
  process, runs interleaved: the 4.5.1 lambda over W2 at the book's size (784-50-10,
  batch 100) within `book_ratio_lambda`, and a cheap f (sum of tanh over a 60x40
  array) within `book_ratio_cheap_f`.
* A fresh clone's first `make serve`, with empty uv and pip caches, installs
  included, until the home page answers: within `first_serve_seconds`.
* What the set-up promises: the wheel holds lambda_puzzle alone, every file in
  uv.lock has a sha256, and mypy --strict is green over src/.
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
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not tests/, whose lambda_puzzle/ (the tests) would hide the package

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
    parser.add_argument("--only", choices=("timings", "lighthouse", "setup"),
                        help="measure only the timings, Lighthouse, or the book ratios and the set-up")
    args = parser.parse_args()

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                            check=False).stdout.strip()
    heading = f"{os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}, commit {commit}; timings are medians of warm runs"
    sections, ok = {}, True
    for kind, measure in (("setup", lambda: setup(args.runs, env)),
                          ("timings", lambda: timings(args.runs, args.slow_runs, env))):
        if args.only in (None, kind):
            rows = measure()
            ok &= all(good for *_, good in rows)
            table = [f"| {w} | {m} | {b} | {'ok' if good else 'OVER'} |" for w, m, b, good in rows]
            head = ["| what | measured | budget | |", "| --- | --- | --- | --- |"]
            sections[kind] = "\n".join([heading, "", *head, *table])
    if args.only in (None, "lighthouse"):
        light, light_ok = lighthouse_table(args.lighthouse_runs)
        ok &= light_ok
        sections["lighthouse"] = "\n".join([heading, "", f"Lighthouse 12.2.3 (goal: 100 everywhere, CLS at most "
                                             f"{MAX_CLS}): {'met' if light_ok else 'NOT MET'}", "", *light])
    for text in sections.values():
        print(f"\n{text}")
    write_report(sections)
    print(f"\nWritten to {REPORT.relative_to(ROOT)}")
    return 0 if ok else 1


REPORT = ROOT / "BENCHMARKS.md"
TITLES = {"setup": "Against the book, and the set-up", "timings": "Timings", "lighthouse": "Lighthouse"}


def write_report(sections: dict[str, str]) -> None:
    """BENCHMARKS.md, with the sections just measured replaced and the others kept as they were."""
    text = REPORT.read_text("utf-8") if REPORT.exists() else (
        "# Benchmarks\n\nWritten by `make bench` (tests/benchmark.py); budgets in tests/site/budgets.json. "
        "A run with `--only KIND` replaces its own section and keeps the others.\n"
    )
    for kind, title in TITLES.items():
        if kind not in sections:
            continue
        block = f"<!-- bench:{kind} -->\n## {title}\n\n{sections[kind]}\n<!-- /bench:{kind} -->"
        found = re.search(rf"<!-- bench:{kind} -->.*?<!-- /bench:{kind} -->", text, re.S)
        text = text[:found.start()] + block + text[found.end():] if found else text.rstrip("\n") + "\n\n" + block
    REPORT.write_text(text.rstrip("\n") + "\n", "utf-8")


def against_the_book(runs: int) -> list[tuple]:
    """Median seconds of ours and of the book's algorithm, interleaved run by run."""
    import numpy as np

    import lambda_puzzle
    from tests import book_reference as book

    draw = np.random.default_rng(1)
    x, t = draw.random((100, 784)), np.eye(10)[draw.integers(0, 10, 100)]
    ours, theirs = lambda_puzzle.TwoLayerNet(784, 50, 10, rng=0), book.TwoLayerNet(784, 50, 10, rng=0)
    w_ours = draw.standard_normal((60, 40))
    w_book = w_ours.copy()
    cases = {
        "4.5.1 lambda over W2, 784-50-10, batch 100": (
            lambda: lambda_puzzle.numerical_gradient(lambda W: ours.loss(x, t), ours.params["W2"]),
            lambda: book.numerical_gradient(lambda W: theirs.loss(x, t), theirs.params["W2"]),
            "book_ratio_lambda",
        ),
        "cheap f: sum(tanh(w)), 60x40": (
            lambda: lambda_puzzle.numerical_gradient(lambda v: np.sum(np.tanh(w_ours)), w_ours),
            lambda: book.numerical_gradient(lambda v: np.sum(np.tanh(w_book)), w_book),
            "book_ratio_cheap_f",
        ),
    }
    rows = []
    for what, (mine, reference, budget) in cases.items():
        assert np.allclose(mine(), reference(), rtol=1e-6, atol=1e-9), f"{what}: the two gradients differ"
        times: dict[str, list[float]] = {"ours": [], "book": []}
        for _ in range(runs):
            for name, call in (("ours", mine), ("book", reference)):
                start = time.perf_counter()
                call()
                times[name].append(time.perf_counter() - start)
        a, b = statistics.median(times["ours"]), statistics.median(times["book"])
        rows.append((f"`numerical_gradient` / the book's: {what}", f"{a * 1e3:.1f} ms / {b * 1e3:.1f} ms = {a / b:.3f}",
                     f"{BUDGETS[budget]}", a / b <= BUDGETS[budget]))
    return rows


def first_serve(env: dict) -> list[tuple]:
    """A fresh clone's first `make serve`, with empty package caches, until the home page answers."""
    import socket
    import urllib.request

    with tempfile.TemporaryDirectory(prefix="first-serve-") as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        fresh = {**env, "UV_CACHE_DIR": str(Path(tmp) / "uv-cache"), "PIP_NO_CACHE_DIR": "1"}
        start = time.perf_counter()
        proc = subprocess.Popen(["make", "--no-print-directory", "serve", f"PORT={port}"], cwd=clone, env=fresh,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        took = None
        try:
            while proc.poll() is None and time.perf_counter() - start < 300:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1) as answer:
                        answer.read()
                    took = time.perf_counter() - start
                    break
                except OSError:
                    time.sleep(0.1)
        finally:
            os.killpg(proc.pid, 2)
            proc.communicate(timeout=30)
    budget = BUDGETS["first_serve_seconds"]
    shown = f"{took:.1f} s" if took is not None else "no answer"
    return [("fresh clone, empty caches: first `make serve` answers", shown, f"{budget} s",
             took is not None and took <= budget)]


def promises(env: dict) -> list[tuple]:
    """The wheel's contents, the lock's hashes and mypy, as facts beside the timings."""
    import zipfile

    import tomllib

    from tests.paths import UV

    rows = []
    with tempfile.TemporaryDirectory(prefix="wheel-") as tmp:
        subprocess.run([UV, "build", "--quiet", "--out-dir", tmp, str(ROOT)], check=True, env=env)
        (wheel,) = Path(tmp).glob("*.whl")
        tops = sorted({n.split("/")[0] for n in zipfile.ZipFile(wheel).namelist() if ".dist-info/" not in n})
    rows.append(("top-level packages in the wheel", ", ".join(tops), "lambda_puzzle", tops == ["lambda_puzzle"]))
    lock = tomllib.loads((ROOT / "uv.lock").read_text("utf-8"))
    files = [f for p in lock["package"] if "registry" in p["source"]
             for f in p.get("wheels", []) + ([p["sdist"]] if "sdist" in p else [])]
    hashed = sum(f.get("hash", "").startswith("sha256:") for f in files)
    rows.append(("files in uv.lock with a sha256", f"{hashed} of {len(files)}", "all", hashed == len(files)))
    took = median_of(3, [str(ROOT / ".venv" / "bin" / "mypy")], env)
    rows.append(("`mypy` (strict, src/), warm: green", f"{took:.2f} s", "green, about 1 s", took <= 1.5))
    return rows


def setup(runs: int, env: dict) -> list[tuple]:
    return against_the_book(max(runs, 7)) + first_serve(env) + promises(env)


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
