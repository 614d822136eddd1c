"""The site as readers get it: every page of both languages in a real Chromium.

All pages are visited once, a few at a time, at the start (with the language
switch, the copy button, axe-core and the searches); the tests below check what
those visits recorded.
"""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.paths import LANGUAGES, PAGE_NAMES, ROOT, page_url
from tests.site.browser import CHROMIUM_ARGS
from tests.site.server import SiteServer

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "screenshots"
BUDGETS = json.loads((Path(__file__).with_name("budgets.json")).read_text("utf-8"))
OTHER = {"ja": "en", "en": "ja"}
OUTPUT_LABEL = {"ja": "出力", "en": "Output"}
PAGES = [(lang, name) for lang in LANGUAGES for name in PAGE_NAMES]
SCREENSHOT_PAGES = ("index.md", "addition-network.md")
DEVICES = {"desktop": (1280, 800), "phone": (390, 844)}
PAGES_AT_ONCE = 3
SEARCHES = [
    # (language, query, pages that must be among the results)
    ("ja", "ラムダ", {"", "addition-network/", "code-path/", "why-it-works/", "faq/"}),
    ("ja", "暗算", {"addition-network/"}),  # only inside a paragraph
    ("en", "lambda", {"en/", "en/addition-network/", "en/code-path/", "en/why-it-works/", "en/faq/"}),
    ("en", "intuition", {"en/addition-network/"}),  # only inside a paragraph
]
OUTPUT_STYLE = """() => {
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
COPY_BUTTON = "article div.highlight pre > nav button[data-md-type=copy]"


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


async def _open(context, base: str, visit: Visit):
    page = await context.new_page()

    async def refuse(route):
        visit.foreign.append(route.request.url)
        await route.abort()

    # Only requests that leave the local server are routed (and refused): routing
    # every request through Python would slow each page down.
    await page.route(re.compile(rf"^(?!{re.escape(base)}/)"), refuse)
    page.on("console", lambda m: m.type == "error" and visit.console_errors.append(m.text))
    page.on("pageerror", lambda e: visit.console_errors.append(str(e)))
    page.on("requestfailed", lambda r: visit.failed.append(f"{r.url} {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and visit.failed.append(f"{r.url} HTTP {r.status}"))
    return page


async def _visit(context, axe, clipboard: asyncio.Lock, base: str, lang: str, name: str) -> Visit:
    visit = Visit()
    page = await _open(context, base, visit)
    # networkidle: the search worker fetches its scripts and the index after load.
    await page.goto(base + page_url(name, lang), wait_until="networkidle")
    visit.html_lang = await page.get_attribute("html", "lang")
    # axe sees the page as it loads; the copy button's "Copied" toast fades in, and
    # half-faded text always fails a contrast check.
    results = await axe.run(page)
    visit.serious_violations = [
        f"{v['id']} ({v['impact']}): " + ", ".join(n["html"][:120] for n in v["nodes"])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    if name in SCREENSHOT_PAGES:
        await _screenshots(page, lang, name)

    blocks = page.locator("article div.highlight pre > code")
    visit.code_blocks = await blocks.count()
    visit.copy_buttons = await page.locator(COPY_BUTTON).count()
    if visit.code_blocks:
        visit.first_code = await blocks.first.inner_text()
        async with clipboard:  # one clipboard for all pages
            await page.locator("article div.highlight pre").first.hover()
            await page.locator(COPY_BUTTON).first.click()
            visit.copied = await page.evaluate("navigator.clipboard.readText()")
    visit.output_style = await page.evaluate(OUTPUT_STYLE)

    await page.hover(".md-header .md-select")  # the language menu opens on hover, as for a reader
    async with page.expect_navigation(wait_until="domcontentloaded"):
        await page.locator(f"a.md-select__link[hreflang={OTHER[lang]}]").first.click()
    visit.switch_url = page.url
    visit.switch_lang = await page.get_attribute("html", "lang")
    await page.close()
    return visit


async def _screenshots(page, lang: str, name: str) -> None:
    """Full-page screenshots at each width, into a folder git ignores, for review."""
    SCREENSHOTS.mkdir(exist_ok=True)
    for device, (width, height) in DEVICES.items():
        await page.set_viewport_size({"width": width, "height": height})
        await page.screenshot(path=str(SCREENSHOTS / f"{lang}-{Path(name).stem}-{device}.png"), full_page=True)
    width, height = DEVICES["desktop"]
    await page.set_viewport_size({"width": width, "height": height})


async def _bytes_of(context, server: SiteServer, lang: str) -> int:
    """What the home page loads, counted by the server (the search worker's requests too)."""
    visit = Visit()
    page = await _open(context, server.url, visit)
    start = len(server.sent)
    await page.goto(server.url + page_url("index.md", lang), wait_until="networkidle")
    await page.close()
    return sum(size for _, size in server.sent[start:])


async def _search(context, base: str, lang: str, query: str) -> set[str]:
    page = await context.new_page()
    await page.goto(base + page_url("index.md", lang), wait_until="networkidle")
    box = page.locator("input.md-search__input")
    await box.click(force=True)
    # Material reads the query on keyup; an IME confirms Japanese with a key as well.
    await box.fill(query)
    await box.press("End")
    await page.wait_for_selector(".md-search-result__item", timeout=15_000)
    hrefs = await page.eval_on_selector_all(".md-search-result__item a", "els => els.map(e => e.href)")
    await page.close()
    return {urlsplit(h).path.lstrip("/") for h in hrefs}


async def _run_all(chromium: Path, server: SiteServer) -> dict:
    from axe_playwright_python.async_playwright import Axe
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        context = await browser.new_context(
            viewport={"width": 1280, "height": 800},
            permissions=["clipboard-read", "clipboard-write"],
        )
        # Bytes first, one page at a time: the server's count must not mix pages.
        page_bytes = {lang: await _bytes_of(context, server, lang) for lang in LANGUAGES}
        base = server.url
        axe, clipboard, slots = Axe(), asyncio.Lock(), asyncio.Semaphore(PAGES_AT_ONCE)

        async def limited(coroutine):
            # One page's failure is that page's test failure, not every test's error.
            async with slots:
                try:
                    return await coroutine
                except Exception as error:  # reported by the test that reads it
                    return error

        visits = await asyncio.gather(
            *(limited(_visit(context, axe, clipboard, base, lang, name)) for lang, name in PAGES)
        )
        searches = await asyncio.gather(
            *(limited(_search(context, base, lang, query)) for lang, query, _ in SEARCHES)
        )
        await browser.close()
    return {
        "visits": dict(zip(PAGES, visits, strict=True)),
        "searches": dict(zip([query for _, query, _ in SEARCHES], searches, strict=True)),
        "bytes": page_bytes,
    }


@pytest.fixture(scope="session")
def browsed(chromium, site_server) -> dict:
    return asyncio.run(_run_all(chromium, site_server))


def _result(value):
    if isinstance(value, Exception):
        pytest.fail(f"the browser could not finish: {value!r}")
    return value


@pytest.fixture(scope="session")
def visits(browsed):
    return lambda lang, name: _result(browsed["visits"][(lang, name)])


def ids(param):
    return f"{param[0]}:{param[1]}" if isinstance(param, tuple) else str(param)


@pytest.mark.parametrize("lang_name", PAGES, ids=ids)
def test_page_loads_cleanly_and_only_from_the_local_server(visits, lang_name):
    visit = visits(*lang_name)
    assert visit.console_errors == []
    assert visit.failed == []
    assert visit.foreign == []


@pytest.mark.parametrize("lang_name", PAGES, ids=ids)
def test_html_lang_and_language_switcher(visits, lang_name):
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
def test_home_page_stays_within_its_byte_budget(browsed, lang):
    loaded = browsed["bytes"][lang]
    print(f"{lang} home page: {loaded:,} bytes")
    assert 0 < loaded <= BUDGETS["home_page_bytes"][lang], f"{loaded:,} bytes"


@pytest.mark.parametrize(("lang", "query", "expected"), SEARCHES, ids=[s[1] for s in SEARCHES])
def test_search_finds_the_puzzle_pages(browsed, lang, query, expected):
    found = _result(browsed["searches"][query])
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
