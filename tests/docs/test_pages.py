"""The pages as a whole: both languages have every page, and the checker sees them all.

Each page's own audit and blocks are test items of their own (doccheck's plugin
collects docs/**/*.md); these tests are about the set of pages.
"""

import pytest

from doccheck import parse_page
from tests.paths import DOCS, LANGUAGES

PAGES = sorted(DOCS.rglob("*.md"))


def test_every_page_exists_in_both_languages():
    names = {lang: {p.relative_to(DOCS / lang) for p in (DOCS / lang).rglob("*.md")} for lang in LANGUAGES}
    assert names["ja"], "no Japanese pages found"
    assert names["ja"] - names["en"] == set(), "pages missing from docs/en/"
    assert names["en"] - names["ja"] == set(), "pages missing from docs/ja/"


def test_no_page_lives_outside_the_language_folders():
    stray = [str(p.relative_to(DOCS)) for p in PAGES if p.relative_to(DOCS).parts[0] not in LANGUAGES]
    assert stray == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_docs_hold_checked_python_blocks(lang):
    blocks = [b for p in (DOCS / lang).rglob("*.md") for b in parse_page(p.read_text("utf-8"), p).runnable_blocks]
    assert len(blocks) >= 30
    assert sum(b.expected_output is not None for b in blocks) >= 20
