"""A board of sticky notes as every page shows it: the report's appendix, a panel's static view
and the dashboard's note board draw this one `Board` (the report and the static views through
one macro, `render.board_html`; the live board as cards, `wwlib.ui.board`).

A board in private mode (the group writes, each on their own) shows a participant's page only
the notes that person wrote; a facilitator's page, a notebook and the report show them all.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from wwlib.core.model import category_colour
from wwlib.present.missing import missing
from wwlib.present.views import note_dots
from wwlib.present.workbook import Workbook


@dataclass(frozen=True)
class BoardNote:
    """A sticky note as shown: its text, kind and colour, who wrote it, where it came from and
    the dots it received."""

    id: str
    text: str
    category: str
    colour: str
    author: str  # "door Anna Jansen", or "anoniem"
    source: str  # "uit het interview met P03", or ''
    dots: int


@dataclass(frozen=True)
class Board:
    """A board ("flap") with its notes by cluster, in the order the clusters first appear; with
    no notes, the sentence that says so."""

    id: str
    number: int
    heading: str  # "Flap 3: Thema: Wijkgericht werken"
    kind: str
    anchor: str  # the page id of its appendix: "flap-3"
    clusters: tuple[tuple[str, tuple[BoardNote, ...]], ...]
    missing: str
    locked: bool = False  # no note added, moved or renamed (the facilitator's lock)
    private: bool = False  # each participant sees only their own notes
    hidden: int = 0  # the notes of others this page does not show (private mode)
    ends_at: str | None = None  # the end of the board's countdown (UTC ISO), if one runs


def board(wb: Workbook, board_id: str) -> Board:
    """The board `board_id` as shown, names and texts as the pseudonymiser decides.

    Raises KeyError naming the cohort's boards when there is no such board.
    """
    boards = wb.store.boards().set_index("id")
    if board_id not in boards.index:
        raise KeyError(f"no board '{board_id}'; the boards are {', '.join(boards.index)}")
    row = boards.loc[board_id]
    state = wb.store.board_state(board_id)
    everything = wb.store.notes(board_id)
    notes = shown_notes(wb, board_id, everything, state["private"])
    dots = note_dots(wb.store.votes())
    sources = wb.store.note_fragments().groupby("note")["interview"].agg(lambda s: sorted(set(s)))
    clusters: dict[str, list[BoardNote]] = {}
    for note in notes.itertuples():
        cluster = wb.pseudonyms.text(note.cluster) if isinstance(note.cluster, str) else ""
        clusters.setdefault(cluster, []).append(
            BoardNote(
                id=note.id,
                text=wb.pseudonyms.text(note.text),
                category=wb.labels(f"category.{note.category}"),
                colour=category_colour(note.category),
                author=_author(wb, note.author),
                source=_source(wb, sources.get(note.id, [])),
                dots=dots.get(note.id, 0),
            )
        )
    no_cluster = wb.labels("report.appendix.no_cluster")
    return Board(
        id=board_id,
        number=int(row["number"]),
        heading=wb.labels(
            "report.appendix.board", number=row["number"], title=wb.pseudonyms.text(row["title"])
        ),
        kind=wb.labels(f"board.{row['kind']}"),
        anchor=f"flap-{row['number']}",
        clusters=tuple((c or no_cluster, tuple(n)) for c, n in clusters.items()),
        missing=missing(wb, "board_notes", board=board_id),
        locked=state["locked"],
        private=state["private"],
        hidden=len(everything) - len(notes),
        ends_at=state["ends_at"],
    )


def shown_notes(wb: Workbook, board_id: str, notes: pd.DataFrame, private: bool) -> pd.DataFrame:
    """The rows of `notes` (a board's) that this page may show: all, unless the board is private
    and the page is not a facilitator's; then those its person wrote (none for nobody)."""
    if not private or wb.facilitates:
        return notes
    own = wb.store.notes_added_by(wb.person, board_id) if wb.person else []
    return notes[notes["id"].isin(own)]


def _author(wb: Workbook, author: object) -> str:
    """'door Anna Jansen' ('anoniem' when NULL: an anonymous note)."""
    if isinstance(author, str) and author:
        return wb.labels("ui.by", name=wb.pseudonyms.name(author))
    return wb.labels("anonymous")


def _source(wb: Workbook, interviews: list[str]) -> str:
    """'uit het interview met P03' ('' for a note that came from no interview)."""
    if not interviews:
        return ""
    return wb.labels("ui.note.from", names=", ".join(wb.pseudonyms.name(i) for i in interviews))
