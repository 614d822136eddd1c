"""The site as readers get it from GitHub Pages, in a real Chromium.

The site is built for a project-pages address and served under its path, gzipped,
with the site's 404.html for missing addresses (tests/site/server.py). One
browser does everything at the start. Two reused tabs, each in a window of its own,
visit every page of both languages once (axe, requests, hreflang, line breaking...),
both 404 pages, and do the searches and the screenshots; meanwhile each home page
loads in an empty context of its own, for the byte count. The tests below check what those
visits recorded.
"""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

from overrides import stepper
from tests import paths
from tests.paths import DOCS, LANGUAGES, PAGE_NAMES, PREFIX, ROOT, alternates, html_of, page_of, page_url
from tests.site.browser import CHROMIUM_ARGS
from tests.site.server import COUNTED_AS, PagesServer
from tests.site.stepper_run import record_again

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "screenshots"
BUDGETS = json.loads(paths.BUDGETS.read_text("utf-8"))
OTHER = {"ja": "en", "en": "ja"}
OUTPUT_LABEL = {"ja": "出力", "en": "Output"}
PAGES = [(lang, name) for lang in LANGUAGES for name in PAGE_NAMES]
SCREENSHOT_PAGES = [name for name in PAGE_NAMES if page_of(LANGUAGES[0], name).front_matter.get("screenshot")]
REFERENCE_PAGES = [name for name in PAGE_NAMES if page_of(LANGUAGES[0], name).front_matter.get("reference")]
DEVICES = {"desktop": (1280, 800), "phone": (390, 844)}
DESKTOP = dict(zip(("width", "height"), DEVICES["desktop"], strict=True))  # where every visit starts
# No host name resolves, so nothing the pages ask of another site leaves the machine;
# the server is an address, not a name.
LAUNCH_ARGS = [*CHROMIUM_ARGS, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
JOB_SECONDS = 120  # a job takes 1-10 s; one that takes this long has hung
PAGES_AT_ONCE = 2  # tabs at work at once: one a core (a third made the session no faster)
NOT_FOUND = {"ja": "/no/such/page/", "en": "/en/no/such/page/"}
SWITCH_FROM = ("ja", "faq.md")  # the page where the language menu is really clicked
# (language, query, pages that must be among the results), beside every title and heading.
# Phrases readers type, and the pages the search must find them on: each page lists its
# own in its front matter (`queries`), beside every title and heading of the language.
SEARCHES = [
    (lang, query, {name for name in PAGE_NAMES if query in page_of(lang, name).front_matter.get("queries", [])})
    for lang in LANGUAGES
    for query in dict.fromkeys(q for name in PAGE_NAMES for q in page_of(lang, name).front_matter.get("queries", []))
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
# The text of each h1 and h2 of the article whose last line holds a single character.
LONELY_LAST_CHARACTER = """() => {
    const lonely = [];
    for (const heading of document.querySelectorAll('article h1, article h2')) {
        const range = document.createRange();
        const walker = document.createTreeWalker(heading, NodeFilter.SHOW_TEXT);
        const glyphs = [];
        while (walker.nextNode()) {
            const node = walker.currentNode;
            if (node.parentElement.closest('.headerlink')) continue;
            for (let i = 0; i < node.length; i++) {
                if (!node.data[i].trim()) continue;
                range.setStart(node, i);
                range.setEnd(node, i + 1);
                const box = range.getBoundingClientRect();
                if (box.width) glyphs.push([box.top + box.height / 2, node.data[i]]);
            }
        }
        if (!glyphs.length) continue;
        const lineHeight = parseFloat(getComputedStyle(heading).lineHeight) || 20;
        const last = Math.max(...glyphs.map(g => g[0]));
        const first = Math.min(...glyphs.map(g => g[0]));
        const onLast = glyphs.filter(g => last - g[0] < lineHeight / 2);
        if (last - first > lineHeight / 2 && onLast.length === 1) lonely.push(heading.textContent.trim());
    }
    return lonely;
}"""
# The messages of Material's search worker: set up with the index, then one query at a time.
ASK_WORKER = """async (queries) => {
    const config = JSON.parse(document.getElementById('__config').textContent);
    const base = new URL(config.base, location.href);
    const index = await (await fetch(new URL('search/search_index.json', base))).json();
    const worker = new Worker(new URL(config.search, location.href));
    const ask = (message) => new Promise((resolve) => {
        worker.onmessage = (event) => resolve(event.data);
        worker.postMessage(message);
    });
    await ask({type: 0, data: {config: index.config, docs: index.docs, options: {suggest: false}}});
    const found = {};
    for (const query of queries) {
        const answer = await ask({type: 2, data: query});
        found[query] = answer.data.items.flat().map((doc) => new URL(doc.location, base).href);
    }
    worker.terminate();
    return found;
}"""
CODE = "article div.highlight pre > code"
COPY_BUTTON = "article div.highlight pre > nav button[data-md-type=copy]"
# Material sets a code block up (its copy button) when it first scrolls into view
# (content.lazy): scroll down the page a screen at a time, as a reader does, then wait
# for the last buttons.
SCROLL_THROUGH = """async () => {
    for (let y = 0; y < document.documentElement.scrollHeight; y += innerHeight) {
        window.scrollTo(0, y);
        await new Promise((resolve) => requestAnimationFrame(resolve));
    }
    window.scrollTo(0, 0);
}"""
EVERY_BLOCK_SET_UP = """async ([code, copy]) => {
    const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
    const shown = () => [...document.querySelectorAll(code)].filter((c) => !c.closest('details:not([open])'));
    for (let tries = 0; tries < 60; tries++) {
        if (document.querySelectorAll(copy).length >= shown().length) break;
        await frame();
    }
}"""
# Back at the top, the header fades the page title out and the site name in again:
# axe must not meet either halfway.
HEADER_SETTLED = """async () => {
    const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
    for (let tries = 0; tries < 60 && document.querySelector('.md-header__title--active'); tries++) {
        await frame();
    }
    await frame();
    const settled = Promise.all(document.getAnimations().map((a) => a.finished.catch(() => null)));
    await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, 2000))]);
}"""
# The collapsed sections (the API page's source listings), opened as a reader who opens
# them all: the page's new height, or 0 when there was none.
OPEN_SECTIONS = """() => {
    const closed = document.querySelectorAll('article details:not([open])');
    closed.forEach((details) => { details.open = true; });
    return closed.length ? document.documentElement.scrollHeight : 0;
}"""
# Line numbers are drawn by ::before, which axe does not look at: their colours, for the test.
LINE_NUMBER_COLOURS = """() => {
    const number = document.querySelector('article .highlight [data-linenos]');
    if (!number) return null;
    const style = getComputedStyle(number, '::before');
    return [style.color, style.backgroundColor];
}"""
# Each table the build wrapped (class "prewrapped") against a bare copy of it, which
# Material's stylesheet styles: the computed style of every element of the two, and the
# places where they differ. The copy sits in a scroll container of its own, right after.
PREWRAPPED_AGAINST_BARE = """() => {
    const differences = [];
    const tables = [...document.querySelectorAll('article table.prewrapped')];
    for (const table of tables) {
        const inner = table.parentElement, outer = inner.parentElement;
        if (!inner.matches('.md-typeset__table') || !outer.matches('.md-typeset__scrollwrap')) {
            differences.push("not in Material's scroll container: " + table.outerHTML.slice(0, 80));
            continue;
        }
        const copy = outer.cloneNode(true);
        copy.querySelector('table').removeAttribute('class');
        outer.after(copy);
        const ours = [table, ...table.querySelectorAll('*')];
        const bare = [copy.querySelector('table'), ...copy.querySelectorAll('table *')];
        ours.forEach((element, i) => {
            const mine = getComputedStyle(element), theirs = getComputedStyle(bare[i]);
            for (const property of mine) {
                if (mine.getPropertyValue(property) !== theirs.getPropertyValue(property)) {
                    differences.push(`${element.tagName.toLowerCase()} ${property}: ` +
                        `${mine.getPropertyValue(property)} against ${theirs.getPropertyValue(property)}`);
                }
            }
        });
        copy.remove();
    }
    return {tables: tables.length, differences};
}"""
AXE = Axe().axe_script  # axe-core, put into each visited page once it has loaded
# The text of code is thousands of highlighted tokens (spans), and axe's colour-contrast
# rule, which finds the background of each by hit-testing, spent 60-70 % of its time on
# them. axe runs every rule but that one over the whole page, then that one over all
# but the tokens; TOKEN_COLOURS checks the tokens' colours instead.
CODE_TOKENS = "pre > code span"
RUN_AXE = """async (tokens) => {
    const options = {resultTypes: ['violations']};
    const rest = await axe.run(document, {...options, rules: {'color-contrast': {enabled: false}}});
    const contrast = await axe.run({exclude: [[tokens]]}, {...options, runOnly: ['color-contrast']});
    return [...rest.violations, ...contrast.violations];
}"""
# The colours every token of code text is drawn in: its colour (a see-through one
# blended over the background, as it is painted) and the first opaque background behind
# it (a highlighted line's, an output block's, the code's), as distinct pairs with an
# example; and the tokens whose colours cannot be judged that way (a see-through
# background, or something else that blends: opacity, a filter, a blend mode).
TOKEN_COLOURS = """(tokens) => {
    const pairs = new Map(), unjudged = [], backgrounds = new Map();
    const seeThrough = (colour) => !colour.startsWith('rgb(');
    const over = (colour, behind) => {  // rgba() painted over an opaque rgb()
        const [r, g, b, alpha] = colour.match(/[\\d.]+/g).map(Number), under = behind.match(/\\d+/g).map(Number);
        const a = Math.round(alpha * 255) / 255;  // the 8 bits painted: "0.54" is 138/255
        const mix = [r, g, b].map((c, i) => (a * c + (1 - a) * under[i]).toFixed(2));
        return `rgb(${mix.join(', ')})`;
    };
    const background = (element) => {  // [colour, or null when it cannot be judged]
        if (!element) return ['rgb(255, 255, 255)'];  // the canvas
        if (backgrounds.has(element)) return backgrounds.get(element);
        const style = getComputedStyle(element);
        let answer;
        if (style.opacity !== '1' || style.filter !== 'none' || style.mixBlendMode !== 'normal') answer = [null];
        else if (style.backgroundColor === 'rgba(0, 0, 0, 0)') answer = background(element.parentElement);
        else if (seeThrough(style.backgroundColor) || style.backgroundImage !== 'none') answer = [null];
        else answer = [style.backgroundColor];
        backgrounds.set(element, answer);
        return answer;
    };
    let count = 0;
    for (const token of document.querySelectorAll(`article ${tokens}`)) {
        if (![...token.childNodes].some((node) => node.nodeType === 3 && node.data.trim())) continue;
        count++;
        const [behind] = background(token), drawn = getComputedStyle(token).color;
        const example = `${token.className || token.tagName.toLowerCase()} "${token.textContent.trim().slice(0, 20)}"`;
        if (behind === null) { unjudged.push(`${example}: ${drawn}`); continue; }
        const colour = seeThrough(drawn) ? over(drawn, behind) : drawn;
        if (!pairs.has(colour + behind)) pairs.set(colour + behind, [colour, behind, example]);
    }
    return {tokens: count, pairs: [...pairs.values()], unjudged};
}"""


# Everything the stepper shows of its current call: the contract its tests rely on.
STEPPER_STATE = """() => {
    const root = document.querySelector('[data-stepper]');
    const cells = (attr) => Object.fromEntries([...root.querySelectorAll(`[${attr}]`)]
        .map((c) => [c.getAttribute(attr), c.getAttribute('data-value')]));
    const field = (name) => root.querySelector(`[data-field="${name}"]`);
    const grid = root.querySelector('[data-role="copy"]');
    return {
        call: field('call').textContent, index: field('index').getAttribute('data-value'),
        sign: field('sign').getAttribute('data-value'), loss: field('loss').getAttribute('data-value'),
        w: cells('data-w'), copy: grid.hidden ? null : cells('data-copy'), grad: cells('data-grad'),
        pressed: root.querySelector('[data-action="copy"]').getAttribute('aria-pressed'),
        status: root.querySelector('.stepper__status').textContent,
        overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    };
}"""
STEPPER_CALLS = 12
STEPPER_RECORD = record_again()
STEPPER_LABELS = stepper.LABELS


@dataclass
class Visit:
    console_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    html_lang: str = ""
    switch_href: str = ""
    alternates: dict = field(default_factory=dict)
    notebook_href: str = ""
    code_blocks: int = 0
    copy_buttons: int = 0
    copied: str | None = None
    first_code: str | None = None
    output_style: dict | None = None
    line_number_colours: list | None = None
    token_colours: dict = field(default_factory=dict)  # TOKEN_COLOURS's answer
    tables: dict = field(default_factory=dict)  # media -> PREWRAPPED_AGAINST_BARE's answer
    violations: list[str] = field(default_factory=list)
    lonely: dict = field(default_factory=dict)  # width -> headings with one character on their last line
    text: str = ""
    switched: tuple | None = None  # (path, lang) after a reader picks the other language


class Tab:
    """A browser tab, reused from job to job (a new tab costs a renderer process).

    What the tab sees (console errors, failed and refused requests) goes into the
    Visit of the job it is doing.
    """

    def __init__(self, page) -> None:
        self.page = page
        self.visit = Visit()


class Browsing:
    """Everything the browser is asked to do, with what it recorded."""

    def __init__(self, server: PagesServer) -> None:
        self.server = server
        self.site = server.origin + PREFIX

    async def new_tab(self, context) -> Tab:
        tab = Tab(await context.new_page())

        # A request outside the site is noted here and cannot leave the machine: no
        # host name resolves (LAUNCH_ARGS). Routing requests instead (page.route) made
        # Chromium pause every request of every page for the driver: 4 s of the session.
        tab.page.on("request", lambda r: r.url.startswith(self.site) or tab.visit.foreign.append(r.url))
        tab.page.on("console", lambda m: m.type == "error" and tab.visit.console_errors.append(
            f"{m.text} ({m.location.get('url')})"
        ))
        tab.page.on("pageerror", lambda e: tab.visit.console_errors.append(str(e)))
        tab.page.on("requestfailed", lambda r: tab.visit.failed.append(f"{r.url} {r.failure}"))
        tab.page.on("response", lambda r: r.status >= 400 and tab.visit.failed.append(f"{r.url} HTTP {r.status}"))
        return tab

    @staticmethod
    async def begin(tab: Tab) -> Visit:
        """A new job in a tab: a blank page at desktop size, and a new record."""
        tab.visit = Visit()  # what leaving the last page cancels belongs to no page
        await tab.page.goto("about:blank")
        await tab.page.set_viewport_size(DESKTOP)
        tab.visit = Visit()
        return tab.visit

    def url(self, lang: str, name: str) -> str:
        return self.server.url + page_url(name, lang)

    async def visit(self, tab: Tab, clipboard: asyncio.Lock, lang: str, name: str) -> Visit:
        visit, page = await self.begin(tab), tab.page
        await page.goto(self.url(lang, name), wait_until="load")
        visit.html_lang = await page.get_attribute("html", "lang")
        # axe checks the page as a reader who has scrolled to the end sees it: with
        # every copy button (content.lazy adds them on the way), sections still closed.
        await page.evaluate(SCROLL_THROUGH)
        await page.evaluate(EVERY_BLOCK_SET_UP, [CODE, COPY_BUTTON])
        await page.evaluate(HEADER_SETTLED)
        # axe goes only where it runs: as an init script it was parsed on every blank
        # page, 404 and search page too.
        await page.evaluate(AXE)
        visit.violations = [
            f"{v['id']} ({v['impact']}): " + ", ".join(n["html"][:120] for n in v["nodes"])
            for v in await page.evaluate(RUN_AXE, CODE_TOKENS)
        ]
        # The closed sections hold code, and line numbers that axe does not see
        # (test_line_numbers_...): open them for the counts and the tokens' colours.
        # A window as tall as the opened page shows every block at once: scrolling the
        # opened API page a screen at a time took 7-10 s of its visit.
        if height := await page.evaluate(OPEN_SECTIONS):
            await page.set_viewport_size({"width": DESKTOP["width"], "height": height})
            await page.evaluate(EVERY_BLOCK_SET_UP, [CODE, COPY_BUTTON])
            await page.set_viewport_size(DESKTOP)
        visit.switch_href = await page.eval_on_selector(f"a.md-select__link[hreflang={OTHER[lang]}]", "a => a.href")
        visit.alternates = dict(await page.eval_on_selector_all(
            "head link[rel=alternate][hreflang]", "els => els.map(e => [e.hreflang, e.href])"
        ))
        visit.notebook_href = await page.eval_on_selector(".md-notebook a", "a => a.href")
        visit.code_blocks = await page.locator(CODE).count()
        visit.copy_buttons = await page.locator(COPY_BUTTON).count()
        visit.output_style = await page.evaluate(OUTPUT_STYLE)
        visit.line_number_colours = await page.evaluate(LINE_NUMBER_COLOURS)
        visit.token_colours = await page.evaluate(TOKEN_COLOURS, CODE_TOKENS)
        visit.tables["screen"] = visit.tables["print"] = await page.evaluate(PREWRAPPED_AGAINST_BARE)
        if visit.tables["screen"]["tables"]:  # print restyles the whole page: only where there is a table
            await page.emulate_media(media="print")
            visit.tables["print"] = await page.evaluate(PREWRAPPED_AGAINST_BARE)
            await page.emulate_media(media="null")
        if name == "index.md" and visit.code_blocks:
            visit.first_code = await page.locator(CODE).first.inner_text()
            async with clipboard:  # one clipboard for all pages
                await page.locator("article div.highlight pre").first.hover()
                await page.locator(COPY_BUTTON).first.click()
                visit.copied = await page.evaluate("navigator.clipboard.readText()")
        for device, (width, height) in DEVICES.items():
            await page.set_viewport_size({"width": width, "height": height})
            visit.lonely[width] = await page.evaluate(LONELY_LAST_CHARACTER)
            if name in SCREENSHOT_PAGES:
                SCREENSHOTS.mkdir(exist_ok=True)
                path = SCREENSHOTS / f"{lang}-{Path(name).stem}-{device}.png"
                await page.screenshot(path=str(path), full_page=True)
        # The search worker and Material's sitemap requests come after load: let them finish.
        await page.wait_for_load_state("networkidle")
        if (lang, name) == SWITCH_FROM:
            await page.hover(".md-header .md-select")  # the language menu opens on hover, as for a reader
            async with page.expect_navigation(wait_until="domcontentloaded"):
                await page.locator(f"a.md-select__link[hreflang={OTHER[lang]}]").first.click()
            visit.switched = urlsplit(page.url).path, await page.get_attribute("html", "lang")
        return visit

    async def not_found(self, tab: Tab, lang: str) -> Visit:
        visit, page = await self.begin(tab), tab.page
        await page.goto(self.server.url + NOT_FOUND[lang], wait_until="networkidle")
        await page.wait_for_function(f"document.documentElement.lang === {json.dumps(lang)}", timeout=10_000)
        visit.html_lang = await page.get_attribute("html", "lang")
        visit.text = await page.inner_text("article")
        visit.switch_href = await page.eval_on_selector("article a", "a => a.href")
        # The missing address answers 404, as Pages does: that response, and Chrome's
        # console line about it, are expected.
        visit.failed = [f for f in visit.failed if NOT_FOUND[lang] not in f]
        visit.console_errors = [e for e in visit.console_errors if not e.endswith(f"{NOT_FOUND[lang]})")]
        return visit

    async def ask_abroad(self, tab: Tab) -> tuple[list[str], Visit]:
        """A page that asks other sites for a stylesheet and a script, as a careless
        template would: the addresses asked, and what the tab noted. One is our own
        server under another name, which would answer if the name resolved."""
        visit, page = await self.begin(tab), tab.page
        await page.goto(self.url("ja", "index.md"), wait_until="load")
        port = urlsplit(self.server.origin).port
        urls = [f"http://localhost:{port}{PREFIX}assets/extra.css", "https://example.com/script.js"]
        await page.evaluate("""(urls) => Promise.all(urls.map((url) => new Promise((done) => {
            const element = url.endsWith('.js') ? document.createElement('script') : document.createElement('link');
            if (element.tagName === 'LINK') { element.rel = 'stylesheet'; element.href = url; } else element.src = url;
            element.onload = element.onerror = done;
            document.head.append(element);
        })))""", urls)
        return urls, visit

    async def search(self, tab: Tab, lang: str, queries: list[str]) -> dict[str, set[str]]:
        """The pages each query finds, typed one after another into the search box, as a reader does."""
        await self.begin(tab)
        page = tab.page
        await page.goto(self.url(lang, "index.md"), wait_until="networkidle")
        box = page.locator("input.md-search__input")
        await box.click(force=True)
        found = {}
        for query in queries:
            # Material reads the query on keyup; an IME confirms Japanese with a key as well.
            await box.fill("")
            await box.press("End")
            await page.wait_for_selector(".md-search-result__item", state="detached", timeout=10_000)
            await box.fill(query)
            await box.press("End")
            try:
                await page.wait_for_selector(".md-search-result__item", timeout=10_000)
            except PlaywrightTimeoutError:  # no result is an answer too
                found[query] = set()
                continue
            hrefs = await page.eval_on_selector_all(".md-search-result__item a", "els => els.map(e => e.href)")
            found[query] = {urlsplit(h).path for h in hrefs}
        await page.keyboard.press("Escape")
        return found

    async def ask_worker(self, tab: Tab, lang: str, queries: list[str]) -> dict[str, set[str]]:
        """The pages each query finds, asked of Material's own search worker, as the search box does.

        Typing takes a third of a second a query; every title and heading of the site
        goes this way, the phrases a reader types (SEARCHES) go through `search`.
        """
        await self.begin(tab)
        await tab.page.goto(self.url(lang, "index.md"), wait_until="load")
        found = await tab.page.evaluate(ASK_WORKER, queries)
        return {query: {urlsplit(url).path for url in urls} for query, urls in found.items()}

    async def step_through(self, tab: Tab, lang: str) -> dict:
        """The home page's stepper, stepped through all its calls by mouse and by keyboard,
        in both modes, with its state after every step; then played and paused; then
        axe, with a cell highlighted, at 390 px."""
        visit, page = await self.begin(tab), tab.page
        await page.goto(self.url(lang, "index.md"), wait_until="load")
        await page.wait_for_function("document.querySelector('[data-stepper]').dataset.ready === 'yes'")
        root = page.locator("[data-stepper]")
        await root.scroll_into_view_if_needed()
        states: dict = {}

        async def copy_pressed() -> str | None:
            return await page.get_attribute('[data-action="copy"]', "aria-pressed")

        for mode in ("same", "copy"):
            for method in ("mouse", "keyboard"):
                if method == "mouse":
                    await page.click('[data-action="reset"]')
                    if await copy_pressed() != str(mode == "copy").lower():
                        await page.click('[data-action="copy"]')
                else:
                    await page.focus('[data-action="reset"]')
                    await page.keyboard.press("Enter")
                    if await copy_pressed() != str(mode == "copy").lower():
                        await page.focus('[data-action="copy"]')
                        await page.keyboard.press("Space")
                    await page.focus('[data-action="next"]')
                seen = [await page.evaluate(STEPPER_STATE)]
                for n in range(STEPPER_CALLS + 1):  # the calls, then the end
                    if method == "mouse":
                        await page.click('[data-action="next"]')
                    else:  # Enter on the focused button, then the arrow keys
                        await page.keyboard.press("Enter" if n < 2 else "ArrowRight")
                    seen.append(await page.evaluate(STEPPER_STATE))
                states[(mode, method)] = seen
        # Play, then pause after two calls: it must stop there. (Without reduced motion,
        # which the tab asks for, the player steps once a second instead of every 1.6 s.)
        await page.emulate_media(reduced_motion="no-preference")
        await page.click('[data-action="reset"]')
        await page.click('[data-action="play"]')
        await page.wait_for_function("document.querySelector('[data-stepper]').dataset.step === '2'", timeout=10_000)
        await page.click('[data-action="play"]')
        paused_at = await root.get_attribute("data-step")
        await page.wait_for_timeout(1_300)
        played = (paused_at, await root.get_attribute("data-step"))
        await page.emulate_media(reduced_motion="reduce")
        # axe on the widget with a highlighted cell, at a phone's width.
        await page.set_viewport_size({"width": 390, "height": 844})
        for _ in range(3):
            await page.click('[data-action="next"]')
        phone = await page.evaluate(STEPPER_STATE)
        await page.evaluate(AXE)  # on the widget (the page's visit runs it on the whole page)
        violations = [f"{v['id']}: " + ", ".join(n["html"][:120] for n in v["nodes"])
                      for v in await page.evaluate("() => axe.run('[data-stepper]', {resultTypes: ['violations']})"
                                                   ".then((r) => r.violations)")]
        SCREENSHOTS.mkdir(exist_ok=True)
        for width in (1280, 390):
            await page.set_viewport_size({"width": width, "height": 844})
            await root.screenshot(path=str(SCREENSHOTS / f"{lang}-stepper-{width}.png"))
        return {"states": states, "played": played, "phone": phone, "violations": violations, "visit": visit}

    async def stepper_without_javascript(self, browser, lang: str) -> dict:
        """The home page with JavaScript off: what the stepper's container shows."""
        context = await browser.new_context(java_script_enabled=False, viewport=DESKTOP)
        tab = await self.new_tab(context)
        await tab.page.goto(self.url(lang, "index.md"), wait_until="load")
        shown = await tab.page.evaluate("""() => {
            const root = document.querySelector('[data-stepper]');
            const visible = (el) => !!el && getComputedStyle(el).display !== 'none' && el.getClientRects().length > 0;
            const tables = [...root.querySelectorAll('.stepper__table')];
            return {rows: tables.map((t) => t.querySelectorAll('tbody tr').length),
                    table: visible(root.querySelector('.stepper__table')),
                    controls: visible(root.querySelector('.stepper__ui'))};
        }""")
        await context.close()
        return shown

    async def home_page_bytes(self, browser, lang: str) -> int:
        """What the home page loads with nothing cached, counted by the server: the search
        worker's requests too, which the browser does not report as the page's. Every
        request of its context carries a label, so the other tabs can work meanwhile."""
        label, start = f"home page bytes, {lang}", len(self.server.sent)
        context = await browser.new_context(extra_http_headers={COUNTED_AS: label})
        tab = await self.new_tab(context)
        await tab.page.goto(self.url(lang, "index.md"), wait_until="networkidle")
        await context.close()
        return sum(size for _, size, counted_as in self.server.sent[start:] if counted_as == label)

    async def run(self, chromium: Path) -> dict:
        from playwright.async_api import async_playwright

        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=str(chromium), args=LAUNCH_ARGS)
            # A context per tab, because headless Chromium gives each context one window
            # and draws only the window's front tab: the frames of the tabs behind it
            # were never drawn, so Chromium's compositor sent them one frame a second
            # (viz's "ThrottleUndrawnFrames"), and whatever waits for a frame there
            # (a hover, a click, a screenshot, requestAnimationFrame) took 1-2 s.
            tabs: asyncio.Queue[Tab] = asyncio.Queue()
            for _ in range(PAGES_AT_ONCE):
                # Material draws no transition for a reader who asks for reduced motion:
                # the header's title swap is then settled as soon as it is made.
                context = await browser.new_context(
                    viewport=DESKTOP, permissions=["clipboard-read", "clipboard-write"], reduced_motion="reduce",
                )
                tabs.put_nowait(await self.new_tab(context))
            clipboard = asyncio.Lock()

            async def in_a_tab(job, *args):
                # One page's failure is that page's test failure, not every test's error.
                tab = await tabs.get()
                try:
                    # A job that hangs (an evaluate has no timeout of its own) fails its
                    # own tests instead of holding up the whole session.
                    return await asyncio.wait_for(job(tab, *args), JOB_SECONDS)
                except Exception as error:  # reported by the test that reads it
                    return error
                finally:
                    tabs.put_nowait(tab)

            typed = {lang: [query for search_lang, query, _ in SEARCHES if search_lang == lang] for lang in LANGUAGES}
            # The tabs take the jobs in this order: the longest first (the API pages, the
            # steppers, then typing the searches), so that no tab is left with a long one at the end.
            longest_first = sorted(PAGES, key=lambda page: page[1] not in REFERENCE_PAGES)
            jobs = {("visits", page): in_a_tab(self.visit, clipboard, *page) for page in longest_first[:2]}
            jobs |= {("stepper", lang): in_a_tab(self.step_through, lang) for lang in LANGUAGES}
            jobs |= {("typed", lang): in_a_tab(self.search, lang, typed[lang]) for lang in LANGUAGES}
            jobs |= {("visits", page): in_a_tab(self.visit, clipboard, *page) for page in longest_first[2:]}
            jobs |= {("asked", lang): in_a_tab(self.ask_worker, lang, list(search_queries(lang))) for lang in LANGUAGES}
            jobs |= {("not_found", lang): in_a_tab(self.not_found, lang) for lang in LANGUAGES}
            jobs |= {("abroad", None): in_a_tab(self.ask_abroad)}
            jobs |= {("no_js", lang): self.stepper_without_javascript(browser, lang) for lang in LANGUAGES}
            # Beside the tabs, each home page loads in an empty context of its own
            # (nothing may come from a cache), for the byte count.
            jobs |= {("bytes", lang): self.home_page_bytes(browser, lang) for lang in LANGUAGES}
            results = await asyncio.gather(*jobs.values())
            await browser.close()
        recorded: dict = {}
        for (kind, key), result in zip(jobs, results, strict=True):
            recorded.setdefault(kind, {})[key] = result
        recorded["abroad"] = recorded["abroad"][None]
        return recorded


def search_queries(lang: str) -> dict[str, set[str]]:
    """Query -> pages it must find: every title and heading of the language, and SEARCHES too."""
    queries: dict[str, set[str]] = {}
    for name in PAGE_NAMES:
        for heading in page_of(lang, name).headings:
            if heading.level <= 2:
                queries.setdefault(heading.text, set()).add(name)
    for search_lang, query, names in SEARCHES:
        if search_lang == lang:
            queries.setdefault(query, set()).update(names)
    return queries


@pytest.fixture(scope="session")
def browsed(chromium, site_server) -> dict:
    return asyncio.run(Browsing(site_server).run(chromium))


def _result(value):
    if isinstance(value, Exception):
        pytest.fail(f"the browser could not finish: {value!r}")
    return value


@pytest.fixture(scope="session")
def visits(browsed):
    return lambda lang, name: _result(browsed["visits"][(lang, name)])


def ids(param):
    return f"{param[0]}:{param[1]}" if isinstance(param, tuple) else str(param)


def site_path(lang: str, name: str) -> str:
    return PREFIX.rstrip("/") + page_url(name, lang)


@pytest.mark.parametrize("lang_name", PAGES, ids=ids)
def test_page_loads_cleanly_under_the_pages_path(visits, lang_name):
    visit = visits(*lang_name)
    assert visit.console_errors == []
    assert visit.failed == []
    assert visit.foreign == []


def test_a_request_to_another_site_is_noted_and_never_leaves(browsed):
    urls, visit = _result(browsed["abroad"])
    assert sorted(visit.foreign) == sorted(urls)
    assert sorted(visit.failed) == sorted(f"{url} net::ERR_NAME_NOT_RESOLVED" for url in urls)


@pytest.mark.parametrize("lang_name", PAGES, ids=ids)
def test_html_lang_and_language_switcher(visits, lang_name):
    lang, name = lang_name
    visit = visits(lang, name)
    assert visit.html_lang == lang
    assert urlsplit(visit.switch_href).path == site_path(OTHER[lang], name)


def test_the_language_switcher_really_switches(visits):
    lang, name = SWITCH_FROM
    assert visits(lang, name).switched == (site_path(OTHER[lang], name), OTHER[lang])


@pytest.mark.parametrize("lang_name", PAGES, ids=ids)
def test_hreflang_alternates_for_both_languages_and_x_default(visits, site_url, lang_name):
    _, name = lang_name
    assert visits(*lang_name).alternates == alternates(site_url, name)


@pytest.mark.parametrize("lang_name", PAGES, ids=ids)
def test_each_page_links_to_its_notebook(visits, lang_name):
    lang, name = lang_name
    href = urlsplit(visits(lang, name).notebook_href).path
    assert href == site_path(lang, name) + f"{Path(name).stem}.{lang}.ipynb"


def test_the_copy_button_copies_the_code(visits):
    for lang in LANGUAGES:
        visit = visits(lang, "index.md")
        assert visit.copied is not None and visit.copied.strip() == visit.first_code.strip()


# Pages with code: fenced blocks, or the reference's source listings.
WITH_CODE = [p for p in PAGES if page_of(*p).blocks or p[1] in REFERENCE_PAGES]
WITH_OUTPUT = [p for p in PAGES if any(b.expected_output is not None for b in page_of(*p).blocks)]


@pytest.mark.parametrize("lang_name", WITH_CODE, ids=ids)
def test_every_code_block_has_a_copy_button(visits, lang_name):
    visit = visits(*lang_name)
    assert visit.code_blocks > 0
    assert visit.copy_buttons == visit.code_blocks


@pytest.mark.parametrize("lang_name", WITH_OUTPUT, ids=ids)
def test_output_blocks_are_visibly_distinct_from_code(visits, lang_name):
    lang, name = lang_name
    style = visits(lang, name).output_style
    assert style is not None, "the page shows no output block next to code"
    assert style["label"] == f'"{OUTPUT_LABEL[lang]}"'
    assert style["outputBackground"] != style["codeBackground"]
    assert style["outputBorder"] != "0px"


@pytest.mark.parametrize("lang_name", PAGES, ids=ids)
def test_no_accessibility_violation_of_any_impact(visits, lang_name):
    assert visits(*lang_name).violations == []


def contrast(foreground: str, background: str) -> float:
    """WCAG's contrast ratio of two opaque CSS rgb() colours (channels may have decimals)."""

    def luminance(colour: str) -> float:
        red, green, blue = (float(part) / 255 for part in re.findall(r"[\d.]+", colour)[:3])
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_is_computed_as_wcag_defines_it():
    assert contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)") == pytest.approx(21)
    assert contrast("rgb(118, 118, 118)", "rgb(255, 255, 255)") == pytest.approx(4.54, abs=0.01)
    # Material's punctuation, rgba(0, 0, 0, 0.54) (#0000008a) over #f5f5f5, as painted:
    assert contrast("rgb(112.41, 112.41, 112.41)", "rgb(245, 245, 245)") == pytest.approx(4.52, abs=0.01)


