"""The week around the interviews: dot-vote totals, interview statuses, the programme's slots."""

from __future__ import annotations

import pandas as pd

from wwlib.core.model import Role

INTERVIEW_STATUS_ORDER = ["coded", "held", "planned", "none"]
DAY_START, DAY_END = 9.0, 17.0  # the working day over which untimed sessions are spread


def vote_totals(votes: pd.DataFrame, notes: pd.DataFrame, round: int | None = None) -> pd.DataFrame:
    """Per note on a board that got votes: total dots and distinct voters, ranked per board.

    `round` limits the count to one voting round. Notes on a voted board that got no dots are
    kept with 0. Columns: note, board, text, category, dots, voters, rank (1 = most dots on its
    board; ties share a rank). Rows by board (in note order), then dots and voters (most first).

    Totals only: no column says who voted for what (`voters` is a count, `voter_counts`), so
    the frame, and every view, chart and report made from it, may show anonymous rounds too.
    """
    if round is not None:
        votes = votes[votes["round"] == round]
    per_note = pd.DataFrame(
        {"dots": votes.groupby("note")["dots"].sum(), "voters": voter_counts(votes, "note")}
    )
    voted_boards = set(notes.loc[notes["id"].isin(per_note.index), "board"])
    table = notes.loc[notes["board"].isin(voted_boards), ["id", "board", "text", "category"]]
    table = table.rename(columns={"id": "note"}).join(per_note, on="note")
    table[["dots", "voters"]] = table[["dots", "voters"]].fillna(0).astype(int)
    board_order = {b: i for i, b in enumerate(dict.fromkeys(table["board"]))}
    table = table.assign(_board=table["board"].map(board_order), _pos=range(len(table)))
    table = table.sort_values(
        ["_board", "dots", "voters", "_pos"], ascending=[True, False, False, True]
    )
    table["rank"] = table.groupby("board")["dots"].rank(method="min", ascending=False).astype(int)
    return table.drop(columns=["_board", "_pos"]).reset_index(drop=True)


def voter_counts(votes: pd.DataFrame, by: str) -> pd.Series:
    """Distinct voters per value of the column `by` of `votes` (e.g. per note).

    A closed anonymous round's votes name no voter: each is one former voter's dots on one note,
    so on one note they count one voter each, and for several notes (a theme) the most any one
    of them had in that round (at least that many voted; who, and so how many in all, is gone).
    """
    named = votes[votes["voter"].notna()].groupby(by)["voter"].nunique()
    unnamed = votes[votes["voter"].isna()]
    if unnamed.empty:
        return named.astype(int)
    per_note = unnamed.groupby(list(dict.fromkeys([by, "round", "note"]))).size()
    per_round = per_note.groupby(level=[0, 1]).max().groupby(level=0).sum()
    return named.add(per_round, fill_value=0).astype(int)


def interview_statuses(interviews: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """Every participant with their interview's status, 'none' when there is no interview.

    Columns: participant, interviewer ('' when none), date ('' when unknown), status
    (planned, held, coded or none), transcript (bool), codings (int). Rows in people order.
    """
    participants = people.loc[people["role"] == Role.PARTICIPANT.value, ["id"]]
    table = participants.rename(columns={"id": "participant"}).merge(
        interviews, on="participant", how="left"
    )
    return pd.DataFrame(
        {
            "participant": table["participant"],
            "interviewer": table["interviewer"].fillna("").astype(str),
            "date": table["date"].fillna("").astype(str),
            "status": table["status"].fillna("none").astype(str),
            "transcript": table["transcript"].notna(),
            "codings": table["codings"].fillna(0).astype(int),
        }
    ).reset_index(drop=True)


def session_slots(sessions: pd.DataFrame) -> pd.DataFrame:
    """Start and end hours for every session, placing sessions without times in file order.

    Per day, a session without a start fills the time between the previous session and the
    next known start (or the end of the working day), shared equally with its neighbours
    without a start; a missing end runs to the next session. Adds `start_hour`, `end_hour`
    (floats) and `estimated` (True when the start or end was not recorded).
    """
    placed = [_day_slots(day) for _, day in sessions.groupby("date", sort=True)]
    return (
        pd.concat(placed) if placed else sessions.assign(start_hour=[], end_hour=[], estimated=[])
    )


def _day_slots(day: pd.DataFrame) -> pd.DataFrame:
    """Place one day's sessions (see `session_slots`)."""
    starts = [_hour(s) for s in day["start"]]
    ends = [_hour(e) for e in day["end"]]
    high = max(
        [DAY_END] + [e for e in ends if e is not None] + [s + 0.5 for s in starts if s is not None]
    )
    first = min([DAY_START] + [s for s in starts if s is not None])
    placed_start, placed_end = [0.0] * len(day), [0.0] * len(day)
    i = 0
    while i < len(day):
        j = i + 1  # the run i..j-1: session i and the ones after it without a start
        while j < len(day) and starts[j] is None:
            j += 1
        begin = starts[i] if starts[i] is not None else first  # only i == 0 lacks a start
        stop = starts[j] if j < len(day) else high
        run = list(range(i, j))
        if starts[i] is not None and ends[i] is not None:
            placed_start[i], placed_end[i] = starts[i], ends[i]
            begin, run = ends[i], run[1:]
        width = max(stop - begin, 0.5 * len(run)) / max(len(run), 1)
        for k, index in enumerate(run):
            placed_start[index] = begin + k * width
            placed_end[index] = begin + (k + 1) * width
        i = j
    estimated = [s is None or e is None for s, e in zip(starts, ends, strict=True)]
    return day.assign(start_hour=placed_start, end_hour=placed_end, estimated=estimated)


def _hour(value: object) -> float | None:
    """'09:30' as 9.5; None for an empty time."""
    if not isinstance(value, str) or not value:
        return None
    hours, minutes = value.split(":")
    return int(hours) + int(minutes) / 60
