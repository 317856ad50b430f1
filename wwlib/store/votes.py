"""Dot-voting rounds: the facilitator opens and closes them; participants vote while open.

A round belongs to one board (or, with no board, to the notes of every board) and gives each
participant a budget of dots, which they may stack on one note. Rounds are kept when closed;
a closed or unknown round takes no votes. The budget check and the insert share one
`BEGIN IMMEDIATE` transaction, so votes cast at the same moment from many browser tabs (each
its own kernel and connection) are all counted and never overspend.

While an anonymous round is open the store keeps each vote's voter, since the budget needs it,
but nothing shows who voted for what: `analysis.vote_totals` (and the views, charts and report
built on it) give totals per note only, and `VotePanel` lists voters per note only for rounds
that are not anonymous. When it closes the store forgets who voted (`schema.FORGET_VOTERS`):
its votes become rows without a voter, one per former voter and note, the round keeps its
number of voters, and the change log's lines of its votes lose voter and actor.
"""

from __future__ import annotations

import sqlite3

import pandas as pd

from wwlib.core.errors import NotFound, StoreError, ValidationError
from wwlib.core.model import MAX_DOTS, Vote, check_count
from wwlib.store.rows import now, require
from wwlib.store.schema import FORGET_VOTERS

ROUND_COLUMNS = "round, board, budget, anonymous, status, opened_at, closed_at"


