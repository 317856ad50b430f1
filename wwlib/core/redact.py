"""Rewriting a text whose spans must keep pointing at the same words, and ids for hidden people.

A transcript whose names become pseudonym codes ("Ineke Verhoeven" -> "P01") gets shorter or
longer, and every coding, note link and speaker turn on it is a pair of positions into it.
`Rewrite` compares the text before and after and says where a span's start and end land:
inside the equal parts they move by the lengths changed before them; a start or end inside a
replaced part lands on the start or end of its replacement, so a span stays on the same words.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Collection
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import accumulate

TOKEN = re.compile(r"\w+|\s+|[^\w\s]")  # a word, a run of spaces, or one mark


@dataclass(frozen=True)
class Rewrite:
    """A text before and after a rewrite, and the parts that differ.

    `changes` holds (old_start, old_end, new_start, new_end) per replaced part, in order.
    """

    old: str
    new: str
    changes: tuple[tuple[int, int, int, int], ...]

    @property
    def changed(self) -> bool:
        return self.old != self.new

    def start(self, position: int) -> int:
        """Where a span that started at `position` starts in the new text."""
        return self._moved(position, at_end=False)

    def end(self, position: int) -> int:
        """Where a span that ended at `position` ends in the new text."""
        return self._moved(position, at_end=True)

    def _moved(self, position: int, at_end: bool) -> int:
        index = bisect_right([c[0] for c in self.changes], position) - 1
        if index < 0:
            return min(position, len(self.new))
        old_start, old_end, new_start, new_end = self.changes[index]
        if position >= old_end:  # in the equal part after this change
            return min(position - old_end + new_end, len(self.new))
        if position == old_start:
            return new_start
        return new_end if at_end else new_start


def rewrite(text: str, replace: Callable[[str], str]) -> Rewrite:
    """`replace(text)` with the parts it changed, to move spans on the text along."""
    new = replace(text)
    return Rewrite(text, new, tuple(_changes(text, new)) if new != text else ())


def _changes(old: str, new: str) -> list[tuple[int, int, int, int]]:
    """The replaced parts of `old` in `new`, line by line (a name never spans two), within a
    line word by word (difflib; a whole text at once when the lines do not pair up)."""
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    if len(old_lines) != len(new_lines):
        return _word_changes(old, new, 0, 0)
    changes, i, j = [], 0, 0
    for before, after in zip(old_lines, new_lines, strict=True):
        if before != after:
            changes += _word_changes(before, after, i, j)
        i, j = i + len(before), j + len(after)
    return changes


def _word_changes(old: str, new: str, i: int, j: int) -> list[tuple[int, int, int, int]]:
    """The replaced parts of one line (or text) as words, spaces and marks; at `i` and `j`."""
    old_tokens, new_tokens = TOKEN.findall(old), TOKEN.findall(new)
    old_at, new_at = _starts(old_tokens), _starts(new_tokens)
    matcher = SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    return [
        (i + old_at[a0], i + old_at[a1], j + new_at[b0], j + new_at[b1])
        for tag, a0, a1, b0, b1 in matcher.get_opcodes()
        if tag != "equal"
    ]


def _starts(tokens: list[str]) -> list[int]:
    """Where each token starts, and where the last one ends."""
    return [0, *accumulate(len(t) for t in tokens)]


def pseudonym_id(pseudonym: str, taken: Collection[str]) -> str:
    """A person id made of a pseudonym code ('P01' -> 'p01'), not one of `taken`.

    For a person shown by pseudonym where an id is written: their own id is often their name
    ('ineke-verhoeven').
    """
    base = "-".join(filter(None, pseudonym.lower().split("-"))) or "persoon"
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate
