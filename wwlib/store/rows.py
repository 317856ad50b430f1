"""The row helpers every part of the store shares, each used inside the caller's transaction.

The mixins of `Store` share two things: the methods of `StoreCore` (a write transaction, a line
of the change log, a query as a DataFrame) and these functions on a connection. A mixin's own
helpers keep a leading underscore and stay in its module.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from wwlib.core.errors import NotFound
from wwlib.core.model import Fragment


def now() -> str:
    """The time of a change as the store writes it: UTC, ISO 8601, to the millisecond."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def require(con: sqlite3.Connection, table: str, key: str, value: object, what: str) -> None:
    """Raise `NotFound` naming `what` unless `table` has a row whose `key` is `value`."""
    if not con.execute(f"SELECT 1 FROM {table} WHERE {key} = ?", (value,)).fetchone():
        raise NotFound(f"{what} '{value}' is not in this cohort's store")


def next_position(con: sqlite3.Connection, table: str) -> int:
    """The position after the last row of `table` (0 when it is empty)."""
    return con.execute(f"SELECT coalesce(max(position), -1) + 1 FROM {table}").fetchone()[0]


def fragment_id(con: sqlite3.Connection, f: Fragment) -> int:
    """The id of the fragment with this span, made when it does not exist yet."""
    con.execute(
        'INSERT OR IGNORE INTO fragment (interview, start, "end") VALUES (?, ?, ?)',
        (f.interview, f.start, f.end),
    )
    return con.execute(
        'SELECT id FROM fragment WHERE interview = ? AND start = ? AND "end" = ?',
        (f.interview, f.start, f.end),
    ).fetchone()[0]


def fragment_ids(con: sqlite3.Connection) -> dict[Fragment, int]:
    """The id of every fragment, by its span."""
    return {
        Fragment(r[1], r[2], r[3]): r[0]
        for r in con.execute('SELECT id, interview, start, "end" FROM fragment')
    }


def drop_unused_fragment(con: sqlite3.Connection, fragment: int) -> None:
    """Delete a fragment nothing points at any more (no coding, board note or memo)."""
    used = con.execute(
        "SELECT EXISTS (SELECT 1 FROM coding WHERE fragment = ?1) "
        "OR EXISTS (SELECT 1 FROM note_fragment WHERE fragment = ?1) "
        "OR EXISTS (SELECT 1 FROM memo WHERE target = 'fragment' AND target_id = CAST(?1 AS TEXT))",
        (fragment,),
    ).fetchone()[0]
    if not used:
        con.execute("DELETE FROM fragment WHERE id = ?", (fragment,))


def merge_fragment(con: sqlite3.Connection, fragment: int, into: int) -> None:
    """Point the codings, board notes and memos of `fragment` at `into`, then delete it (a
    coding or note link that `into` has already is dropped, not doubled)."""
    for table in ("coding", "note_fragment"):
        con.execute(
            f"UPDATE OR IGNORE {table} SET fragment = ? WHERE fragment = ?",  # noqa: S608
            (into, fragment),
        )
        con.execute(f"DELETE FROM {table} WHERE fragment = ?", (fragment,))  # noqa: S608
    con.execute(
        "UPDATE memo SET target_id = ? WHERE target = 'fragment' AND target_id = ?",
        (str(into), str(fragment)),
    )
    con.execute("DELETE FROM fragment WHERE id = ?", (fragment,))
