"""A newcomer may land on any page: each term is explained in plain words where a page first uses it.

Prose only: code, link texts, headings and the home page's map of the site name
topics, and do not count as a use.
"""

import re

import pytest

from doccheck.page import parse_page
from tests.paths import DOCS, PAGE_NAMES

# term -> a pattern that a plain gloss of it contains
GLOSSES = {
    "ja": {
        "インプレース": r"作り直さず",
        "ミュータブル": r"中身を変えられる",
        "再代入": r"付け替え",
        "クロージャ": r"外側の関数の変数を覚えている関数",
        "ビュー": r"メモリを共有",
        "中心差分": r"少し左の点から少し右の点",
    },
    "en": {
        "in place": r"(without|instead of) making a new",
        "mutable": r"contents can change",
        "rebind": r"\bpoint",
        "closure": r"keeps the variables of the function it was made in",
        "view": r"shares the original's memory",
        "central difference": r"a little to the left",
    },
}


def paragraphs(text: str) -> list[str]:
    """The prose a reader reads, from the page model: code, link texts, headings and the
    home page's map of the site name topics, and do not count as a use."""
    page = parse_page(text, collect=False)
    end = next((h.line for h in page.headings if h.id == "map"), None)
    found = []
    for paragraph in page.paragraphs:
        if end is not None and paragraph.line > end:
            continue
        prose = re.sub(r"`[^`]*`", "", paragraph.source)
        found.append(re.sub(r"\[[^\]]*\]\([^)]*\)", "", prose))
    return found


def unexplained(text: str, lang: str) -> list[str]:
    missing = []
    for term, gloss in GLOSSES[lang].items():
        pattern = re.escape(term) if lang == "ja" else rf"\b{re.escape(term)}"
        first = next((p for p in paragraphs(text) if re.search(pattern, p, re.I)), None)
        if first is not None and not re.search(gloss, first):
            missing.append(f"{term}: {first.strip()[:80]}")
    return missing


@pytest.mark.parametrize("lang", GLOSSES)
@pytest.mark.parametrize("name", PAGE_NAMES)
def test_each_term_is_explained_where_a_page_first_uses_it(lang, name):
    assert unexplained((DOCS / lang / name).read_text("utf-8"), lang) == []


def test_a_term_without_its_gloss_is_caught():
    text = "配列はミュータブルなので、書き換えが見えます。\n"
    assert unexplained(text, "ja") == [f"ミュータブル: {text.strip()}"]
    assert unexplained("Arrays are mutable (their contents can change after they are made).\n", "en") == []
