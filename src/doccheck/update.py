"""`pytest --doccheck-update [PAGES]`: write what each block printed into its output block.

Outputs are not copied by hand: the checker runs a page (as its script reading,
under the checked hash seed) and rewrites its output blocks from what the blocks
printed. A wrong output block is replaced, a missing one is added right after its
block, and one after a block that prints nothing is removed. A page whose blocks
raise is left alone. Twins (the same page in each language folder) are updated
together, and refused when their code differs, comments aside. A page with nothing
to change stays byte for byte the same.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from doccheck.kernel import BlockResult
from doccheck.page import OUTPUT_LANG, Page

_INDENT = re.compile(r"^[ \t]*")
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")


def _fence_around(body: list[str], current: str = "```") -> str:
    """The fence for an output block holding `body`: `current`, made longer than any line of the
    body that would close it (a printed ``` needs a fence of four)."""
    runs = [len(m[1]) for line in body if (m := _FENCE.match(line)) and m[1][0] == current[0]]
    return current[0] * max(len(current), max(runs, default=0) + 1)


@dataclass
class Update:
    """What updating one page did, or why it did nothing."""

    path: Path
    text: str  # the page's new text (the old one when nothing changed)
    changes: list[str] = field(default_factory=list)  # "page.md:12: output block replaced", ...
    refused: str | None = None
    stale: list[str] = field(default_factory=list)  # prose that still quotes a value no output prints now
    kinds: Counter[str] = field(default_factory=Counter)  # "replaced", "added", "removed": how many of each


_VALUE = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")


def _stale_quotes(page: Page, old: str, new: str, output_line: int) -> list[str]:
    """Where the page's prose or headings still quote a number that an output block printed and no longer does."""
    gone = sorted(set(_VALUE.findall(old)) - set(_VALUE.findall(new)), key=old.index)
    places = [(h.line, h.text) for h in page.headings] + [(p.line, p.source) for p in page.paragraphs]
    found = []
    for value in gone:
        quoted = re.compile(rf"(?<![\w.]){re.escape(value)}(?![\w]|\.\d)")
        for line, text in sorted(places):
            if quoted.search(text):
                found.append(f"{page.path}:{line}: still quotes {value}, which the output block at line "
                             f"{output_line} no longer prints")
    return found


def updated(page: Page, results: list[BlockResult]) -> Update:
    """`page` with every output block equal to what its block printed."""
    by_line = {r.line: r for r in results}
    failed = [r for r in results if not r.ok]
    if failed:
        first = failed[0]
        why = first.not_run or first.problem or (first.error or "").strip().splitlines()[-1]
        return Update(page.path, page.text, refused=f"{page.path}:{first.line}: not updated: the block {why}")
    lines = page.text.split("\n")
    outputs = {b.line: b for b in page.blocks if b.lang == OUTPUT_LANG}
    edits: list[tuple[int, int, list[str], int, str]] = []  # replace lines[start:end]; the line named, and how
    stale: list[str] = []
    for block in page.runnable_blocks:
        printed = by_line[block.line].output
        if printed and not printed.endswith("\n"):
            printed += "\n"
        indent = _INDENT.match(lines[block.line - 1])[0]  # type: ignore[index]  # always matches
        body = [indent + line if line else line for line in printed.rstrip("\n").split("\n")] if printed else []
        if block.output_line is not None:
            shown = outputs[block.output_line]
            if shown.code == printed:
                continue
            if printed:
                opening = lines[shown.line - 1]
                current = _FENCE.match(opening)[1]  # type: ignore[index]  # an output block's opening fence
                fence = _fence_around(body, current)
                if fence == current:
                    edits.append((shown.line, shown.end - 2, body, shown.line, "replaced"))
                else:  # the fences too: the new output holds a line that would close the old one
                    edits.append((shown.line - 1, shown.end - 1, [opening.replace(current, fence, 1), *body,
                                                                   lines[shown.end - 2].replace(current, fence, 1)],
                                  shown.line, "replaced"))
                stale += _stale_quotes(page, shown.code, printed, shown.line)
            else:  # the block prints nothing now: the output block and the blank line before it go
                start = shown.line - 2 if shown.line >= 2 and not lines[shown.line - 2].strip() else shown.line - 1
                edits.append((start, shown.end - 1, [], shown.line, "removed"))
        elif printed:
            after = block.end - 1  # the line right after the block's closing fence
            fence = _fence_around(body)
            edits.append((after, after, ["", f"{indent}{fence}{OUTPUT_LANG}", *body, f"{indent}{fence}"],
                          block.line, "added"))
    for start, end, new, *_ in sorted(edits, reverse=True):
        lines[start:end] = new
    messages = [f"{page.path}:{line}: output block {kind}" + (" after the block" if kind == "added" else "")
                for *_, line, kind in edits]
    return Update(page.path, "\n".join(lines), messages, stale=stale, kinds=Counter(kind for *_, kind in edits))


def code_without_comments(code: str) -> str:
    """Python code with its comments and trailing spaces taken out, the rest untouched: what the
    two languages of a page must share (comments are translated). Code that does not tokenize
    is compared as written."""
    lines = code.splitlines()
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.type == tokenize.COMMENT:
                row, col = token.start
                lines[row - 1] = lines[row - 1][:col]
    except (tokenize.TokenError, SyntaxError):
        lines = code.splitlines()
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def twins_differ(first: Page, second: Page) -> str | None:
    """Why two language versions of a page cannot share their outputs, if they cannot."""
    a = [code_without_comments(b.code) for b in first.runnable_blocks]
    b = [code_without_comments(b.code) for b in second.runnable_blocks]
    if len(a) != len(b):
        return f"{first.path} has {len(a)} blocks that run, {second.path} has {len(b)}"
    for mine, theirs, block, twin in zip(a, b, first.runnable_blocks, second.runnable_blocks, strict=True):
        if mine != theirs:
            return f"{first.path}:{block.line} and {second.path}:{twin.line} run different code"
    return None
