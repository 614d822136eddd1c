"""The kernel on small pages: isolation, notebook semantics, terminal output, failures."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from doccheck import HASH_SEED, Kernel, parse_page
from tests.doccheck.pages import POLLUTER, VICTIM, page


@pytest.fixture(scope="module")
def kernel():
    kernel = Kernel(["numpy", "lambda_puzzle"])  # preloaded, as the real docs have it: the reader's packages
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
        import builtins
        print(getattr(builtins, "runs", None), "total" in globals())
        '''
    """)) == ["1\n", "1 107\n", "1 108\n", "None False\n"]  # the last block: a fresh python of its own


def test_no_page_sees_what_another_page_changed(kernel):
    clean = parse_page(VICTIM).runnable_blocks[0].expected_output
    assert outputs(run(kernel, VICTIM, "victim.md")) == [clean]
    assert outputs(run(kernel, POLLUTER)) == ["[0.33]\n"]
    assert outputs(run(kernel, VICTIM, "victim.md")) == [clean]


def test_stdout_stderr_logging_and_subprocesses_interleave_as_on_a_terminal(kernel):
    assert outputs(run(kernel, """
        '''python
        import logging, os, subprocess, sys
        print("one")
        print("two", file=sys.stderr)
        logging.warning("three")
        subprocess.run([sys.executable, "-c", "print('four')"], check=True)
        os.write(1, b"five\\n")
        '''
    """)) == ["one\ntwo\nWARNING:root:three\nfour\nfive\n"]


def test_stdout_and_stderr_taking_turns_are_refused_with_what_a_terminal_shows(kernel):
    result = only(run(kernel, """
        '''python
        import sys
        print("epoch 1")
        print("careful", file=sys.stderr)
        print("epoch 2")
        '''
    """))
    assert result.output == "epoch 1\ncareful\nepoch 2\n"  # the terminal's order, for the message
    assert result.problem.startswith("it writes to stdout and stderr in turn (stdout, stderr, stdout): "
                                     "a terminal shows the lines as written, while Jupyter gathers")


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


def test_a_block_whose_process_dies_says_where(kernel):
    dies, later, fresh = run(kernel, """
        '''python
        import os
        os._exit(3)
        '''

        '''python continuation
        print("never")
        '''

        '''python
        print("a fresh python runs the next block")
        '''
    """)
    assert dies.not_run == "the block's process ended (exit status 3) while it ran"
    assert later.not_run == "not run: the process ended in the block at line 1, which this one continues"
    assert fresh.ok and fresh.output == "a fresh python runs the next block\n"
    # The next page still runs.
    assert outputs(run(kernel, "'''python\nprint(1)\n'''\n")) == ["1\n"]


def test_a_page_that_hangs_is_stopped():
    kernel = Kernel(timeout=0.2)
    try:
        (hangs,) = run(kernel, "'''python\nimport time\ntime.sleep(60)\n'''\n")
    finally:
        kernel.close()
    assert hangs.not_run == "stopped: the page ran for more than 0.2 s and this block had not finished"


# --- The reader (CONTRIBUTING.md): what a page shows is what its reader sees -------


@pytest.fixture(scope="module")
def notebook():
    kernel = Kernel(["numpy", "lambda_puzzle"], seed="2", reading="notebook")
    yield kernel
    kernel.close()


def only(results):
    (result,) = results
    return result


@pytest.mark.parametrize("module", ["hypothesis", "pytest", "doccheck", "doccheck.kernel"])
def test_a_page_may_import_only_what_a_reader_has(kernel, module):
    result = only(run(kernel, f"'''python\nimport {module}\n'''\n"))
    assert result.error.endswith(f"ModuleNotFoundError: No module named '{module.partition('.')[0]}'\n")


def test_a_reader_finds_what_a_page_writes_in_its_folder_and_not_what_it_lacks(kernel):
    assert outputs(run(kernel, """
        '''python
        with open("helpers.py", "w") as f:
            f.write("def double(x):\\n    return 2 * x\\n")
        '''

        '''python
        import importlib.util
        from helpers import double
        print(double(21), importlib.util.find_spec("matplotlib"), importlib.util.find_spec("hypothesis"))
        '''
    """)) == ["", "42 None None\n"]


