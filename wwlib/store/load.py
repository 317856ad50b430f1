"""Bulk-loading a validated dataset into an empty store, in one transaction."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

from wwlib.core.errors import StoreError
from wwlib.core.model import ALL_PARTICIPANTS, Fragment, Guids, MemoRecord, Plan
from wwlib.store.groups import insert_focus_groups, insert_shortlist
from wwlib.store.reads import COHORT_COLUMNS
from wwlib.store.rows import fragment_id, fragment_ids, next_position
from wwlib.store.schema import CLOSED_ROUNDS, FORGET_VOTERS
from wwlib.store.transcripts import insert_turns


class LoadMixin:
    def load_dataset(self, ds, source: str = "") -> None:
        """Write every record of a validated `Dataset` into this (empty) store, all or nothing."""
        with self._write() as con:
            if con.execute("SELECT count(*) FROM cohort").fetchone()[0]:
                raise StoreError(f"store {self.path} already holds a cohort; nothing was imported")
            counts = insert_dataset(con, ds)
            self._log(con, "import", "cohort", ds.cohort.id, {"source": source, **counts})


COUNTED = (
    "people",
    "sessions",
    "codes",
    "interviews",
    "codings",
    "boards",
    "notes",
    "votes",
    "plans",
    "shortlist",
    "focus_groups",
)


def insert_dataset(con: sqlite3.Connection, ds) -> dict[str, int]:
    """Every record of a validated `Dataset`, into a store with no cohort, inside the caller's
    transaction; returns how many records of each kind."""
    _insert_cohort(con, ds)
    ids = _insert_interviews(con, ds)
    _insert_boards(con, ds, ids)
    for position, plan in enumerate(ds.plans):
        _insert_plan(con, plan, position)
    _insert_rounds(con, ds.rounds)
    con.execute(CLOSED_ROUNDS)
    for statement in FORGET_VOTERS:  # a round may come in closed and anonymous
        con.execute(statement)
    insert_shortlist(con, ds.shortlist)
    insert_focus_groups(con, ds.focus_groups)
    _insert_identity(con, ds)
    return {name: len(getattr(ds, name)) for name in COUNTED}


def _insert_rounds(con: sqlite3.Connection, rounds) -> None:
    """Voting rounds as the folder records them (rounds.csv); the rest are made closed."""
    con.executemany(
        "INSERT INTO vote_round (round, board, budget, anonymous, status, opened_at, closed_at, "
        "voters) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                r.round,
                r.board or None,
                r.budget,
                int(r.anonymous),
                r.status,
                r.opened_at or None,
                r.closed_at or None,
                r.voters,
            )
            for r in rounds
        ],
    )


def _insert_identity(con: sqlite3.Connection, ds) -> None:
    """The GUIDs and memos a folder keeps for REFI-QDA exchange (guids.csv, memos.csv)."""
    if ds.guids.cohort:
        con.execute("UPDATE cohort SET guid = ?", (ds.guids.cohort,))
    adopt_guids(con, ds.guids)
    for memo in ds.memos:
        if memo.fragment:
            fragment_id(con, memo.fragment)
    insert_memos(con, ds.memos, fragment_ids(con))


def insert_cohort(con: sqlite3.Connection, c) -> None:
    """The cohort row (shared by the bulk load and a REFI-QDA import into a new store)."""
    con.execute(
        f"INSERT INTO cohort ({COHORT_COLUMNS}) VALUES ({', '.join('?' * 14)})",
        (
            c.id,
            c.title,
            json.dumps(list(c.municipalities), ensure_ascii=False),
            c.start.isoformat(),
            c.end.isoformat(),
            c.language,
            c.research_question,
            json.dumps(list(c.prioritised_themes)),
            c.source,
            json.dumps(list(c.mentioned_names), ensure_ascii=False),
            json.dumps(list(c.interview_guide), ensure_ascii=False),
            json.dumps(list(c.never_replace), ensure_ascii=False),
            c.min_group,
            c.retention.isoformat() if c.retention else None,
        ),
    )


def _insert_cohort(con: sqlite3.Connection, ds) -> None:
    insert_cohort(con, ds.cohort)
    insert_people(con, ds.people)
    insert_sessions(con, ds.sessions)
    insert_codes(con, ds.codes)


def insert_people(con: sqlite3.Connection, people, guids: dict | None = None) -> None:
    """People after those already there; `guids` keeps known GUIDs (the rest get new ones)."""
    first, guids = next_position(con, "person"), guids or {}
    con.executemany(
        "INSERT INTO person (id, name, role, organisation, municipality, function, pseudonym, "
        "consent_named, consent_recording, consent_quotes, consent_date, consent_covers, "
        "position, guid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                p.id,
                p.name,
                p.role,
                p.organisation,
                p.municipality,
                p.function,
                p.pseudonym,
                int(p.consent_named),
                int(p.consent_recording),
                int(p.consent_quotes),
                p.consent_date.isoformat() if p.consent_date else "",
                p.consent_covers,
                first + i,
                guids.get(p.id),
            )
            for i, p in enumerate(people)
        ],
    )


def insert_sessions(con: sqlite3.Connection, sessions) -> None:
    """The programme's sessions, in the order given."""
    con.executemany(
        "INSERT INTO session VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (s.id, s.date.isoformat(), s.start, s.end, s.phase, s.activity, i)
            for i, s in enumerate(sessions)
        ],
    )


