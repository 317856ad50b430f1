"""NoteBoard: a board's sticky notes as cards, a form to put a new one on it, and the room.

The board follows the other pages (`LivePanel`): a note, a move, a new cluster name or a dot
from someone else shows within a second. On a page served by a personal link the page acts as
its person: a new note is theirs (or nobody's, while an anonymous round is open on the board),
and a participant votes by clicking a card. A facilitator's page also has the room's controls
(`wwlib.ui.board.BoardControls`); a notebook acts as nobody in particular and may choose the
author.
"""

from __future__ import annotations

import ipywidgets as ipw
import traitlets

from wwlib.core.model import NOTE_CATEGORIES
from wwlib.present.boards import board
from wwlib.present.missing import missing
from wwlib.present.render import board_html, empty_html, styled
from wwlib.present.workbook import Workbook
from wwlib.ui.base import (
    USER_ERRORS,
    LivePanel,
    Panel,
    StaticView,
    button,
    field,
    snippet,
    wrapped,
)
from wwlib.ui.board import BoardCards, BoardControls, board_view, stamped
from wwlib.ui.vote_round import read_state, round_refusal

# the part of the week (`wwlib.present.missing`) that says a board of a kind is missing
BOARD_PARTS = {"kickoff": "kickoff_board", "ideas": "ideas_board", "theme": "theme_boards"}


