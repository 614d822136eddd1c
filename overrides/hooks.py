"""MkDocs hooks: what the site needs beyond Material and mkdocs-static-i18n.

* One search index per language. mkdocs-static-i18n merges the pages of every
  language into one index, so an English reader searching "lambda" got Japanese
  pages too. Once every language is built, the index is split into
  /search/search_index.json and /<lang>/search/search_index.json, and the pages of
  each other language are pointed at their own index through Material's `base`.
* Material's search worker, with lunr's ambiguous TokenSet node names made
  unambiguous (LUNR_NODE_NAME below): without it, some queries find nothing.
* The 404 page in the reader's language. Each language's build writes the root
  404.html, and the last one wins; GitHub Pages serves only that root file. The
  root becomes the default language's page, with a script that swaps in
  /<lang>/404.html for a missing address under /<lang>/.
* A sitemap beside every page. Material fetches `sitemap.xml` next to every
  `<link rel="alternate">` of a page (to map pages across languages), and the
  alternates point at the page's translations, so each page folder gets a copy
  of the sitemap, with `x-default` added.
* For the templates (overrides/main.html): each page's hreflang alternates, its
  share card and the name of its notebook.
* A Jupyter notebook of every page, written beside it (doccheck.notebook), and the
  wheel of lambda_puzzle that each notebook's first cell and the home page's pip
  command install, at the site's root: `make build` and `make serve` alike. uv builds
  it from the sdist, as a reader's pip would; the wheel of each state of the package's
  sources is kept in a per-user folder under the temporary directory, so the rebuilds
  of `mkdocs serve` copy it instead of building it again.
* Content tables wrapped in Material's scroll container at build time. Material's
  script wraps every table without a class (`table:not([class])`) when the page
  loads, and restyles the article to do it: a long task on a slow phone. A wrapped
  table carries the class `prewrapped`, which the script leaves alone and
  docs/assets/extra.css styles as Material styles a bare table.
* mkdocstrings' stylesheet only where it styles something. mkdocstrings adds
  assets/_mkdocstrings.css to every page, and all its rules need a class of its own
  output (`doc`, `doc-*`, `mkdocstrings-*`): the pages without any drop the link, one
  render-blocking request fewer (on a simulated phone, the first paint came a round
  trip sooner: 1,050 ms against 1,200 ms).
* Compiled templates kept between builds. Compiling Material's and mkdocstrings'
  Jinja templates was a third of every build; Jinja's bytecode cache (in its own
  per-user folder under the temporary directory) keeps the compiled code, keyed by
  each template's source, so an edited template is compiled again.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
from html import escape
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

from jinja2 import FileSystemBytecodeCache
from mkdocs.plugins import event_priority

# doccheck, the repository's doc checker, reads the pages for the notebooks. It is not
# in the wheel that readers install, so the build finds it in src/ as pytest does.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from doccheck import parse_page
from doccheck.notebook import page_to_notebook

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stepper

ROOT = Path(__file__).resolve().parents[1]
CONFIG_SCRIPT = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)
CARD = "assets/cards/{lang}.png"  # 1200 x 630, made by overrides/share_cards.py
LOCALES = {"ja": "ja_JP", "en": "en_US"}
SETUP = {
    "ja": "# このページが使う lambda_puzzle パッケージを、入っていなければインストールします。",
    "en": "# Install lambda_puzzle, the package this page runs, unless it is there already.",
}
BARE_TABLE = re.compile(r"<table>(.*?)</table>", re.S)  # as Python-Markdown's tables extension writes one
PREWRAPPED_TABLE = (
    '<div class="md-typeset__scrollwrap"><div class="md-typeset__table">'
    '<table class="prewrapped">{}</table></div></div>'
)
MKDOCSTRINGS_CSS = re.compile(r'<link rel="stylesheet" href="[^"]*assets/_mkdocstrings\.css">\s*')
CLASS_ATTRIBUTE = re.compile(r'\bclass="([^"]*)"')
TEMPLATE_CACHE = FileSystemBytecodeCache()
STEPPER_CSS = " ".join(re.sub(r"/\*.*?\*/", "", stepper.STYLE, flags=re.S).split())  # on one line
_not_found: dict[str, str] = {}  # language -> its 404 page, captured before the next build overwrites it


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _languages(config) -> tuple[str, list[str]]:
    i18n = config.plugins["i18n"]
    default = i18n.default_language
    return default, [lang.locale for lang in i18n.config.languages if lang.locale != default]


def _language_of(url: str, config) -> tuple[str, str]:
    """(language, the URL without its language folder) of a page URL such as "en/faq/"."""
    default, others = _languages(config)
    for lang in others:
        if url.startswith(f"{lang}/"):
            return lang, url[len(lang) + 1 :]
    return default, url


def _url_in(lang: str, path: str, config) -> str:
    default, _ = _languages(config)
    return urljoin(config.site_url, path if lang == default else f"{lang}/{path}")


def _rebase(html: str, lang: str) -> str:
    """Point Material's search at /<lang>/search/search_index.json."""

    def rebase(match: re.Match) -> str:
        settings = json.loads(match[2])
        settings["base"] = posixpath.join(settings["base"], lang, "")
        return match[1] + _json(settings) + match[3]

    return CONFIG_SCRIPT.sub(rebase, html, count=1)


