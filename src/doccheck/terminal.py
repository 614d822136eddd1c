"""The terminal model: what a reader's terminal shows of what a page writes.

A page's blocks write to file descriptors 1 and 2 (Python's streams, C code,
subprocesses, /dev/stdout); a reader's terminal shows them interleaved, line by line,
and acts on carriage returns and control characters. `Capture` collects both
descriptors from one pipe, as a terminal does, and notes the turns Python's stdout and
stderr take (`Capture.stream`); `as_shown` turns the bytes into the text a terminal
shows, and says when no page can show that text faithfully; `interleaved` says so of
streams that take turns.

Standard library only: the kernel, which imports it, is lent to fresh environments.
"""

from __future__ import annotations

import contextlib
import io
import os
import threading
import unicodedata
from typing import Any

CONTROL_NAMES = {"\x00": "NUL", "\x07": "BEL", "\x08": "BS", "\x0b": "VT", "\x0c": "FF", "\x1b": "ESC", "\x7f": "DEL"}


class Capture:
    """Everything written to file descriptors 1 and 2, read from one pipe by a thread.

    A pipe, as a terminal, has no position: ``open("/dev/stdout", "w")`` appends to
    it instead of truncating what was written before. A block's output ends at a
    mark that the child writes into the same pipe once the block is done.
    """

    def __init__(self) -> None:
        self._read, write = os.pipe()
        os.dup2(write, 1)
        os.dup2(write, 2)
        os.close(write)
        self._buffer = bytearray()
        self._turns: list[int] = []  # 1 or 2: the stream Python wrote to, at each change since the last take
        self._ready = threading.Condition()
        self.thread = threading.Thread(target=self._drain, name="doccheck-capture", daemon=True)
        self.thread.start()

    def _drain(self) -> None:
        while chunk := os.read(self._read, 1 << 16):
            with self._ready:
                self._buffer += chunk
                self._ready.notify_all()

    def stream(self, fd: int, *, jupyter: bool) -> io.TextIOWrapper:
        """A stream on `fd` as a reader has it: line-buffered, flushed at each newline (stdout,
        and stderr since Python 3.9). A terminal's says it is one (isatty) and encodes as
        utf-8; with `jupyter`, it is as ipykernel's OutStream: not a terminal, its encoding
        named UTF-8, with no binary buffer and no reconfigure. Each write to it is noted in
        the turns `take` returns."""
        turns = self._turns

        class Noted(io.FileIO):
            def write(self, data: Any) -> int:
                if not turns or turns[-1] != fd:
                    turns.append(fd)
                return super().write(data)

            def isatty(self) -> bool:
                return not jupyter

        raw = Noted(fd, "w", closefd=False)
        kind = _OutStream if jupyter else io.TextIOWrapper
        return kind(io.BufferedWriter(raw), encoding="UTF-8" if jupyter else "utf-8", errors="surrogateescape",
                    line_buffering=True)

    def take(self) -> tuple[bytes, list[int]]:
        """What was written since the last take, and the turns Python's stdout (1) and stderr (2)
        took in it (C code's and subprocesses' writes are not noted)."""
        mark = b"\x00doccheck-" + os.urandom(8).hex().encode() + b"\x00"
        with contextlib.suppress(OSError):  # a block may have closed or moved fd 1
            os.write(1, mark)
        with self._ready:
            self._ready.wait_for(lambda: mark in self._buffer, timeout=10)
            end = self._buffer.find(mark)
            taken = bytes(self._buffer[: end if end >= 0 else len(self._buffer)])
            del self._buffer[: end + len(mark) if end >= 0 else len(self._buffer)]
        turns, self._turns[:] = list(self._turns), []
        return taken, turns


class _OutStream(io.TextIOWrapper):
    """A stream as a Jupyter kernel has it (ipykernel's OutStream): no binary buffer under it,
    and no reconfigure."""

    @property
    def buffer(self) -> Any:
        raise AttributeError("'OutStream' object has no attribute 'buffer'")

    @property
    def reconfigure(self) -> Any:
        raise AttributeError("'OutStream' object has no attribute 'reconfigure'")


