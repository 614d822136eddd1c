"""The audit on small pages: every way a block could render as code without being checked."""

from pathlib import Path

import pytest

from doccheck import audit_page, parse_page
from tests.doccheck.pages import page


def audit(text: str) -> list[str]:
    return audit_page(parse_page(page(text), Path("page.md")))


def test_a_clean_page_passes():
    assert audit("""
        '''python
        print(1)
        '''

        '''output
        1
        '''

        !!! note

            '''python
            pass
            '''

        <!-- notest: needs the MNIST download -->
        '''python notest
        load_mnist()
        '''

        ~~~markdown
        '''python
        shown as an example of Markdown, never run
        '''
        ~~~

        A shell session, introduced by a sentence:

        '''console
        $ make test
        '''
    """) == []


OTHER_SPELLINGS = ["Python", "PY", "py", "python3", "py3", "sage", "pycon", "numpy", "python2", "ipython"]


@pytest.mark.parametrize("tag", OTHER_SPELLINGS)
def test_other_spellings_of_python_are_refused(tag):
    assert audit(f"""
        '''{tag}
        print("never run")
        '''
    """) == [f"page.md:1: ```{tag} renders as Python but never runs: write ```python"]


def test_the_superfences_header_is_read_too():
    assert audit("""
        '''{.Python}
        print("never run")
        '''
    """) == ["page.md:1: ```Python renders as Python but never runs: write ```python"]


@pytest.mark.parametrize("option", ["runner:other", "retry:3", "fixture:tmp_path", "hl_lines=2", "whatever"])
def test_unsupported_fence_options_are_refused(option):
    assert audit(f"""
        '''python {option}
        print(1)
        '''

        '''output
        1
        '''
    """) == [f"page.md:1: unsupported fence option {option}: only continuation, notest are allowed"]


@pytest.mark.parametrize("lang", ["text", "plain", "console", "", "pytb", "shell-session"])
def test_a_fence_that_could_pass_for_output_is_refused(lang):
    shown = f"```{lang}" if lang else "a fence with no language"
    assert audit(f"""
        '''python
        x = 1
        '''

        '''{lang}
        1
        '''
    """) == [f"page.md:5: {shown} right after a python block looks like its output but is never checked: use ```output"]


def test_a_python_fence_inside_html_is_refused():
    assert audit("""
        <div markdown>
        '''python
        print("the site shows this, but CommonMark sees HTML")
        '''
        </div>
    """) == ["page.md:2: python block is not collected, so it never runs (is it inside HTML or an indented block?)"]


def test_an_indented_python_fence_is_refused():
    assert audit("""
        A paragraph:

            '''python
            print("an indented code block, not a fence")
            '''
    """) == ["page.md:3: python block is not collected, so it never runs (is it inside HTML or an indented block?)"]


def test_notest_needs_a_reason_and_no_output_block():
    assert audit("""
        '''python notest
        import this_needs_a_gpu
        '''

        <!-- notest: needs the MNIST download -->
        '''python notest
        print(load_mnist())
        '''

        '''output
        60000
        '''
    """) == [
        "page.md:1: notest without a reason: put <!-- notest: why --> on the line above",
        "page.md:10: output block after a notest block: nothing checks it",
    ]


def test_orphan_output_and_a_continuation_with_nothing_to_continue_are_refused():
    assert audit("""
        '''python continuation
        x = 1
        '''

        Text.

        '''output
        1
        '''

        '''python
        y = 2
        '''

        '''output
        2
        '''

        '''output
        2
        '''
    """) == [
        "page.md:1: continuation, but no python block runs before it on this page",
        "page.md:7: output block does not follow a python block",
        "page.md:19: output block does not follow a python block",
    ]


@pytest.mark.parametrize("opener", ['!!! note "Note"', "??? tip", "???+ tip", '=== "Tab"', '===+ "Tab"', '===! "Tab"'])
def test_blocks_in_every_container_are_collected_with_their_output(opener):
    parsed = parse_page(page(f"""
        {opener}

            '''python
            print("inside")
            '''

            '''output
            inside
            '''
    """))
    (block,) = parsed.runnable_blocks
    assert (block.line, block.code, block.expected_output) == (3, 'print("inside")\n', "inside\n")
    assert audit_page(parsed) == []


def test_parse_page_pairs_python_blocks_with_their_output():
    parsed = parse_page(page("""
        '''python
        print(1)
        '''

        '''output
        1
        '''

        '''python
        pass
        '''
    """))
    first, second = parsed.runnable_blocks
    assert (first.line, first.expected_output, first.output_line) == (1, "1\n", 5)
    assert second.expected_output is None
