"""`pytest --doccheck-book=PATH`: a page's ```python book="FOLDER" blocks run in the book's repository.

Two stand-ins for the repository (fake_book/README.md): `good`, whose numerical_gradient
perturbs the array it is given, as the book's does, and `copying`, whose loop perturbs a
copy. The same page passes against the first and must fail against the second.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from doccheck.audit import audit_page
from doccheck.page import parse_page

FAKE_BOOK = Path(__file__).parent / "fake_book"
PAGE = '''# A page

```python book="ch04"
import sys, os
sys.path.append(os.pardir)
from common.gradient import numerical_gradient
from square_net import SquareNet

net = SquareNet()
loss_W = lambda W: net.loss()
print(numerical_gradient(loss_W, net.params["W"]).round(3))
```

```output
[[2. 4.]]
```

```python
print("an ordinary block")
```

```output
an ordinary block
```
'''


@pytest.fixture
def page(pytester):
    pytester.makeconftest('pytest_plugins = ["doccheck.plugin"]')
    pytester.makeini("[pytest]\ndoccheck_readings = script\n")
    pytester.path.joinpath("page.md").write_text(PAGE, "utf-8")
    return pytester


def run(pytester, *args):
    return pytester.runpytest("page.md", "-p", "no:cacheprovider", "-p", "no:hypothesispytest", *args)


def test_a_book_block_passes_against_the_book_and_fails_against_a_copying_loop(page):
    good = run(page, f"--doccheck-book={FAKE_BOOK / 'good'}")
    good.assert_outcomes(passed=3)  # the audit, the ordinary block, the book block
    assert "BOOK BLOCKS NOT RUN" not in good.stdout.str()

    copying = run(page, f"--doccheck-book={FAKE_BOOK / 'copying'}", "-m", "book")
    copying.assert_outcomes(failed=1, deselected=2)
    copying.stdout.fnmatch_lines(["*page.md:3: in */copying/ch04: *", "*[[0. 0.]]*"])


def test_without_the_book_one_line_says_how_many_were_not_run(page):
    result = run(page)
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["BOOK BLOCKS NOT RUN (1): pass --doccheck-book=PATH*"])


def test_a_folder_that_is_not_the_book_is_refused(page, tmp_path):
    result = run(page, f"--doccheck-book={tmp_path}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*not the book's repository (it has no common/gradient.py)*"])


def test_a_book_folder_the_book_lacks_is_named(page):
    page.path.joinpath("page.md").write_text(PAGE.replace('book="ch04"', 'book="ch09"'), "utf-8")
    result = run(page, f"--doccheck-book={FAKE_BOOK / 'good'}", "-m", "book")
    result.stdout.fnmatch_lines(['*page.md:3: book="ch09": the book\'s repository at * has no such folder*'])


def test_the_audit_refuses_a_book_block_without_output_or_with_a_bad_folder():
    text = '```python book="ch05"\nprint(1)\n```\n\n```python book="../etc"\nprint(2)\n```\n\n```output\n2\n```\n'
    problems = audit_page(parse_page(text, "p.md"))
    assert problems == [
        'p.md:1: book="ch05" block without an output block: what it prints in the book\'s repository must be '
        "on the page, where --doccheck-book checks it",
        'p.md:5: book="../etc": name a folder inside the book\'s repository, such as book="ch05"',
    ]


def test_a_book_block_is_not_run_with_the_pages_and_not_a_notebook_cell():
    from doccheck.notebook import page_to_notebook

    page = parse_page(PAGE, "p.md")
    assert [b.line for b in page.runnable_blocks] == [18]
    assert [b.book for b in page.book_blocks] == ["ch04"]
    cells = page_to_notebook(page, "https://example.org/", "https://example.org/", "# setup")["cells"]
    code = [c["source"] for c in cells if c["cell_type"] == "code"]
    assert code == ["# setup", 'print("an ordinary block")']
    text = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    assert 'book="ch04"' in text and "[[2. 4.]]" in text  # shown as the page shows it
