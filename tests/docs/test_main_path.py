"""The learner's path stays short: what a reader reads on it, code aside, within a budget.

The main path is the nav up to 「さらに詳しく」 / "Going further". Its prose is everything
a reader reads that is not code: front matter, fenced blocks and HTML comments out,
headings, lists, tables, captions and inline code in. Japanese is counted in characters
without whitespace, English in words. More belongs in "Going further", where nothing
true has to be lost.
"""

from __future__ import annotations

import re

from mkdocs.utils.yaml import yaml_load

from tests.paths import DOCS, ROOT

BUDGET = {"ja": 8_500, "en": 2_200}  # characters without whitespace; words
FENCE = re.compile(r"^( *)(`{3,}|~{3,}).*?^\1\2\s*$", re.S | re.M)


def main_path() -> list[str]:
    """The pages of the nav before its first section."""
    nav = yaml_load((ROOT / "mkdocs.yml").read_text("utf-8"))["nav"]
    pages = []
    for item in nav:
        ((_, target),) = item.items()
        if isinstance(target, list):
            break
        pages.append(target)
    return pages


def prose(text: str) -> str:
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)
    text = FENCE.sub("", text)
    return re.sub(r"<!--.*?-->", "", text, flags=re.S)


def size(text: str, lang: str) -> int:
    return len(re.sub(r"\s", "", prose(text))) if lang == "ja" else len(prose(text).split())


def test_the_main_path_is_a_few_pages():
    assert main_path()[0] == "index.md" and 1 <= len(main_path()) <= 4


def test_the_main_path_keeps_its_budget():
    for lang, budget in BUDGET.items():
        sizes = {name: size((DOCS / lang / name).read_text("utf-8"), lang) for name in main_path()}
        assert sum(sizes.values()) <= budget, f"{lang}: {sizes}, {sum(sizes.values())} against {budget}"


def test_code_and_comments_are_not_counted():
    page = "---\ndescription: x y\n---\n\n# Title\n\nOne two three.\n\n<!-- a b c -->\n```python\nprint(1)\n```\n"
    assert size(page, "en") == 5  # "#", "Title", "One", "two", "three."
    assert size("日本語の 文です。\n\n```python\nprint('コード')\n```\n", "ja") == 8
