"""What a voting round is on a board, read from the store, and how it is told: the state a vote
panel and a board's cards show, why a vote was refused, the totals chart, a round's summary."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from wwlib.core.model import category_colour
from wwlib.present.render import note_html, vote_chart_html
from wwlib.present.views import note_dots
from wwlib.present.workbook import Workbook
from wwlib.store import Store
from wwlib.ui.base import snippet


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
    close_at_end: bool = False  # a countdown runs that closes the round at its end
    not_voted: tuple[str, ...] = ()  # the participants without a dot in the round shown

    def key(self) -> tuple:
        """What the screen depends on, to redraw only when it changed."""
        return (
            self.round, self.is_open, self.budget, self.anonymous, self.close_at_end,
            self.not_voted,
            tuple(self.notes[["id", "text", "category"]].itertuples(index=False, name=None)),
            tuple(self.votes[["id", "voter", "note", "dots"]].itertuples(index=False, name=None)),
        )  # fmt: skip

    def spent(self, voter: str) -> int:
        return int(self.votes.loc[self.votes["voter"] == voter, "dots"].sum())


def read_state(
    store: Store, board_id: str, wanted: int | None = None, budget: int = 5
) -> RoundState:
    """The round a panel on `board_id` shows, read from `store` (any connection).

    Every note of the board is in it: a page that may not show some (private mode) filters them
    (`shown_notes`).
    """
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
        close_at_end=row is not None and row["status"] == "open" and bool(row["close_at_end"]),
        not_voted=tuple(store.not_voted(shown)) if row is not None else (),
    )


def round_refusal(
    wb: Workbook, state: RoundState, asked: int, voter: str, exc: Exception, taking_back=False
) -> str:
    """Why a vote by `voter` in round `asked` was refused, read from `state` (the store now):
    the round closed, the voter's dots spent, nothing to take back, or the store's reason."""
    row = state.rounds[state.rounds["round"] == asked]
    if row.empty:
        return wb.labels("ui.vote.error.no_round")
    if row["status"].iloc[0] != "open":
        return wb.labels("ui.vote.error.closed", round=asked)
    name = wb.pseudonyms.name(voter or "")
    yours = bool(wb.person) and voter == wb.person  # a page that votes as its own person
    field_name = getattr(exc, "field", "")
    if field_name == "dots":
        left = max(state.budget - state.spent(voter), 0)
        key = "ui.vote.error.your_budget" if yours else "ui.vote.error.budget"
        return wb.labels(key, name=name, left=left, n=state.budget, round=asked)
    if field_name == "note" and taking_back:
        key = "ui.vote.error.nothing_of_yours" if yours else "ui.vote.error.nothing_to_take_back"
        return wb.labels(key, name=name, round=asked)
    return str(exc)


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


def round_summary(wb: Workbook, row) -> str:
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
