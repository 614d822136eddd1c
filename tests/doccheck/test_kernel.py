"""The kernel on small pages: isolation, notebook semantics, terminal output, failures."""

import subprocess
import sys

import pytest

from doccheck import HASH_SEED, Kernel, parse_page
from tests.doccheck.pages import POLLUTER, VICTIM, page


@pytest.fixture(scope="module")
def kernel():
    kernel = Kernel(["numpy"])  # preloaded, as the real docs have it
    yield kernel
    kernel.close()


def run(kernel: Kernel, text: str, name: str = "page.md"):
    parsed = parse_page(page(text), name)
    return kernel.run_page(name, parsed.runnable_blocks, parsed.text)


def outputs(results) -> list[str]:
    assert all(r.ok for r in results), results
    return [r.output for r in results]


def test_blocks_run_as_main(kernel):
    assert outputs(run(kernel, """
        '''python
        print(__name__)
        if __name__ == "__main__":
            print("run as a script")
        '''
    """)) == ["__main__\nrun as a script\n"]


def test_each_block_runs_once_and_only_a_continuation_keeps_the_namespace(kernel):
    assert outputs(run(kernel, """
        '''python
        import builtins
        builtins.runs = getattr(builtins, "runs", 0) + 1
        total = 100
        print(runs)
        '''

        '''python continuation
        total += 7
        print(runs, total)
        '''

        '''{.python continuation}
        print(runs, total + 1)
        '''

        '''python
        print(runs, "total" in globals())
        '''
    """)) == ["1\n", "1 107\n", "1 108\n", "1 False\n"]


def test_no_page_sees_what_another_page_changed(kernel):
    clean = parse_page(VICTIM).runnable_blocks[0].expected_output
    assert outputs(run(kernel, VICTIM, "victim.md")) == [clean]
    assert outputs(run(kernel, POLLUTER)) == ["[0.33]\n"]
    assert outputs(run(kernel, VICTIM, "victim.md")) == [clean]


def test_stdout_stderr_logging_and_subprocesses_interleave_as_on_a_terminal(kernel):
    assert outputs(run(kernel, """
        '''python
        import logging, subprocess, sys
        print("one")
        print("two", file=sys.stderr)
        logging.warning("three")
        subprocess.run([sys.executable, "-c", "print('four')"], check=True)
        sys.stdout.write("five")
        print()
        '''
    """)) == ["one\ntwo\nWARNING:root:three\nfour\nfive\n"]


def test_the_hash_seed_is_fixed(kernel):
    code = "print(hash('lambda'), list({'b', 'a', 'c', 'd'}))"
    expected = subprocess.run(
        [sys.executable, "-c", code], env={"PYTHONHASHSEED": HASH_SEED}, capture_output=True, text=True, check=True,
    ).stdout
    text = f"'''python\n{code}\n'''\n"
    assert [outputs(run(kernel, text)) for _ in range(2)] == [[expected], [expected]]


def test_a_raising_block_reports_its_traceback_with_the_page_line(kernel):
    first, after, fresh = run(kernel, """
        '''python
        print("before")
        x = 1 / 0
        '''

        '''python continuation
        print(x)
        '''

        '''python
        print("a fresh block still runs")
        '''
    """)
    assert first.output == "before\n"
    assert first.error.splitlines()[-3:] == [
        '  File "page.md", line 3, in <module>',
        "    x = 1 / 0",
        "ZeroDivisionError: division by zero",
    ] or first.error.endswith("ZeroDivisionError: division by zero\n")
    assert 'File "page.md", line 3' in first.error
    assert after.not_run == "not run: it continues the block at line 1, which raised"
    assert fresh.ok and fresh.output == "a fresh block still runs\n"


def test_a_page_whose_process_dies_says_where(kernel):
    dies, later = run(kernel, """
        '''python
        import os
        os._exit(3)
        '''

        '''python
        print("never")
        '''
    """)
    assert dies.not_run == "the page's process ended (exit status 3) while this block ran"
    assert later.not_run == "not run: the page's process ended in the block at line 1"
    # The next page still runs.
    assert outputs(run(kernel, "'''python\nprint(1)\n'''\n")) == ["1\n"]


def test_a_page_that_hangs_is_stopped():
    kernel = Kernel(timeout=0.2)
    try:
        (hangs,) = run(kernel, "'''python\nimport time\ntime.sleep(60)\n'''\n")
    finally:
        kernel.close()
    assert hangs.not_run == "stopped: the page ran for more than 0.2 s and this block had not finished"
