"""A board of sticky notes as every page shows it: the report's appendix, a panel's static view
and the dashboard's note board draw this one `Board` through one macro (`render.board_html`)."""

from __future__ import annotations

from dataclasses import dataclass

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


def board(wb: Workbook, board_id: str) -> Board:
    """The board `board_id` as shown, names and texts as the pseudonymiser decides.

    Raises KeyError naming the cohort's boards when there is no such board.
    """
    boards = wb.store.boards().set_index("id")
    if board_id not in boards.index:
        raise KeyError(f"no board '{board_id}'; the boards are {', '.join(boards.index)}")
    row = boards.loc[board_id]
    notes = wb.store.notes(board_id)
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
    )


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