def on_pre_build(config) -> None:
    config.plugins["mkdocstrings"].get_handler("python").env.bytecode_cache = TEMPLATE_CACHE


def on_env(env, config, files):
    env.bytecode_cache = TEMPLATE_CACHE
    return env


def on_page_markdown(markdown: str, page, config, files) -> str:
    lang, path = _language_of(page.url, config)
    default, others = _languages(config)
    page.meta["alternates"] = [
        {"hreflang": code, "href": _url_in(code, path, config)} for code in (default, *others)
    ] + [{"hreflang": "x-default", "href": _url_in(default, path, config)}]
    page.meta["locale"] = LOCALES[lang]
    page.meta["locale_alternates"] = [LOCALES[code] for code in (default, *others) if code != lang]
    page.meta["card"] = urljoin(config.site_url, CARD.format(lang=lang))
    page.meta["home"] = path == ""  # the home page of its language

    # faq.ja.ipynb and faq.en.ipynb: a reader who downloads both keeps both.
    name = f"{Path(page.file.src_uri).stem}.{lang}.ipynb"
    page.meta["notebook"] = name
    wheel = urljoin(config.site_url, _wheel_name())
    markdown = markdown.replace("WHEEL_URL", wheel)  # the "Run it yourself" install line
    setup = (
        f"{SETUP[lang]}\nimport importlib.util\nimport subprocess\nimport sys\n\n"
        'if importlib.util.find_spec("lambda_puzzle") is None:\n'
        f'    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "{wheel}"], check=True)\n'
        "del importlib, subprocess, sys  # the page's own cells start with none of these names\n"
    )
    notebook = page_to_notebook(
        parse_page(markdown, page.file.src_uri, collect=False), config.site_url, _url_in(lang, "", config), setup
    )
    out = Path(config.site_dir) / posixpath.dirname(page.file.dest_uri) / name
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(notebook, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return markdown


SOURCE_LINKS = {
    "ja": '<p class="md-source-links">このページのソース：<a href="{edit}">{path} を編集</a>・'
          '<a href="{report}">間違いを報告</a></p>',
    "en": '<p class="md-source-links">This page\'s source: <a href="{edit}">edit {path}</a> · '
          '<a href="{report}">report a mistake</a></p>',
}
NOTEBOOK_LINK = {
    "ja": "このページのコードを Jupyter ノートブック形式でダウンロード",
    "en": "Download this page as a Jupyter notebook",
}


def on_page_content(html: str, page, config, files) -> str:
    html = BARE_TABLE.sub(lambda match: PREWRAPPED_TABLE.format(match[1]), html)
    # The notebook link right under the page's title, where a reader who wants to run
    # the page looks first.
    lang, _ = _language_of(page.url, config)
    link = (f'<p class="md-notebook"><a href="{page.meta["notebook"]}" download>'
            f"{NOTEBOOK_LINK[lang]}</a></p>")
    html = re.sub(r"(</h1>)", lambda m: m[1] + link, html, count=1)
    repo = config.extra.get("repo_url", "").rstrip("/")
    if repo:  # every page links to its own source, to edit it or to report a mistake in it
        source = Path(page.file.abs_src_path).resolve().relative_to(Path(config.config_file_path).resolve().parent)
        path = source.as_posix()
        report = f"{repo}/issues/new?" + urlencode({"title": f"{path}: ", "body": page.canonical_url or ""})
        html += SOURCE_LINKS[lang].format(edit=f"{repo}/edit/main/{path}", report=escape(report), path=path)
    if stepper.SLOT in html:
        html = html.replace(stepper.SLOT, stepper.render(lang, _stepper_run()))
        page.meta["stepper"] = True
    return html


@functools.cache
def _stepper_run() -> dict:
    return stepper.record()  # one real run of lambda_puzzle per build, for every page that shows it


def _with_stepper_assets(html: str, page) -> str:
    """The stepper's stylesheet inline, its script deferred, and the class that swaps the
    no-JavaScript table for the controls before the first paint: on its pages only."""
    script = posixpath.relpath("assets/stepper.js", page.url or ".")
    head = (f"<style>{STEPPER_CSS}</style>"
            '<script>document.documentElement.classList.add("js-stepper")</script>'
            f'<script defer src="{script}"></script>')
    return html.replace("</head>", head + "</head>", 1)


def on_post_page(output: str, page, config) -> str:
    output = _mkdocstrings_css_where_needed(output)
    if page.meta.get("stepper"):
        output = _with_stepper_assets(output, page)
    lang, _ = _language_of(page.url, config)
    return output if lang == _languages(config)[0] else _rebase(output, lang)


def _mkdocstrings_css_where_needed(html: str) -> str:
    """The page with its first link to _mkdocstrings.css if it needs one, and no other.
    Each language's build adds the stylesheet again: English pages had two links."""
    first = MKDOCSTRINGS_CSS.search(html)
    if first is None:
        return html
    kept = first.end() if _uses_mkdocstrings_classes(html) else first.start()
    return html[:kept] + MKDOCSTRINGS_CSS.sub("", html[first.end():])


def _uses_mkdocstrings_classes(html: str) -> bool:
    """Whether an element of the page has a class that _mkdocstrings.css styles."""
    return any(
        name == "doc" or name.startswith(("doc-", "mkdocstrings"))
        for classes in CLASS_ATTRIBUTE.findall(html)
        for name in classes.split()
    )


def on_post_template(output: str, template_name: str, config) -> str:
    if template_name == "404.html":
        _not_found[config.theme["language"]] = output
    return output


@event_priority(-200)  # after mkdocs-static-i18n (-100) has built and merged every language
def on_post_build(config) -> None:
    if config.plugins["i18n"].building:
        return  # an inner build of one language; the merged results come at the end
    site = Path(config.site_dir)
    default, others = _languages(config)
    _split_search_index(site, default, others)
    _fix_search_worker(site)
    _write_not_found_pages(site, default, others, config)
    _write_sitemaps(site, default)
    _put_wheel(site)


def _wheel_name() -> str:
    return f"lambda_puzzle-{version('lambda-puzzle')}-py3-none-any.whl"


# What the wheel is made of: a change to any of these makes a new one.
WHEEL_SOURCES = ("pyproject.toml", "README.md", "src/lambda_puzzle")


def _put_wheel(site: Path) -> None:
    """The wheel the pages install, at the site's root."""
    digest = hashlib.sha256()
    for name in WHEEL_SOURCES:
        top = ROOT / name
        files = [top] if top.is_file() else sorted(
            file for file in top.rglob("*") if file.is_file() and "__pycache__" not in file.parts)
        for file in files:
            digest.update(file.relative_to(ROOT).as_posix().encode() + b"\0" + file.read_bytes() + b"\0")
    cache = Path(tempfile.gettempdir()) / f"lambda-puzzle-wheels-{os.getuid()}" / digest.hexdigest()[:32]
    wheel = cache / _wheel_name()
    if not wheel.exists():
        pinned = ROOT / ".uv" / "bin" / "uv"  # the Makefile's
        uv = os.environ.get("LAMBDA_PUZZLE_UV") or (str(pinned) if pinned.exists() else shutil.which("uv"))
        if uv is None:
            raise RuntimeError("hooks.py: building the site's wheel needs uv, and there is none: "
                               "`make serve` and `make build` install it into .uv/")
        cache.parent.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix="building-", dir=cache.parent))
        try:
            # From the sdist, as pip would: never from a stale build/ folder of the tree.
            done = subprocess.run([uv, "build", "--quiet", "--out-dir", str(building), str(ROOT)],
                                  capture_output=True, text=True, check=False)
            built = building / wheel.name
            if done.returncode != 0 or not built.exists():
                raise RuntimeError(f"hooks.py: uv could not build {wheel.name}:\n{done.stderr}")
            cache.mkdir(parents=True, exist_ok=True)
            os.replace(built, wheel)  # whole or not at all, for a build that runs beside this one
        finally:
            shutil.rmtree(building, ignore_errors=True)
    shutil.copyfile(wheel, site / wheel.name)


