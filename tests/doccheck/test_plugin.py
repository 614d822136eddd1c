"""The pytest plugin end to end, on small pages: items, messages, isolation, the audit item.

The rules themselves are proved faster, without a pytest run each, in test_audit.py,
test_kernel.py and test_compare.py.
"""

import pytest
import tomllib

from tests.doccheck.pages import POLLUTER, VICTIM, page

# A pytest run (and its kernels) each: part of `make test`. `make check` proves the rules
# faster, on the kernel and the audit directly, and runs the real pages through the plugin.
pytestmark = pytest.mark.slow

READER_INI = "doccheck_preload = numpy lambda_puzzle"  # the reader's packages, as the real docs have them
ALL = "script seed notebook"


@pytest.fixture
def run_pages(pytester):
    """Write pages (name -> text), run pytest on them in the given order, return the result."""
    pytester.makeconftest('pytest_plugins = ["doccheck.plugin"]')

    def run(pages: dict[str, str], *args: str, ini: str = "", readings: str = "script"):
        # The rules of the reader need every reading; the other rules need one, and each
        # reading costs a kernel to start.
        pytester.makeini(f"[pytest]\ndoccheck_readings = {readings}\n{ini}\n")
        for name, text in pages.items():
            pytester.path.joinpath(name).write_text(page(text), "utf-8")  # page() leaves finished pages alone
        return pytester.runpytest(*pages, "-p", "no:cacheprovider", "-p", "no:hypothesispytest", *args)

    return run


@pytest.fixture
def run_page(run_pages):
    return lambda text, *args, **kw: run_pages({"page.md": text}, *args, **kw)


# --- Output is compared exactly ----------------------------------------------------


def test_matching_output_passes(run_page):
    result = run_page("""
        '''python
        print(100 + 7)
        '''

        '''output
        107
        '''
    """)
    result.assert_outcomes(passed=2)  # the audit and the block
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
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "page.md:3: printed output differs from the output block at page.md:8",
        "-108",
        "+107",
        " same",
    ])


def test_printing_without_an_output_block_fails(run_page):
    result = run_page("""
        '''python
        print("hidden from the reader")
        '''

        Text, then the next block.

        '''python
        pass
        '''
    """)
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["page.md:1: the block printed output, but no ```output block follows it.*"])


def test_a_silent_block_needs_no_output_block(run_page):
    run_page("""
        '''python
        x = 2 + 2
        assert x == 4
        '''
    """).assert_outcomes(passed=2)


# --- Rule 1: a page runs like a fresh notebook -------------------------------------


@pytest.mark.parametrize("order", [("polluter.md", "victim.md"), ("victim.md", "polluter.md")])
def test_no_page_sees_what_another_page_changed(run_pages, order):
    texts = {"polluter.md": POLLUTER, "victim.md": VICTIM}
    # Preloaded in the clean parent, as the real docs have it: each page still gets its own copy.
    run_pages({name: texts[name] for name in order}, ini=READER_INI, readings=ALL).assert_outcomes(passed=4)


def test_pages_in_random_order_give_the_same_result(run_pages):
    # Each page leaves a mark on the interpreter, and fails if it finds another's.
    marker = """
        '''python
        import builtins
        print(hasattr(builtins, "mark"))
        builtins.mark = True
        '''

        '''output
        False
        '''
    """
    pages = {f"p{i}.md": marker for i in range(5)}
    for seed in (1, 2, 3):
        result = run_pages(pages, "--doccheck-shuffle", str(seed))
        result.assert_outcomes(passed=10)
        result.stdout.fnmatch_lines([f"doccheck: pages in random order, seed {seed}"])


# --- Rule 3: nothing renders as code without being run, or refused with a reason ---


def test_a_block_in_a_content_tab_is_run_and_checked(run_page):
    # test_audit.py proves that every kind of container is parsed; this one runs.
    result = run_page("""
        === "Tab"

            '''python
            print("inside")
            '''

            '''output
            outside
            '''

        After.
    """)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["-outside", "+inside"])


def test_the_audit_runs_when_one_page_is_tested_alone(run_pages):
    bad = "'''Python\nprint(1)\n'''\n"
    good = "'''python\nx = 1\n'''\n"
    result = run_pages({"good.md": good, "bad.md": bad})
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["FAILED bad.md::audit*"])


def test_markdown_docs_own_runner_never_runs_a_block(run_page):
    # With --markdown-docs, pytest-markdown-docs would also collect the page and run
    # the block without any output check: only doccheck's items may exist.
    result = run_page("""
        '''python
        print(1)
        '''

        '''output
        1
        '''
    """, "--markdown-docs", "--markdown-docs-syntax=superfences", "--collect-only", "-q")
    result.stdout.fnmatch_lines(["page.md::audit", "page.md::line1", "2 tests collected*"])


# --- Rule 5: failures read well ------------------------------------------------------


def test_a_raising_block_fails_with_its_traceback_and_what_it_printed(run_page):
    result = run_page("""
        '''python
        print("before")
        raise ValueError("broken example")
        '''
    """)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "page.md:1: the block raised an exception",
        '  File "page.md", line 3, in <module>',
        '    raise ValueError("broken example")',
        "ValueError: broken example",
        "It printed before that:",
        "before",
    ])


def test_a_page_that_hangs_is_stopped(run_page):
    result = run_page("""
        '''python
        import time
        time.sleep(60)
        '''

        '''python
        print("after")
        '''
    """, ini="doccheck_timeout = 0.2")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines([
        "page.md:1: stopped: the page ran for more than 0.2 s and this block had not finished",
        "page.md:6: not run: the page ran for more than 0.2 s before this block",
    ])


