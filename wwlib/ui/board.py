"""The live board: notes as coloured cards in their clusters, and the facilitator's controls.

`BoardCards` is a small anywidget. Its JavaScript and CSS (`static/board.js`, `board.css`) ship
in the package, and it loads nothing from the network. The kernel hands it the whole board as
`view`, plain data from `board_view`: texts already pseudonymised and in the page's language,
which the browser puts on the page as text (never as HTML). The browser only tells the kernel
which card was clicked (`{"kind": "card" | "take_back", "note": id}`); what a click means, a dot
for this page's participant or the note a facilitator chose, the panel decides from the
workbook's person and role (`NoteBoard`), never from anything the message says.

`BoardControls` holds what only a facilitator's page shows: lock, private mode and reveal, a
countdown, moving the chosen note to a cluster and naming clusters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import anywidget
import ipywidgets as ipw
import traitlets

from wwlib.present.boards import Board, BoardNote, board
from wwlib.present.views import note_dots
from wwlib.present.workbook import Workbook
from wwlib.ui.base import StatusLine, button, escape, field, snippet, wrapped

STATIC = Path(__file__).parent / "static"
MESSAGE_KINDS = ("card", "take_back")


class BoardCards(anywidget.AnyWidget):
    """The board's notes as cards one clicks; `view` is what it shows (see `board_view`).

    `on_click(kind, note)` is called for each click the browser reports, with a kind of
    `MESSAGE_KINDS` and a note id; anything else in a message is ignored.
    """

    _esm = STATIC / "board.js"
    _css = STATIC / "board.css"
    view = traitlets.Dict().tag(sync=True)

    def __init__(self, on_click: Callable[[str, str], None], **kwargs):
        super().__init__(**kwargs)
        self._on_click = on_click
        self.on_msg(self._on_message)

    def _on_message(self, _widget, content, _buffers) -> None:
        if not isinstance(content, dict):
            return
        kind, note = content.get("kind"), content.get("note")
        if kind in MESSAGE_KINDS and isinstance(note, str) and 0 < len(note) <= 100:
            self._on_click(kind, note)


def board_view(wb: Workbook, board_id: str, selected: str = "") -> dict:
    """The board as `BoardCards` shows it on this page: its clusters of cards with their dots
    (in the open round: the round's, with this page's person's own marked; else every round's),
    the dots left, what the facilitator set (lock, private mode, a countdown) and a hint.

    Private mode leaves out the notes others wrote on a participant's page (`boards.board`).
    """
    shown = board(wb, board_id)
    number = wb.store.open_round_for(board_id)
    view: dict = {"board": board_id, "selected": selected, "timer": None, "left": ""}
    if number is None:
        dots, mine = {n.id: n.dots for _, notes in shown.clusters for n in notes}, {}
        ends_at, timer_key = shown.ends_at, "ui.board.time_left"
        voting = False
    else:
        row = wb.store.rounds().set_index("round").loc[number]
        votes = wb.store.round_votes(number)
        own = votes[votes["voter"] == wb.person]
        dots, mine = note_dots(votes), note_dots(own)
        voting = wb.role == "participant" and bool(wb.person)
        if voting:
            left = max(int(row["budget"]) - int(own["dots"].sum()), 0)
            view["left"] = wb.labels.count(
                "ui.board.dots_left", int(row["budget"]), left=left, round=number
            )
        closes = bool(row["close_at_end"])
        ends_at = row["ends_at"] if isinstance(row["ends_at"], str) else shown.ends_at
        timer_key = "ui.board.round_closes" if closes else "ui.board.time_left"
    view["clusters"] = [
        {"name": name, "notes": [_card(wb, n, dots.get(n.id, 0), mine.get(n.id, 0)) for n in notes]}
        for name, notes in shown.clusters
    ]
    if ends_at:
        view["timer"] = {
            "ends": _epoch_ms(ends_at),
            "label": wb.labels(timer_key),
            "done": wb.labels("ui.board.time_up"),
        }
    view |= {
        "voting": voting,
        "take_back": wb.labels("ui.vote.take_back"),
        "hint": _hint(wb, voting),
        "notices": _notices(wb, shown),
        "empty": "" if shown.clusters or shown.hidden else shown.missing,
    }
    return view


def stamped(view: dict) -> dict:
    """`view` with the kernel's clock in its countdown, as it is sent: a browser counts down
    from the kernel's time, not its own (a phone's clock may be minutes off)."""
    if not view.get("timer"):
        return view
    now = int(dt.datetime.now(dt.UTC).timestamp() * 1000)
    return {**view, "timer": {**view["timer"], "now": now}}


def _card(wb: Workbook, note: BoardNote, dots: int, mine: int) -> dict:
    said = wb.labels.count("ui.board.card_dots", dots)
    if mine:
        said += ", " + wb.labels.count("ui.board.card_mine", mine)
    return {
        "id": note.id,
        "text": note.text,
        "meta": f"{note.category} · {note.author}",
        "source": note.source,
        "colour": note.colour,
        "dots": dots,
        "mine": mine,
        "dots_label": said,
    }


def _hint(wb: Workbook, voting: bool) -> str:
    if voting:
        return wb.labels("ui.board.hint_vote")
    return wb.labels("ui.board.hint_choose") if wb.facilitates else ""


def _notices(wb: Workbook, shown: Board) -> list[str]:
    """What the facilitator set that this page should know: locked, private, notes hidden."""
    notices = []
    if shown.locked:
        notices.append(wb.labels("ui.board.locked"))
    if shown.private:
        key = "ui.board.private_facilitator" if wb.facilitates else "ui.board.private"
        notices.append(wb.labels(key))
    if shown.hidden:
        notices.append(wb.labels.count("ui.board.hidden", shown.hidden))
    return notices


def _epoch_ms(moment: str) -> int:
    return int(dt.datetime.fromisoformat(moment).timestamp() * 1000)


class BoardControls(ipw.VBox):
    """The facilitator's controls of a board (a facilitator's page only): lock and unlock,
    private mode and reveal, a countdown, move the chosen note to a cluster, name a cluster.

    Each change goes through `attempt` (the panel's: stores it, or shows in `status` why not),
    then `refresh`. `chosen` is the note the facilitator last clicked on the board.
    """

    def __init__(
        self,
        wb: Workbook,
        board_id: str,
        status: StatusLine,
        attempt: Callable[[Callable[[], object]], bool],
        refresh: Callable[[], None],
    ):
        super().__init__()
        self.wb, self.board_id, self._status = wb, board_id, status
        self._attempt, self._refresh = attempt, refresh
        self.chosen = ""
        self._raw_clusters: dict[str, str] = {}  # shown name -> stored name
        label = wb.labels
        self.lock = button(label("ui.board.lock"), "ww-board-lock", self._on_lock)
        self.private = button(label("ui.board.hide"), "ww-board-private", self._on_private)
        self.minutes = field(
            ipw.BoundedIntText(value=10, min=0, max=240, layout={"width": "20em"}),
            "ww-board-minutes",
            label("ui.board.minutes"),
        )
        self.timer = button(label("ui.board.timer"), "ww-board-timer", self._on_timer)
        self.chosen_note = field(ipw.HTML(), "ww-note-chosen")
        self.move_to = field(
            ipw.Combobox(ensure_option=False, layout={"width": "18em"}),
            "ww-note-move-cluster",
            label("ui.board.move_to"),
        )
        self.move = button(label("ui.board.move"), "ww-note-move", self._on_move)
        self.cluster_pick = field(ipw.Dropdown(), "ww-cluster-pick", label("ui.note.cluster"))
        self.new_name = field(ipw.Text(), "ww-cluster-new-name", label("ui.board.new_name"))
        self.rename = button(label("ui.board.rename"), "ww-cluster-rename", self._on_rename)
        for plain in (self.lock, self.private, self.timer, self.move, self.rename):
            plain.button_style, plain.layout.width = "", "auto"  # its whole label shows
        heading = ipw.HTML(f"<b>{escape(label('ui.vote.facilitator'))}</b>")
        self.children = [
            wrapped([heading, self.lock, self.private]),
            wrapped([self.minutes, self.timer]),
            self.chosen_note,
            wrapped([self.move_to, self.move]),
            wrapped([self.cluster_pick, self.new_name, self.rename]),
        ]
        self.add_class("ww-board-controls")

    def show(self, wb: Workbook, state: dict, clusters: list[str]) -> None:
        """Show the board's state (`board_state`) and its clusters (stored names), read
        through `wb` (the caller's thread's)."""
        label = wb.labels
        self.lock.description = label("ui.board.unlock" if state["locked"] else "ui.board.lock")
        self.private.description = label("ui.board.reveal" if state["private"] else "ui.board.hide")
        self._raw_clusters = {wb.pseudonyms.text(c): c for c in clusters if c}
        names = list(self._raw_clusters)
        if list(self.move_to.options) != names:
            self.move_to.options = names
        if [v for _, v in self.cluster_pick.options] != names:
            self.cluster_pick.options = [(n, n) for n in names]

    def choose(self, note: str, text: str) -> None:
        """The note the facilitator clicked: the one "Verplaatsen" moves."""
        self.chosen = note
        said = self.wb.labels("ui.board.chosen", text=snippet(text, 50))
        self.chosen_note.value = f"<p>{escape(said)}</p>"

    def _on_lock(self, _button) -> None:
        locked = not self.wb.store.board_state(self.board_id)["locked"]
        self._change(
            lambda: self.wb.store.set_board_state(self.board_id, locked=locked),
            self.wb.labels("ui.board.now_locked" if locked else "ui.board.now_unlocked"),
        )

    def _on_private(self, _button) -> None:
        private = not self.wb.store.board_state(self.board_id)["private"]
        self._change(
            lambda: self.wb.store.set_board_state(self.board_id, private=private),
            self.wb.labels("ui.board.now_private" if private else "ui.board.now_revealed"),
        )

    def _on_timer(self, _button) -> None:
        minutes = int(self.minutes.value)
        key = "ui.board.timer_started" if minutes else "ui.board.timer_stopped"
        self._change(
            lambda: self.wb.store.start_timebox(minutes * 60, board=self.board_id),
            self.wb.labels.count(key, minutes),
        )

    def _on_move(self, _button) -> None:
        if not self.chosen:
            self._status.error(self.wb.labels("ui.board.choose_first"))
            return
        typed = " ".join(self.move_to.value.split())
        cluster = self._raw_clusters.get(typed, typed)
        self._change(lambda: self.wb.store.move_note(self.chosen, cluster))

    def _on_rename(self, _button) -> None:
        old = self._raw_clusters.get(self.cluster_pick.value or "", "")
        new = self.new_name.value
        if self._change(lambda: self.wb.store.rename_cluster(self.board_id, old, new)):
            self.new_name.value = ""

    def _change(self, action: Callable[[], object], said: str = "") -> bool:
        """Store one change, say so (`said`, else "Opgeslagen") or why not, and redraw."""
        stored = self._attempt(action)
        if stored and said:
            self._status.saved(said)
        self._refresh()
        return stored
