"""Counting what the week produced: code frequencies, who said what, dot-vote totals.

Pure functions on the store's DataFrames (`store.codings()`, `store.codes()`, ...): they take
DataFrames and return DataFrames, and never read the store, display or write anything.
"""

from __future__ import annotations

import pandas as pd

from wwlib.model import Category, Role

CATEGORY_ORDER = [c.value for c in Category]
INTERVIEW_STATUS_ORDER = ["coded", "held", "planned", "none"]
DAY_START, DAY_END = 9.0, 17.0  # the working day over which untimed sessions are spread


def category_rank(categories: pd.Series) -> pd.Series:
    """The position of each category in the week's order (unknown categories last)."""
    order = {c: i for i, c in enumerate(CATEGORY_ORDER)}
    return categories.map(order).fillna(len(order)).astype(int)


def code_frequencies(codings: pd.DataFrame, codes: pd.DataFrame) -> pd.DataFrame:
    """Per code of the codebook: how many fragments and participants, ranked within category.

    Columns: code, category, name, fragments (distinct coded fragments), participants
    (distinct interviews), rank (1 = most fragments within its category; ties share a rank).
    Rows by category (the week's order), then fragments (most first), then codebook order.
    Codes never used are kept with 0, so an unused code is visible too.
    """
    counts = codings.groupby("code").agg(
        fragments=("fragment", "nunique"), participants=("interview", "nunique")
    )
    table = codes[["id", "category", "name"]].rename(columns={"id": "code"})
    table = table.join(counts, on="code")
    table[["fragments", "participants"]] = (
        table[["fragments", "participants"]].fillna(0).astype(int)
    )
    table = _by_category_then(table, "fragments")
    table["rank"] = (
        table.groupby("category")["fragments"].rank(method="min", ascending=False).astype(int)
    )
    return table.reset_index(drop=True)


def category_frequencies(codings: pd.DataFrame, codes: pd.DataFrame) -> pd.DataFrame:
    """Per category of the codebook: how many codes, fragments and participants.

    Columns: category, codes (in the codebook), fragments (distinct fragments with at least one
    code of the category), participants (distinct interviews). Rows in the week's order.
    """
    category_of = codes.set_index("id")["category"]
    coded = codings.assign(category=codings["code"].map(category_of))
    counts = coded.groupby("category").agg(
        fragments=("fragment", "nunique"), participants=("interview", "nunique")
    )
    table = codes.groupby("category").size().rename("codes").to_frame().join(counts)
    table = table.fillna(0).astype(int).reset_index()
    table = table.sort_values("category", key=category_rank, kind="stable")
    return table.reset_index(drop=True)


def who_said_what(codings: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """A participant × code matrix of fragment counts.

    Rows: every participant in people order (index `participant`, person ids), including those
    with nothing coded (all zeros). Columns: a MultiIndex (category, code id) of the codes used,
    ordered by category (the week's order), then by total fragments (most first), then code id.
    """
    participants = people.loc[people["role"] == Role.PARTICIPANT.value, "id"].tolist()
    others = [p for p in people["id"] if p in set(codings["interview"]) - set(participants)]
    rows = [p for p in people["id"] if p in set(participants) | set(others)]
    unique = codings.drop_duplicates(["fragment", "code"])
    counts = unique.groupby(["interview", "code"]).size().unstack(fill_value=0)
    counts = counts.reindex(index=rows, fill_value=0).astype(int)
    order = _code_order(unique)
    matrix = counts.reindex(columns=order["code"], fill_value=0)
    matrix.columns = pd.MultiIndex.from_frame(order[["category", "code"]])
    matrix.index.name = "participant"
    return matrix


def vote_totals(votes: pd.DataFrame, notes: pd.DataFrame, round: int | None = None) -> pd.DataFrame:
    """Per note on a board that got votes: total dots and distinct voters, ranked per board.

    `round` limits the count to one voting round. Notes on a voted board that got no dots are
    kept with 0. Columns: note, board, text, category, dots, voters, rank (1 = most dots on its
    board; ties share a rank). Rows by board (in note order), then dots and voters (most first).
    """
    if round is not None:
        votes = votes[votes["round"] == round]
    per_note = votes.groupby("note").agg(dots=("dots", "sum"), voters=("voter", "nunique"))
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


def _by_category_then(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """Sort by category order, then `column` descending, keeping the original order on ties."""
    keyed = table.assign(_cat=category_rank(table["category"]), _pos=range(len(table)))
    keyed = keyed.sort_values(["_cat", column, "_pos"], ascending=[True, False, True])
    return keyed.drop(columns=["_cat", "_pos"])


def _code_order(unique_codings: pd.DataFrame) -> pd.DataFrame:
    """The codes used, with category, by category then total fragments then id."""
    totals = unique_codings.groupby(["code", "category"]).size().rename("n").reset_index()
    totals = totals.sort_values("code")
    return _by_category_then(totals, "n").reset_index(drop=True)
