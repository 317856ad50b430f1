"""Adding a REFI-QDA project's codebook, sources, codings, cases and memos in one transaction.

The exchange works on two records: `ExchangeContent`, what a store holds that a QDA project can
carry (with every row's GUID), and `ExchangeRows`, what an import adds. `import_exchange` reads
the content and writes the rows inside one `BEGIN IMMEDIATE` transaction, so the decision what
is new and the writing of it cannot interleave with another process; any error rolls it all back.

Memos point at their target by its natural id: a code id, a participant id (interview), the
cohort id, or for a fragment the fragment's row id (`ExchangeContent` resolves it to the span).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from typing import TypeVar

from wwlib.core.errors import StoreError
from wwlib.core.model import (
    Code,
    Coding,
    Fragment,
    Interview,
    MemoRecord,
    Person,
    Session,
    Transcript,
)
from wwlib.core.records import ExchangeContent, ExchangeRows
from wwlib.store.load import (
    insert_codes,
    insert_cohort,
    insert_interviews,
    insert_memos,
    insert_people,
    insert_sessions,
)
from wwlib.store.reads import COHORT_COLUMNS, cohort_from_row
from wwlib.store.rows import fragment_ids

T = TypeVar("T")


class ExchangeMixin:
    def exchange_content(self) -> ExchangeContent:
        """Everything a QDA project can carry, read in one consistent snapshot."""
        return self._snapshot(read_exchange_content)

    def import_exchange(
        self,
        plan: Callable[[ExchangeContent], tuple[ExchangeRows, T]],
        source: str,
        actor: str | None = None,
    ) -> T:
        """Add what `plan(content)` decides to this store, all or nothing; returns its extra.

        `plan` runs inside the write transaction on the content as it is now, so what it
        decides is new is still new when it is written. Any error rolls everything back; an
        import that adds nothing leaves the store exactly as it was (not even a log line).
        """
        with self._write() as con:
            rows, extra = plan(read_exchange_content(con))
            if rows.cohort is not None:
                _insert_cohort(con, rows)
            _insert_rows(con, rows)
            if rows.cohort is not None or rows.status_updates or any(rows.counts().values()):
                self._log(con, "import", "exchange", source, rows.counts(), actor)
        return extra


# -- reading ------------------------------------------------------------------------------


def read_exchange_content(con: sqlite3.Connection) -> ExchangeContent:
    """What a QDA project can carry, inside the caller's transaction."""
    content = ExchangeContent()
    row = con.execute(f"SELECT {COHORT_COLUMNS}, guid FROM cohort").fetchone()
    if row is not None:
        content.cohort = cohort_from_row(row)
        content.cohort_guid = row[-1] or ""
    _read_people_and_codes(con, content)
    _read_interviews(con, content)
    _read_codings(con, content)
    return content


def _read_people_and_codes(con: sqlite3.Connection, content: ExchangeContent) -> None:
    for row in con.execute(
        "SELECT id, name, role, pseudonym, organisation, municipality, function, consent_named, "
        "guid, consent_recording, consent_quotes, consent_date, consent_covers "
        "FROM person ORDER BY position"
    ):
        content.people.append(
            Person(
                *row[:7],
                consent_named=bool(row[7]),
                consent_recording=bool(row[9]),
                consent_quotes=bool(row[10]),
                consent_date=dt.date.fromisoformat(row[11]) if row[11] else None,
                consent_covers=row[12],
            )
        )
        content.guids.person[row[0]] = row[8]
    content.sessions = [
        Session(
            id=r[0],
            date=dt.date.fromisoformat(r[1]),
            phase=r[4],
            activity=r[5],
            start=r[2],
            end=r[3],
        )
        for r in con.execute(
            'SELECT id, date, start, "end", phase, activity FROM session ORDER BY date, position'
        )
    ]
    for row in con.execute(
        "SELECT id, category, name, colour, parent, description, guid FROM code ORDER BY position"
    ):
        content.codes.append(Code(*row[:4], parent=row[4] or "", description=row[5]))
        content.guids.code[row[0]] = row[6]


