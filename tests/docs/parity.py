"""Compare a Japanese page with its English twin: same code, same output, same heading ids."""

from __future__ import annotations

from doccheck import is_python_like, parse_page
from doccheck.page import OUTPUT_LANG
from doccheck.update import code_without_comments as without_comments


def code_signature(text: str) -> list[tuple]:
    """What must not differ between languages: every block's code (comments aside) and output."""
    signature = []
    for block in parse_page(text).blocks:
        if block.lang == OUTPUT_LANG:
            continue  # compared as the expected output of its python block
        code = without_comments(block.code) if is_python_like(block.lang) else block.code
        signature.append((block.line, block.lang, sorted(block.options), code, block.expected_output))
    return signature


def heading_ids(text: str) -> list[tuple[int, int, str | None]]:
    """(line, level, explicit id or None) for every heading, as the page model reads them."""
    return [(h.line, h.level, h.id) for h in parse_page(text, collect=False).headings]


def compare_pages(ja: str, en: str) -> list[str]:
    """Every difference between two translations that the site must not have."""
    problems = []
    ja_code, en_code = code_signature(ja), code_signature(en)
    if len(ja_code) != len(en_code):
        problems.append(f"ja has {len(ja_code)} code blocks, en has {len(en_code)}")
    pairs = zip(ja_code, en_code, strict=False)  # a different count is reported above
    for (ja_line, *ja_block, ja_output), (en_line, *en_block, en_output) in pairs:
        if ja_block != en_block:
            problems.append(f"code differs: ja line {ja_line}, en line {en_line}")
        elif ja_output != en_output:
            problems.append(f"output differs: ja line {ja_line}, en line {en_line}")
    ja_ids = [(level, id_) for _, level, id_ in heading_ids(ja)]
    en_ids = [(level, id_) for _, level, id_ in heading_ids(en)]
    if ja_ids != en_ids:
        problems.append(f"headings differ: ja {ja_ids}, en {en_ids}")
    for lang, text in (("ja", ja), ("en", en)):
        missing = [n for n, _, id_ in heading_ids(text) if id_ is None]
        problems += [f"{lang} line {n}: heading has no explicit {{ #id }}" for n in missing]
    return problems
