"""Finding paragraphs and sentences in a transcript, and showing it with coded spans marked.

All spans are half-open [start, end) in code points, like the store's fragments, so a passage
picked here can be coded as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from wwlib.ui.base import escape

_BLANK_LINE = re.compile(r"\n[ \t]*\n")
# A speaker turn starts "Name:" or "**Name:**"; the label is not part of what was said.
_SPEAKER = re.compile(r"\**[\w][\w .'-]{0,40}:\**\s+")
TEXT_STYLE = "white-space:pre-wrap;line-height:1.6"  # keeps the transcript's own line breaks
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"')\]]*\s+")


@dataclass(frozen=True)
class Span:
    """A half-open span of a text."""

    start: int
    end: int


@dataclass(frozen=True)
class Mark:
    """A coded span to highlight: colour and the code name(s) for its tooltip."""

    start: int
    end: int
    colour: str
    name: str


def _trimmed(text: str, start: int, end: int) -> Span | None:
    """The span without surrounding white space, or None if nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if end > start else None


def paragraphs(text: str) -> list[Span]:
    """Paragraphs (speaker turns): split at blank lines, or at line ends if there are none."""
    splitter = _BLANK_LINE if _BLANK_LINE.search(text) else re.compile(r"\n")
    spans, start = [], 0
    for match in [*splitter.finditer(text), None]:
        end = match.start() if match else len(text)
        span = _trimmed(text, start, end)
        if span:
            label = _SPEAKER.match(text, span.start, span.end)
            spans.append(Span(label.end(), span.end) if label else span)
        start = match.end() if match else end
    return [s for s in spans if s.end > s.start]


def sentences(text: str, within: Span) -> list[Span]:
    """Sentences of one paragraph: split after . ! ? or … followed by white space."""
    spans, start = [], within.start
    for match in _SENTENCE_END.finditer(text, within.start, within.end):
        span = _trimmed(text, start, match.start() + len(match.group(0).rstrip()))
        if span:
            spans.append(span)
        start = match.end()
    last = _trimmed(text, start, within.end)
    return spans + ([last] if last else [])


def highlighted(
    text: str, marks: list[Mark], numbered: list[Span], show: Callable[[str], str]
) -> str:
    """The text as escaped HTML with marks coloured and each numbered span's start labelled.

    `show` turns each piece of text into what may be shown (e.g. names pseudonymised).
    """
    cuts = {0, len(text)} | {m.start for m in marks} | {m.end for m in marks}
    cuts |= {s.start for s in numbered}
    numbers = {s.start: i for i, s in enumerate(numbered, start=1)}
    pieces = []
    points = sorted(c for c in cuts if 0 <= c <= len(text))
    for start, end in zip(points, points[1:], strict=False):
        if start in numbers:
            pieces.append(f'<sup class="ww-para-no">[{numbers[start]}]</sup>')
        pieces.append(_piece(show(text[start:end]), [m for m in marks if m.start <= start < m.end]))
    return f'<div class="ww-transcript-text" style="{TEXT_STYLE}">{"".join(pieces)}</div>'


def _piece(text: str, covering: list[Mark]) -> str:
    """One piece of text, marked in the colours of every code on it (stripes when several)."""
    if not covering:
        return escape(text)
    names = escape("; ".join(dict.fromkeys(m.name for m in covering)))
    colours = list(dict.fromkeys(m.colour for m in covering))
    # a see-through colour keeps dark codes (purple) readable; a line shows overlapping codes
    underline = ";border-bottom:2px solid #000" if len(covering) > 1 else ""
    style = f"background:{_background(colours)}{underline}"
    return f'<mark title="{names}" style="{style}">{escape(text)}</mark>'


def _background(colours: list[str]) -> str:
    """One see-through colour, or horizontal stripes of each code's colour."""
    if len(colours) == 1:
        return f"{colours[0]}80"
    share = 100 / len(colours)
    stripes = [f"{c}80 {i * share:.0f}% {(i + 1) * share:.0f}%" for i, c in enumerate(colours)]
    return f"linear-gradient({', '.join(stripes)})"
