"""doccheck: every python block of a Markdown page runs, and prints what the page shows.

A page is parsed once into blocks (`parse_page`), audited for blocks that would
render as code without being checked (`audit_page`), then run like a notebook in
a fresh kernel (`Kernel`): a process forked from a clean parent, one per page, so
nothing one page does reaches another. What a block writes to stdout and stderr,
in order, must equal the ```` ```output ```` block that follows it
(`output_mismatch`). `doccheck.plugin` ties these into pytest, and
`rendered_code_blocks` reads a built HTML page back, to prove that the site shows
exactly the blocks that ran.

The rules a page must follow are written in CONTRIBUTING.md.
"""

import importlib
from typing import Any

# Imported on first use: the kernel process imports only doccheck.kernel, and a
# page must start fast.
_EXPORTS = {
    "audit_page": "doccheck.audit",
    "output_mismatch": "doccheck.compare",
    "rendered_code_blocks": "doccheck.html",
    "rendered_mismatch": "doccheck.html",
    "HASH_SEED": "doccheck.kernel",
    "BlockResult": "doccheck.kernel",
    "Kernel": "doccheck.kernel",
    "Block": "doccheck.page",
    "Page": "doccheck.page",
    "is_python_like": "doccheck.page",
    "parse_page": "doccheck.page",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'doccheck' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
