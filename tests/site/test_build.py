"""The built site: `mkdocs build --strict`, then checks on the HTML a reader gets."""

import json
import re
import subprocess
import sys

import pytest

from doccheck import parse_page, rendered_mismatch
from doccheck.audit import audit_page
from tests.paths import DOCS, MKDOCS_ENV, ROOT, alternates, front_matter, html_of, page_of
from tests.site.conftest import build_warnings


def article(html: str) -> str:
    return html[html.index("<article") : html.index("</article>")]


SOURCES = sorted(DOCS.rglob("*.md"))


def test_the_site_builds_strictly(site_build):
    """The one test that fails, with each warning once, when the strict build does not pass;
    every other test that needs the site then skips."""
    _, output, returncode = site_build
    warnings = build_warnings(output)
    if warnings:
        pytest.fail(f"mkdocs build --strict failed with {len(warnings)} warning(s):\n" + "\n".join(warnings),
                    pytrace=False)
    if returncode != 0:
        pytest.fail(f"mkdocs build --strict failed:\n{output[-3000:]}", pytrace=False)


def test_both_languages_are_built_with_their_lang_attribute(site):
    assert '<html lang="ja"' in (site / "index.html").read_text("utf-8")
    assert '<html lang="en"' in (site / "en" / "index.html").read_text("utf-8")


@pytest.mark.parametrize("page", SOURCES, ids=lambda p: str(p.relative_to(DOCS)))
def test_the_site_shows_exactly_the_blocks_that_ran(request, site, page):
    parsed = parse_page(page.read_text("utf-8"), page.relative_to(ROOT))
    if audit_page(parsed, request.config.getini("doccheck_languages")):
        # A fence the audit refuses (```pyhton) shows as code that never ran: one cause, one failure.
        pytest.skip(f"{page.relative_to(ROOT)}::audit refuses the page")
    # A fence header Material cannot read renders as a paragraph that swallows
    # the text after it, and --strict does not notice.
    html = html_of(site, page)
    assert "```" not in article(html)
    assert rendered_mismatch(parsed, html) == []


RESOURCE = re.compile(
    r'<(?:script|img|iframe|source|audio|video)\b[^>]*\bsrc="(?P<src>[^"]+)"'
    r'|<link\b(?=[^>]*\brel="(?:stylesheet|preload|modulepreload|icon|manifest|prefetch)")[^>]*\bhref="(?P<href>[^"]+)"'
)


def test_no_third_party_requests_in_the_html(site):
    # Links a reader may follow are fine; anything the page itself loads must be local.
    offenders, resources = {}, 0
    for html_file in site.rglob("*.html"):
        html = html_file.read_text("utf-8")
        found = [m["src"] or m["href"] for m in RESOURCE.finditer(html)]
        resources += len(found)
        found = [url for url in found if re.match(r"(https?:)?//", url)]
        found += re.findall(r"fonts\.(?:googleapis|gstatic)\.com|unpkg\.com|jsdelivr\.net|cdnjs", html)
        if found:
            offenders[str(html_file.relative_to(site))] = found
    assert resources > 100  # the pattern does find the pages' scripts and styles
    assert offenders == {}


@pytest.mark.parametrize("lang", ["", "en/"])
def test_api_reference_is_rendered_from_docstrings(site, lang):
    html = (site / lang / "api" / "index.html").read_text("utf-8")
    for anchor in (
        "gradient.numerical_gradient",
        "two_layer_net.TwoLayerNet.numerical_gradient",
        "two_layer_net.TwoLayerNet.gradient",
        "addition_net.AdditionNet.loss_W",
        "functions.cross_entropy_error",
    ):
        assert f'id="lambda_puzzle.{anchor}"' in html
    assert "is changed while" in html  # a phrase of numerical_gradient's docstring


