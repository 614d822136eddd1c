"""The Japanese pages pass textlint: preset-ja-technical-writing and the project's terms (prh)."""

import subprocess
import tempfile
from pathlib import Path

import pytest

from tests import background
from tests.paths import DOCS, ROOT
from tests.tools import NODE_TOOLS, node_package_missing, require

pytestmark = pytest.mark.node

CONFIG = NODE_TOOLS / "textlintrc.json"  # each rule turned off or loosened says why


def textlint(*files) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(NODE_TOOLS / "node_modules" / ".bin" / "textlint"), "--config", str(CONFIG), "--format", "unix",
         *map(str, files)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )


def lint(config) -> tuple[subprocess.CompletedProcess, Path, Path] | None:
    """One textlint run (it takes two seconds to start) over the Japanese pages and two
    samples: one written to break the rules, one that keeps them."""
    if node_package_missing("textlint"):
        return None  # the tests say why
    with tempfile.TemporaryDirectory(prefix="textlint-") as folder:
        bad, good = Path(folder) / "bad.md", Path(folder) / "good.md"
        bad.write_text(
            "# 見出し\n\n"
            "ラムダ関数の引数は使われません。\n\n"
            "名前を再束縛します。\n\n"
            "この文は、とても長い文であり、読点もたくさんあり、しかも同じような内容を何度も繰り返しているので、"
            "読者にとって読みにくく、理解しづらく、最後まで読み通すのが大変な文になってしまっていますが、"
            "それでもまだ終わらずに続いていきます。\n\n"
            "これはペンである。\n",
            "utf-8",
        )
        good.write_text(
            "# W はなぜあるのですか？\n\n"
            "- 箇条書きもですます調で書きます。\n\n"
            "検索では<!-- textlint-disable prh -->「ラムダ関数」"
            "<!-- textlint-enable prh -->と呼ばれることもあります。\n",
            "utf-8",
        )
        return textlint(*sorted((DOCS / "ja").glob("*.md")), bad, good), bad, good


def linted() -> tuple[subprocess.CompletedProcess, Path, Path]:
    require("node", node_package_missing("textlint"))
    result, bad, good = background.result("textlint")
    # 1: problems found (the bad sample's), and nothing else went wrong (that would be 2).
    assert result.returncode == 1 and result.stderr == "", result.stdout + result.stderr
    return result, bad, good


def test_the_japanese_pages_pass_textlint():
    result, _, _ = linted()
    pages = [line for line in result.stdout.splitlines() if line.startswith(str(DOCS / "ja"))]
    assert pages == [], "\n".join(pages)


def test_textlint_finds_what_it_is_set_to_find_and_passes_the_rest():
    result, bad, good = linted()
    rules = ("sentence-length", "max-ten", "no-mix-dearu-desumasu")
    for expected in ("ラムダ関数 => ラムダ式", "再束縛 => 再代入", *rules):
        assert f"{bad}:" in result.stdout and expected in result.stdout, expected
    assert str(good) not in result.stdout, result.stdout


# Run in the background thread from the end of collection on (tests/background.py).
BACKGROUND = {"textlint": lint}
