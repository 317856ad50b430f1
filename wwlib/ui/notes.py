"""NoteBoard: a board's sticky notes, and a form to put a new one on it."""

from __future__ import annotations

import ipywidgets as ipw
import traitlets

from wwlib.core.model import NOTE_CATEGORIES
from wwlib.present.boards import board
from wwlib.present.missing import missing
from wwlib.present.render import board_html, empty_html, styled
from wwlib.present.workbook import Workbook
from wwlib.ui.base import Panel, StaticView, button, field, snippet

# the part of the week (`wwlib.present.missing`) that says a board of a kind is missing
BOARD_PARTS = {"kickoff": "kickoff_board", "ideas": "ideas_board", "theme": "theme_boards"}


class NoteBoard(Panel):
    """A board ("flap") of coloured sticky notes with a form to add one.

    `board_id` may be changed (or linked) later; the board re-renders. `saved` holds the id of
    the note this widget added last.
    """

    board_id = traitlets.Unicode(help="id of the board shown")

    def __init__(self, wb: Workbook, board_id: str, author: str = "", **kwargs):
        super().__init__(wb, **kwargs)
        self.board = field(ipw.HTML(), "ww-note-board")
        self.text = field(
            ipw.Textarea(placeholder=self._label("ui.note.placeholder"), rows=3),
            "ww-note-text",
            self._label("ui.note.text"),
        )
        self.category = field(
            ipw.Dropdown(options=[(self._label(f"category.{c}"), c) for c in NOTE_CATEGORIES]),
            "ww-note-category",
            self._label("ui.note.category"),
        )
        authors = [(self._label("anonymous"), "")] + self._people_options()
        self.author = field(
            ipw.Dropdown(options=authors, value=author if author in dict(authors).values() else ""),
            "ww-note-author",
            self._label("ui.note.author"),
        )
        self.cluster = field(ipw.Text(), "ww-note-cluster", self._label("ui.note.cluster"))
        self.source = field(ipw.Dropdown(), "ww-note-source", self._label("ui.note.source"))
        self.add = button(self._label("ui.note.add"), "ww-note-add", self._on_add)
        refresh = button(self._label("ui.refresh"), "ww-refresh", self._on_refresh)
        refresh.button_style = ""
        self.children = [
            self.board,
            self.text,
            ipw.HBox([self.category, self.author, self.cluster]),
            self.source,
            ipw.HBox([self.add, refresh]),
            self.status,
        ]
        self.add_class("ww-note-board-panel")
        self.board_id = board_id
        self.observe(self._on_board_id, "board_id")  # a later change (or link) re-renders
        self.refresh()

    @classmethod
    def static(cls, wb: Workbook, board_id: str, author: str = "", **kwargs) -> StaticView:
        """The board with its notes and their dots: what a static run shows instead of the
        widget, as the report's appendix shows it."""
        boards = wb.store.boards()["id"]
        if board_id not in set(boards):
            known = ", ".join(boards)
            lacking = wb.labels("ui.note.unknown_board", board=board_id, boards=known)
            return StaticView(empty_html(lacking), board_id=board_id)
        return StaticView(styled(board_html(board(wb, board_id))), board_id=board_id)

    @classmethod
    def of_kind(
        cls, wb: Workbook, kind: str = "kickoff", author: str = ""
    ) -> NoteBoard | StaticView:
        """The first board of a kind (kickoff, ideas, theme, integration) of this cohort.

        Without one, the sentence that says it is missing and which step makes it (its
        `board_id` is '').
        """
        boards = wb.store.boards()
        ids = list(boards.loc[boards["kind"] == kind, "id"])
        if not ids:
            lacking = missing(wb, BOARD_PARTS.get(kind, "boards")) or missing(wb, "boards")
            return StaticView(empty_html(lacking or wb.labels("ui.static")), board_id="")
        return cls(wb, ids[0], author)

    def refresh(self) -> None:
        """Read the board again (other tabs may have added notes)."""
        boards = self.wb.store.boards()
        if self.board_id not in set(boards["id"]):
            self.add.disabled = True
            self.board.value = ""
            known = ", ".join(boards["id"])
            problem = self._label("ui.note.unknown_board", board=self.board_id, boards=known)
            self.status.error(problem, unsaved=False)
            return
        self.add.disabled = False
        self.board.value = str(styled(board_html(board(self.wb, self.board_id))))
        self._source_options(boards.set_index("id").at[self.board_id, "theme"])

    def _source_options(self, theme: object) -> None:
        """The theme's coded fragments, to say which one a new note came from (optional)."""
        options = [(self._label("ui.note.no_source"), 0)]
        if isinstance(theme, str) and theme:
            fragments = self.wb.store.theme_fragments(theme)
            texts = self.wb.store.fragment_texts(fragments["fragment"].tolist())
            show = self.wb.pseudonyms
            options += [
                (f"{show.name(i)}: {snippet(show.text(texts[f]), 70)}", int(f))
                for f, i in zip(fragments["fragment"], fragments["interview"], strict=True)
            ]
        self.source.options = options
        self.source.layout.display = "" if len(options) > 1 else "none"

    def _on_board_id(self, change) -> None:
        self.status.clear()
        self.refresh()

    def _on_refresh(self, _button) -> None:
        self.refresh()

    def _on_add(self, _button) -> None:
        source = self.source.value

        def add() -> str:  # one action, one transaction: the note and its link
            return self.wb.store.add_note(
                self.board_id,
                self.text.value,
                category=self.category.value,
                author=self.author.value or "",
                cluster=self.cluster.value.strip(),
                fragments=(source,) if source else (),
            )

        stored = self._attempt(add)
        if stored:
            self.text.value = ""  # cleared only once the note is safely stored
            self.refresh()