@pytest.mark.parametrize("lang", ["", "en/"])
def test_the_addition_network_page_shows_107_then_108(site, lang):
    body = article((site / lang / "addition-network" / "index.html").read_text("utf-8"))
    outputs = re.findall(r'<div class="language-output highlight"><pre>.*?</pre></div>', body, re.S)
    text = [re.sub(r"<[^>]+>", "", o).split() for o in outputs]
    assert ["107"] in text and ["108"] in text
    assert text.index(["108"]) > text.index(["107"])


@pytest.mark.parametrize("lang", ["", "en/"])
def test_the_names_diagram_is_served_with_the_page(site, lang):
    html = (site / lang / "why-it-works" / "index.html").read_text("utf-8")
    src = re.search(r'<img[^>]+src="([^"]+names-and-objects\.svg)"', html)[1]
    assert (site / lang / "why-it-works" / src).resolve().is_file()


def test_each_language_has_its_own_search_index(site):
    ja = json.loads((site / "search" / "search_index.json").read_text("utf-8"))
    en = json.loads((site / "en" / "search" / "search_index.json").read_text("utf-8"))
    assert ja["docs"] and en["docs"]
    assert not any(d["location"].startswith("en/") for d in ja["docs"])
    assert {d["title"] for d in en["docs"]} >= {"The addition network", "Why it works"}
    assert "足し算ネットワーク" not in {d["title"] for d in en["docs"]}
    assert en["config"]["lang"] == ["en"]
    # English pages look for their index under /en/.
    assert '"base":"../../en/"' in (site / "en" / "faq" / "index.html").read_text("utf-8")