@pytest.mark.parametrize("lang_name", PAGES, ids=ids)
def test_code_tokens_are_drawn_at_4_5_to_1_or_more(visits, lang_name):
    visit = visits(*lang_name)
    colours = visit.token_colours
    assert colours["unjudged"] == []
    assert (colours["tokens"] > 0) == (visit.code_blocks > 0)
    low = [(*pair, round(ratio, 2)) for pair in colours["pairs"] if (ratio := contrast(*pair[:2])) < 4.5]
    assert low == []


@pytest.mark.parametrize("lang_name", PAGES, ids=ids)
def test_tables_wrapped_at_build_look_as_material_draws_them(visits, site, lang_name):
    visit = visits(*lang_name)
    lang, name = lang_name
    built = html_of(site, DOCS / lang / name).count('<table class="prewrapped">')
    for media in ("screen", "print"):
        assert visit.tables[media] == {"tables": built, "differences": []}, media


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", REFERENCE_PAGES)
def test_line_numbers_of_the_source_listings_are_readable(visits, lang, name):
    colours = visits(lang, name).line_number_colours
    assert colours is not None, "the API page shows no numbered source listing"
    foreground, background = colours
    assert "rgba" not in foreground + background, colours  # opaque, so the ratio below is the real one
    assert contrast(foreground, background) >= 4.5, colours


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_japanese_headings_never_leave_one_character_on_a_line(visits, name):
    assert visits("ja", name).lonely == {width: [] for width, _ in DEVICES.values()}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_missing_address_gets_the_404_page_in_its_language(browsed, lang):
    visit = _result(browsed["not_found"][lang])
    assert visit.html_lang == lang
    assert ("ページが見つかりません" if lang == "ja" else "Page not found") in visit.text
    assert urlsplit(visit.switch_href).path == site_path(lang, "index.md")
    assert visit.console_errors == [] and visit.failed == [] and visit.foreign == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_home_page_stays_within_its_byte_budget(browsed, lang):
    loaded = browsed["bytes"][lang]
    print(f"{lang} home page: {loaded:,} bytes on the wire")
    assert 0 < loaded <= BUDGETS["home_page_bytes"][lang], f"{loaded:,} bytes"


