"""VotePanel: dot voting on a board's sticky notes, with each voter's budget."""

from __future__ import annotations

import ipywidgets as ipw
import pandas as pd
import traitlets

from wwlib.model import category_colour
from wwlib.ui.base import Panel, button, escape, field, snippet, table
from wwlib.workbook import Workbook

BAR = '<span style="display:inline-block;height:0.9em;background:{colour};width:{width}em"></span>'


class VotePanel(Panel):
    """A voter spends at most `budget` dots on a board's notes in one round.

    `voter` is the person id chosen; `saved` the id of the last vote stored.
    """

    voter = traitlets.Unicode("", allow_none=True, help="person id of the voter chosen")

    def __init__(self, wb: Workbook, board_id: str, round: int = 1, budget: int = 5, **kwargs):
        super().__init__(wb, **kwargs)
        self.board_id, self.round, self.budget = board_id, round, budget
        self.voter_pick = field(
            ipw.Dropdown(options=self._people_options("participant")),
            "ww-vote-voter",
            self._label("ui.vote.voter"),
        )
        self.note = field(ipw.Dropdown(), "ww-vote-note", self._label("ui.vote.note"))
        self.dots = field(
            ipw.Dropdown(options=list(range(1, budget + 1))),
            "ww-vote-dots",
            self._label("ui.vote.dots"),
        )
        self.add = button(self._label("ui.vote.add"), "ww-vote-add", self._on_add)
        refresh = button(self._label("ui.refresh"), "ww-refresh", self._on_refresh)
        refresh.button_style = ""
        self.remaining = field(ipw.HTML(), "ww-vote-remaining")
        self.totals = field(ipw.HTML(), "ww-vote-totals")
        self.children = [
            ipw.HBox([self.voter_pick, self.note, self.dots]),
            ipw.HBox([self.add, refresh]),
            self.status,
            self.remaining,
            self.totals,
        ]
        self.observe(self._on_voter, "voter")
        self.add_class("ww-vote-panel")
        ipw.link((self.voter_pick, "value"), (self, "voter"))
        self.refresh()

    def refresh(self) -> None:
        """Read the notes and this round's votes again (other tabs vote too)."""
        notes = self.wb.store.notes(self.board_id)
        chosen = self.note.value
        show = self.wb.pseudonyms.text
        self.note.options = [(snippet(show(n.text)), n.id) for n in notes.itertuples()]
        if chosen in set(notes["id"]):
            self.note.value = chosen
        votes = self.wb.store.votes()
        votes = votes[votes["round"] == self.round]
        self._show_remaining(votes)
        self._show_totals(notes, votes[votes["note"].isin(notes["id"])])

    def _on_voter(self, change) -> None:
        self.status.clear()
        self.refresh()

    def _on_refresh(self, _button) -> None:
        self.refresh()

    def _on_add(self, _button) -> None:
        if self._missing(self.voter_pick, self.note):
            return
        stored = self._attempt(
            lambda: self.wb.store.add_vote(
                self.round, self.voter, self.note.value, self.dots.value,
                budget=self.budget,
            )
        )  # fmt: skip
        if stored:
            self.refresh()

    def _show_remaining(self, votes: pd.DataFrame) -> None:
        """The budget is per voter and round, across boards, as the store counts it."""
        if not self.voter:
            self.remaining.value = ""
            return
        spent = int(votes.loc[votes["voter"] == self.voter, "dots"].sum())
        text = self._label(
            "ui.vote.remaining",
            name=self.wb.pseudonyms.name(self.voter),
            left=max(self.budget - spent, 0),
            budget=self.budget,
            round=self.round,
        )
        self.remaining.value = f"<p>{escape(text)}</p>"

    def _show_totals(self, notes: pd.DataFrame, votes: pd.DataFrame) -> None:
        """A table of notes by dots received, with a bar in each note's colour."""
        heading = f"<h4>{escape(self._label('ui.vote.totals', round=self.round))}</h4>"
        if votes.empty:
            self.totals.value = heading + f"<p><i>{escape(self._label('ui.vote.no_votes'))}</i></p>"
            return
        dots = votes.groupby("note")["dots"].sum()
        ranked = notes.assign(dots=notes["id"].map(dots).fillna(0).astype(int))
        ranked = ranked[ranked["dots"] > 0].sort_values("dots", ascending=False, kind="stable")
        rows = [
            [
                escape(snippet(self.wb.pseudonyms.text(n.text))),
                str(n.dots),
                BAR.format(colour=category_colour(n.category), width=n.dots),
            ]
            for n in ranked.itertuples()
        ]
        self.totals.value = heading + table(rows)