def test_importing_a_module_of_the_pages_folder_writes_its_byte_code_as_python_does(kernel):
    assert outputs(run(kernel, """
        '''python
        with open("helper.py", "w") as f:
            f.write("VALUE = 1\\n")
        '''

        '''python
        import os
        import helper
        print(helper.VALUE, sorted(os.listdir()))
        '''
    """)) == ["", "1 ['__pycache__', 'helper.py']\n"]


def test_modules_the_kernel_loaded_are_not_there_for_the_page(kernel):
    result = only(run(kernel, "'''python\nimport urllib\nprint(urllib.parse.quote('a b'))\n'''\n"))
    assert result.error.endswith("AttributeError: module 'urllib' has no attribute 'parse'\n")


def test_the_standard_library_numpy_and_the_package_import(kernel):
    assert outputs(run(kernel, """
        '''python
        import fractions, json, numpy.linalg
        from lambda_puzzle import AdditionNet
        print(AdditionNet().loss(2, 5), fractions.Fraction(1, 3))
        '''
    """)) == ["107 1/3\n"]


def test_other_seeds_order_sets_differently(kernel):
    code = "'''python\nprint(list({'alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'}))\n'''\n"
    other = Kernel([], seed="1")
    try:
        assert outputs(run(kernel, code)) != outputs(run(other, code))
    finally:
        other.close()


def test_the_notebook_shares_one_namespace_and_shows_a_bare_last_value(notebook):
    first, second, silenced = run(notebook, """
        '''python
        total = 40
        total + 2
        '''

        '''python
        print(total)
        None
        '''

        '''python
        sorted([3, 1, 2]);
        '''
    """)
    assert (first.displayed, first.output) == ("42", "")
    assert (second.displayed, second.output) == (None, "40\n")
    assert silenced.displayed is None


def test_the_notebook_runs_inside_an_event_loop(notebook, kernel):
    code = "'''python\nimport asyncio\nasync def f():\n    return 1\nprint(asyncio.run(f()))\n'''\n"
    assert outputs(run(kernel, code)) == ["1\n"]
    assert "asyncio.run() cannot be called from a running event loop" in only(run(notebook, code)).error


def test_a_thread_or_a_child_process_left_running_is_a_problem_at_once(kernel):
    import time

    start = time.monotonic()
    result = only(run(kernel, """
        '''python
        import subprocess, sys, threading
        threading.Timer(5, print, ["late"]).start()
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
        '''
    """))
    assert time.monotonic() - start < 5
    assert "the page left 1 thread(s) running after its last block (Thread-" in result.problem
    assert "the page left 1 child process(es) running after its last block" in result.problem


def test_writing_to_dev_stdout_keeps_what_was_printed_before(kernel):
    assert outputs(run(kernel, """
        '''python
        import os
        print("one", flush=True)
        with open("/dev/stdout", "w") as out:
            out.write("two\\n")
        os.system("echo three")
        print("four")
        '''
    """)) == ["one\ntwo\nthree\nfour\n"]


@pytest.mark.parametrize(("raw", "shown", "problem"), [
    (b"50%\r100%\n", "100%\n", None),
    (b"a\r\nb\n", "a\nb\n", None),
    (b"100%\r50%\n", None, "it printed '50%' over '100%' with a carriage return"),
    (b"\x1b[31mred\x1b[0m\n", None, "it printed the control character '\\x1b' (ESC)"),
    (b"\x07\n", None, "it printed the control character '\\x07' (BEL)"),
    (b"caf\xe9\n", None, "it printed bytes that are not UTF-8 (b'\\xe9\\n' at byte 3)"),
    ("café\tκ\n".encode(), "café\tκ\n", None),
])
def test_output_is_shown_as_a_terminal_shows_it_or_refused(raw, shown, problem):
    from doccheck.terminal import as_shown

    text, why = as_shown(raw)
    if problem is None:
        assert (text, why) == (shown, None)
    else:
        assert why.startswith(problem)


