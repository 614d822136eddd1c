"""Compare a Japanese page with its English twin: same code, same output, same heading ids."""

from __future__ import annotations

import difflib

from doccheck import is_python_like, parse_page
from doccheck.page import OUTPUT_LANG, is_known_language
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


def _diff(ja: str, en: str) -> str:
    lines = difflib.unified_diff(ja.splitlines(), en.splitlines(), "ja", "en", lineterm="")
    return "\n".join(lines)


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
        (ja_lang, ja_options, ja_text), (en_lang, en_options, en_text) = ja_block, en_block
        where = f"ja line {ja_line}, en line {en_line}"
        if ja_lang != en_lang and not all(is_known_language(lang or "text") for lang in (ja_lang, en_lang)):
            continue  # a fence typo: the page's audit names it, with the language it may mean
        if (ja_lang, ja_options) != (en_lang, en_options):
            problems.append(f"fence differs: {where}: ```{' '.join([ja_lang or '', *ja_options]).strip()} "
                            f"against ```{' '.join([en_lang or '', *en_options]).strip()}")
        elif ja_text != en_text:
            problems.append(f"code differs (comments aside): {where}\n" + _diff(ja_text, en_text))
        elif ja_output != en_output:
            problems.append(f"output differs: {where}\n" + _diff(ja_output or "", en_output or ""))
    ja_ids = [(level, id_) for _, level, id_ in heading_ids(ja)]
    en_ids = [(level, id_) for _, level, id_ in heading_ids(en)]
    if ja_ids != en_ids:
        problems.append(f"headings differ: ja {ja_ids}, en {en_ids}")
    for lang, text in (("ja", ja), ("en", en)):
        missing = [n for n, _, id_ in heading_ids(text) if id_ is None]
        problems += [f"{lang} line {n}: heading has no explicit {{ #id }}" for n in missing]
    return problems
