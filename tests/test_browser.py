"""The site as readers get it: every page of both languages in a real Chromium.

Each page is visited once (with its language switch, copy button and axe-core run)
and the tests below check what that visit recorded.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.fixtures import LANGUAGES, PAGE_NAMES, ROOT, SERVED, page_url

SCREENSHOTS = ROOT / "screenshots"
BUDGETS = json.loads((Path(__file__).with_name("budgets.json")).read_text("utf-8"))
OTHER = {"ja": "en", "en": "ja"}
OUTPUT_LABEL = {"ja": "出力", "en": "Output"}
PAGES = [(lang, name) for lang in LANGUAGES for name in PAGE_NAMES]
SCREENSHOT_PAGES = ("index.md", "addition-network.md")
DEVICES = {"desktop": (1280, 800), "phone": (390, 844)}


@dataclass
class Visit:
    console_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    html_lang: str = ""
    switch_url: str = ""
    switch_lang: str = ""
    code_blocks: int = 0
    copy_buttons: int = 0
    copied: str | None = None
    first_code: str | None = None
    output_style: dict | None = None
    serious_violations: list[str] = field(default_factory=list)
    bytes_loaded: int = 0


def _watch(page, base: str, visit: Visit) -> None:
    def refuse(route):
        visit.foreign.append(route.request.url)
        route.abort()

    # Only requests that leave the local server are routed (and refused): routing
    # every request through Python would slow each page down.
    page.route(re.compile(rf"^(?!{re.escape(base)}/)"), refuse)
    page.on("console", lambda m: m.type == "error" and visit.console_errors.append(m.text))
    page.on("pageerror", lambda e: visit.console_errors.append(str(e)))
    page.on("requestfailed", lambda r: visit.failed.append(f"{r.url} {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and visit.failed.append(f"{r.url} HTTP {r.status}"))


@pytest.fixture(scope="session")
def context(browser, site_url):
    ctx = browser.new_context(
        viewport={"width": 1280, "height": 800},
        permissions=["clipboard-read", "clipboard-write"],
    )
    yield ctx
    ctx.close()


@pytest.fixture(scope="session")
def visits(context, site_url):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    cache: dict[tuple[str, str], Visit] = {}

    def visit(lang: str, name: str) -> Visit:
        if (lang, name) in cache:
            return cache[(lang, name)]
        record = Visit()
        page = context.new_page()
        _watch(page, site_url, record)
        SERVED.clear()
        # networkidle: the search worker fetches its scripts and the index after load.
        page.goto(site_url + page_url(name, lang), wait_until="networkidle")
        # Counted by the server, so the search worker's own requests are included.
        record.bytes_loaded = sum(size for _, size in SERVED)
        record.html_lang = page.get_attribute("html", "lang")
        # axe sees the page as it loads; the copy button's "Copied" toast fades in, and
        # half-faded text always fails a contrast check.
        results = axe.run(page)
        record.serious_violations = [
            f"{v['id']} ({v['impact']}): " + ", ".join(n["html"][:120] for n in v["nodes"])
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]

        if name in SCREENSHOT_PAGES:
            _screenshots(page, lang, name)

        blocks = page.locator("article div.highlight pre > code")
        record.code_blocks = blocks.count()
        record.copy_buttons = page.locator("article div.highlight pre > nav button[data-md-type=copy]").count()
        if record.code_blocks:
            record.first_code = blocks.first.inner_text()
            page.locator("article div.highlight pre").first.hover()
            page.locator("article div.highlight pre > nav button[data-md-type=copy]").first.click()
            record.copied = page.evaluate("navigator.clipboard.readText()")
        record.output_style = page.evaluate(
            """() => {
                const out = document.querySelector('article .language-output');
                const code = document.querySelector('article .language-python pre > code');
                if (!out || !code) return null;
                return {
                    label: getComputedStyle(out, '::before').content,
                    outputBackground: getComputedStyle(out.querySelector('pre > code')).backgroundColor,
                    codeBackground: getComputedStyle(code).backgroundColor,
                    outputBorder: getComputedStyle(out.querySelector('pre')).borderLeftWidth,
                };
            }"""
        )
        page.hover(".md-header .md-select")  # the language menu opens on hover, as for a reader
        with page.expect_navigation(wait_until="domcontentloaded"):
            page.locator(f"a.md-select__link[hreflang={OTHER[lang]}]").first.click()
        record.switch_url = page.url
        record.switch_lang = page.get_attribute("html", "lang")
        page.close()
        cache[(lang, name)] = record
        return record

    return visit


def _screenshots(page, lang: str, name: str) -> None:
    """Full-page screenshots at each width, into a folder git ignores, for review."""
    SCREENSHOTS.mkdir(exist_ok=True)
    for device, (width, height) in DEVICES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SCREENSHOTS / f"{lang}-{Path(name).stem}-{device}.png"), full_page=True)
    width, height = DEVICES["desktop"]
    page.set_viewport_size({"width": width, "height": height})


def ids(param):
    return f"{param[0]}:{param[1]}" if isinstance(param, tuple) else str(param)


@pytest.mark.parametrize("lang_name", PAGES, ids=ids)
def test_page_loads_cleanly_and_only_from_the_local_server(visits, lang_name):
    visit = visits(*lang_name)
    assert visit.console_errors == []
    assert visit.failed == []
    assert visit.foreign == []


@pytest.mark.parametrize("lang_name", PAGES, ids=ids)
def test_html_lang_and_language_switcher(visits, site_url, lang_name):
    lang, name = lang_name
    visit = visits(lang, name)
    assert visit.html_lang == lang
    assert urlsplit(visit.switch_url).path == page_url(name, OTHER[lang])
    assert visit.switch_lang == OTHER[lang]


@pytest.mark.parametrize("lang_name", [p for p in PAGES if p[1] != "credits.md"], ids=ids)
def test_code_blocks_have_a_working_copy_button(visits, lang_name):
    visit = visits(*lang_name)
    assert visit.code_blocks > 0
    assert visit.copy_buttons == visit.code_blocks
    assert visit.copied is not None and visit.copied.strip() == visit.first_code.strip()


@pytest.mark.parametrize("lang_name", [p for p in PAGES if p[1] not in ("api.md", "credits.md")], ids=ids)
def test_output_blocks_are_visibly_distinct_from_code(visits, lang_name):
    lang, name = lang_name
    style = visits(lang, name).output_style
    assert style is not None, "the page shows no output block next to code"
    assert style["label"] == f'"{OUTPUT_LABEL[lang]}"'
    assert style["outputBackground"] != style["codeBackground"]
    assert style["outputBorder"] != "0px"


@pytest.mark.parametrize("lang_name", PAGES, ids=ids)
def test_no_serious_or_critical_accessibility_violation(visits, lang_name):
    assert visits(*lang_name).serious_violations == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_home_page_stays_within_its_byte_budget(visits, lang):
    loaded = visits(lang, "index.md").bytes_loaded
    print(f"{lang} home page: {loaded:,} bytes")
    assert 0 < loaded <= BUDGETS["home_page_bytes"][lang], f"{loaded:,} bytes"


SEARCHES = [
    # (language, query, pages that must be among the results)
    ("ja", "ラムダ", {"", "addition-network/", "code-path/", "why-it-works/", "faq/"}),
    ("ja", "暗算", {"addition-network/"}),  # only inside a paragraph
    ("en", "lambda", {"en/", "en/addition-network/", "en/code-path/", "en/why-it-works/", "en/faq/"}),
    ("en", "intuition", {"en/addition-network/"}),  # only inside a paragraph
]


@pytest.mark.parametrize(("lang", "query", "expected"), SEARCHES, ids=[s[1] for s in SEARCHES])
def test_search_finds_the_puzzle_pages(context, site_url, lang, query, expected):
    page = context.new_page()
    page.goto(site_url + page_url("index.md", lang), wait_until="networkidle")
    box = page.locator("input.md-search__input")
    box.click(force=True)
    # Material reads the query on keyup; an IME confirms Japanese with a key as well.
    box.fill(query)
    box.press("End")
    page.wait_for_selector(".md-search-result__item", timeout=15_000)
    hrefs = page.eval_on_selector_all(".md-search-result__item a", "els => els.map(e => e.href)")
    page.close()
    found = {urlsplit(h).path.lstrip("/") for h in hrefs}
    assert expected <= found
    # Each language searches its own pages only.
    assert all(path.startswith("en/") == (lang == "en") for path in found), sorted(found)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", SCREENSHOT_PAGES)
def test_screenshots_for_review(visits, lang, name):
    visits(lang, name)
    for device in DEVICES:
        path = SCREENSHOTS / f"{lang}-{Path(name).stem}-{device}.png"
        assert path.stat().st_size > 10_000, path
