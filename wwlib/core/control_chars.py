"""Control characters that no text of a cohort may hold, found with their line and column.

Tab, line feed and carriage return are text; every other C0 control character (U+0000-U+001F)
and DEL (U+007F) is invisible, cut off by other programs (NUL ends a C string) and a sign that
a file is binary or UTF-16. Input refuses them (`first_control`); exports replace any that a
store made before still holds (`printable`): XML (xlsx, docx) cannot hold them and RFC 5545
forbids them in calendar text, so an export must never crash on one or pass it on.
"""

from __future__ import annotations

import re

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
REMOVE_IT = "remove it: a text editor that shows invisible characters finds it"
REPLACEMENT = "\ufffd"  # shows where something was, instead of silently dropping it


def printable(text: str) -> str:
    """`text` with every control character but tab, line feed and return replaced by U+FFFD."""
    return CONTROL.sub(REPLACEMENT, text)


def first_control(text: str) -> tuple[int, int, str] | None:
    """Line and column (from 1) and name (`U+0001`) of the first control character, if any."""
    match = CONTROL.search(text)
    if match is None:
        return None
    start = match.start()
    line_start = text.rfind("\n", 0, start) + 1
    return text.count("\n", 0, start) + 1, start - line_start + 1, char_name(match.group())


def char_name(char: str) -> str:
    """`NUL` for U+0000, else `U+001F`: how a message names a control character."""
    return "NUL (U+0000)" if char == "\x00" else f"U+{ord(char):04X}"


def in_value(found: tuple[int, int, str]) -> str:
    """What a problem says of a value in which `first_control` found a control character."""
    line, column, char = found
    place = f"character {column}" if line == 1 else f"character {column} of its line {line}"
    return f"holds the control character {char} at {place}"
