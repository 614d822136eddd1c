"""The doc-test harness itself, fed small pages: it must fail when the docs are wrong."""

import textwrap
from pathlib import Path

import pytest

from tests.doc_harness import audit_page, parse_page

ROOT = Path(__file__).resolve().parents[1]
FENCE = "```"


def page(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n").replace("'''", FENCE)


@pytest.fixture
def run_page(pytester):
    pytester.syspathinsert(ROOT)
    pytester.makeconftest('pytest_plugins = ["tests.doc_harness"]')

    def run(text: str):
        pytester.makefile(".md", page=page(text))
        return pytester.runpytest(
            "--markdown-docs", "--markdown-docs-syntax=superfences",
            "-p", "no:cacheprovider", "-p", "no:hypothesispytest",
        )

    return run


def test_matching_output_passes(run_page):
    result = run_page("""
        '''python
        print(100 + 7)
        '''

        '''output
        107
        '''
    """)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["doc blocks run with output checked: 1/1 passed*"])


def test_wrong_output_fails_with_a_diff_naming_file_and_line(run_page):
    result = run_page("""
        Some text.

        '''python
        print(100 + 7)
        print("same")
        '''

        '''output
        108
        same
        '''
    """)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*page.md:3: printed output differs from the output block at line 8",
        "-108",
        "+107",
        " same",
    ])


def test_a_raising_block_fails_with_its_traceback(run_page):
    result = run_page("""
        '''python
        x = 1
        raise ValueError("broken example")
        '''
    """)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*page.md*line 3*", "*ValueError: broken example*"])


def test_printing_without_an_output_block_fails(run_page):
    result = run_page("""
        '''python
        print("hidden from the reader")
        '''

        Text, then the next block.

        '''output
        hidden from the reader
        '''
    """)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*page.md:1: the block printed output, but no ```output block follows it*"])


def test_a_silent_block_needs_no_output_block(run_page):
    run_page("""
        '''python
        x = 2 + 2
        assert x == 4
        '''
    """).assert_outcomes(passed=1)


@pytest.mark.parametrize("opener", ['!!! note "Note"', "??? tip", "???+ tip", '=== "Tab"', '===+ "Tab"'])
def test_blocks_indented_in_admonitions_and_tabs_are_run_and_checked(run_page, opener):
    result = run_page(f"""
        {opener}

            '''python
            print("inside")
            '''

            '''output
            outside
            '''

        After.
    """)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["-outside", "+inside"])


def test_nested_containers_are_run(run_page):
    run_page("""
        === "One"

            !!! note

                '''python
                print(1)
                '''

                '''output
                1
                '''

        === "Two"

            '''python
            print(2)
            '''

            '''output
            2
            '''
    """).assert_outcomes(passed=2)


def test_continuation_compares_only_its_own_output(run_page):
    result = run_page("""
        '''python
        total = 100
        print("first")
        '''

        '''output
        first
        '''

        '''python continuation
        total += 7
        print(total)
        '''

        '''output
        107
        '''

        '''{.python continuation}
        print(total + 1)
        '''

        '''output
        108
        '''
    """)
    result.assert_outcomes(passed=3)


def test_continuation_does_not_hide_a_wrong_output(run_page):
    result = run_page("""
        '''python
        print("first")
        '''

        '''output
        first
        '''

        '''python continuation
        print("second")
        '''

        '''output
        first
        second
        '''
    """)
    result.assert_outcomes(passed=1, failed=1)


def test_blocks_in_other_languages_are_not_run(run_page):
    run_page("""
        '''text
        print("not python")
        '''

        '''bash
        exit 1
        '''
    """).assert_outcomes()


def audit(text: str) -> list[str]:
    return audit_page(Path("page.md"), page(text))


def test_audit_accepts_a_clean_page():
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

        ''''markdown
        '''python
        shown as an example, never run
        '''
        ''''
    """) == []


def test_audit_rejects_notest_without_a_reason():
    assert audit("""
        '''python notest
        import this_needs_a_gpu
        '''
    """) == ["page.md:1: notest without a reason: put <!-- notest: why --> on the line above"]


def test_audit_accepts_notest_with_a_reason():
    assert audit("""
        <!-- notest: needs the MNIST download -->
        '''python notest
        import this_needs_a_gpu
        '''
    """) == []


def test_audit_rejects_python_fences_the_collector_misses():
    problems = audit("""
        A paragraph:

            '''python
            print("an indented code block, not a fence")
            '''
    """)
    assert problems == ["page.md:3: python block is not collected, so it never runs"]


def test_audit_rejects_python_like_fences_and_orphan_output():
    assert audit("""
        '''pycon
        >>> 1 + 1
        2
        '''

        '''output
        2
        '''
    """) == [
        "page.md:1: ```pycon blocks are never run; use ```python",
        "page.md:6: output block does not follow a python block",
    ]


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
    first, second = parsed.python_blocks
    assert (first.line, first.expected_output, first.output_line) == (1, "1\n", 5)
    assert second.expected_output is None
