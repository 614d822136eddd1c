"""Every page says what it is about, in its own language: search results and share cards show it."""

import json
import re

import pytest

from tests.paths import DOCS, LANGUAGES, PAGE_NAMES


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", PAGE_NAMES)
def test_every_page_has_a_description(lang, name):
    text = (DOCS / lang / name).read_text("utf-8")
    found = re.match(r'---\ndescription: (".*")\n---\n', text)
    assert found, "the page starts with front matter that holds only a description"
    description = json.loads(found[1])
    assert 40 <= len(description) <= 160, len(description)
    assert bool(re.search(r"[\u3040-\u30ff]", description)) == (lang == "ja")