# --- The reader: the plugin's messages (the rules themselves: test_kernel.py) -----


def test_output_that_depends_on_the_hash_seed_fails_and_says_why(run_page):
    from doccheck import Kernel, parse_page

    code = 'print(list({"alpha", "beta", "gamma", "delta", "epsilon", "zeta"}))'
    kernel = Kernel([])  # what the checked seed prints: the page shows exactly that
    try:
        parsed = parse_page(f"```python\n{code}\n```\n")
        (first,) = kernel.run_page("page.md", parsed.runnable_blocks, parsed.text)
    finally:
        kernel.close()
    result = run_page(f"""
        '''python
        {code}
        '''

        '''output
        {first.output.strip()}
        '''
    """, readings="script seed")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["page.md:1: the output depends on the hash seed or the time zone: under another "
                                 "hash seed and time zone*sort it before printing*"])


def test_a_local_date_fails_even_where_new_york_and_tokyo_agree_with_utc(run_page):
    # 05:30 UTC on 24 September 2016: the same date in UTC, Tokyo and New York, the day before
    # in UTC-11. UTC+14 and UTC-11 are 25 hours apart, so one of them differs at any instant.
    from datetime import datetime, timezone

    instant = 1_474_695_000

    utc_date = datetime.fromtimestamp(instant, timezone.utc).date()
    result = run_page(f"""
        '''python
        from datetime import datetime
        print(datetime.fromtimestamp({instant}).date())
        '''

        '''output
        {utc_date}
        '''
    """, readings=ALL)
    # The audit passes; the block fails: under UTC+14 (the seed reading) or UTC-11 (the notebook).
    result.assert_outcomes(passed=1, failed=1)
    assert "time zone" in result.stdout.str() or "in the page's notebook" in result.stdout.str()


def test_sorted_output_passes_under_every_seed(run_page):
    run_page("""
        '''python
        print(sorted({"alpha", "beta", "gamma", "delta"}))
        '''

        '''output
        ['alpha', 'beta', 'delta', 'gamma']
        '''
    """, readings=ALL).assert_outcomes(passed=2)


def test_a_page_may_import_only_what_a_reader_has(run_page):
    result = run_page("""
        '''python
        import hypothesis
        '''
    """, ini=READER_INI)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "ModuleNotFoundError: No module named 'hypothesis'",
        "A reader's Python has the standard library and numpy, lambda_puzzle: a page may import nothing else "
        "(doccheck_preload).",
    ])


def test_a_bare_last_expression_is_what_jupyter_shows_too(run_page):
    result = run_page("""
        '''python
        sorted({3, 1, 2})
        '''
    """, readings="script notebook")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["page.md:1: in the page's notebook (*) Jupyter also shows the value of the "
                                 "block's last line, ?1, 2, 3?, which no output block shows*"])


def test_a_block_that_raises_only_in_the_notebook_says_so(run_page):
    result = run_page("""
        '''python
        sum = 0
        print(sum)
        '''

        '''output
        0
        '''

        '''python
        print(sum([1, 2]))
        '''

        '''output
        3
        '''
    """, readings="script notebook")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["page.md:10: in the page's notebook (*) the block raises, so a reader of the "
                                 "notebook sees an error:", "*TypeError: 'int' object is not callable"])


def test_a_thread_left_running_fails_the_last_block(run_page):
    result = run_page("""
        '''python
        import threading
        threading.Timer(0.2, print, ["late"]).start()
        '''
    """)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["page.md:1: the page left 1 thread(s) running after its last block (Thread-*"])


@pytest.mark.parametrize("suffix", [".markdown", ".mdown", ".mkdn", ".mkd"])
def test_a_page_with_another_markdown_extension_is_refused(pytester, suffix):
    pytester.makeconftest('pytest_plugins = ["doccheck.plugin"]')
    pytester.makeini("[pytest]\ndoccheck_readings = script\n")
    pytester.path.joinpath(f"page{suffix}").write_text("```python\nraise SystemExit('never run')\n```\n", "utf-8")
    result = pytester.runpytest(f"page{suffix}", "-p", "no:cacheprovider", "-p", "no:hypothesispytest")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([f"page{suffix}: MkDocs publishes {suffix} files as pages, but doccheck reads .md "
                                 "pages only, so its blocks would never run: rename it to page.md"])


def test_a_name_from_an_earlier_block_points_to_continuation(run_page):
    result = run_page("""
        '''python
        total = 100 + 7
        '''

        '''python
        print(total)
        '''

        '''output
        107
        '''
    """)
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines([
        "*NameError: name 'total' is not defined*",
        "'total' is defined by the block at line 1, but each block starts a fresh python*```python continuation.",
    ])


def test_pages_in_build_and_dist_folders_are_run_as_mkdocs_publishes_them(pytester):
    from tests.paths import ROOT

    options = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["pytest"]["ini_options"]
    pytester.makeconftest('pytest_plugins = ["doccheck.plugin"]')
    pytester.makeini("[pytest]\ndoccheck_readings = script\nnorecursedirs = "
                     + " ".join(options["norecursedirs"]) + "\n")
    for folder in ("build", "dist", ".hidden"):
        pytester.mkdir(folder)
        pytester.path.joinpath(folder, "p.md").write_text("```python\nprint(1)\n```\n\n```output\n2\n```\n", "utf-8")
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:hypothesispytest")
    result.assert_outcomes(passed=2, failed=2)  # each page's audit passes, its block fails; .hidden is skipped
    result.stdout.fnmatch_lines(["*build/p.md:1*", "*dist/p.md:1*"])
