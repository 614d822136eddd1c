"""The audit: every reason why a block would render as code without being checked."""

from __future__ import annotations

import ast
import difflib
import re
from collections.abc import Iterable

from doccheck.page import (
    BOOK_FOLDER,
    BOOK_OPTION,
    OPTIONS,
    OUTPUT_LANG,
    RUN_LANG,
    Block,
    Page,
    could_pass_for_output,
    is_known_language,
    is_python_like,
    known_languages,
)

NOT_COLLECTED = "python block is not collected, so it never runs (is it inside HTML or an indented block?)"
_RAW_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`]*?)[ \t]*$")
_RAW_LANG = re.compile(r"^[ \t]*(?P<lang>[\w+-]*)")
_ATTR_LANG = re.compile(r"(?:^|[\s{])\.(?P<lang>[\w+-]+)")  # {#id .python}, {.python #id} or .python


def raw_fences(text: str) -> list[tuple[int, str, int | None]]:
    """(line, lang, closing line) of every fence opener, found line by line without a Markdown parser.

    It is deliberately naive: it knows nothing of containers, lists, HTML blocks or
    indentation, so it sees the fences that the parser might miss. Lines end at \n
    alone, as for the parser: a form feed or U+2028 in the prose is not a line break.
    """
    found: list[tuple[int, str, int | None]] = []
    open_fence: str | None = None
    for number, line in enumerate(text.split("\n"), start=1):
        m = _RAW_FENCE.match(line)
        if not m:
            continue
        fence, info = m["fence"], m["info"]
        if open_fence is None:
            open_fence = fence
            attr = _ATTR_LANG.search(info) if info.lstrip().startswith(("{", ".")) else None
            lang = attr["lang"] if attr else (plain["lang"] if (plain := _RAW_LANG.match(info)) else "")
            found.append((number, lang, None))
        elif fence[0] == open_fence[0] and len(fence) >= len(open_fence) and not info:
            open_fence = None
            found[-1] = (*found[-1][:2], number)
    return found


def audit_page(page: Page, languages: Iterable[str] = ()) -> list[str]:
    """Every problem that would let a block render as code without being run and checked.

    `languages` are fence languages that Pygments does not know but a page needs
    (``doccheck_languages``); any other unknown language is taken for a typo.
    Each problem starts with ``path:line:``.
    """
    problems: list[tuple[int, str]] = []
    by_line = {b.line: b for b in page.blocks}
    needed = set(languages)

    for line, lang, _ in raw_fences(page.text):
        if lang and lang not in needed and not is_known_language(lang):
            guess = difflib.get_close_matches(lang.lower(), known_languages(), n=1, cutoff=0.6)
            hint = f"did you mean {guess[0]}?" if guess else "Pygments knows no such language"
            problems.append((line, (
                f"```{lang}: {hint} A fence in a language the site does not know renders as plain text and "
                "never runs. (A language a page really needs goes into doccheck_languages.)"
            )))

    for line, lang, closing in raw_fences(page.text):
        block = by_line.get(line)
        if not is_python_like(lang):
            continue
        if lang != RUN_LANG:
            problems.append((line, f"```{lang} renders as Python but never runs: write ```{RUN_LANG}"))
        elif block is None or not (block.collected or block.notest):
            problems.append((line, NOT_COLLECTED))
        elif closing is not None and block.end and closing + 1 != block.end:
            read = block.end - 1  # the line Markdown closes the block at: the page's end when it never does
            problems.append((line, (
                f"the fence seems to close at line {closing}, but Markdown reads the block as closing at "
                f"line {read}: check the indentation of its fences (a closing fence indented by four "
                "spaces or more is code, not a fence)"
            )))

    inside = {n for b in page.blocks for n in range(b.line + 1, b.end)}  # their code and closing fence
    reported = {line for line, _ in problems}
    unseen: str | None = None  # the fence of an opener the parser does not see, until its closer
    for number, text in enumerate(page.text.split("\n"), start=1):
        opener = _RAW_FENCE.match(text)
        if not opener:
            continue
        if unseen is not None:
            if opener["fence"][0] == unseen[0] and len(opener["fence"]) >= len(unseen) and not opener["info"]:
                unseen = None
            continue
        if number in by_line or number in inside:
            continue
        unseen = opener["fence"]
        if number in reported:
            continue
        info = opener["info"]
        attr = _ATTR_LANG.search(info) if info.lstrip().startswith(("{", ".")) else None
        lang = attr["lang"] if attr else (plain["lang"] if (plain := _RAW_LANG.match(info)) else "")
        if is_python_like(lang):
            problems.append((number, NOT_COLLECTED))
        elif len(opener["indent"].expandtabs(4)) < 4:
            problems.append((number, (
                "a fence the Markdown parser does not see here (inside raw HTML?), which the site may still "
                "render: a reader could take it for output that nobody checks; take it out of the HTML"
            )))

    for line, what in page.raw_code:
        problems.append((line, (
            f"raw HTML {what}: it shows code or output that nothing runs or checks; write a ```python "
            "block, and its ```output block"
        )))

    for line, what in page.hidden:
        problems.append((line, (
            f"raw HTML here hides content from the reader or from the check of the built page ({what}): "
            "a block in it would run unseen, or be shown unchecked; take the markup out"
        )))

    for block in page.blocks:
        if block.lang != RUN_LANG:
            continue
        unknown = [o for o in block.options if o not in OPTIONS and not BOOK_OPTION.fullmatch(o)]
        if unknown:
            allowed = ", ".join([*sorted(OPTIONS), 'book="FOLDER"'])
            problems.append((block.line, f"unsupported fence option {' '.join(unknown)}: only {allowed} are allowed"))
        if block.book is not None:
            problems += [(block.line, problem) for problem in _book_block_problems(block)]
        if block.notest:
            if block.notest_reason is None:
                problems.append((block.line, "notest without a reason: put <!-- notest: why --> on the line above"))
            if block.output_line is not None:
                problems.append((block.output_line, "output block after a notest block: nothing checks it"))
        problems += [(block.line + offset, message) for offset, message in _shared_paths(block)]
        if block.continuation and not _has_block_to_continue(page, block):
            problems.append((block.line, "continuation, but no python block runs before it on this page"))

    for block in page.blocks:
        before = block.previous_fence
        if before is not None and before.lang == OUTPUT_LANG:
            before = before.previous_fence  # a second "output" after the checked one looks like it too
        if before is not None and is_python_like(before.lang) and could_pass_for_output(block.lang):
            shown = (f"```{block.lang}" if block.lang else
                     "an indented code block" if "indented" in block.options else "a fence with no language")
            problems.append((
                block.line,
                f"{shown} right after a python block looks like its output but is never checked: use ```{OUTPUT_LANG}",
            ))

    problems += [(line, "output block does not follow a python block") for line in page.orphan_outputs]
    return [f"{page.path}:{line}: {message}" for line, message in sorted(problems)]