STREAMS = {1: "stdout", 2: "stderr"}


def interleaved(turns: list[int]) -> str | None:
    """Why a page cannot show a block whose stdout and stderr take turns (stdout, stderr, stdout):
    a terminal shows the lines as written; Jupyter sends each stream's text as it is flushed, so
    a notebook may show all of stdout, then all of stderr."""
    if len(turns) < 3:
        return None
    order = ", ".join(STREAMS[fd] for fd in turns[:4]) + (", ..." if len(turns) > 4 else "")
    return (f"it writes to stdout and stderr in turn ({order}): a terminal shows the lines as written, "
            "while Jupyter gathers each stream's text and may show it apart from the other's, so no "
            "output block can show both readers what they see; write to one stream")


def columns(text: str) -> int | None:
    """How many columns a terminal gives `text`, or None where terminals differ: a tab (it goes to
    the next tab stop), a combining mark or format character, a character of East Asian
    ambiguous width. Wide and fullwidth characters (kanji, kana) take two in every terminal."""
    total = 0
    for ch in text:
        if ch == "\t" or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            return None
        width = unicodedata.east_asian_width(ch)
        if width == "A":
            return None
        total += 2 if width in ("W", "F") else 1
    return total


def _after(text: str, width: int) -> str:
    """What a terminal still shows of `text` once its first `width` columns are written over (a
    wide character cut in two shows as a space)."""
    used = 0
    for i, ch in enumerate(text):
        if used >= width:
            return (" " if used > width else "") + text[i:]
        used += columns(ch) or 1
    return " " if used > width else ""


def as_shown(raw: bytes) -> tuple[str, str | None]:
    """What a terminal shows of `raw`, and why a page cannot show it faithfully, if it cannot.

    A carriage return goes back to the start of the line, and what follows overwrites
    it: a terminal and Jupyter agree on the result when the new text takes at least as
    many columns as the old (`columns`: a kanji takes two). Bytes that are not UTF-8,
    and control characters a terminal acts on (ESC starts a colour or cursor code), have
    no faithful text on a page.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        bad = raw[error.start : error.start + 4]
        return raw.decode("utf-8", "backslashreplace"), (
            f"it printed bytes that are not UTF-8 ({bad!r} at byte {error.start}): a terminal and Jupyter "
            "each show them differently, so no output block can show what the reader sees; print text"
        )
    for ch in text:
        if "\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069" or ch in "\u200e\u200f":
            return text, (
                f"it printed the bidirectional control U+{ord(ch):04X}, which a browser and a terminal "
                "lay out differently (a page could show 107 where the terminal shows 701); print plain text"
            )
        if (ch < " " or "\x7f" <= ch <= "\x9f") and ch not in "\n\t\r":  # Unicode's control characters
            name = CONTROL_NAMES.get(ch, f"U+{ord(ch):04X}")
            return text, (
                f"it printed the control character {ch!r} ({name}), which a terminal acts on instead of "
                "showing (an ESC starts a colour or cursor code), so no output block can show what the "
                "reader sees; print plain text"
            )
    shown = []
    for line in text.split("\n"):
        result, *overwrites = line.split("\r")
        if overwrites and any(overwrites) and any(columns(part) is None for part in (result, *overwrites)):
            return text, (
                f"it printed {line!r}, overwriting with a carriage return (\\r) text that has tabs, "
                "combining marks or characters of ambiguous width (East Asian 'A': ①, ×, Greek...): how "
                "many columns those take depends on the terminal, so no output block can show what the "
                "reader sees"
            )
        for new in overwrites:
            if not new:
                continue
            if columns(new) < columns(result):  # type: ignore[operator]  # neither is None here
                return text, (
                    f"it printed {new!r} over {result!r} with a carriage return (\\r): a terminal keeps the "
                    f"rest of the longer text ({(new + _after(result, columns(new) or 0))!r}), Jupyter does "
                    "not; pad the shorter text with spaces"
                )
            result = new
        shown.append(result)
    return "\n".join(shown), None
