"""`pytest --doccheck-update`: output blocks written from what the blocks print."""

from pathlib import Path

import pytest

from doccheck import Kernel, parse_page
from doccheck.update import twins_differ, updated
from tests.doccheck.pages import page


@pytest.fixture(scope="module")
def kernel():
    kernel = Kernel([])
    yield kernel
    kernel.close()


def update(kernel, text: str):
    parsed = parse_page(page(text), Path("page.md"))
    return updated(parsed, kernel.run_page(parsed.path, parsed.runnable_blocks, parsed.text))


def test_a_wrong_output_is_replaced_a_missing_one_added_a_stale_one_removed(kernel):
    result = update(kernel, """
        '''python
        print(107)
        '''

        '''output
        108
        '''

        '''python
        print("added")
        '''

        Text.

        '''python
        x = 1
        '''

        '''output
        stale
        '''

        !!! note

            '''python
            print("in a note")
            '''
    """)
    assert result.refused is None
    assert result.text == page("""
        '''python
        print(107)
        '''

        '''output
        107
        '''

        '''python
        print("added")
        '''

        '''output
        added
        '''

        Text.

        '''python
        x = 1
        '''

        !!! note

            '''python
            print("in a note")
            '''

            '''output
            in a note
            '''
    """)
    assert result.changes == [
        "page.md:5: output block replaced",
        "page.md:9: output block added after the block",
        "page.md:19: output block removed",
        "page.md:25: output block added after the block",
    ]


def test_a_right_page_is_left_byte_for_byte(kernel):
    text = page("""
        '''python
        print("same")
        '''

        '''output
        same
        '''
    """)
    result = update(kernel, text)
    assert (result.text, result.changes) == (text, [])


def test_a_page_whose_block_raises_is_not_updated(kernel):
    result = update(kernel, "'''python\nprint('before')\n1 / 0\n'''\n")
    assert result.refused == "page.md:1: not updated: the block ZeroDivisionError: division by zero"


def test_twins_must_run_the_same_code_comments_aside():
    ja = parse_page(page("'''python\nprint(1)  # 日本語のコメント\n'''\n"), Path("ja/p.md"))
    en = parse_page(page("'''python\nprint(1)  # an English comment\n'''\n"), Path("en/p.md"))
    other = parse_page(page("'''python\nprint(2)\n'''\n"), Path("en/p.md"))
    assert twins_differ(ja, en) is None
    assert twins_differ(ja, other) == "ja/p.md:1 and en/p.md:1 run different code"


def test_the_option_updates_both_languages_and_says_what_it_did(pytester):
    pytester.makeconftest('pytest_plugins = ["doccheck.plugin"]')
    pytester.makeini("[pytest]\ndoccheck_twins = ja en\ndoccheck_readings = script\n")
    for lang, comment in (("ja", "# 表示する"), ("en", "# print it")):
        pytester.mkdir(lang)
        pytester.path.joinpath(lang, "p.md").write_text(f"```python\nprint(6 * 7)  {comment}\n```\n", "utf-8")
    result = pytester.runpytest("ja/p.md", "--doccheck-update", "-p", "no:cacheprovider", "-p", "no:hypothesispytest")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["ja/p.md:1: output block added after the block",
                                 "en/p.md:1: output block added after the block",
                                 "doccheck update: 2 pages, 2 blocks run: 2 output block added",
                                 "*= 2 pages updated in *"])
    assert "no tests ran" not in result.stdout.str()
    assert pytester.path.joinpath("en", "p.md").read_text("utf-8").endswith("```\n\n```output\n42\n```\n")
    pytester.path.joinpath("en", "p.md").write_text("```python\nprint(6 * 9)\n```\n", "utf-8")
    refused = pytester.runpytest("ja/p.md", "--doccheck-update", "-p", "no:cacheprovider", "-p", "no:hypothesispytest")
    assert refused.ret == 1
    refused.stdout.fnmatch_lines(["not updated: ja/p.md:1 and en/p.md:1 run different code; twins must run the same "
                                  "code, comments aside", "*= 2 pages not updated in *"])


def test_prose_that_still_quotes_a_replaced_value_is_named(kernel):
    text = page("""
        # 107 が 108 になる { #contrast }

        The loss goes from 107 to 108, and 1080 is another number.

        '''python
        print(107)
        print(109)
        '''

        '''output
        107
        108
        '''
    """)
    parsed = parse_page(text, "p.md")
    update = updated(parsed, kernel.run_page(parsed.path, parsed.runnable_blocks, text))
    assert update.changes == ["p.md:10: output block replaced"]
    assert update.stale == ["p.md:1: still quotes 108, which the output block at line 10 no longer prints",
                            "p.md:3: still quotes 108, which the output block at line 10 no longer prints"]


def test_output_that_holds_a_fence_gets_a_longer_fence_and_then_passes(kernel):
    code = "'''python\nprint('```python')\nprint('x = 1')\nprint('```')\n'''\n"
    printed = "```python\nx = 1\n```\n"
    added = update(kernel, code)
    assert added.text == page(code) + "\n````output\n" + printed + "````\n"
    assert update(kernel, code + "\n'''output\nold\n'''\n").text == added.text  # replaced: the fences too
    again = parse_page(added.text, Path("page.md"))
    (result,) = kernel.run_page(again.path, again.runnable_blocks, again.text)
    assert again.runnable_blocks[0].expected_output == result.output == printed
