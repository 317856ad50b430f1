"""The store as a cohort folder holds it: one snapshot of every row, the folder baseline, and
replacing the store's content by a folder's in one transaction.

`ww save` writes `folder_rows()` into the folder; `ww update` and `ww init --replace` decide
inside `replace_content`'s write transaction, so that what they compare is still what the store
holds when they write. The change log is never touched: it is the audit trail of the week.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from wwlib.core.duedate import DueDate
from wwlib.core.model import (
    Board,
    FocusGroup,
    Fragment,
    Note,
    Obstacle,
    Plan,
    SavedTurn,
    Step,
    Task,
    Vote,
    VoteRound,
)
from wwlib.core.records import FolderRows
from wwlib.store.exchange import read_exchange_content

# Every table a cohort folder fills, children before parents (the order to empty them in).
CONTENT_TABLES = (
    "memo",
    "turn",
    "focus_group_theme",
    "focus_group_member",
    "focus_group",
    "shortlist",
    "vote",
    "vote_round",
    "note_fragment",
    "note",
    "board",
    "task_owner",
    "task",
    "plan_obstacle",
    "plan_factor",
    "step",
    "plan",
    "coding",
    "fragment",
    "transcript",
    "interview",
    "session",
    "code",
    "person",
    "cohort",
)


@dataclass(frozen=True)
class Baseline:
    """The rows folder and store last agreed on: {(file, key): digest}, and when."""

    digests: dict[tuple[str, str], str]
    folder: str = ""
    at: str = ""
    action: str = ""

    @property
    def exists(self) -> bool:
        return bool(self.at)


@dataclass(frozen=True)
class Replacement:
    """What `replace_content` writes: a validated `Dataset`, the folder, the log line."""

    dataset: object  # a wwlib.folder.dataset.Dataset
    folder: str
    action: str
    detail: dict


class FolderMixin:
    def folder_rows(self) -> FolderRows:
        """Every row the cohort folder holds, read in one consistent snapshot."""
        return self._snapshot(read_folder_rows)

    def baseline(self) -> Baseline:
        """The rows folder and store last agreed on (empty before the first save or update)."""
        return _read_baseline(self._con)

    def set_baseline(self, digests: dict, folder: str, action: str) -> None:
        """Record that the folder and the store now agree on these rows."""
        with self._write() as con:
            _write_baseline(con, digests, folder, action)

    def replace_content(
        self,
        decide: Callable[[FolderRows, Baseline], Replacement | None],
        digests: Callable[[FolderRows], dict],
        actor: str | None = None,
    ) -> FolderRows:
        """Replace every row a folder holds by a new dataset, all or nothing; keeps the log.

        `decide(rows, baseline)` runs inside the write transaction on the store as it is and
        returns the `Replacement`, or None when there is nothing to change (or raises to change
        nothing). The rows the store then holds become the new baseline (`digests(rows)`);
        returns them.
        """
        from wwlib.store.load import insert_dataset

        with self._write() as con:
            decision = decide(read_folder_rows(con), _read_baseline(con))
            if decision is None:
                return read_folder_rows(con)
            last_ids = _last_ids(con)
            for table in CONTENT_TABLES:
                con.execute(f"DELETE FROM {table}")  # noqa: S608 (a fixed table name)
            insert_dataset(con, decision.dataset)
            _continue_ids(con, last_ids)
            rows = read_folder_rows(con)
            _write_baseline(con, digests(rows), decision.folder, decision.action)
            self._log(
                con, decision.action, "cohort", decision.dataset.cohort.id, decision.detail, actor
            )
        return rows


# Tables whose rows have a number for an id, with the columns that refer to it. A dashboard
# open during a replace may still hold such a number (a step in the plan editor, a fragment in
# the coding panel): the new rows get numbers after the old ones, so that a stale number finds
# no row instead of another one.
NUMBERED = {
    "fragment": (("coding", "fragment"), ("note_fragment", "fragment")),
    "step": (("task", "step"),),
    "coding": (),
    "vote": (),
    "memo": (),
}


def _last_ids(con: sqlite3.Connection) -> dict[str, int]:
    return {
        table: con.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]  # noqa: S608
        for table in NUMBERED
    }


def _continue_ids(con: sqlite3.Connection, last_ids: dict[str, int]) -> None:
    """Renumber the new rows of each numbered table to follow `last_ids`, references too."""
    con.execute("PRAGMA defer_foreign_keys = ON")  # parents and children move in turn
    for table, references in NUMBERED.items():
        offset = last_ids[table]
        if not offset:
            continue
        # through negative numbers: a shift in place could meet a number not yet moved
        for column_table, column in ((table, "id"), *references):
            con.execute(f"UPDATE {column_table} SET {column} = -{column}")  # noqa: S608
            con.execute(f"UPDATE {column_table} SET {column} = -{column} + ?", (offset,))  # noqa: S608
        if table == "fragment":
            con.execute(
                "UPDATE memo SET target_id = CAST(CAST(target_id AS INTEGER) + ? AS TEXT) "
                "WHERE target = 'fragment'",
                (offset,),
            )


def read_folder_rows(con: sqlite3.Connection) -> FolderRows:
    """Every row a folder holds, inside the caller's transaction."""
    rows = FolderRows(read_exchange_content(con))
    fragments = {
        r[0]: Fragment(r[1], r[2], r[3])
        for r in con.execute('SELECT id, interview, start, "end" FROM fragment')
    }
    rows.boards = [
        Board(r[0], r[1], r[2], r[3] or "")
        for r in con.execute("SELECT id, title, kind, theme FROM board ORDER BY position")
    ]
    linked: dict[str, list[Fragment]] = {}
    for note, fragment in con.execute(
        "SELECT nf.note, nf.fragment FROM note_fragment nf JOIN fragment f ON f.id = nf.fragment "
        'ORDER BY nf.note, f.interview, f.start, f."end"'
    ):
        linked.setdefault(note, []).append(fragments[fragment])
    rows.notes = [
        Note(r[0], r[1], r[2], r[3], r[4] or "", r[5], tuple(linked.get(r[0], ())))
        for r in con.execute(
            "SELECT n.id, n.board, n.text, n.category, n.author, n.cluster FROM note n "
            "ORDER BY n.position"
        )
    ]
    rows.votes = [
        Vote(r[0], r[1] or "", r[2], r[3])
        for r in con.execute(  # a vote without a voter (an anonymous round's) stays a row
            "SELECT round, voter, note, sum(dots) FROM vote "
            "GROUP BY round, coalesce(voter, '#' || id), note ORDER BY round, min(id)"
        )
    ]
    rows.rounds = [
        VoteRound(r[0], r[1] or "", r[2], bool(r[3]), r[4], r[5] or "", r[6] or "", r[7])
        for r in con.execute(
            "SELECT round, board, budget, anonymous, status, opened_at, closed_at, voters "
            "FROM vote_round ORDER BY round"
        )
    ]
    rows.plans = _read_plans(con)
    rows.shortlist = [r[0] for r in con.execute("SELECT code FROM shortlist ORDER BY position")]
    rows.focus_groups = _read_focus_groups(con)
    for r in con.execute(
        "SELECT interview, speaker, person, time_start, time_end FROM turn "
        "ORDER BY interview, position"
    ):
        rows.turns.setdefault(r[0], []).append(SavedTurn(r[1], r[2] or "", r[3], r[4]))
    return rows


