"""Japanese and English pages run the same code, print the same output and share heading ids."""

from pathlib import Path

import pytest

from doccheck import parse_page
from tests.docs.parity import compare_pages, without_comments
from tests.paths import DOCS

PAIRS = sorted(p.relative_to(DOCS / "ja") for p in (DOCS / "ja").rglob("*.md"))


def read(lang: str, name: Path) -> str:
    return (DOCS / lang / name).read_text("utf-8")


@pytest.mark.parametrize("name", PAIRS, ids=str)
def test_translations_run_the_same_code_with_the_same_output(name):
    assert (DOCS / "en" / name).exists(), f"docs/en/{name} is missing"
    problems = compare_pages(read("ja", name), read("en", name))
    assert not problems, "\n\n".join(problems)


# The check itself, proved on a real page: it must catch drift in one language only.

PAGE = Path("addition-network.md")


def test_identical_pages_pass():
    assert compare_pages(read("ja", PAGE), read("ja", PAGE)) == []


def test_a_changed_code_line_in_one_language_fails():
    en = read("en", PAGE).replace('W[0][0] = 101', 'W[0][0] = 102', 1)
    (problem,) = [p for p in compare_pages(read("ja", PAGE), en) if p.startswith("code differs")]
    assert "\n-" in problem and "W[0][0] = 101" in problem and "\n+" in problem and "W[0][0] = 102" in problem


def test_a_fence_typo_is_left_to_the_audit():
    en = read("en", PAGE).replace("```python\n", "```pyhton\n", 1)
    assert compare_pages(read("ja", PAGE), en) == []


def test_a_changed_output_in_one_language_fails():
    en = read("en", PAGE).replace("108\n", "109\n", 1)
    assert any(p.startswith("output differs") for p in compare_pages(read("ja", PAGE), en))


def test_a_missing_block_in_one_language_fails():
    en = read("en", PAGE)
    start = en.index("```python continuation\nprint(loss_W(None))")
    end = en.index("```\n", en.index("```output", start)) + 4
    blocks = len([b for b in parse_page(read("ja", PAGE)).blocks if b.lang != "output"])
    problems = compare_pages(read("ja", PAGE), en[:start] + en[end:])
    assert f"ja has {blocks} code blocks, en has {blocks - 1}" in problems


def test_translated_comments_are_allowed():
    ja = read("ja", PAGE).replace("print(loss_W(101))", "print(loss_W(101))  # 101 を渡す", 1)
    en = read("en", PAGE).replace("print(loss_W(101))", "print(loss_W(101))  # pass 101", 1)
    assert compare_pages(ja, en) == []


def test_a_changed_heading_id_fails():
    en = read("en", PAGE).replace("{ #pass-101 }", "{ #passing-101 }")
    assert any(p.startswith("headings differ") for p in compare_pages(read("ja", PAGE), en))


def test_a_heading_without_an_id_fails():
    ja = read("ja", PAGE).replace(" { #summary }", "")
    en = read("en", PAGE).replace(" { #summary }", "")
    assert "ja line" in " ".join(compare_pages(ja, en))


def test_without_comments_keeps_hashes_in_strings():
    assert without_comments('x = "#1"  # note\nprint(x)\n') == 'x = "#1"\nprint(x)'
