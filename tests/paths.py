"""Where things are, and the page list: defined once for every test."""

from __future__ import annotations

import functools
import os
from pathlib import Path

from doccheck.page import Page, parse_page

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
LANGUAGES = ("ja", "en")  # the default language first
# Every page, by its name in each language folder ("index.md", "faq.md", ...).
PAGE_NAMES = sorted(p.relative_to(DOCS / "ja").as_posix() for p in (DOCS / "ja").rglob("*.md"))
# Byte budgets (tests) and time budgets (tests/benchmark.py), about 20% above what was measured.
BUDGETS = ROOT / "tests" / "site" / "budgets.json"
# Material prints an end-of-life notice on every build unless this is set; the
# Makefile exports it for `make serve` and `make build`.
MKDOCS_ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}

# uv, pinned and installed by the Makefile (make serve, check, test); another uv on PATH
# when the tests run outside make.
UV = str(ROOT / ".uv" / "bin" / "uv") if (ROOT / ".uv" / "bin" / "uv").exists() else "uv"

# The site is built and served for the tests as GitHub Pages serves a project site: under a path.
PREFIX = "/lambda-puzzle/"


def page_url(name: str, lang: str) -> str:
    """The URL path of a page such as "faq.md" in a language: /faq/ or /en/faq/."""
    stem = Path(name).with_suffix("").as_posix()
    path = "" if stem == "index" else f"{stem}/"
    return f"/{path}" if lang == LANGUAGES[0] else f"/{lang}/{path}"


def html_of(site: Path, page: Path) -> str:
    """The built HTML of a source page such as docs/en/api.md."""
    lang = page.relative_to(DOCS).parts[0]
    url = page_url(page.relative_to(DOCS / lang).as_posix(), lang)
    return (site / url.lstrip("/") / "index.html").read_text("utf-8")


def alternates(site_url: str, name: str) -> dict[str, str]:
    """The hreflang alternates of a page such as "faq.md", absolute: each language, and
    x-default for the default language."""
    return {lang: site_url + page_url(name, lang).lstrip("/") for lang in LANGUAGES} | {
        "x-default": site_url + page_url(name, LANGUAGES[0]).lstrip("/")
    }


@functools.cache
def page_of(lang: str, name: str) -> Page:
    """The page model (doccheck.page) of a page such as ("ja", "faq.md"): front matter, headings,
    prose paragraphs and fenced blocks. Every test that reads pages asks it."""
    path = DOCS / lang / name
    return parse_page(path.read_text("utf-8"), path.relative_to(ROOT), collect=False)


def front_matter(text: str) -> tuple[dict, str]:
    """A page's front matter, as the page model reads it, and the rest of the page."""
    page = parse_page(text, collect=False)
    return page.front_matter, "\n".join(page.text.split("\n")[page.body_line - 1 :])
