"""The adapter over pytest-markdown-docs' internals, against the version it was written for."""

from importlib.metadata import version
from pathlib import Path

import pytest

from doccheck import _markdown_docs
from doccheck.page import fence_info, make_parser
from tests.doccheck.pages import page


def test_the_pinned_version_is_installed():
    # After a bump, the tests below say whether the internals still behave.
    assert version("pytest-markdown-docs") == _markdown_docs.PINNED_VERSION == "0.9.2"


def test_it_collects_python_fences_except_notest():
    text = page("""
        '''python
        a = 1
        '''

        '''python notest
        b = 2
        '''

        '''py
        c = 3
        '''

        '''text
        d
        '''

        '''{.python continuation}
        e = 5
        '''
    """)
    assert _markdown_docs.collected_fence_lines(make_parser().parse(text), text, Path("p.md")) == {1, 9, 17}


def test_block_info_reads_both_header_syntaxes():
    assert _markdown_docs.block_info("python continuation") == ["python", "continuation"]
    assert _markdown_docs.block_info("{.python continuation}") == ["python", "continuation"]
    assert _markdown_docs.block_info("{ title='x' .python }") == ["python", "title='x'"]
    assert _markdown_docs.block_info("") == []


@pytest.mark.parametrize("info", [
    "python", "python continuation", "{.python continuation}", "{ title='x' .python }", "", "  py  ",
    "{.python}", "{title=a}", "output", "python notest runner:x",
])
def test_the_site_build_reads_fence_headers_as_it_does(info):
    assert fence_info(info) == _markdown_docs.block_info(info)


def test_its_own_collectors_are_the_ones_the_plugin_drops():
    from pytest_markdown_docs.plugin import MarkdownDocstringCodeModule, MarkdownTextFile

    assert (MarkdownTextFile, MarkdownDocstringCodeModule) == _markdown_docs.COLLECTORS