class ThemeBoards(Panel):
    """A board per shortlisted theme, as tabs, and the facilitator's button that makes them.

    Opening the panel changes nothing: the boards are made only when the facilitator clicks
    "Maak de themaflappen" (a board is a numbered appendix of the report, so it is made on
    purpose). The button shows while a shortlisted theme has no board.
    """

    section = "themes"  # a static run: every theme board with its notes, one after the other

    def __init__(self, wb: Workbook, author: str = "", **kwargs):
        super().__init__(wb, **kwargs)
        self.author = author
        self.make = button(
            self._label("ui.theme_boards.make"), "ww-theme-boards-make", self._on_make
        )
        self.add_class("ww-theme-boards")
        self.refresh()

    def refresh(self) -> None:
        """Show a tab per theme board, or the sentence that says what is missing."""
        boards = self.wb.store.theme_boards()
        self.boards = [NoteBoard(self.wb, b, self.author) for b in boards["board"]]
        self.tabs = ipw.Tab(children=self.boards, titles=tuple(boards["name"]))
        shown = [self.tabs] if self.boards else [ipw.HTML(self._nothing(self.wb))]
        self.make.layout.display = "" if _themes_without_board(self.wb) else "none"
        self.children = [*shown, self.make, self.status]

    def _on_make(self, _button) -> None:
        made: list[str] = []

        def make() -> str:
            made.extend(self.wb.store.ensure_theme_boards())
            return ",".join(made)

        if self._attempt(make):
            self.refresh()
            self.status.saved(self.wb.labels.count("ui.theme_boards.made", len(made)))

    @staticmethod
    def _nothing(wb: Workbook) -> str:
        return empty_html(missing(wb, "theme_boards") or wb.labels("ui.note.no_themes"))


def _themes_without_board(wb: Workbook) -> list[str]:
    """The shortlisted themes that have no board yet, in shortlist order."""
    boarded = set(wb.store.theme_boards()["theme"])
    return [t for t in wb.store.shortlist()["code"] if t not in boarded]
