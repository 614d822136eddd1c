"""Compare what a block printed with the output block the page shows."""

from __future__ import annotations

import difflib
import unicodedata


def _looks_the_same(a: str, b: str) -> bool:
    """Whether two different lines would look alike on screen."""
    def seen(s: str) -> str:
        return unicodedata.normalize("NFKC", s.expandtabs()).rstrip()
    return a != b and seen(a) == seen(b)


def output_mismatch(expected: str | None, printed: str, shown_at: str) -> str | None:
    """Why `printed` is not what the page shows, or None when it is.

    Args:
        expected: The content of the ```output block, or None when there is none.
        printed: What the block wrote to stdout and stderr, in order.
        shown_at: ``path:line`` of the output block, for the message.

    A fence always ends with a newline, so a printed text without a final newline
    is compared as if it had one. Lines that differ only in what the eye cannot see
    (trailing spaces, a tab, Unicode normalization) are also shown escaped,
    with `ascii`, the `repr` that spells out every character that is not ASCII.
    """
    if expected is None:
        if printed:
            return f"the block printed output, but no ```output block follows it.\nPrinted:\n{printed}"
        return None
    if printed and not printed.endswith("\n"):
        printed += "\n"
    if printed == expected:
        return None
    shown, got = expected.splitlines(keepends=True), printed.splitlines(keepends=True)
    diff = "".join(
        line if line.endswith("\n") else line + "\n"
        for line in difflib.unified_diff(
            shown, got, fromfile=f"shown on the page ({shown_at})", tofile="printed by the block"
        )
    )
    invisible = []
    matcher = difflib.SequenceMatcher(a=shown, b=got, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag != "replace":
            continue
        for a, b in zip(shown[a0:a1], got[b0:b1], strict=False):  # pairs; the diff shows the rest
            if _looks_the_same(a.rstrip("\n"), b.rstrip("\n")) or a.rstrip("\n") == b.rstrip("\n"):
                invisible.append(f"  shown:   {ascii(a)}\n  printed: {ascii(b)}\n")
    message = f"printed output differs from the output block at {shown_at}\n{diff}"
    if invisible:
        message += "Lines that look the same but differ:\n" + "".join(invisible)
    return message
