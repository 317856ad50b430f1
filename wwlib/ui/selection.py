"""Coding by selecting text: `TranscriptSelector`, a transcript one selects a passage in.

The widget is a small anywidget; its JavaScript and CSS (`static/selection.js`, `.css`) ship in
the package and load nothing from the network. The browser gets the text *as shown* (hidden
names replaced, `Shown`) and puts it on the page as text nodes, never as HTML, so that a CRLF
stays two code points and no markup in a transcript is read. It reports a selection in code
points of that text, snapped to whole characters (never inside a surrogate pair or between a
letter and its combining mark); the kernel maps it back to code points of the stored text
(`selection`), where a replaced name is one piece one selects whole or not at all.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import anywidget
import traitlets

STATIC = Path(__file__).parent / "static"


@dataclass(frozen=True)
class Piece:
    """A stretch of the stored text [start, end) and what is shown for it; `exact` when that
    is the same text (offsets inside map one to one), else a replaced name or number."""

    start: int
    end: int
    shown_start: int
    shown_end: int
    exact: bool


@dataclass(frozen=True)
class Shown:
    """A text as a page shows it, and how offsets in it map to offsets in the stored text."""

    text: str
    pieces: tuple[Piece, ...]

    @classmethod
    def of(cls, text: str, show: Callable[[str], str], finds: Iterable = ()) -> Shown:
        """`text` as `show` shows it. `finds` (with `start` and `end`: the stretches `show`
        replaces, e.g. `Pseudonymiser.finds`) keep the rest exact; when they do not explain what
        `show` does, each changed line is one piece, or else the whole text is: never anything
        but `show(text)` reaches the page."""
        whole = show(text)
        if whole == text:
            return cls(text, (Piece(0, len(text), 0, len(text), True),) if text else ())
        for shown in (_by_finds(text, show, finds), _by_lines(text, show)):
            if shown is not None and shown.text == whole:
                return shown
        return cls(whole, (Piece(0, len(text), 0, len(whole), False),))  # all or nothing

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """A span of the shown text as a span of the stored text; a span that covers part of
        a replaced piece covers all of it."""
        return self._map(start, True, False), self._map(end, False, False)

    def to_shown(self, start: int, end: int) -> tuple[int, int]:
        """A span of the stored text as a span of the shown text (widened the same way)."""
        return self._map(start, True, True), self._map(end, False, True)

    def _map(self, offset: int, is_start: bool, to_shown: bool) -> int:
        """One offset mapped across; an end at a piece's first offset ends the piece before."""
        if not self.pieces:
            return 0
        source, target = (_stored, _on_page) if to_shown else (_on_page, _stored)
        starts = [source(p)[0] for p in self.pieces]
        index = max(bisect.bisect_right(starts, offset) - 1, 0)
        if not is_start and index > 0 and offset == starts[index]:
            index -= 1
        piece = self.pieces[index]
        (first, last), (begin, stop) = source(piece), target(piece)
        offset = min(max(offset, first), last)
        if piece.exact:
            return begin + offset - first
        if is_start:
            return begin if offset < last else stop
        return stop if offset > first else begin


def _stored(piece: Piece) -> tuple[int, int]:
    return piece.start, piece.end


def _on_page(piece: Piece) -> tuple[int, int]:
    return piece.shown_start, piece.shown_end


def _by_finds(text: str, show: Callable[[str], str], finds: Iterable) -> Shown | None:
    """Exact pieces between the finds, a replaced piece for each (None when they overlap)."""
    pieces, at, shown_at, parts = [], 0, 0, []
    for find in sorted(finds, key=lambda f: f.start):
        if find.start < at or find.end > len(text) or find.end <= find.start:
            return None
        for start, end, exact in ((at, find.start, True), (find.start, find.end, False)):
            part = text[start:end] if exact else show(text[start:end])
            if end > start:
                pieces.append(Piece(start, end, shown_at, shown_at + len(part), exact))
                parts.append(part)
                shown_at += len(part)
        at = find.end
    if at < len(text):
        pieces.append(Piece(at, len(text), shown_at, shown_at + len(text) - at, True))
        parts.append(text[at:])
    return Shown("".join(parts), tuple(pieces))