# lunr 2.3.9, inside Material's search worker, names a TokenSet node by its edges as
# label + child id with nothing between them, so a node with edges 1->2 and 3->4 and
# one with the single edge 1->234 are both "01234". Minimising the set merges such
# nodes, the set then spells words the index does not hold, and a query that expands
# to one (Material adds a trailing wildcard to every term) throws "Cannot read
# properties of undefined (reading '_index')" in the worker: the search box finds
# nothing. Which queries break depends on the words of every page (digits in labels:
# W1, 4.5.1, 12回): "params" on the English site, 11 Japanese headings another time.
# Quoting each label makes the names unambiguous.
LUNR_NODE_NAME = "e=e+s+o.id}return e},t.TokenSet.prototype.intersect"
LUNR_NODE_NAME_FIXED = "e=e+JSON.stringify(s)+o.id}return e},t.TokenSet.prototype.intersect"


def _fix_search_worker(site: Path) -> None:
    workers = sorted((site / "assets" / "javascripts" / "workers").glob("search.*.min.js"))
    if len(workers) != 1:
        raise RuntimeError(f"hooks.py: expected one Material search worker, found {[w.name for w in workers]}")
    code = workers[0].read_text("utf-8")
    if LUNR_NODE_NAME_FIXED in code:
        return  # mkdocs serve rebuilds into the same folder
    if code.count(LUNR_NODE_NAME) != 1:
        raise RuntimeError(f"hooks.py: {workers[0].name} no longer holds lunr's TokenSet.toString as it was "
                           "patched: after a Material upgrade, check whether lunr still names nodes ambiguously "
                           "and renew or drop LUNR_NODE_NAME")
    workers[0].write_text(code.replace(LUNR_NODE_NAME, LUNR_NODE_NAME_FIXED), "utf-8")


