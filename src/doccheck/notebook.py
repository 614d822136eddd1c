"""Turn a page into a Jupyter notebook: prose as markdown cells, python blocks as code cells.

The notebook is written for a reader who downloads it from the site, so links and
images point at the site itself, the heading ids and the page's HTML comments go,
and output blocks are left out: running the notebook prints them again.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

from doccheck.page import OUTPUT_LANG, Page

_HEADING_ID = re.compile(r"[ \t]*\{[ \t]*#[\w-]+[ \t]*\}[ \t]*$", re.M)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_PAGE_LINK = re.compile(r"\]\((?P<page>[\w./-]+?)\.md(?P<anchor>#[\w-]*)?\)")
_ASSET = re.compile(r"\]\((?P<path>(?:\.\./)+assets/[^)\s]+)\)")
_AUTOREF = re.compile(r"\]\[(?P<ref>lambda_puzzle\.[\w.]+)\]")


def page_to_notebook(page: Page, site_url: str, language_url: str, setup: str) -> dict[str, Any]:
    """An nbformat 4.5 notebook of `page`.

    Args:
        page: The parsed page, without its front matter.
        site_url: The site's address, where ``assets/`` is.
        language_url: The address of the page's language (``site_url`` or
            ``site_url + "en/"``), where every other page of it is a folder.
        setup: Code for a first cell, run before the page's own blocks.
    """
    cells = [_code(setup)]
    lines = page.text.splitlines(keepends=True)
    start = 0  # index of the first line not yet in a cell
    for block in page.blocks:
        # An output block goes with the code cell it belongs to (Jupyter shows it when the cell
        # runs); after a block that is not a cell (book="..."), it stays on the page as text.
        ran = block.lang == OUTPUT_LANG and block.previous_fence is not None and block.previous_fence.runs
        if ran or block.runs:
            _markdown(cells, lines[start : block.line - 1], site_url, language_url)
            if block.runs:
                cells.append(_code(block.code))
            start = block.end - 1
    _markdown(cells, lines[start:], site_url, language_url)
    for number, cell in enumerate(cells):
        cell["id"] = f"cell-{number}"
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
        "cells": cells,
    }


def _code(source: str) -> dict[str, Any]:
    return {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
            "source": source.rstrip("\n")}


def _markdown(cells: list[dict[str, Any]], lines: list[str], site_url: str, language_url: str) -> None:
    text = _COMMENT.sub("", "".join(lines))
    text = _HEADING_ID.sub("", text)
    text = _PAGE_LINK.sub(lambda m: f"]({_page_url(language_url, m['page'], m['anchor'])})", text)
    text = _ASSET.sub(lambda m: f"]({urljoin(site_url, m['path'].lstrip('./'))})", text)
    text = _AUTOREF.sub(lambda m: f"]({_page_url(language_url, 'api', '#' + m['ref'])})", text)
    text = text.strip("\n")
    if text:
        cells.append({"cell_type": "markdown", "metadata": {}, "source": text})


def _page_url(language_url: str, page: str, anchor: str | None) -> str:
    # Every page is served as a folder of its language: faq.md is faq/, index.md the root.
    return urljoin(language_url, "" if page == "index" else f"{page}/") + (anchor or "")