def test_each_page_has_its_own_temporary_area_and_nothing_is_left(kernel):
    writer = """
        '''python
        import os, tempfile
        with open(os.path.join(tempfile.gettempdir(), "shared.txt"), "w") as f:
            f.write("from another page")
        print(os.listdir("."), os.listdir(tempfile.gettempdir()))
        '''
    """
    reader = "'''python\nimport os, tempfile\nprint(os.listdir(tempfile.gettempdir()), os.listdir('.'))\n'''\n"
    assert outputs(run(kernel, writer)) == ["[] ['shared.txt']\n"]
    assert outputs(run(kernel, reader)) == ["[] []\n"]
    # Only this kernel's own folder is looked at: other checker runs may be going on beside it.
    assert kernel.root.is_dir() and list(kernel.root.iterdir()) == []


def test_each_kernel_keeps_its_pages_in_a_folder_of_its_own_and_removes_it():
    one, other = Kernel([]), Kernel([])
    roots = (one.root, other.root)
    try:
        (where,) = outputs(run(one, "'''python\nimport os\nprint(os.getcwd(), 'DOCCHECK_ROOT' in os.environ)\n'''\n"))
        folder, seen = where.split()
        assert Path(folder).parent.parent == roots[0] and seen == "False"
        assert roots[0] != roots[1] and roots[0].parent == roots[1].parent
    finally:
        one.close()
        other.close()
    assert not any(root.exists() for root in roots)


def warned(results) -> list[str]:
    """The outputs of blocks that each showed a warning, which the checker refuses."""
    assert all(r.problem and r.problem.startswith("it shows a warning (") for r in results), results
    return [r.output for r in results]


def test_a_warning_is_refused_and_reads_the_same_wherever_the_block_stands(kernel):
    block = "'''python\nimport warnings\nwarnings.warn('careful')\n'''\n"
    assert warned(run(kernel, block)) == warned(run(kernel, "Some text.\n\nMore.\n\n" + block)) == [
        "<stdin>:2: UserWarning: careful\n"
    ]
    (result,) = run(kernel, block)
    assert "(UserWarning: careful): python prints it as <stdin>:LINE: ..., Jupyter names the cell's" in result.problem


def test_numpys_warnings_are_refused_and_those_a_page_catches_or_shows_itself_are_not(kernel):
    numpy, caught, own = run(kernel, """
        '''python
        import numpy as np
        print(np.exp(np.array([1000.0])))
        '''

        '''python
        import numpy as np, warnings
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            np.exp(np.array([1000.0]))
        print(caught[0].message)
        with np.errstate(over="ignore"):
            print(np.exp(np.array([1000.0])))
        '''

        '''python
        import warnings
        warnings.showwarning = lambda message, category, *rest: print(f"{category.__name__}: {message}")
        warnings.warn("careful")
        '''
    """)
    assert numpy.problem.startswith("it shows a warning (RuntimeWarning: overflow encountered in exp)")
    assert "np.errstate" in numpy.problem
    assert outputs([caught, own]) == ["overflow encountered in exp\n[inf]\n", "UserWarning: careful\n"]


# --- Holes a hostile reading found (the second pass on the reader) ------------------


def test_each_block_is_a_fresh_python_numpy_options_and_random_state_do_not_leak(kernel):
    first, second = run(kernel, """
        '''python
        import numpy as np, random
        np.set_printoptions(precision=2)
        random.seed(1)
        print(np.array([1 / 3]))
        '''

        '''python
        import numpy as np
        print(np.array([2 / 3]), np.get_printoptions()["precision"])
        '''
    """)
    assert (first.output, second.output) == ("[0.33]\n", "[0.66666667] 8\n")


def test_a_low_level_thread_and_a_shell_background_job_are_caught(kernel):
    result = only(run(kernel, """
        '''python
        import _thread, subprocess, time
        _thread.start_new_thread(time.sleep, (5,))
        subprocess.run("(sleep 30; echo late) &", shell=True)
        '''
    """))
    assert "thread(s) running after its last block" in result.problem
    assert "child process(es) running after its last block" in result.problem


@pytest.mark.parametrize(("code", "said"), [
    ("import atexit\natexit.register(print, 'bye')", "as the block's python exits it prints 'bye\\n'"),
    ("log = open('/dev/stdout', 'w')\nlog.write('saved\\n')", "as the block's python exits it prints 'saved\\n'"),
    ("import signal\nsignal.alarm(30)", "the block leaves an alarm set to go off 30 s later"),
])
def test_what_a_python_does_as_it_exits_is_seen(kernel, code, said):
    result = only(run(kernel, f"'''python\n{code}\n'''\n"))
    assert said in (result.problem or "")


