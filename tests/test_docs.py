"""The pages as a whole: nothing escapes the harness, and both languages stay in step."""

from pathlib import Path

import pytest

from tests.doc_harness import audit_page, load_page
from tests.fixtures import DOCS, LANGUAGES

PAGES = sorted(DOCS.rglob("*.md"))


def relative(path: Path) -> str:
    return str(path.relative_to(DOCS))


@pytest.mark.parametrize("path", PAGES, ids=relative)
def test_every_python_block_is_run_and_checked(path):
    assert audit_page(path) == []


def test_every_page_exists_in_both_languages():
    names = {lang: {p.relative_to(DOCS / lang) for p in (DOCS / lang).rglob("*.md")} for lang in LANGUAGES}
    assert names["ja"], "no Japanese pages found"
    assert names["ja"] - names["en"] == set(), "pages missing from docs/en/"
    assert names["en"] - names["ja"] == set(), "pages missing from docs/ja/"


def test_no_page_lives_outside_the_language_folders():
    stray = [relative(p) for p in PAGES if p.relative_to(DOCS).parts[0] not in LANGUAGES]
    assert stray == []


def test_the_docs_hold_python_blocks_with_output():
    blocks = [b for p in PAGES for b in load_page(p).python_blocks]
    assert len(blocks) >= 2
    assert any(b.expected_output for b in blocks)