def _split_search_index(site: Path, default: str, others: list[str]) -> None:
    merged = json.loads((site / "search" / "search_index.json").read_text("utf-8"))
    docs = merged["docs"]
    for lang in others:
        prefix = f"{lang}/"
        mine = [{**d, "location": d["location"][len(prefix):]} for d in docs if d["location"].startswith(prefix)]
        index = {**merged, "config": {**merged["config"], "lang": [lang]}, "docs": mine}
        (site / lang / "search").mkdir(parents=True, exist_ok=True)
        (site / lang / "search" / "search_index.json").write_text(_json(index), "utf-8")
    own = [d for d in docs if not d["location"].startswith(tuple(f"{lang}/" for lang in others))]
    (site / "search" / "search_index.json").write_text(_json({**merged, "docs": own}), "utf-8")


def _write_not_found_pages(site: Path, default: str, others: list[str], config) -> None:
    base = urlsplit(config.site_url).path or "/"
    for lang in others:
        (site / lang / "404.html").write_text(_rebase(_not_found[lang], lang), "utf-8")
    # A missing address under /<lang>/ gets that language's page, at the same address.
    switch = (
        "<script>(function () {"
        f"var base = {_json(base)}, langs = {_json(others)};"
        "for (var i = 0; i < langs.length; i++) {"
        "var prefix = base + langs[i] + '/';"
        "if (location.pathname.indexOf(prefix) !== 0) continue;"
        "document.documentElement.style.visibility = 'hidden';"
        "fetch(prefix + '404.html').then(function (r) { if (!r.ok) throw r; return r.text(); })"
        ".then(function (html) { document.open(); document.write(html); document.close(); })"
        ".catch(function () { document.documentElement.style.visibility = ''; });"
        "return; }"
        "})();</script>"
    )
    page = _not_found[default]
    (site / "404.html").write_text(page.replace("<head>", "<head>" + switch, 1), "utf-8")


def _write_sitemaps(site: Path, default: str) -> None:
    sitemap = (site / "sitemap.xml").read_text("utf-8")

    def add_default(match: re.Match) -> str:
        href = re.search(rf'hreflang="{default}" href="([^"]+)"', match[0])[1]
        link = f'<xhtml:link rel="alternate" hreflang="x-default" href="{href}"/>'
        return match[0].replace("</url>", f"    {link}\n    </url>")

    sitemap = re.sub(r"<url>.*?</url>", add_default, sitemap, flags=re.S)
    (site / "sitemap.xml").write_text(sitemap, "utf-8")
    (site / "sitemap.xml.gz").unlink(missing_ok=True)  # it would disagree with the new sitemap
    for index in site.rglob("index.html"):
        if index.parent != site:
            (index.parent / "sitemap.xml").write_text(sitemap, "utf-8")