def test_a_commented_semicolon_still_silences_the_notebook(notebook):
    silenced, shown = run(notebook, """
        '''python
        x = 1
        x;  # nothing shown
        '''

        '''python
        x + 41  # the answer;
        '''
    """)
    assert (silenced.displayed, shown.displayed) == (None, "42")


@pytest.mark.parametrize("raw", ["①②\rabcd\n".encode(), b"\tX\rYY\n", "ab\re\u0301\n".encode()])
def test_an_overwrite_whose_width_depends_on_the_terminal_is_refused(raw):
    from doccheck.terminal import as_shown

    assert "how many columns those take depends on the terminal" in as_shown(raw)[1]


def test_kanji_take_two_columns_in_every_terminal_so_an_overwrite_of_them_is_shown():
    from doccheck.terminal import as_shown

    assert as_shown("学習中 1/3\r学習中 2/3\r学習中 3/3\n".encode()) == ("学習中 3/3\n", None)
    assert as_shown("ab\r学\n".encode()) == ("学\n", None)  # two columns over two
    _, why = as_shown("日本語\rabcd\n".encode())  # four columns over six: a terminal keeps '語'
    assert why is not None and why.startswith("it printed 'abcd' over '日本語' with a carriage return (\\r): "
                                              "a terminal keeps the rest of the longer text ('abcd語')")
    _, why = as_shown("日本語\rabc\n".encode())  # three columns: 本 is cut in two
    assert "('abc 語')" in why


def test_the_time_zone_differs_between_the_seed_kernels():
    code = "'''python\nimport time\nprint(time.strftime('%H', time.localtime(0)))\n'''\n"
    utc, tokyo = Kernel([], env={"TZ": "UTC"}), Kernel([], seed="1", env={"TZ": "Asia/Tokyo"})
    try:
        assert outputs(run(utc, code)) == ["00\n"] and outputs(run(tokyo, code)) == ["09\n"]
    finally:
        utc.close()
        tokyo.close()



# --- Holes a second hostile reading found ---------------------------------------------


def test_stdout_is_line_buffered_and_stderr_is_not_as_on_a_terminal(kernel):
    assert outputs(run(kernel, """
        '''python
        import sys
        print("Training...", end=" ")
        print("a warning", file=sys.stderr)
        print("done")
        '''
    """)) == ["a warning\nTraining... done\n"]


def test_what_prints_as_the_script_lets_go_of_its_globals_is_seen(kernel):
    result = only(run(kernel, """
        '''python
        class Connection:
            def __del__(self):
                print("close db")

        conn = Connection()
        '''
    """))
    assert "as the block's python exits it prints 'close db\\n'" in result.problem


def test_a_process_that_leaves_the_group_is_still_caught(kernel):
    result = only(run(kernel, """
        '''python
        import subprocess
        subprocess.run("setsid sh -c 'sleep 30; echo late' &", shell=True)
        '''
    """))
    assert "child process(es) running after its last block" in result.problem


def test_a_warning_shows_again_in_the_next_notebook_cell(notebook):
    first, second = run(notebook, """
        '''python
        import warnings
        warnings.warn("careful")
        '''

        '''python
        import warnings
        warnings.warn("careful")
        '''
    """)
    for output in warned([first, second]):  # as Jupyter shows it: the cell's own file, and the line
        shown = r"/\S+/tmp/ipykernel_\d+/\d+\.py:2: UserWarning: careful\n  warnings\.warn\(\"careful\"\)\n"
        assert re.fullmatch(shown, output), output


def test_a_bidirectional_control_is_refused():
    from doccheck.terminal import as_shown

    assert "bidirectional control U+202E" in as_shown("loss: \u202e701\n".encode())[1]



# --- Holes a third hostile reading found ----------------------------------------------


def test_a_large_matrix_product_leaves_no_thread_behind(kernel):
    assert outputs(run(kernel, """
        '''python
        import numpy as np
        a = np.ones((300, 300))
        print((a @ a).shape)
        '''
    """)) == ["(300, 300)\n"]