# Folders every process of the machine shares: what a page reads there, another page (or
# another run) may have written. Each page gets a TMPDIR of its own, which tempfile uses.
_SHARED_FOLDER = re.compile(r"^/(?:tmp|var/tmp|dev/shm)(?:/|$)")


def _shared_paths(block: Block) -> list[tuple[int, str]]:
    """(line offset in the block, message) for each string in its code that names a shared folder."""
    if not block.runs:
        return []
    try:
        tree = ast.parse(block.code)
    except SyntaxError:
        return []  # the run says what is wrong
    return [
        (node.lineno, f"{node.value!r} is in a folder every page and run shares: another page may have written "
                      "it, and the reader's machine holds something else there; use tempfile (each page has a "
                      "TMPDIR of its own) or a relative path")
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and _SHARED_FOLDER.match(node.value)
    ]


def _book_block_problems(block: Block) -> list[str]:
    """What is wrong with a ```python book="..." block, which runs only in the book's repository."""
    folder = block.book or ""
    problems = []
    if not BOOK_FOLDER.fullmatch(folder):
        problems.append(f'book="{folder}": name a folder inside the book\'s repository, such as book="ch05"')
    if block.notest or block.continuation:
        problems.append(f'book="{folder}" cannot be notest or continuation: a book block runs alone, '
                        "in the book's repository (pytest --doccheck-book PATH)")
    if block.output_line is None:
        problems.append(f'book="{folder}" block without an output block: what it prints in the book\'s '
                        "repository must be on the page, where --doccheck-book checks it")
    return problems


def _has_block_to_continue(page: Page, block: Block) -> bool:
    runnable = page.runnable_blocks
    return block in runnable and runnable.index(block) > 0