def _by_lines(text: str, show: Callable[[str], str]) -> Shown:
    """Each line as `show` shows it: exact where unchanged, else one piece."""
    pieces, parts, at, shown_at = [], [], 0, 0
    for line in text.splitlines(keepends=True):
        part = show(line)
        pieces.append(Piece(at, at + len(line), shown_at, shown_at + len(part), part == line))
        parts.append(part)
        at, shown_at = at + len(line), shown_at + len(part)
    return Shown("".join(parts), tuple(pieces))


@dataclass(frozen=True)
class Marked:
    """A coding to mark: its id, span in the stored text, colour and code name."""

    coding: int
    start: int
    end: int
    colour: str
    name: str


def marks(shown: Shown, codings: list[Marked]) -> list[dict]:
    """What the browser marks: the shown text cut where a coding starts or ends, each cut
    covered by codings as {start, end, colours, label, codings} (code points of the shown text;
    `codings`, the ids, shortest first: a click picks the innermost)."""
    spans = [(*shown.to_shown(c.start, c.end), c) for c in codings]
    cuts = sorted({s for s, _, _ in spans} | {e for _, e, _ in spans})
    found = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        covering = [c for s, e, c in spans if s <= start and end <= e]
        if not covering:
            continue
        covering.sort(key=lambda c: (c.end - c.start, c.coding))
        found.append(
            {
                "start": start,
                "end": end,
                "colours": list(dict.fromkeys(c.colour for c in covering)),
                "label": "; ".join(dict.fromkeys(c.name for c in covering)),
                "codings": [c.coding for c in covering],
            }
        )
    return found


class TranscriptSelector(anywidget.AnyWidget):
    """A transcript to select a passage in, with the mouse or the keyboard.

    Set `show(shown, marks, numbers)`; read `selection`, (start, end) in code points of the
    stored text ((0, 0) for none), and `picked_coding`, the id of the coding whose mark was
    clicked (0 for none). Setting `selection` shows it in the text.
    """

    _esm = STATIC / "selection.js"
    _css = STATIC / "selection.css"
    text = traitlets.Unicode("", help="the text as shown").tag(sync=True)
    marks = traitlets.List(help="see `marks`").tag(sync=True)
    numbers = traitlets.List(help="shown offsets where numbered paragraphs start").tag(sync=True)
    labels = traitlets.Dict(help="the region's name and the keyboard hint").tag(sync=True)
    selected = traitlets.List([0, 0], help="the selection in the shown text").tag(sync=True)
    picked_coding = traitlets.Int(0, help="id of the picked coding; 0: none").tag(sync=True)
    selection = traitlets.Tuple((0, 0), help="the selection in the stored text")

    def __init__(self, labels: dict[str, str], **kwargs):
        super().__init__(labels=labels, **kwargs)
        self._shown = Shown("", ())
        self.observe(self._on_selected, "selected")
        self.observe(self._on_selection, "selection")

    def show(self, shown: Shown, marked: list[Marked], numbered: list[int]) -> None:
        """Show a text with its codings marked and paragraph numbers at `numbered` (offsets
        in the stored text); a selection that no longer fits is dropped."""
        self._shown = shown
        with self.hold_sync():
            self.text = shown.text
            self.marks = marks(shown, marked)
            self.numbers = [shown.to_shown(n, n)[0] for n in numbered]
            if self.picked_coding not in _ids(self.marks):
                self.picked_coding = 0
            if self.selection[1] > (shown.pieces[-1].end if shown.pieces else 0):
                self.selection = (0, 0)
            self._on_selection(None)

    @traitlets.validate("picked_coding")
    def _real_coding(self, proposal) -> int:
        """A coding of this text, else none (a forged message names any number)."""
        picked = proposal["value"]
        return picked if picked in _ids(self.marks) else 0

    def _on_selected(self, change) -> None:
        """The browser's selection, checked (a forged one is ignored) and mapped back."""
        span = change.new
        valid = (
            isinstance(span, list | tuple)
            and len(span) == 2
            and all(isinstance(x, int) and not isinstance(x, bool) for x in span)
            and 0 <= span[0] < span[1] <= len(self._shown.text)
        )
        if valid:
            self.selection = self._shown.to_original(*span)

    def _on_selection(self, change) -> None:
        """Show a selection set in the kernel (from a paragraph, a sentence or offsets)."""
        start, end = self.selection
        if 0 <= start < end and self._shown.pieces and end <= self._shown.pieces[-1].end:
            self.selected = list(self._shown.to_shown(start, end))
        else:
            self.selected = [0, 0]


def _ids(found: list[dict]) -> set[int]:
    return {c for mark in found for c in mark["codings"]}