class NoteBoard(LivePanel):
    """A board ("flap") of coloured sticky notes with a form to add one.

    `board_id` may be changed (or linked) later; the board re-renders. `saved` holds the id of
    the note (or vote) this widget stored last. With `live`, once displayed it follows the
    other pages by itself.
    """

    board_id = traitlets.Unicode(help="id of the board shown")

    def __init__(self, wb: Workbook, board_id: str, author: str = "", live: bool = True, **kwargs):
        super().__init__(wb, live=live, **kwargs)
        self._shown: dict | None = None
        self._answered = 0  # the clicks on cards handled: the browser's sign of an answer
        self.board = field(BoardCards(self._on_card), "ww-note-board")
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
        choices = [self.category]
        if self.acts_for_others:  # a notebook enters notes for the group
            authors = [(self._label("anonymous"), "")] + self._people_options()
            self.author = field(
                ipw.Dropdown(
                    options=authors, value=author if author in dict(authors).values() else ""
                ),
                "ww-note-author",
                self._label("ui.note.author"),
            )
            choices.append(self.author)
        if wb.facilitates:
            self.cluster = field(ipw.Text(), "ww-note-cluster", self._label("ui.note.cluster"))
            choices.append(self.cluster)
        self.source = field(ipw.Dropdown(), "ww-note-source", self._label("ui.note.source"))
        self.add = button(self._label("ui.note.add"), "ww-note-add", self._on_add)
        refresh = button(self._label("ui.refresh"), "ww-refresh", self._on_refresh)
        refresh.button_style = ""
        self.controls = (
            BoardControls(wb, board_id, self.status, self._attempt, self.refresh)
            if wb.facilitates
            else None
        )
        self.children = [
            self.board,
            *([self.controls] if self.controls else []),
            self.text,
            wrapped(choices),
            self.source,
            wrapped([self.add, refresh]),
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
        """Read the board again (other pages may have changed it)."""
        boards = self.wb.store.boards()
        if self.board_id not in set(boards["id"]):
            self.add.disabled = True
            self.board.view = {}
            known = ", ".join(boards["id"])
            problem = self._label("ui.note.unknown_board", board=self.board_id, boards=known)
            self.status.error(problem, unsaved=False)
            return
        self.add.disabled = False
        self._show(self.wb, force=True)
        self._source_options(boards.set_index("id").at[self.board_id, "theme"])

    def _follow(self, wb: Workbook) -> None:
        if self.board_id in set(wb.store.boards()["id"]):
            self._show(wb)

    def _show(self, wb: Workbook, force: bool = False) -> None:
        """Draw the board as read through `wb` (this thread's), when it changed."""
        with self._lock:  # a click's view and the thread's never cross
            chosen = self.controls.chosen if self.controls else ""
            view = board_view(wb, self.board_id, chosen)
            if force or view != self._shown:
                self._shown = view
                self.board.view = stamped(view) | {"answered": self._answered}
            if self.controls:
                clusters = wb.store.notes(self.board_id)["cluster"].dropna().unique().tolist()
                self.controls.show(wb, wb.store.board_state(self.board_id), clusters)

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
        if self.controls:
            self.controls.board_id, self.controls.chosen = self.board_id, ""
        self.refresh()

    def _on_refresh(self, _button) -> None:
        self.refresh()

    def _on_add(self, _button) -> None:
        source = self.source.value
        author = self._author()
        cluster = self.cluster.value.strip() if self.wb.facilitates else ""

        def add() -> str:  # one action, one transaction: the note and its link
            return self.wb.store.add_note(
                self.board_id,
                self.text.value,
                category=self.category.value,
                author=author,
                cluster=cluster,
                fragments=(source,) if source else (),
            )

        stored = self._attempt(add)
        if stored:
            self.text.value = ""  # cleared only once the note is safely stored
        elif self.wb.store.board_state(self.board_id)["locked"]:
            self.status.error(self._label("ui.board.error.locked"))
        self.refresh()

    def _author(self) -> str:
        """Who wrote the new note: the page's person (nobody while an anonymous round is open on
        the board); in a notebook, the author chosen."""
        if self.acts_for_others:
            return self.author.value or ""
        number = self.wb.store.open_round_for(self.board_id)
        rounds = self.wb.store.rounds().set_index("round")
        anonymous = number is not None and bool(rounds.at[number, "anonymous"])
        return "" if anonymous else self.wb.person

    # -- a click on a card -----------------------------------------------------------------

    def _on_card(self, kind: str, note: str) -> None:
        """A participant's click puts a dot (or takes one back); a facilitator's chooses the
        note to move. Who votes is the page's person, whatever the message said."""
        if self.wb.person and self.wb.role == "participant":
            self._vote(note, taking_back=kind == "take_back")
        elif self.controls and kind == "card":
            texts = self.wb.store.notes(self.board_id).set_index("id")["text"]
            if note in texts.index:
                self.controls.choose(note, self.wb.pseudonyms.text(texts[note]))
                self.status.clear()
        else:
            self.status.error(self._label("ui.board.error.only_participants"), unsaved=False)
        self._answered += 1  # a new view even when nothing changed: the card's click is answered
        self._show(self.wb, force=True)

    def _vote(self, note: str, taking_back: bool = False) -> None:
        """One dot on `note` (or one taken back) in the board's open round, as the page's person."""
        store, person = self.wb.store, self.wb.person
        number = store.open_round_for(self.board_id)
        if number is None:
            self.status.error(self._label("ui.vote.error.no_round"))
            return
        try:
            if taking_back:
                store.take_back_dot(number, person, note)
            else:
                self.saved = str(store.add_vote(number, person, note, 1))
        except USER_ERRORS as exc:
            state = read_state(store, self.board_id)
            self.status.error(round_refusal(self.wb, state, number, person, exc, taking_back))
            return
        self.status.saved(self._label("ui.vote.taken_back" if taking_back else "ui.board.voted"))


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
        self.boards: list[NoteBoard] = []
        self._displayed = False
        self.refresh()

    def refresh(self) -> None:
        """Show a tab per theme board, or the sentence that says what is missing."""
        boards = self.wb.store.theme_boards()
        for old in self.boards:
            old.close()  # and its thread
        self.boards = [NoteBoard(self.wb, b, self.author) for b in boards["board"]]
        if self._displayed:
            self._start_live()
        self.tabs = ipw.Tab(children=self.boards, titles=tuple(boards["name"]))
        shown = [self.tabs] if self.boards else [ipw.HTML(self._nothing(self.wb))]
        self.make.layout.display = "" if _themes_without_board(self.wb) else "none"
        controls = [self.make] if self.wb.facilitates else []  # a facilitator's page only
        self.children = [*shown, *controls, self.status]

    def _repr_mimebundle_(self, **kwargs):
        """Displayed: each board follows the other pages (a board inside tabs is never displayed
        by itself, so it is told here)."""
        self._displayed = True
        self._start_live()
        return super()._repr_mimebundle_(**kwargs)

    def _start_live(self) -> None:
        for shown in self.boards:
            shown.start_live()

    def close(self) -> None:
        """Close the tabs' boards (and their threads) with the panel."""
        for shown in self.boards:
            shown.close()
        super().close()

    def _on_make(self, _button) -> None:
        if not self.wb.facilitates:  # the button shows on a facilitator's page only
            self.status.error(self._label("role.refused"))
            return
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