class VoteMixin:
    # -- rounds --------------------------------------------------------------------------

    def open_round(
        self,
        board: str | None = None,
        budget: int = 5,
        anonymous: bool = False,
        actor: str | None = None,
    ) -> int:
        """Open the next voting round on `board` (None: every board); returns its number.

        Refused while another round is open on the same board (or on every board).
        """
        _check_budget(budget)
        if not isinstance(anonymous, bool):
            raise ValidationError("anonymous", "True or False", anonymous)
        with self._write() as con:
            if board is not None:
                require(con, "board", "id", board, "board")
            clash = con.execute(
                "SELECT round, board FROM vote_round WHERE status = 'open' "
                "AND (? IS NULL OR board IS NULL OR board = ?) ORDER BY round LIMIT 1",
                (board, board),
            ).fetchone()
            if clash:
                raise StoreError(
                    f"round {clash[0]} is still open on {_where(clash[1])}; "
                    f"close round {clash[0]} before opening another on {_where(board)}"
                )
            number = con.execute(
                "SELECT max(coalesce((SELECT max(round) FROM vote_round), 0), "
                "coalesce((SELECT max(round) FROM vote), 0)) + 1"
            ).fetchone()[0]
            con.execute(
                f"INSERT INTO vote_round ({ROUND_COLUMNS}) VALUES (?, ?, ?, ?, 'open', ?, NULL)",
                (number, board, budget, int(anonymous), now()),
            )
            detail = {"board": board, "budget": budget, "anonymous": anonymous}
            self._log(con, "open", "vote_round", number, detail, actor)
        return number

    def close_round(self, round: int, actor: str | None = None) -> None:
        """Close an open round: it takes no more votes and its totals are final.

        An anonymous round forgets who voted, in the same transaction.
        """
        self._con.execute("PRAGMA secure_delete = ON")  # what is forgotten is overwritten
        with self._write() as con:
            _open_round(con, round)
            dots, voters = con.execute(
                "SELECT coalesce(sum(dots), 0), count(DISTINCT voter) FROM vote WHERE round = ?",
                (round,),
            ).fetchone()
            con.execute(
                "UPDATE vote_round SET status = 'closed', closed_at = ? WHERE round = ?",
                (now(), round),
            )
            self._log(con, "close", "vote_round", round, {"dots": dots, "voters": voters}, actor)
            for statement in FORGET_VOTERS:
                con.execute(statement)

    def rounds(self) -> pd.DataFrame:
        """Every round, oldest first, with the dots cast and the number of voters.

        Columns: round, board (None: every board), budget, anonymous (bool), status ('open' or
        'closed'), opened_at, closed_at (None for imported rounds and open ones), dots, voters,
        ends_at (its countdown's end, UTC ISO, or None) and close_at_end (bool).
        """
        frame = self._frame(
            "SELECT r.round, r.board, r.budget, r.anonymous, r.status, r.opened_at, "
            "r.closed_at, coalesce(sum(v.dots), 0) AS dots, "
            "coalesce(r.voters, 0) + count(DISTINCT v.voter) AS voters, "
            "r.ends_at, r.close_at_end "
            "FROM vote_round r LEFT JOIN vote v ON v.round = r.round "
            "GROUP BY r.round ORDER BY r.round"
        )
        return frame.assign(
            anonymous=frame["anonymous"].astype(bool),
            close_at_end=frame["close_at_end"].astype(bool),
        )

    def open_round_for(self, board: str | None) -> int | None:
        """The open round that votes on `board`'s notes (its own or an every-board round)."""
        rounds = self._frame(
            "SELECT round FROM vote_round WHERE status = 'open' "
            "AND (board IS NULL OR board = ?) ORDER BY round LIMIT 1",
            (board,),
        )
        return None if rounds.empty else int(rounds["round"].iloc[0])

    def round_votes(self, round: int) -> pd.DataFrame:
        """The votes of one round as cast: id, round, voter, note, dots (voter None: a closed
        anonymous round's, one row per former voter and note)."""
        return self._frame("SELECT * FROM vote WHERE round = ? ORDER BY id", (round,))

    # -- votes ---------------------------------------------------------------------------

    def add_vote(
        self,
        round: int,
        voter: str,
        note: str,
        dots: int = 1,
        actor: str | None = None,
    ) -> int:
        """Put `dots` dots on a note in an open round; returns the vote's id.

        The note must be on the round's board, and the voter a participant with dots left of
        the round's budget, read in the same transaction as the insert. Voting on a note again
        stacks the dots.
        """
        vote = Vote(round, voter, note, dots)
        with self._write() as con:
            require(con, "person", "id", voter, "voter")
            require(con, "note", "id", note, "note")
            role = con.execute("SELECT role FROM person WHERE id = ?", (voter,)).fetchone()[0]
            if role != "participant":
                raise ValidationError("voter", "a participant", voter, f"{voter} is a {role}")
            board, budget = _open_round(con, round)
            note_board = con.execute("SELECT board FROM note WHERE id = ?", (note,)).fetchone()[0]
            if board is not None and note_board != board:
                raise ValidationError(
                    "note",
                    f"a note on board '{board}'",
                    note,
                    f"round {round} votes on board '{board}' and this note is on '{note_board}'",
                )
            spent = con.execute(
                "SELECT coalesce(sum(dots), 0) FROM vote WHERE round = ? AND voter = ?",
                (round, voter),
            ).fetchone()[0]
            if spent + dots > budget:
                raise ValidationError(
                    "dots",
                    f"at most {budget - spent} more in round {round}",
                    dots,
                    f"{voter} has spent {spent} of {budget} dots",
                )
            vote_id = con.execute(
                "INSERT INTO vote (round, voter, note, dots) VALUES (?, ?, ?, ?)",
                (vote.round, vote.voter, vote.note, vote.dots),
            ).lastrowid
            detail = {"round": round, "voter": voter, "note": note, "dots": dots}
            self._log(con, "add", "vote", vote_id, detail, actor)
        return vote_id

    def take_back_dot(self, round: int, voter: str, note: str, actor: str | None = None) -> int:
        """Take one of `voter`'s dots off a note in an open round (a mis-click); the vote's id."""
        with self._write() as con:
            _open_round(con, round)
            row = con.execute(
                "SELECT id, dots FROM vote WHERE round = ? AND voter = ? AND note = ? "
                "ORDER BY id DESC LIMIT 1",
                (round, voter, note),
            ).fetchone()
            if row is None:
                raise ValidationError(
                    "note",
                    f"a note {voter} put a dot on in round {round}",
                    note,
                    "there is no dot to take back",
                )
            vote_id, dots = row
            if dots > 1:
                con.execute("UPDATE vote SET dots = dots - 1 WHERE id = ?", (vote_id,))
            else:
                con.execute("DELETE FROM vote WHERE id = ?", (vote_id,))
            detail = {"round": round, "voter": voter, "note": note, "dots": 1}
            self._log(con, "take_back", "vote", vote_id, detail, actor)
        return vote_id


def _open_round(con: sqlite3.Connection, round: int) -> tuple[str | None, int]:
    """The board and budget of an open round; raises when it is closed or unknown."""
    row = con.execute(
        "SELECT board, budget, status FROM vote_round WHERE round = ?", (round,)
    ).fetchone()
    if row is None:
        opened = [r[0] for r in con.execute("SELECT round FROM vote_round WHERE status = 'open'")]
        raise NotFound(
            f"round {round} is not in this cohort's store; "
            + (f"the open round is {opened[0]}" if opened else "the facilitator opens one first")
        )
    board, budget, status = row
    if status != "open":
        raise ValidationError(
            "round", "an open round", round, f"round {round} is closed; ask for a new round"
        )
    return board, budget


def _check_budget(budget: object) -> None:
    check_count("budget", budget, MAX_DOTS)


def _where(board: str | None) -> str:
    return "every board" if board is None else f"board '{board}'"
