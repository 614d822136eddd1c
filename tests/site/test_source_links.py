"""With REPO_URL (the Pages workflow sets it), every page links to its own source.

A second build, for the repository github.com/example/lambda-puzzle, in the
background: every page of both languages links to its Markdown file, to edit it
and to report a mistake in it, and the footer links the repository.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests import background
from tests.paths import DOCS, LANGUAGES, MKDOCS_ENV, PAGE_NAMES, ROOT, html_of

pytestmark = pytest.mark.slow  # a build of its own

REPO = "https://github.com/example/lambda-puzzle"


def build_for_a_repository(config) -> dict:
    out = Path(tempfile.mkdtemp(prefix="repo-site-"))
    try:
        result = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "--site-dir", str(out)],
            cwd=ROOT, env={**MKDOCS_ENV, "REPO_URL": REPO}, capture_output=True, text=True, check=False,
        )
        pages = {(lang, name): html_of(out, DOCS / lang / name) for lang in LANGUAGES for name in PAGE_NAMES} \
            if result.returncode == 0 else {}
        return {"returncode": result.returncode, "output": result.stdout + result.stderr, "pages": pages}
    finally:
        shutil.rmtree(out, ignore_errors=True)


BACKGROUND = {"repository build": build_for_a_repository}


@pytest.fixture(scope="module")
def built(site) -> dict:  # skips, as every test of the site does, when it did not build
    found = background.result("repository build")
    assert found["returncode"] == 0, found["output"]
    return found["pages"]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", PAGE_NAMES)
def test_every_page_links_to_its_own_source(built, lang, name):
    html = built[(lang, name)]
    source = f"docs/{lang}/{name}"
    links = re.search(r'<p class="md-source-links">(.*?)</p>', html)
    assert links, "no source links"
    hrefs = re.findall(r'href="([^"]+)"', links[1])
    assert hrefs[0] == f"{REPO}/edit/main/{source}"
    report = urlsplit(hrefs[1].replace("&amp;", "&"))
    assert f"{report.scheme}://{report.netloc}{report.path}" == f"{REPO}/issues/new"
    assert parse_qs(report.query)["title"] == [f"{source}: "]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_footer_names_the_licence_and_links_the_repository(built, lang):
    footer = re.search(r'<div class="md-copyright__highlight">(.*?)</div>', built[(lang, "index.md")], re.S)[1]
    assert "MIT" in footer and f'href="{REPO}"' in footer