def _read_plans(con: sqlite3.Connection) -> list[Plan]:
    owners: dict[str, list[str]] = {}
    for task, owner in con.execute("SELECT task, owner FROM task_owner ORDER BY task, position"):
        owners.setdefault(task, []).append(owner)
    tasks: dict[int, list[Task]] = {}
    for r in con.execute(
        "SELECT step, id, title, owner_note, due_text, due_kind, due_date, status, note "
        "FROM task ORDER BY step, position"
    ):
        due = DueDate(r[4], r[5], dt.date.fromisoformat(r[6])) if r[4] and r[6] else None
        tasks.setdefault(r[0], []).append(
            Task(r[1], r[2], tuple(owners.get(r[1], ())), r[3], due, r[7], r[8])
        )
    steps: dict[str, list[Step]] = {}
    for r in con.execute(
        "SELECT plan, id, title, description, feedback FROM step ORDER BY plan, position"
    ):
        steps.setdefault(r[0], []).append(Step(r[2], r[3], tuple(tasks.get(r[1], ())), bool(r[4])))
    obstacles: dict[str, list[Obstacle]] = {}
    for r in con.execute(
        "SELECT plan, obstacle, way_to_deal FROM plan_obstacle ORDER BY plan, position"
    ):
        obstacles.setdefault(r[0], []).append(Obstacle(r[1], r[2]))
    factors: dict[str, list[str]] = {}
    for r in con.execute("SELECT plan, text FROM plan_factor ORDER BY plan, position"):
        factors.setdefault(r[0], []).append(r[1])
    return [
        Plan(
            r[0],
            r[1],
            r[3],
            r[2] or "",
            r[4],
            r[5],
            tuple(steps.get(r[0], ())),
            tuple(obstacles.get(r[0], ())),
            tuple(factors.get(r[0], ())),
        )
        for r in con.execute(
            "SELECT id, kind, theme, title, goal, current FROM plan ORDER BY position"
        )
    ]


def _read_focus_groups(con: sqlite3.Connection) -> list[FocusGroup]:
    def ids(table: str, column: str, group: str) -> tuple[str, ...]:
        return tuple(
            r[0]
            for r in con.execute(
                f"SELECT {column} FROM {table} WHERE focus_group = ? ORDER BY position",  # noqa: S608
                (group,),
            )
        )

    return [
        FocusGroup(
            r[0],
            r[1],
            ids("focus_group_member", "person", r[0]),
            ids("focus_group_theme", "code", r[0]),
        )
        for r in con.execute("SELECT id, name FROM focus_group ORDER BY position").fetchall()
    ]


def _read_baseline(con: sqlite3.Connection) -> Baseline:
    digests = {
        (r[0], r[1]): r[2] for r in con.execute("SELECT file, key, digest FROM folder_baseline")
    }
    row = con.execute("SELECT folder, at, action FROM folder_sync").fetchone()
    return Baseline(digests, *(row or ("", "", "")))


def _write_baseline(con: sqlite3.Connection, digests: dict, folder: str, action: str) -> None:
    con.execute("DELETE FROM folder_baseline")
    con.executemany(
        "INSERT INTO folder_baseline (file, key, digest) VALUES (?, ?, ?)",
        [(file, key, digest) for (file, key), digest in sorted(digests.items())],
    )
    con.execute(
        "INSERT OR REPLACE INTO folder_sync (id, folder, at, action) VALUES (1, ?, ?, ?)",
        (folder, dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), action),
    )