def missing_pages(found: dict[str, set[str]], expected: dict[str, set[str]], lang: str) -> dict:
    return {
        query: sorted(names) for query, names in expected.items()
        if not {site_path(lang, name) for name in names} <= found.get(query, set())
    }


@pytest.mark.parametrize("lang", LANGUAGES)
def test_search_finds_every_title_and_heading(browsed, lang):
    found = _result(browsed["asked"][lang])
    assert missing_pages(found, search_queries(lang), lang) == {}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_search_finds_what_readers_type(browsed, lang):
    found = _result(browsed["typed"][lang])
    expected = {query: names for search_lang, query, names in SEARCHES if search_lang == lang}
    assert missing_pages(found, expected, lang) == {}
    # Each language searches its own pages only.
    everything = set().union(*found.values())
    assert all(path.startswith(PREFIX + "en/") == (lang == "en") for path in everything), sorted(everything)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", SCREENSHOT_PAGES)
def test_screenshots_for_review(visits, lang, name):
    visits(lang, name)
    for device in DEVICES:
        path = SCREENSHOTS / f"{lang}-{Path(name).stem}-{device}.png"
        assert path.stat().st_size > 10_000, path


def _expected_stepper_state(mode: str, step: int) -> dict:
    run = STEPPER_RECORD[mode]
    cells = lambda grid: {f"{i},{j}": v for i, row in enumerate(grid) for j, v in enumerate(row)}
    if step == 0:
        return {"call": "0", "index": "", "sign": "", "loss": "", "w": cells(run["start"]),
                "copy": cells(run["start"]) if mode == "copy" else None,
                "grad": cells([["" for _ in row] for row in run["start"]])}
    if step == STEPPER_CALLS + 1:  # numerical_gradient has returned
        end = run["end"]
        return {"call": str(STEPPER_CALLS), "index": "", "sign": "", "loss": "", "w": cells(end["w"]),
                "copy": cells(end["copy"]) if mode == "copy" else None, "grad": cells(end["grad"])}
    s = run["steps"][step - 1]
    return {"call": str(step), "index": ",".join(map(str, s["index"])), "sign": s["sign"], "loss": s["loss"],
            "w": cells(s["w"]), "copy": cells(s["copy"]) if mode == "copy" else None, "grad": cells(s["grad"])}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("mode", ["same", "copy"])