def insert_codes(con: sqlite3.Connection, codes, guids: dict | None = None) -> None:
    """Codes after those already there, their parents set once every code is in."""
    first, guids = next_position(con, "code"), guids or {}
    con.executemany(
        "INSERT INTO code (id, category, name, colour, parent, description, position, guid) "
        "VALUES (?, ?, ?, ?, NULL, ?, ?, ?)",
        [
            (k.id, k.category, k.name, k.colour, k.description, first + i, guids.get(k.id))
            for i, k in enumerate(codes)
        ],
    )
    con.executemany(
        "UPDATE code SET parent = ? WHERE id = ?", [(k.parent, k.id) for k in codes if k.parent]
    )


def insert_interviews(con: sqlite3.Connection, interviews) -> None:
    """Interview rows (participant, interviewer, date, status)."""
    con.executemany(
        "INSERT INTO interview VALUES (?, ?, ?, ?)",
        [
            (i.participant, i.interviewer, i.date.isoformat() if i.date else None, i.status)
            for i in interviews
        ],
    )


def _insert_interviews(con: sqlite3.Connection, ds) -> dict[Fragment, int]:
    insert_interviews(con, ds.interviews)
    con.executemany(
        "INSERT INTO transcript (interview, source, text) VALUES (?, ?, ?)",
        [(t.interview, t.source, t.text) for t in ds.transcripts],
    )
    for t in ds.transcripts:  # the folder reader parsed them and mapped their speakers
        insert_turns(con, t.interview, ds.speaker_turns.get(t.interview, []))
    con.executemany(  # in the codings' order, so that fragment ids follow it
        'INSERT OR IGNORE INTO fragment (interview, start, "end") VALUES (?, ?, ?)',
        [(c.fragment.interview, c.fragment.start, c.fragment.end) for c in ds.codings],
    )
    ids = fragment_ids(con)
    con.executemany(
        "INSERT INTO coding (fragment, code, coder, memo) VALUES (?, ?, ?, ?)",
        [(ids[c.fragment], c.code, c.coder, c.memo) for c in ds.codings],
    )
    return ids


def _insert_boards(con: sqlite3.Connection, ds, ids: dict[Fragment, int]) -> None:
    con.executemany(
        "INSERT INTO board (id, title, kind, theme, position) VALUES (?, ?, ?, ?, ?)",
        [(b.id, b.title, b.kind, b.theme or None, i) for i, b in enumerate(ds.boards)],
    )
    con.executemany(
        "INSERT INTO note VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (n.id, n.board, n.text, n.category, n.author or None, n.cluster, i)
            for i, n in enumerate(ds.notes)
        ],
    )
    con.executemany(
        "INSERT INTO note_fragment VALUES (?, ?)",
        [(n.id, ids.get(f) or fragment_id(con, f)) for n in ds.notes for f in n.fragments],
    )
    con.executemany(
        "INSERT INTO vote (round, voter, note, dots) VALUES (?, ?, ?, ?)",
        [(v.round, v.voter or None, v.note, v.dots) for v in ds.votes],
    )