def test_stderr_is_line_buffered_too(kernel):
    assert outputs(run(kernel, """
        '''python
        import sys
        print("Computing", end="", file=sys.stderr)
        print("result: 42")
        print(" done", file=sys.stderr)
        '''
    """)) == ["result: 42\nComputing done\n"]


def test_a_continuation_is_the_same_script_lines_and_future_imports_go_on(kernel):
    first, second = run(kernel, """
        '''python
        from __future__ import annotations
        import warnings
        warnings.warn("first")
        '''

        '''python continuation
        def double(x: float) -> float:
            return 2 * x
        warnings.warn("second")
        print(double.__annotations__)
        '''
    """)
    assert warned([first, second]) == [
        "<stdin>:3: UserWarning: first\n", "<stdin>:6: UserWarning: second\n{'x': 'float', 'return': 'float'}\n"
    ]


def test_objects_in_a_cycle_are_freed_at_exit_as_a_python_frees_them(kernel):
    result = only(run(kernel, """
        '''python
        class Node:
            def __init__(self):
                self.me = self
            def __del__(self):
                print("freed")

        node = Node()
        '''
    """))
    assert "as the block's python exits it prints 'freed\\n'" in (result.problem or "")


def test_a_module_rewritten_to_another_size_is_read_again_as_python_reads_it(kernel):
    # Python keeps a module's byte code while the source's size and mtime (in seconds) are the
    # same: a rewrite of the same size within a second may run the old code, for a reader too
    # (CONTRIBUTING lists it). Another size is always read again.
    assert outputs(run(kernel, """
        '''python
        with open("settings.py", "w") as f:
            f.write("LEVEL = 1\\n")
        import settings
        print(settings.LEVEL)
        '''

        '''python
        with open("settings.py", "w") as f:
            f.write("LEVEL = 22\\n")
        import settings
        print(settings.LEVEL)
        '''
    """)) == ["1\n", "22\n"]


def test_what_c_code_prints_is_flushed_at_the_end_of_the_block(kernel):
    assert outputs(run(kernel, "'''python\nimport ctypes\nctypes.CDLL(None).printf(b'from C\\n');\n'''\n")) == [
        "from C\n"
    ]


def test_a_module_of_the_pages_folder_shadows_a_readers_package_as_it_would_for_a_reader(kernel):
    assert outputs(run(kernel, """
        '''python
        import sys
        print("numpy" in sys.modules)
        with open("numpy.py", "w") as f:
            f.write("print('numpy.py of this folder')\\n")
        '''

        '''python
        import numpy as np
        print(hasattr(np, "zeros"))
        '''
    """)) == ["False\n", "numpy.py of this folder\nFalse\n"]


def test_a_readers_package_is_imported_as_it_was_preloaded(kernel):
    assert outputs(run(kernel, """
        '''python
        import sys
        print("lambda_puzzle" in sys.modules)
        import numpy as np
        import lambda_puzzle
        print(np.zeros(2), lambda_puzzle.numerical_gradient.__module__, "numpy" in sys.modules)
        '''
    """)) == ["False\n[0. 0.] lambda_puzzle.gradient True\n"]


# --- Holes a fifth hostile reading found ----------------------------------------------

STREAMS_AND_ARGV = """
    '''python
    import argparse, sys
    print(sys.stdout.isatty(), sys.stderr.isatty(), sys.stdout.encoding)
    print(argparse.ArgumentParser().format_usage(), end="")
    '''
"""


def test_a_script_has_a_terminals_streams_and_the_argv_of_python_reading_stdin(kernel):
    assert outputs(run(kernel, STREAMS_AND_ARGV)) == ["True True utf-8\nusage: [-h]\n"]


def test_a_notebook_has_jupyters_streams_and_argv(notebook):
    assert outputs(run(notebook, STREAMS_AND_ARGV)) == ["False False UTF-8\nusage: ipykernel_launcher.py [-h]\n"]


SOURCE = """
    '''python
    import inspect
    def f(x):
        return x + 1
    try:
        print(__file__, inspect.getsource(f), end="")
    except (NameError, OSError) as error:
        print(type(error).__name__, error)
    '''
"""