@pytest.mark.slow
def test_a_fence_the_site_renders_as_text_is_caught(tmp_path):
    # Without relaxed_headers, superfences renders ```python continuation as a
    # paragraph: mkdocs --strict is green, and only the comparison notices.
    (tmp_path / "docs").mkdir()
    text = "# Page\n\n```python\nx = 1\n```\n\n```python continuation\nprint(x)\n```\n\n```output\n1\n```\n"
    (tmp_path / "docs" / "index.md").write_text(text, "utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\ntheme:\n  name: material\n  font: false\n"
        "markdown_extensions:\n  - pymdownx.highlight:\n      pygments_lang_class: true\n  - pymdownx.superfences\n",
        "utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(tmp_path / "mkdocs.yml")],
        env=MKDOCS_ENV, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site" / "index.html").read_text("utf-8")
    assert rendered_mismatch(parse_page(text, "index.md"), html) == [
        "index.md:7: python block is not shown as code on the site",
        "index.md: the site shows 0 output blocks, the page has 1",
    ]


# --- What search engines and link previews read ------------------------------------

def head_of(html: str) -> str:
    return html[: html.index("</head>")]


def meta(html: str, key: str) -> list[str]:
    return re.findall(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', head_of(html))


@pytest.mark.parametrize("page", SOURCES, ids=lambda p: str(p.relative_to(DOCS)))
def test_hreflang_alternates_are_absolute_for_both_languages_and_x_default(site, site_url, page):
    lang = page.relative_to(DOCS).parts[0]
    links = dict(re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)">', head_of(html_of(site, page))))
    assert links == alternates(site_url, page.name), lang
    # Material fetches a sitemap.xml beside every alternate: each one is there.
    for href in links.values():
        assert (site / href.removeprefix(site_url) / "sitemap.xml").is_file(), href


@pytest.mark.parametrize("page", SOURCES, ids=lambda p: str(p.relative_to(DOCS)))
def test_every_page_has_its_own_share_card(site, site_url, page):
    lang = page.relative_to(DOCS).parts[0]
    html = html_of(site, page)
    description = front_matter(page.read_text("utf-8"))[0]["description"]
    title = re.search(r"<title>(.*?)</title>", html)[1]
    canonical = re.search(r'<link rel="canonical" href="([^"]+)">', html)[1]
    assert meta(html, "description") == [description]
    assert meta(html, "og:description") == meta(html, "twitter:description") == [description]
    assert meta(html, "og:title")[0] in title
    assert meta(html, "og:url") == [canonical] and canonical.startswith(site_url)
    assert meta(html, "og:locale") == [{"ja": "ja_JP", "en": "en_US"}[lang]]
    assert meta(html, "og:locale:alternate") == [{"ja": "en_US", "en": "ja_JP"}[lang]]
    assert meta(html, "og:type") == ["website" if page.name == "index.md" else "article"]
    assert meta(html, "og:image") == meta(html, "twitter:image") == [f"{site_url}assets/cards/{lang}.png"]
    assert meta(html, "twitter:card") == ["summary_large_image"]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_share_cards_are_1200_by_630(site, lang):
    png = (site / "assets" / "cards" / f"{lang}.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert (int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")) == (1200, 630)


def test_the_sitemap_names_x_default_for_every_page(site, site_url):
    sitemap = (site / "sitemap.xml").read_text("utf-8")
    urls = re.findall(r"<url>.*?</url>", sitemap, re.S)
    assert len(urls) == len(SOURCES)
    assert all('hreflang="x-default"' in url for url in urls)


def test_the_404_pages_are_in_their_languages(site):
    root = (site / "404.html").read_text("utf-8")
    english = (site / "en" / "404.html").read_text("utf-8")
    assert '<html lang="ja"' in root and "ページが見つかりません" in root
    assert '<html lang="en"' in english and "Page not found" in english
    # The root page, which Pages serves for every missing address, switches to English under /en/.
    assert "fetch(prefix + '404.html')" in root and '["en"]' in root


@pytest.mark.parametrize("page", SOURCES, ids=lambda p: str(p.relative_to(DOCS)))
def test_scripts_never_hold_up_the_first_paint(site, page):
    # Material's bundle and a11y.js are deferred (overrides/main.html); the only
    # scripts that run before the paint are Material's small inline ones.
    external = re.findall(r"<script\b[^>]*\bsrc=[^>]*>", html_of(site, page))
    assert any("bundle." in tag for tag in external) and any("a11y.js" in tag for tag in external)
    assert [tag for tag in external if " defer " not in tag] == []


def test_code_blocks_are_set_up_as_they_scroll_into_view(site):
    # Material's content.lazy: on a page of many blocks (the API page has 21), setting
    # them all up at load was most of a phone's blocking time (Lighthouse).
    config = re.search(r'<script id="__config" type="application/json">(.*?)</script>',
                       (site / "api" / "index.html").read_text("utf-8"), re.S)
    assert "content.lazy" in json.loads(config[1])["features"]


@pytest.mark.parametrize("page", SOURCES, ids=lambda p: str(p.relative_to(DOCS)))
def test_little_for_material_to_rework_at_load(site, page):
    # What Material's script rewrites at load, it must style and lay out again, in one
    # long task on a throttled phone (Lighthouse's blocking time):
    # * a colour switcher: the script restyles the whole page to read the header's
    #   colour for the theme-color meta. One palette, as a mapping, renders none, and
    #   the meta is in the HTML instead.
    # * content tables, each rewrapped in a scroll container: the reference's 19
    #   parameter tables cost 400-700 ms, the one table of code-path.md 40-100 ms.
    #   The reference's sections are lists, and the build wraps every other table
    #   itself, with a class that the script leaves alone (overrides/hooks.py).
    html = html_of(site, page)
    assert 'data-md-component="palette"' not in html
    assert re.findall(r'<meta name="theme-color" content="([^"]+)">', html) == ["#4051b5"]
    assert re.findall(r"<table(?![^>]*\bclass=)[^>]*>", article(html)) == []
    wrapped = '<div class="md-typeset__scrollwrap"><div class="md-typeset__table"><table class="prewrapped">'
    # The stepper's tables (overrides/stepper.py) carry classes of their own, which the
    # script leaves alone, and its stylesheet lays them out.
    own = article(html).count('<table class="stepper__')
    assert article(html).count("<table") - own == article(html).count(wrapped)
    # Every Markdown table of the page (a paragraph with a |---| row, in the page model) is wrapped.
    model = page_of(page.parent.name, page.name)
    tables = sum(bool(re.search(r"\n\|? *:?-{3,}", p.source)) for p in model.paragraphs)
    assert article(html).count(wrapped) == tables


# Classes of others (Material's, mkdocs-autorefs') that _mkdocstrings.css names, each
# only beside or inside a class of mkdocstrings' own.
OTHERS_CLASSES = {"md-typeset", "md-typeset__table", "admonition", "admonition-title", "headerlink", "last", "autorefs"}


@pytest.fixture(scope="module")
def mkdocstrings_classes(site) -> set[str]:
    """The classes _mkdocstrings.css styles (its selectors, without comments and url()s)."""
    css = (site / "assets" / "_mkdocstrings.css").read_text("utf-8")
    css = re.sub(r"url\([^)]*\)", "", re.sub(r"/\*.*?\*/", "", css, flags=re.S))
    return set(re.findall(r"\.([A-Za-z_][\w-]*)", css))


@pytest.fixture(scope="module")
def mkdocstrings_own_classes(mkdocstrings_classes) -> set[str]:
    return {name for name in mkdocstrings_classes if name == "doc" or name.startswith(("doc-", "mkdocstrings"))}


def test_every_rule_of_mkdocstrings_stylesheet_needs_a_class_of_its_own(mkdocstrings_classes, mkdocstrings_own_classes):
    # The hook (overrides/hooks.py) keeps the stylesheet only on pages with such a
    # class; if an upgrade adds a rule that needs none, this names it, and the hook
    # must be looked at again.
    others = mkdocstrings_classes - mkdocstrings_own_classes
    assert others <= OTHERS_CLASSES, others


@pytest.mark.parametrize("page", SOURCES, ids=lambda p: str(p.relative_to(DOCS)))
def test_mkdocstrings_stylesheet_only_where_it_styles_something(site, mkdocstrings_own_classes, page):
    # One render-blocking request fewer on every page without an API reference.
    html = html_of(site, page)
    used = {name for names in re.findall(r'\bclass="([^"]*)"', html) for name in names.split()}
    styled = bool(used & mkdocstrings_own_classes)
    assert html.count("assets/_mkdocstrings.css") == (1 if styled else 0)
    assert page_of(page.parent.name, page.name).front_matter.get("reference", False) == styled


@pytest.mark.parametrize("lang", ["", "en/"])
def test_the_footer_names_the_licence_without_a_repository(site, lang):
    html = (site / lang / "index.html").read_text("utf-8")
    footer = re.search(r'<div class="md-copyright__highlight">(.*?)</div>', html, re.S)[1]
    assert "MIT" in footer and "<a " not in footer  # no REPO_URL in the tests' main build: no repository link
    assert "md-source-links" not in html


# Material's search worker carries lunr 2.3.9, whose TokenSet names its nodes ambiguously;
# overrides/hooks.py quotes each label. Without that, queries such as 「数値微分」 or
# "params" found nothing, depending on the words of every page.
def test_the_search_worker_names_lunr_nodes_unambiguously(site):
    from overrides import hooks

    (worker,) = (site / "assets" / "javascripts" / "workers").glob("search.*.min.js")
    code = worker.read_text("utf-8")
    assert hooks.LUNR_NODE_NAME_FIXED in code and hooks.LUNR_NODE_NAME not in code


def test_the_worker_patch_fails_loudly_when_material_changes(tmp_path):
    from overrides import hooks

    folder = tmp_path / "assets" / "javascripts" / "workers"
    folder.mkdir(parents=True)
    worker = folder / "search.0.min.js"
    worker.write_text(f"a;{hooks.LUNR_NODE_NAME};b", "utf-8")
    hooks._fix_search_worker(tmp_path)
    hooks._fix_search_worker(tmp_path)  # again, as under mkdocs serve: left as it is
    assert worker.read_text("utf-8") == f"a;{hooks.LUNR_NODE_NAME_FIXED};b"
    worker.write_text("a newer worker", "utf-8")
    with pytest.raises(RuntimeError, match="no longer holds lunr's TokenSet.toString"):
        hooks._fix_search_worker(tmp_path)
