"""VotePanel: dot voting on a board's sticky notes, in rounds the facilitator opens and closes.

The totals follow the votes cast in other browser tabs (each its own kernel) without a click:
a daemon thread re-reads the store on a connection of its own every `POLL_SECONDS` and redraws
only what changed. It stops when the panel is closed, when a newer panel on the same board
takes over in this kernel, or at a store error, which it reports once under the totals.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import ipywidgets as ipw
import pandas as pd
import traitlets

from wwlib.core.errors import WorkbookError
from wwlib.core.model import category_colour
from wwlib.present.missing import missing
from wwlib.present.render import empty_html, note_html, vote_chart_html
from wwlib.present.views import note_dots
from wwlib.present.workbook import Workbook
from wwlib.store import Store
from wwlib.ui.base import (
    USER_ERRORS,
    Panel,
    StaticView,
    button,
    escape,
    field,
    snippet,
)

POLL_SECONDS = 2.0
LIVE_ERRORS = (WorkbookError,)  # the store turns SQLite's errors into StoreError

# The panel whose thread follows each (store, board) in this kernel: re-running a cell must
# not leave the older panel polling the store for ever.
_LIVE: weakref.WeakValueDictionary = weakref.WeakValueDictionary()


@dataclass(frozen=True, eq=False)
class RoundState:
    """One reading of the store: the round shown, its votes on the board's notes, the rounds."""

    round: int | None  # the open round, else the one asked for, else the board's latest
    is_open: bool
    budget: int
    anonymous: bool
    notes: pd.DataFrame  # the board's notes
    votes: pd.DataFrame  # the round's votes (on other boards too, in an every-board round)
    rounds: pd.DataFrame  # the rounds on this board or on every board

    def key(self) -> tuple:
        """What the screen depends on, to redraw only when it changed."""
        return (
            self.round, self.is_open, self.budget, self.anonymous,
            tuple(self.notes[["id", "text", "category"]].itertuples(index=False, name=None)),
            tuple(self.votes[["id", "voter", "note", "dots"]].itertuples(index=False, name=None)),
        )  # fmt: skip

    def spent(self, voter: str) -> int:
        return int(self.votes.loc[self.votes["voter"] == voter, "dots"].sum())


def read_state(
    store: Store, board_id: str, wanted: int | None = None, budget: int = 5
) -> RoundState:
    """The round a panel on `board_id` shows, read from `store` (any connection)."""
    rounds = store.rounds()
    rounds = rounds[rounds["board"].isna() | (rounds["board"] == board_id)]
    numbers = rounds["round"].tolist()
    shown = store.open_round_for(board_id)
    if shown is None:
        shown = wanted if wanted in numbers else (numbers[-1] if numbers else None)
    notes = store.notes(board_id)
    row = None if shown is None else rounds.loc[rounds["round"] == shown].iloc[0]
    votes = store.round_votes(0 if shown is None else shown)  # no round 0: no votes
    return RoundState(
        round=shown,
        is_open=row is not None and row["status"] == "open",
        budget=budget if row is None else int(row["budget"]),
        anonymous=row is not None and bool(row["anonymous"]),
        notes=notes,
        votes=votes,
        rounds=rounds,
    )


