"""Read the code blocks back from a built HTML page, to compare them with what ran."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from doccheck.page import OUTPUT_LANG, Page, is_python_like

_LANG_CLASS = re.compile(r"^language-(?P<lang>[\w+-]+)$")


class _CodeBlocks(HTMLParser):
    """Collects (lang, code) for every highlighted block of the <article>.

    Blocks inside mkdocstrings' output (class ``doc``) are left out: they are the
    API reference's docstrings and sources, not the page's own fences.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str | None, str]] = []
        self._divs: list[tuple[bool, str | None]] = []  # (inside mkdocstrings, language of a highlight div)
        self._in_article = 0
        self._lang: str | None = None
        self._pending: str | None = None  # language of the highlight div whose <code> comes next
        self._code: list[str] | None = None
        self._after_pre = False  # the last start tag was <pre>

    @property
    def _in_doc(self) -> bool:
        return bool(self._divs) and self._divs[-1][0]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "article":
            self._in_article += 1
        elif tag == "div":
            lang = next((m["lang"] for c in classes if (m := _LANG_CLASS.match(c))), None)
            highlight = "highlight" in classes
            self._divs.append((self._in_doc or "doc" in classes, lang if highlight else None))
            if highlight and self._in_article and not self._in_doc:
                self._pending = lang or "text"
        elif tag == "code" and self._in_article and not self._in_doc and self._code is None:
            if self._pending is not None:
                self._lang, self._pending = self._pending, None
                self._code = []
            elif self._after_pre:
                self._lang, self._code = None, []  # an indented code block: no language
        self._after_pre = tag == "pre"

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self._in_article -= 1
        elif tag == "div" and self._divs:
            self._divs.pop()
        elif tag == "code" and self._code is not None:
            self.blocks.append((self._lang, "".join(self._code)))
            self._code = None

    def handle_data(self, data: str) -> None:
        if self._code is not None:
            self._code.append(data)


def rendered_code_blocks(html: str) -> list[tuple[str | None, str]]:
    """(language, code) of every code block in a page's <article>, in order.

    The language is the fence's as Pygments' class names it (``language-python``),
    or None for a block that was not highlighted.
    """
    parser = _CodeBlocks()
    parser.feed(html)
    parser.close()
    return parser.blocks


def rendered_mismatch(page: Page, html: str) -> list[str]:
    """Where the built HTML of `page` does not show exactly the python blocks it has.

    Every block the site highlights as Python must be a block of the page that ran
    or was refused with a written reason, in the same order and with the same code;
    every output block must be shown as written. A fence that the site renders as a
    paragraph, or one the checker never saw, shows up here.
    """
    rendered = rendered_code_blocks(html)
    problems = []
    shown = [code.rstrip("\n") for lang, code in rendered if is_python_like(lang)]
    checked = [b for b in page.python_blocks if b.runs or b.book or (b.notest and b.notest_reason)]
    expected = [b.code.rstrip("\n") for b in checked]
    for i in range(max(len(shown), len(expected))):
        if i >= len(shown):
            problems.append(f"{page.path}:{checked[i].line}: python block is not shown as code on the site")
            break
        if i >= len(expected):
            problems.append(f"the site shows a python block that was never run: {shown[i][:80]!r}")
            break
        if shown[i] != expected[i]:
            problems.append(
                f"{page.path}:{checked[i].line}: the site shows other code here: {shown[i][:80]!r}"
            )
            break
    outputs = [code for lang, code in rendered if lang == OUTPUT_LANG]
    paired = [b for b in page.python_blocks if b.expected_output is not None]
    if len(outputs) != len(paired):
        problems.append(f"{page.path}: the site shows {len(outputs)} output blocks, the page has {len(paired)}")
    else:
        for shown_output, block in zip(outputs, paired, strict=True):
            if _as_a_reader_sees_it(shown_output) != _as_a_reader_sees_it(block.expected_output or ""):
                where = f"{page.path}:{block.output_line}"
                problems.append(f"{where}: the site shows other output here: {shown_output[:80]!r}")
                break
    return problems


def _as_a_reader_sees_it(output: str) -> str:
    """Output as a reader can tell it apart on the page: Pygments drops an output's
    trailing blank lines and empties a line of spaces alone, and neither shows anyway.
    (The doc check compares what the block prints with the output block exactly.)"""
    return "\n".join("" if not line.strip() else line for line in output.split("\n")).rstrip("\n")
