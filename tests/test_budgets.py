"""Build-time budget: the real build against a plain build of the same pages without plugins.

A ratio, not seconds, so that it holds on a slower or busier machine. The home
page's byte budget is checked in test_browser.py, where the page is really loaded.
"""

import json
from pathlib import Path

from tests.fixtures import DOCS, ROOT, mkdocs_build

BUDGETS = json.loads(Path(__file__).with_name("budgets.json").read_text("utf-8"))


def plain_config(tmp_path: Path) -> Path:
    """Our mkdocs.yml with every plugin and hook removed (no i18n, search or mkdocstrings)."""
    config = tmp_path / "plain.yml"
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


def test_build_time_stays_within_its_ratio_to_a_plain_build(site_build, tmp_path):
    _, fixture_seconds = site_build
    config = plain_config(tmp_path)
    plain = []
    for run in range(2):
        result, seconds = mkdocs_build(tmp_path / f"plain{run}", config)
        assert result.returncode == 0, result.stdout + result.stderr
        plain.append(seconds)
    result, seconds = mkdocs_build(tmp_path / "full", ROOT / "mkdocs.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    # Both builds render the same 20 pages.
    assert len(list((tmp_path / "plain0").rglob("index.html"))) == len(list((tmp_path / "full").rglob("index.html")))
    full = min(fixture_seconds, seconds)
    ratio = full / min(plain)
    print(f"build {full:.2f} s, plain {min(plain):.2f} s, ratio {ratio:.2f}")
    assert ratio <= BUDGETS["build_time_ratio"]