def _insert_plan(con: sqlite3.Connection, plan: Plan, position: int) -> None:
    con.execute(
        "INSERT INTO plan VALUES (?, ?, ?, ?, ?, ?, ?)",
        (plan.id, plan.kind, plan.theme or None, plan.title, plan.goal, plan.current, position),
    )
    for step_position, step in enumerate(plan.steps):
        step_id = con.execute(
            "INSERT INTO step (plan, position, title, description, feedback) "
            "VALUES (?, ?, ?, ?, ?)",
            (plan.id, step_position, step.title, step.description, int(step.feedback)),
        ).lastrowid
        for task_position, task in enumerate(step.tasks):
            insert_task(con, step_id, task_position, task)
    con.executemany(
        "INSERT INTO plan_obstacle VALUES (?, ?, ?, ?)",
        [(plan.id, i, o.obstacle, o.way_to_deal) for i, o in enumerate(plan.obstacles)],
    )
    con.executemany(
        "INSERT INTO plan_factor VALUES (?, ?, ?)",
        [(plan.id, i, text) for i, text in enumerate(plan.helping_factors)],
    )


def insert_task(con: sqlite3.Connection, step_id: int, position: int, task) -> None:
    """Insert one task with its owners (shared by the bulk load and the dashboard's add)."""
    due = task.due
    con.execute(
        "INSERT INTO task VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            task.id,
            step_id,
            position,
            task.title,
            task.owner_note,
            due.text if due else "",
            due.kind if due else "",
            due.first_day.isoformat() if due else None,
            task.status,
            task.note,
        ),
    )
    for owner in task.owners:
        if (
            owner != ALL_PARTICIPANTS
            and not con.execute("SELECT 1 FROM person WHERE id = ?", (owner,)).fetchone()
        ):
            raise StoreError(f"task {task.id}: owner '{owner}' is not a person of this cohort")
    con.executemany(
        "INSERT INTO task_owner VALUES (?, ?, ?)",
        [(task.id, owner, i) for i, owner in enumerate(task.owners)],
    )


def insert_memos(
    con: sqlite3.Connection, memos: list[MemoRecord], ids: dict[Fragment, int]
) -> None:
    """Memos; a memo on a fragment points at the fragment's id in `ids`."""
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    con.executemany(
        "INSERT INTO memo (target, target_id, author, text, created_at, guid) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [
            (
                m.target,
                str(ids[m.fragment]) if m.fragment else m.target_id,
                m.author or None,
                m.text,
                m.created_at or now,
                m.guid or None,
            )
            for m in memos
        ],
    )


def adopt_guids(con: sqlite3.Connection, guids: Guids) -> None:
    """Set each row's GUID by its natural key; every key must name exactly one row.

    A fragment only a memo points at is not in a cohort folder: it is made here.
    """
    for f, guid in guids.fragment.items():
        con.execute(
            'INSERT OR IGNORE INTO fragment (interview, start, "end") VALUES (?, ?, ?)',
            (f.interview, f.start, f.end),
        )
        con.execute(
            'UPDATE fragment SET guid = ? WHERE interview = ? AND start = ? AND "end" = ?',
            (guid, f.interview, f.start, f.end),
        )
    updates = [
        ("person", "id = ?", [(g, (k,)) for k, g in guids.person.items()]),
        ("code", "id = ?", [(g, (k,)) for k, g in guids.code.items()]),
        ("transcript", "interview = ?", [(g, (k,)) for k, g in guids.transcript.items()]),
        (
            "coding",
            "fragment = (SELECT id FROM fragment WHERE interview = ? AND start = ? "
            'AND "end" = ?) AND code = ? AND coder = ?',
            [
                (g, (f.interview, f.start, f.end, code, coder))
                for (f, code, coder), g in guids.coding.items()
            ],
        ),
    ]
    for table, where, pairs in updates:
        sql = f"UPDATE {table} SET guid = ? WHERE {where}"  # noqa: S608 (fixed names)
        changed = con.executemany(sql, [(guid, *key) for guid, key in pairs]).rowcount
        if changed != len(pairs):  # some key named no row: find which, to say so
            for guid, key in pairs:
                if con.execute(sql, (guid, *key)).rowcount != 1:
                    raise StoreError(f"{table} {key} is not in this store; no GUID was adopted")