def test_a_script_is_named_stdin_and_its_functions_have_no_source(kernel):
    assert outputs(run(kernel, SOURCE)) == ["OSError could not get source code\n"]
    assert outputs(run(kernel, "'''python\nprint(__file__, __cached__)\n'''\n")) == ["<stdin> None\n"]


def test_a_notebook_cell_has_no_file_name_and_its_functions_have_their_source(notebook):
    assert outputs(run(notebook, SOURCE)) == ["NameError name '__file__' is not defined\n"]
    assert outputs(run(notebook, SOURCE.replace("__file__, ", ""))) == ["def f(x):\n    return x + 1\n"]


@pytest.mark.parametrize("reading", ["script", "notebook"])
def test_input_is_refused_in_both_readings(kernel, notebook, reading):
    result = only(run(kernel if reading == "script" else notebook, """
        '''python
        try:
            lr = float(input("learning rate? "))
        except EOFError:
            lr = 0.1
        print("lr =", lr)
        '''
    """))
    assert result.problem.startswith("it calls input(): python, which reads the script from stdin, has read all")


def test_a_script_starts_with_a_bare_pythons_modules_and_numpy_brings_its_own(kernel):
    assert outputs(run(kernel, """
        '''python
        import sys
        print("typing" in sys.modules, "numpy.linalg" in sys.modules)
        import typing
        print("typing" in sys.modules, typing.Any)
        import numpy as np
        print("numpy.linalg" in sys.modules, np.linalg.norm(np.array([3.0, 4.0])))
        '''

        '''python
        import sys
        import lambda_puzzle
        print("numpy" in sys.modules, "numpy.linalg" in sys.modules)
        '''
    """)) == ["False False\nTrue typing.Any\nTrue 5.0\n", "True True\n"]


# --- Holes a sixth hostile reading found ------------------------------------------------


def test_a_notebook_has_ipythons_names_and_sets_i_before_each_cell(notebook):
    first, second = outputs(run(notebook, """
        '''python
        for _i in range(3):
            pass
        print(sorted(name for name in dir() if not name.startswith("_")), __doc__)
        '''

        '''python
        print(_i.splitlines()[0], _ii.startswith("# the notebook's first cell"))
        '''
    """))
    assert first == ("['In', 'Out', 'exit', 'get_ipython', 'open', 'quit'] "
                     "Automatically created module for IPython interactive environment\n")
    assert second == "for _i in range(3): True\n"


def test_a_script_has_none_of_ipythons_names(kernel):
    assert outputs(run(kernel, """
        '''python
        print(sorted(name for name in dir() if not name.startswith("_")), __doc__)
        '''
    """)) == ["[] None\n"]


def test_a_notebooks_stdout_is_jupyters_without_a_buffer_or_reconfigure(notebook, kernel):
    text = """
        '''python
        import sys
        print(hasattr(sys.stdout, "buffer"), hasattr(sys.stdout, "reconfigure"))
        '''
    """
    assert outputs(run(notebook, text)) == ["False False\n"]
    assert outputs(run(kernel, text)) == ["True True\n"]


# --- Holes a seventh hostile reading found ----------------------------------------------

SHARED_MEMORY = """
    '''python
    import numpy as np
    from multiprocessing.shared_memory import SharedMemory
    shm = SharedMemory(create=True, size=24)
    a = np.ndarray((3,), dtype=np.float64, buffer=shm.buf)
    a[:] = [1.0, 2.0, 3.0]
    print(a.sum())
    del a
    shm.close()
    {unlink}
    '''
"""


@pytest.mark.parametrize("reading", ["script", "notebook"])
def test_multiprocessings_resource_tracker_is_not_left_running(kernel, notebook, reading):
    page = SHARED_MEMORY.format(unlink="shm.unlink()")
    assert outputs(run(kernel if reading == "script" else notebook, page)) == ["6.0\n"]


def test_what_the_resource_tracker_says_at_exit_is_seen(kernel):
    result = only(run(kernel, SHARED_MEMORY.format(unlink="pass")))
    assert result.output == "6.0\n"
    assert "leaked shared_memory objects" in result.problem  # python's exit: the tracker warns