class VotePanel(Panel):
    """Dot voting on one board: the facilitator opens and closes rounds, participants vote.

    Each participant has the round's budget of dots and may stack them on a note, or take one
    back. `round` is the round shown: the open one, else `round` as asked, else the board's
    latest. `budget` is what the facilitator's form offers for a new round. `voter` is the
    person chosen; `saved` the id of the last vote (or round) stored. With `live`, once the
    panel is displayed its totals refresh by themselves (see `start_live`).
    """

    voter = traitlets.Unicode("", allow_none=True, help="person id of the voter chosen")
    round = traitlets.Int(None, allow_none=True, help="number of the round shown")

    def __init__(
        self,
        wb: Workbook,
        board_id: str,
        round: int | None = None,
        budget: int = 5,
        live: bool = True,
        **kwargs,
    ):
        super().__init__(wb, **kwargs)
        self.board_id, self.budget, self._wanted, self._live = board_id, budget, round, live
        self._lock = threading.RLock()  # the poller and click handlers both redraw
        self._stop = threading.Event()
        self._poller: threading.Thread | None = None
        self._shown: tuple | None = None
        self._build_facilitator(budget)
        self._build_participant()
        self.totals = field(ipw.HTML(), "ww-vote-totals")
        self.live_note = field(ipw.HTML(), "ww-vote-live")
        self.children = [
            self.round_info,
            ipw.HBox([self.facilitator, self.budget_pick, self.anonymous]),
            ipw.HBox([self.open_button, self.close_button]),
            ipw.HBox([self.voter_pick, self.note, self.dots]),
            ipw.HBox([self.add, self.take_back, self.refresh_button]),
            self.status,
            self.remaining,
            self.totals,
            self.live_note,
        ]
        self.add_class("ww-vote-panel")
        ipw.link((self.voter_pick, "value"), (self, "voter"))
        self.observe(self._on_voter, "voter")
        self.refresh()
        lacking = _lacking(wb, board_id)
        if lacking and board_id not in set(wb.store.boards()["id"]):
            self._live = False  # no board to vote on: nothing to follow
            self.children = [ipw.HTML(empty_html(lacking))]
        elif lacking:  # a board without notes yet: the facilitator may still open a round
            self.children = [ipw.HTML(empty_html(lacking)), *self.children]

    def _build_facilitator(self, budget: int) -> None:
        self.facilitator = ipw.HTML(f"<b>{escape(self._label('ui.vote.facilitator'))}</b>")
        self.round_info = field(ipw.HTML(), "ww-vote-round")
        self.budget_pick = field(
            ipw.BoundedIntText(value=budget, min=1, max=99, layout={"width": "14em"}),
            "ww-vote-budget",
            self._label("ui.vote.budget"),
        )
        self.anonymous = field(ipw.Checkbox(value=False, indent=False), "ww-vote-anonymous")
        self.anonymous.description = self._label("ui.vote.anonymous")
        self.open_button = button(self._label("ui.vote.open"), "ww-vote-open", self._on_open)
        self.close_button = button(self._label("ui.vote.close"), "ww-vote-close", self._on_close)
        self.close_button.button_style = "warning"

    def _build_participant(self) -> None:
        self.voter_pick = field(
            ipw.Dropdown(options=self._people_options("participant")),
            "ww-vote-voter",
            self._label("ui.vote.voter"),
        )
        self.note = field(ipw.Dropdown(), "ww-vote-note", self._label("ui.vote.note"))
        self.dots = field(ipw.Dropdown(options=[1]), "ww-vote-dots", self._label("ui.vote.dots"))
        self.add = button(self._label("ui.vote.add"), "ww-vote-add", self._on_add)
        self.take_back = button(
            self._label("ui.vote.take_back"), "ww-vote-take-back", self._on_take_back
        )
        self.take_back.button_style = ""
        self.refresh_button = button(self._label("ui.refresh"), "ww-refresh", self._on_refresh)
        self.refresh_button.button_style = ""
        self.remaining = field(ipw.HTML(), "ww-vote-remaining")

    @classmethod
    def static(cls, wb: Workbook, board_id: str, round: int | None = None, **kwargs) -> StaticView:
        """Every round on the board with its totals (never who voted for what), as HTML."""
        lacking = _lacking(wb, board_id)
        if lacking:
            return StaticView(empty_html(lacking), board_id=board_id, round=None)
        state = read_state(wb.store, board_id)
        parts = []
        for row in state.rounds.itertuples():
            votes = wb.store.round_votes(row.round)
            summary = _round_summary(wb, row)
            parts.append(f"<h4>{escape(summary)}</h4>" + totals_table(wb, state.notes, votes))
        if not parts:
            parts = [empty_html(missing(wb, "votes") or wb.labels("ui.vote.no_rounds"))]
        return StaticView("".join(parts), board_id=board_id, round=state.round)

    # -- reading and showing -------------------------------------------------------------

    def refresh(self) -> None:
        """Read the round and its votes again and show them (other tabs vote too)."""
        self._show(read_state(self.wb.store, self.board_id, self._wanted, self.budget), force=True)

    def _show(self, state: RoundState, force: bool = False) -> None:
        with self._lock:
            if not force and state.key() == self._shown:
                return
            self._shown, self.state = state.key(), state
            self.round = state.round
            self._note_options(state.notes)
            budgets = list(range(1, state.budget + 1))
            if list(self.dots.options) != budgets:
                chosen = self.dots.value
                self.dots.options = budgets
                self.dots.value = chosen if chosen in budgets else 1
            for widget in (self.add, self.take_back, self.close_button):
                widget.disabled = not state.is_open
            self.open_button.disabled = state.is_open
            self.round_info.value = self._round_html(state)
            self._show_remaining(state)
            self.totals.value = self._totals_html(state)

    def _note_options(self, notes: pd.DataFrame) -> None:
        """The board's notes to vote on, keeping the one chosen."""
        show = self.wb.pseudonyms.text
        options = [(snippet(show(n.text)), n.id) for n in notes.itertuples()]
        if list(self.note.options) == options:
            return
        chosen = self.note.value
        self.note.options = options
        if chosen in set(notes["id"]):
            self.note.value = chosen

    def _round_html(self, state: RoundState) -> str:
        if state.round is None or not state.is_open:
            text = self._label("ui.vote.no_round")
            if state.round is not None:
                text = self._label("ui.vote.closed", round=state.round) + " " + text
            return f"<p><b>{escape(text)}</b></p>"
        text = self._label("ui.vote.round_open", round=state.round, n=state.budget)
        if state.anonymous:
            text += " " + self._label("ui.vote.round_anonymous")
        return f"<p><b>{escape(text)}</b></p>"

    def _show_remaining(self, state: RoundState) -> None:
        """How many dots the chosen voter has left in the open round."""
        if not (self.voter and state.is_open):
            self.remaining.value = ""
            return
        text = self._label(
            "ui.vote.remaining",
            name=self.wb.pseudonyms.name(self.voter),
            left=max(state.budget - state.spent(self.voter), 0),
            n=state.budget,
            round=state.round,
        )
        self.remaining.value = f"<p>{escape(text)}</p>"

    def _totals_html(self, state: RoundState) -> str:
        if state.round is None:
            return ""
        heading = f"<h4>{escape(self._label('ui.vote.totals', round=state.round))}</h4>"
        who = None if state.anonymous else self.wb.pseudonyms.name
        return heading + totals_table(self.wb, state.notes, state.votes, who)

    # -- the live totals -----------------------------------------------------------------

    def start_live(self, seconds: float = POLL_SECONDS) -> None:
        """Re-read the store every `seconds` in a thread and redraw when something changed."""
        key = (str(self.wb.store.path), self.board_id)
        previous = _LIVE.get(key)
        if previous is not None and previous is not self:
            previous.stop_live()
        _LIVE[key] = self
        if self.live:
            return
        self._stop = threading.Event()
        self.live_note.value = f"<p><small>{escape(self._label('ui.vote.live'))}</small></p>"
        self._poller = threading.Thread(
            target=self._poll, args=(seconds, self._stop), name="ww-vote-live", daemon=True
        )
        self._poller.start()

    def stop_live(self) -> None:
        """Stop refreshing by itself (the thread ends within one interval)."""
        self._stop.set()
        self.live_note.value = ""

    @property
    def live(self) -> bool:
        """Whether the totals are refreshing by themselves."""
        return self._poller is not None and self._poller.is_alive() and not self._stop.is_set()

    def _repr_mimebundle_(self, **kwargs):
        """Displayed in a notebook or dashboard: from now on the totals follow other tabs."""
        if self._live:
            self.start_live()
        return super()._repr_mimebundle_(**kwargs)

    def close(self) -> None:
        """Close the widget and stop its thread."""
        self.stop_live()
        super().close()

    def _poll(self, seconds: float, stop: threading.Event) -> None:
        """The thread: its own connection (a connection belongs to one thread)."""
        try:
            with Store(self.wb.store.path, actor=self.wb.store.actor) as store:
                while not stop.wait(seconds) and self.comm is not None:
                    self._show(read_state(store, self.board_id, self._wanted, self.budget))
        except LIVE_ERRORS as exc:
            stop.set()
            message = self.wb.pseudonyms.text(str(exc))
            text = self._label("ui.vote.live_stopped", message=message)
            with self._lock:
                self.live_note.value = f'<p class="ww-error">{escape(text)}</p>'

    # -- handlers ------------------------------------------------------------------------

    def _on_voter(self, change) -> None:
        self.status.clear()
        with self._lock:
            self._show_remaining(self.state)

    def _on_refresh(self, _button) -> None:
        self.status.clear()
        self.refresh()
        self.start_live()

    def _on_open(self, _button) -> None:
        board, budget, anonymous = self.board_id, self.budget_pick.value, self.anonymous.value
        number = self._store(
            lambda: self.wb.store.open_round(board, budget, anonymous), self._open_refusal
        )
        if number is not None:
            self.status.saved(self._label("ui.vote.opened", round=number))

    def _on_close(self, _button) -> None:
        if self._no_open_round():
            return
        number = self.state.round

        def close() -> int:
            self.wb.store.close_round(number)
            return number

        if self._store(close, partial(self._round_refusal, number)) is not None:
            self.status.saved(self._label("ui.vote.closed", round=number))

    def _on_add(self, _button) -> None:
        if self._missing(self.voter_pick, self.note) or self._no_open_round():
            return
        number, voter, note, dots = self.state.round, self.voter, self.note.value, self.dots.value
        vote = self._store(
            lambda: self.wb.store.add_vote(number, voter, note, dots),
            partial(self._round_refusal, number),
        )
        if vote is not None:
            self.status.saved()

    def _on_take_back(self, _button) -> None:
        if self._missing(self.voter_pick, self.note) or self._no_open_round():
            return
        number, voter, note = self.state.round, self.voter, self.note.value
        vote = self._store(
            lambda: self.wb.store.take_back_dot(number, voter, note),
            partial(self._round_refusal, number, taking_back=True),
        )
        if vote is not None:
            self.status.saved(self._label("ui.vote.taken_back"))

    def _no_open_round(self) -> bool:
        if self.state.is_open:
            return False
        self.status.error(self._label("ui.vote.error.no_round"))
        return True

    def _store(self, change: Callable[[], object], refusal: Callable[[Exception], str]):
        """Make one change and redraw; on refusal, `refusal` says why. The result or None.

        The inputs keep what the user chose either way (the choices are not reset).
        """
        try:
            result = change()
        except USER_ERRORS as exc:
            self.refresh()  # read the reason afresh: another tab may have closed the round
            self.status.error(refusal(exc))
            return None
        self.saved = str(result)
        self.refresh()
        return result

    def _open_refusal(self, exc: Exception) -> str:
        if self.state.is_open:
            return self._label("ui.vote.error.still_open", round=self.state.round)
        return str(exc)

    def _round_refusal(self, asked: int, exc: Exception, taking_back: bool = False) -> str:
        """Why a vote (or closing) in round `asked` was refused, from the store's state now."""
        state = self.state
        row = state.rounds[state.rounds["round"] == asked]
        if row.empty:
            return self._label("ui.vote.error.no_round")
        if row["status"].iloc[0] != "open":
            return self._label("ui.vote.error.closed", round=asked)
        name = self.wb.pseudonyms.name(self.voter or "")
        field_name = getattr(exc, "field", "")
        if field_name == "dots":
            left = max(state.budget - state.spent(self.voter), 0)
            return self._label(
                "ui.vote.error.budget", name=name, left=left, n=state.budget, round=asked
            )
        if field_name == "note" and taking_back:
            return self._label("ui.vote.error.nothing_to_take_back", name=name, round=asked)
        return str(exc)