@pytest.mark.parametrize("method", ["mouse", "keyboard"])
def test_the_stepper_shows_each_call_as_recorded(browsed, lang, mode, method):
    found = _result(browsed["stepper"][lang])
    seen = found["states"][(mode, method)]
    assert len(seen) == STEPPER_CALLS + 2
    for step, state in enumerate(seen):
        expected = _expected_stepper_state(mode, step)
        expected["call"] += STEPPER_LABELS[lang]["of"]  # "3／12", "3 of 12"
        assert {k: state[k] for k in expected} == expected, f"step {step}"
        assert state["pressed"] == ("true" if mode == "copy" else "false")
        assert state["status"].strip(), f"step {step}: nothing announced"
    result = STEPPER_RECORD[mode]["result"]
    assert seen[-1]["grad"] == {f"{i},{j}": v for i, row in enumerate(result) for j, v in enumerate(row)}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_stepper_plays_pauses_fits_a_phone_and_passes_axe(browsed, lang):
    found = _result(browsed["stepper"][lang])
    paused, later = found["played"]
    assert paused == later, "it went on after Pause"
    assert int(paused) >= 2
    assert found["phone"]["overflow"] == 0, "the page scrolls sideways at 390 px"
    assert found["violations"] == [], "\n".join(found["violations"])
    assert found["visit"].console_errors == [] and found["visit"].failed == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_without_javascript_the_stepper_shows_its_table(browsed, lang):
    shown = _result(browsed["no_js"][lang])
    assert shown == {"rows": [STEPPER_CALLS, STEPPER_CALLS], "table": True, "controls": False}
