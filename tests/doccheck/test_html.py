"""Rule 4 on small pages: the built HTML shows exactly the blocks that ran."""

from pathlib import Path

import pytest

from doccheck import parse_page, rendered_code_blocks, rendered_mismatch
from tests.doccheck.pages import page

PAGE = parse_page(page("""
    '''python
    print(1)
    '''

    '''output
    1
    '''

    '''python continuation
    x = 2
    '''
"""), Path("p.md"))


def code(lang: str, text: str) -> str:
    return (
        f'<div class="language-{lang} highlight"><pre><span></span><code>'
        f'<span class="n">{text}</span>\n</code></pre></div>'
    )


def article(*blocks: str) -> str:
    return "<html><body><article>" + "".join(blocks) + "</article></body></html>"


def test_blocks_are_read_with_their_language_and_text():
    html = article(code("python", "print(1)"), "<p>Text</p>", code("output", "1"), "<pre><code>plain</code></pre>")
    assert rendered_code_blocks(html) == [("python", "print(1)\n"), ("output", "1\n"), (None, "plain")]


def test_blocks_outside_the_article_and_inside_mkdocstrings_are_left_out():
    html = (
        code("python", "in the header")
        + "<article>"
        + '<div class="doc doc-contents"><div>'
        + code("python", "a docstring example")
        + "</div></div>"
        + code("python", "print(1)")
        + "</article>"
    )
    assert rendered_code_blocks(html) == [("python", "print(1)\n")]


def test_the_same_blocks_pass():
    html = article(code("python", "print(1)"), code("output", "1"), code("python", "x = 2"))
    assert rendered_mismatch(PAGE, html) == []


def test_a_block_rendered_as_text_is_missing():
    html = article(code("python", "print(1)"), code("output", "1"), "<p>```python continuation x = 2 ```</p>")
    assert rendered_mismatch(PAGE, html) == ["p.md:9: python block is not shown as code on the site"]


def test_a_python_block_that_never_ran_is_extra():
    html = article(
        code("python", "print(1)"), code("output", "1"), code("python", "x = 2"), code("Python", "import os")
    )
    assert rendered_mismatch(PAGE, html) == ["the site shows a python block that was never run: 'import os'"]


def test_other_code_and_other_output_are_found():
    html = article(code("python", "print(2)"), code("output", "2"), code("python", "x = 2"))
    assert rendered_mismatch(PAGE, html) == [
        "p.md:1: the site shows other code here: 'print(2)'",
        "p.md:5: the site shows other output here: '2\\n'",
    ]


def test_a_missing_output_block_is_found():
    html = article(code("python", "print(1)"), code("python", "x = 2"))
    assert rendered_mismatch(PAGE, html) == ["p.md: the site shows 0 output blocks, the page has 1"]


def _as_the_site_renders(text: str) -> str:
    import markdown

    md = markdown.Markdown(
        extensions=["attr_list", "pymdownx.highlight", "pymdownx.superfences"],
        extension_configs={"pymdownx.superfences": {"relaxed_headers": True},
                           "pymdownx.highlight": {"pygments_lang_class": True}},
    )
    return "<article>" + md.convert(text) + "</article>"


@pytest.mark.parametrize("text", [
    '```python\nprint("a")\nprint()\n```\n\n```output\na\n\n```\n',  # ends with a blank line
    '```python\nprint("a")\nprint("   ")\nprint("b")\n```\n\n```output\na\n   \nb\n```\n',  # a line of spaces
    '````python\nprint("```python")\nprint("```")\n````\n\n````output\n```python\n```\n````\n',  # a printed fence
])
def test_output_the_site_renders_as_a_reader_sees_it_is_not_a_false_red(text):
    assert rendered_mismatch(parse_page(text, "p.md", collect=False), _as_the_site_renders(text)) == []


def test_output_that_really_differs_on_the_site_is_still_caught():
    text = '```python\nprint("a")\n```\n\n```output\na\n```\n'
    html = _as_the_site_renders(text).replace(">a<", ">b<")
    problems = rendered_mismatch(parse_page(text, "p.md", collect=False), html)
    assert problems == ["p.md:5: the site shows other output here: 'b\\n'"]