def _lacking(wb: Workbook, board_id: str) -> str:
    """What voting on `board_id` still needs: the board itself, or notes on it ('' if none)."""
    if board_id not in set(wb.store.boards()["id"]):
        return missing(wb, "ideas_board") or missing(wb, "boards")
    return missing(wb, "board_notes", board=board_id)


def totals_table(wb: Workbook, notes: pd.DataFrame, votes: pd.DataFrame, who=None) -> str:
    """Notes by dots received, each with a bar in its colour: the chart the panel keeps live.

    `who` (a function from person id to shown name) adds who put how many dots on each note;
    leave it out for anonymous rounds. Rows carry `data-note` and `data-dots`.
    """
    votes = votes[votes["note"].isin(notes["id"])]
    if votes.empty:
        return str(note_html(wb.labels("ui.vote.no_votes"), "ww-none"))
    dots = note_dots(votes)
    ranked = notes.assign(dots=[dots.get(n, 0) for n in notes["id"]])
    ranked = ranked[ranked["dots"] > 0].sort_values("dots", ascending=False, kind="stable")
    scale = 12 / max(int(ranked["dots"].max()), 1)
    rows = []
    for n in ranked.itertuples():
        own = votes[votes["note"] == n.id].groupby("voter", sort=False)["dots"].sum()
        said = ", ".join(f"{who(v)} ({d})" for v, d in own.items()) if who else ""
        rows.append(
            {
                "id": n.id,
                "text": snippet(wb.pseudonyms.text(n.text)),
                "dots": n.dots,
                "colour": category_colour(n.category),
                "width": round(n.dots * scale, 2),
                "who": said,
            }
        )
    head = ["", wb.labels("ui.vote.dots"), "", wb.labels("ui.vote.who")] if who else None
    return str(vote_chart_html(rows, head))


def _round_summary(wb: Workbook, row) -> str:
    anonymous = ", " + wb.labels("anonymous") if row.anonymous else ""
    return wb.labels(
        "ui.vote.round_summary",
        round=row.round,
        status=wb.labels(f"ui.vote.status.{row.status}"),
        budget=wb.labels.count("count.dot", int(row.budget)),
        anonymous=anonymous,
        dots=wb.labels.count("count.dot", int(row.dots)),
        voters=wb.labels.count("count.voter", int(row.voters)),
    )
