"""Adding a page is two Markdown files and one nav line, and a forgotten English label fails.

mkdocs-static-i18n falls back silently: a nav label with no English translation shows
the Japanese label on the English site. Every page must be in the nav, and every
label (section titles too) must have its English twin in `nav_translations`; the
failure gives the exact line to add, with the English page's own title.
"""

from __future__ import annotations

import re

from mkdocs.utils.yaml import yaml_load

from tests.paths import DOCS, LANGUAGES, PAGE_NAMES, ROOT

CONFIG = yaml_load((ROOT / "mkdocs.yml").read_text("utf-8"))
I18N = next(p["i18n"] for p in CONFIG["plugins"] if isinstance(p, dict) and "i18n" in p)
TRANSLATIONS = next(lang.get("nav_translations", {}) for lang in I18N["languages"] if lang["locale"] == "en")
TITLE = re.compile(r"^# (?P<title>.+?)\s*(\{\s*#[\w-]+\s*\})?\s*$", re.M)


def nav_entries(nav: list, section: str | None = None) -> list[tuple[str, str | None, str | None]]:
    """(label, page, section) for every nav entry; a section is an entry with no page."""
    entries = []
    for item in nav:
        ((label, target),) = item.items()
        if isinstance(target, list):
            entries.append((label, None, section))
            entries += nav_entries(target, label)
        else:
            entries.append((label, target, section))
    return entries


def english_title(page: str) -> str:
    found = TITLE.search((DOCS / "en" / page).read_text("utf-8"))
    return found["title"] if found else "..."


def missing_translations(entries, translations: dict[str, str]) -> list[str]:
    """The lines to add under nav_translations for every label that has no English twin."""
    return [
        f"            {label}: {english_title(page) if page else '...'}"
        for label, page, _ in entries
        if label not in translations
    ]


def test_every_page_is_in_the_nav():
    in_nav = {page for _, page, _ in nav_entries(CONFIG["nav"]) if page}
    missing = [f"  - <label>: {name}" for name in PAGE_NAMES if name not in in_nav]
    assert missing == [], "pages no reader can reach from the nav; add to nav in mkdocs.yml:\n" + "\n".join(missing)


def test_every_nav_label_has_its_english_twin():
    lines = missing_translations(nav_entries(CONFIG["nav"]), TRANSLATIONS)
    assert lines == [], (
        "the English site would show these Japanese labels; add to nav_translations (under the en language "
        "in mkdocs.yml):\n" + "\n".join(lines)
    )


def test_a_forgotten_label_names_the_line_to_add():
    entries = nav_entries([{"ホーム": "index.md"}, {"さらに詳しく": [{"よくある質問": "faq.md"}]}])
    assert missing_translations(entries, {"ホーム": "Home"}) == [
        "            さらに詳しく: ...",
        f"            よくある質問: {english_title('faq.md')}",
    ]


def test_the_languages_are_the_ones_the_tests_know():
    assert [lang["locale"] for lang in I18N["languages"]] == list(LANGUAGES)