def _read_interviews(con: sqlite3.Connection, content: ExchangeContent) -> None:
    content.interviews = [
        Interview(r[0], r[1], r[3], dt.date.fromisoformat(r[2]) if r[2] else None)
        for r in con.execute(
            "SELECT i.participant, i.interviewer, i.date, i.status FROM interview i "
            "JOIN person p ON p.id = i.participant ORDER BY p.position"
        )
    ]
    for row in con.execute(
        "SELECT t.interview, t.source, t.text, t.format, t.guid FROM transcript t "
        "JOIN person p ON p.id = t.interview ORDER BY p.position"
    ):
        content.transcripts.append(Transcript(row[0], row[1], row[2]))
        content.formats[row[0]] = row[3]
        content.guids.transcript[row[0]] = row[4]


def _read_codings(con: sqlite3.Connection, content: ExchangeContent) -> None:
    by_id: dict[int, Fragment] = {}
    for row in con.execute(
        'SELECT id, interview, start, "end", guid FROM fragment ORDER BY interview, start, "end"'
    ):
        fragment = Fragment(row[1], row[2], row[3])
        by_id[row[0]] = fragment
        content.fragments.append(fragment)
        content.guids.fragment[fragment] = row[4]
    for row in con.execute(
        "SELECT c.fragment, c.code, c.coder, c.memo, c.guid FROM coding c "
        'JOIN fragment f ON f.id = c.fragment ORDER BY f.interview, f.start, f."end", c.id'
    ):
        coding = Coding(by_id[row[0]], row[1], row[2], row[3])
        content.codings.append(coding)
        content.guids.coding[(coding.fragment, coding.code, coding.coder)] = row[4]
    for row in con.execute(
        "SELECT target, target_id, author, text, created_at, guid FROM memo ORDER BY id"
    ):
        fragment = by_id.get(int(row[1])) if row[0] == "fragment" and row[1].isdigit() else None
        content.memos.append(
            MemoRecord(row[0], row[1], row[3], row[5] or "", row[2] or "", row[4], fragment)
        )


# -- writing ------------------------------------------------------------------------------


def _insert_cohort(con: sqlite3.Connection, rows: ExchangeRows) -> None:
    if con.execute("SELECT count(*) FROM cohort").fetchone()[0]:
        raise StoreError("this store already holds a cohort; nothing was imported")
    insert_cohort(con, rows.cohort)
    insert_sessions(con, rows.sessions)


def _insert_rows(con: sqlite3.Connection, rows: ExchangeRows) -> None:
    _insert_people_and_codes(con, rows)
    _insert_interviews(con, rows)
    ids = _insert_fragments(con, rows)
    con.executemany(
        "INSERT INTO coding (fragment, code, coder, memo, guid) VALUES (?, ?, ?, ?, ?)",
        [
            (
                ids[c.fragment],
                c.code,
                c.coder,
                c.memo,
                rows.guids.coding.get((c.fragment, c.code, c.coder)),
            )
            for c in rows.codings
        ],
    )
    insert_memos(con, rows.memos, ids)


def _insert_people_and_codes(con: sqlite3.Connection, rows: ExchangeRows) -> None:
    """New people and codes after the existing ones, with the GUIDs they came with."""
    insert_people(con, rows.people, rows.guids.person)
    insert_codes(con, rows.codes, rows.guids.code)


def _insert_interviews(con: sqlite3.Connection, rows: ExchangeRows) -> None:
    insert_interviews(con, rows.interviews)
    con.executemany(
        "UPDATE interview SET status = ? WHERE participant = ?",
        [(status, participant) for participant, status in rows.status_updates.items()],
    )
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    con.executemany(
        "INSERT INTO transcript (interview, source, text, format, imported_at, guid) "
        "VALUES (?, ?, ?, 'txt', ?, ?)",
        [
            (t.interview, t.source, t.text, now, rows.guids.transcript.get(t.interview))
            for t in rows.transcripts
        ],
    )


def _insert_fragments(con: sqlite3.Connection, rows: ExchangeRows) -> dict[Fragment, int]:
    """Make the fragments that codings and memos need; an existing span keeps its GUID."""
    ids = fragment_ids(con)
    wanted = [c.fragment for c in rows.codings] + [m.fragment for m in rows.memos if m.fragment]
    for fragment in dict.fromkeys(wanted):
        if fragment not in ids:
            ids[fragment] = con.execute(
                'INSERT INTO fragment (interview, start, "end", guid) VALUES (?, ?, ?, ?)',
                (
                    fragment.interview,
                    fragment.start,
                    fragment.end,
                    rows.guids.fragment.get(fragment),
                ),
            ).lastrowid
    return ids
