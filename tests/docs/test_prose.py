"""The Japanese pages pass textlint: preset-ja-technical-writing and the project's terms (prh)."""

import subprocess

import pytest

from tests.paths import DOCS, ROOT
from tests.tools import NODE_TOOLS, node_package_missing, require

pytestmark = pytest.mark.node

CONFIG = NODE_TOOLS / "textlintrc.json"  # each rule turned off or loosened says why


def textlint(*files) -> subprocess.CompletedProcess:
    require("node", node_package_missing("textlint"))
    return subprocess.run(
        [str(NODE_TOOLS / "node_modules" / ".bin" / "textlint"), "--config", str(CONFIG), "--format", "unix",
         *map(str, files)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )


def test_the_japanese_pages_pass_textlint():
    result = textlint(*sorted((DOCS / "ja").glob("*.md")))
    assert result.returncode == 0, result.stdout + result.stderr


def test_textlint_really_finds_problems(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "# 見出し\n\n"
        "ラムダ関数の引数は使われません。\n\n"
        "名前を再束縛します。\n\n"
        "この文は、とても長い文であり、読点もたくさんあり、しかも同じような内容を何度も繰り返しているので、"
        "読者にとって読みにくく、理解しづらく、最後まで読み通すのが大変な文になってしまっていますが、"
        "それでもまだ終わらずに続いていきます。\n\n"
        "これはペンである。\n",
        "utf-8",
    )
    result = textlint(page)
    assert result.returncode == 1
    rules = ("sentence-length", "max-ten", "no-mix-dearu-desumasu")
    for expected in ("ラムダ関数 => ラムダ式", "再束縛 => 再代入", *rules):
        assert expected in result.stdout, expected


def test_questions_in_headings_and_a_disabled_mention_pass(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "# W はなぜあるのですか？\n\n"
        "- 箇条書きもですます調で書きます。\n\n"
        "<!-- textlint-disable prh -->\n"
        "検索では「ラムダ関数」と呼ばれることもあります。\n"
        "<!-- textlint-enable prh -->\n",
        "utf-8",
    )
    result = textlint(page)
    assert result.returncode == 0, result.stdout
