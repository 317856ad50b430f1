"""VotePanel: dot voting on a board's sticky notes, in rounds the facilitator opens and closes.

The totals follow the votes cast on other pages (each its own kernel) without a click
(`LivePanel`). On a page served by a personal link the panel acts as its person: a participant
votes by clicking the board's cards (`wwlib.ui.board`) and sees their dots left here; only a
facilitator's page has the round's controls (open, close, budget, anonymous, a countdown, who
has not voted yet). Where nobody in particular uses it (a notebook, a researcher's own server)
it has every control, and a chooser of the voter to enter votes for the group.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial

import ipywidgets as ipw
import pandas as pd
import traitlets

from wwlib.present.boards import shown_notes
from wwlib.present.missing import missing
from wwlib.present.render import empty_html, note_html
from wwlib.present.workbook import Workbook
from wwlib.ui.base import (
    USER_ERRORS,
    LivePanel,
    StaticView,
    button,
    escape,
    field,
    snippet,
    wrapped,
)
from wwlib.ui.vote_round import RoundState, read_state, round_refusal, round_summary, totals_table


class VotePanel(LivePanel):
    """Dot voting on one board: the facilitator opens and closes rounds, participants vote.

    Each participant has the round's budget of dots and may stack them on a note, or take one
    back. `round` is the round shown: the open one, else `round` as asked, else the board's
    latest. `budget` is what the facilitator's form offers for a new round. `voter` is the
    person chosen where the page may choose (a notebook); a personal link's page votes as its
    person whatever `voter` says. `saved` holds the id of the last vote (or round) stored.
    With `live`, once the panel is displayed its totals refresh by themselves.
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
        super().__init__(wb, live=live, **kwargs)
        self.board_id, self.budget, self._wanted = board_id, budget, round
        self._shown: tuple | None = None
        self.round_info = field(ipw.HTML(), "ww-vote-round")
        self.remaining = field(ipw.HTML(), "ww-vote-remaining")
        self.totals = field(ipw.HTML(), "ww-vote-totals")
        self.live_note = field(ipw.HTML(), "ww-vote-live")
        self.refresh_button = button(self._label("ui.refresh"), "ww-refresh", self._on_refresh)
        self.refresh_button.button_style = ""
        self.children = [
            self.round_info,
            *(self._build_facilitator(budget) if wb.facilitates else []),
            *(self._build_voting() if self.acts_for_others else [self._hint()]),
            self.refresh_button,
            self.status,
            self.remaining,
            self.totals,
            self.live_note,
        ]
        self.add_class("ww-vote-panel")
        if self.acts_for_others:
            ipw.link((self.voter_pick, "value"), (self, "voter"))
            self.observe(self._on_voter, "voter")
        self.refresh()
        lacking = _lacking(wb, board_id)
        if not board_id or (lacking and board_id not in set(wb.store.boards()["id"])):
            self._live = False  # no board to vote on: nothing to follow
            self.children = [ipw.HTML(empty_html(lacking))] if lacking else []
        elif lacking:  # a board without notes yet: the facilitator may still open a round
            self.children = [ipw.HTML(empty_html(lacking)), *self.children]

    def _build_facilitator(self, budget: int) -> list[ipw.Widget]:
        """The round's controls, on a facilitator's page only."""
        facilitator = ipw.HTML(f"<b>{escape(self._label('ui.vote.facilitator'))}</b>")
        self.budget_pick = field(
            ipw.BoundedIntText(value=budget, min=1, max=99, layout={"width": "18em"}),
            "ww-vote-budget",
            self._label("ui.vote.budget"),
        )
        self.anonymous = field(ipw.Checkbox(value=False, indent=False), "ww-vote-anonymous")
        self.anonymous.description = self._label("ui.vote.anonymous")
        self.open_button = button(self._label("ui.vote.open"), "ww-vote-open", self._on_open)
        self.close_button = button(self._label("ui.vote.close"), "ww-vote-close", self._on_close)
        self.close_button.button_style = "warning"
        self.minutes = field(
            ipw.BoundedIntText(value=5, min=0, max=240, layout={"width": "20em"}),
            "ww-vote-minutes",
            self._label("ui.board.minutes"),
        )
        self.close_at_end = field(ipw.Checkbox(value=True, indent=False), "ww-vote-close-at-end")
        self.close_at_end.description = self._label("ui.vote.close_at_end")
        self.timer_button = button(self._label("ui.board.timer"), "ww-vote-timer", self._on_timer)
        self.timer_button.button_style = ""
        self.close_at_end.layout.width = "auto"
        self.not_voted = field(ipw.HTML(), "ww-vote-not-voted")
        return [
            wrapped([facilitator, self.budget_pick, self.anonymous]),
            wrapped([self.open_button, self.close_button]),
            wrapped([self.minutes, self.close_at_end, self.timer_button]),
            self.not_voted,
        ]

    def _build_voting(self) -> list[ipw.Widget]:
        """Votes entered for the group: choose the voter, the note and the dots."""
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
        return [
            wrapped([self.voter_pick, self.note, self.dots]),
            wrapped([self.add, self.take_back]),
        ]

    def _hint(self) -> ipw.HTML:
        """A participant votes on the board's cards; the panel says so."""
        key = "ui.vote.click_cards" if self.wb.role == "participant" else "ui.vote.watch"
        return field(ipw.HTML(str(note_html(self._label(key), "ww-vote-hint"))), "ww-vote-hint")

    @classmethod
    def static(cls, wb: Workbook, board_id: str, round: int | None = None, **kwargs) -> StaticView:
        """Every round on the board with its totals (never who voted for what), as HTML."""
        lacking = _lacking(wb, board_id)
        if lacking or not board_id:
            return StaticView(empty_html(lacking) if lacking else "", board_id=board_id, round=None)
        state = read_state(wb.store, board_id)
        parts = []
        for row in state.rounds.itertuples():
            votes = wb.store.round_votes(row.round)
            summary = round_summary(wb, row)
            parts.append(f"<h4>{escape(summary)}</h4>" + totals_table(wb, state.notes, votes))
        if not parts:
            parts = [empty_html(missing(wb, "votes") or wb.labels("ui.vote.no_rounds"))]
        return StaticView("".join(parts), board_id=board_id, round=state.round)

    # -- reading and showing -------------------------------------------------------------

    def refresh(self) -> None:
        """Read the round and its votes again and show them (other tabs vote too)."""
        self._show(self._read(self.wb), force=True)

    def _follow(self, wb: Workbook) -> None:
        self._show(self._read(wb))

    def _read(self, wb: Workbook) -> RoundState:
        """The round shown, with only the notes this page may show (private mode)."""
        state = read_state(wb.store, self.board_id, self._wanted, self.budget)
        if wb.facilitates or self.board_id not in set(wb.store.boards()["id"]):
            return state
        private = wb.store.board_state(self.board_id)["private"]
        notes = shown_notes(wb, self.board_id, state.notes, private)
        return state if len(notes) == len(state.notes) else replace(state, notes=notes)

    def _voter(self) -> str:
        """Who votes from this page: its person, or (where the page may choose) the one chosen."""
        return (self.voter or "") if self.acts_for_others else self.wb.person

    def _show(self, state: RoundState, force: bool = False) -> None:
        with self._lock:
            if not force and state.key() == self._shown:
                return
            self._shown, self.state = state.key(), state
            self.round = state.round
            if self.acts_for_others:
                self._show_voting(state)
            if self.wb.facilitates:
                self.close_button.disabled = self.timer_button.disabled = not state.is_open
                self.open_button.disabled = state.is_open
                self.not_voted.value = self._not_voted_html(state)
            self.round_info.value = self._round_html(state)
            self._show_remaining(state)
            self.totals.value = self._totals_html(state)

    def _show_voting(self, state: RoundState) -> None:
        self._note_options(state.notes)
        budgets = list(range(1, state.budget + 1))
        if list(self.dots.options) != budgets:
            chosen = self.dots.value
            self.dots.options = budgets
            self.dots.value = chosen if chosen in budgets else 1
        for widget in (self.add, self.take_back):
            widget.disabled = not state.is_open

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
        if state.close_at_end:
            text += " " + self._label("ui.vote.closes_at_end")
        return f"<p><b>{escape(text)}</b></p>"

    def _show_remaining(self, state: RoundState) -> None:
        """How many dots the voter (the page's participant, or the one chosen) has left."""
        voter = self._voter()
        votes_here = self.acts_for_others or self.wb.role == "participant"
        if not (voter and votes_here and state.is_open):
            self.remaining.value = ""
            return
        left = max(state.budget - state.spent(voter), 0)
        values = dict(left=left, n=state.budget, round=state.round)
        if self.acts_for_others:
            text = self._label("ui.vote.remaining", name=self.wb.pseudonyms.name(voter), **values)
        else:
            text = self._label("ui.board.dots_left", **values)
        self.remaining.value = f"<p>{escape(text)}</p>"

    def _not_voted_html(self, state: RoundState) -> str:
        if not state.is_open:
            return ""
        names = [self.wb.pseudonyms.name(p) for p in state.not_voted]
        text = self._label("ui.vote.not_voted", names=", ".join(names)) if names else ""
        return f"<p>{escape(text or self._label('ui.vote.all_voted'))}</p>"

    def _totals_html(self, state: RoundState) -> str:
        if state.round is None:
            return ""
        heading = f"<h4>{escape(self._label('ui.vote.totals', round=state.round))}</h4>"
        who = None if state.anonymous else self.wb.pseudonyms.name
        return heading + totals_table(self.wb, state.notes, state.votes, who)

    # -- handlers ------------------------------------------------------------------------

    def _on_voter(self, change) -> None:
        self.status.clear()
        with self._lock:
            self._show_remaining(self.state)

    def _on_refresh(self, _button) -> None:
        self.status.clear()
        self.refresh()
        self.start_live()

    def _facilitator_only(self) -> bool:
        """True (and the status line says why) unless this is a facilitator's page: a forged
        message reaches the handler, and stops here."""
        if self.wb.facilitates:
            return False
        self.status.error(self._label("role.refused"))
        return True

    def _on_open(self, _button) -> None:
        if self._facilitator_only():
            return
        board, budget, anonymous = self.board_id, self.budget_pick.value, self.anonymous.value
        number = self._store(
            lambda: self.wb.store.open_round(board, budget, anonymous), self._open_refusal
        )
        if number is not None:
            self.status.saved(self._label("ui.vote.opened", round=number))

    def _on_close(self, _button) -> None:
        if self._facilitator_only() or self._no_open_round():
            return
        number = self.state.round

        def close() -> int:
            self.wb.store.close_round(number)
            return number

        if self._store(close, partial(self._round_refusal, number)) is not None:
            self.status.saved(self._label("ui.vote.closed", round=number))

    def _on_timer(self, _button) -> None:
        """Start (or, at 0 minutes, stop) the open round's countdown."""
        if self._facilitator_only() or self._no_open_round():
            return
        number, minutes, closes = self.state.round, self.minutes.value, self.close_at_end.value

        def start() -> int:
            self.wb.store.start_timebox(minutes * 60, round=number, close_at_end=closes)
            return number

        if self._store(start, partial(self._round_refusal, number)) is not None:
            key = "ui.board.timer_started" if minutes else "ui.board.timer_stopped"
            self.status.saved(self.wb.labels.count(key, minutes))

    def _on_add(self, _button) -> None:
        if self._missing(self.voter_pick, self.note) or self._no_open_round():
            return
        number, voter, note = self.state.round, self._voter(), self.note.value
        dots = self.dots.value
        vote = self._store(
            lambda: self.wb.store.add_vote(number, voter, note, dots),
            partial(self._round_refusal, number),
        )
        if vote is not None:
            self.status.saved()

    def _on_take_back(self, _button) -> None:
        if self._missing(self.voter_pick, self.note) or self._no_open_round():
            return
        number, voter, note = self.state.round, self._voter(), self.note.value
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
        return round_refusal(self.wb, self.state, asked, self._voter(), exc, taking_back)


def _lacking(wb: Workbook, board_id: str) -> str:
    """What voting on `board_id` still needs: the board itself, or notes on it ('' if none).

    No board at all (`board_id` ''): '', since the board's own panel says what is missing.
    """
    if not board_id:
        return ""
    if board_id not in set(wb.store.boards()["id"]):
        return missing(wb, "ideas_board") or missing(wb, "boards")
    return missing(wb, "board_notes", board=board_id)
