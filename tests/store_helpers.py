"""Helpers for tests that compare whole stores or look for names that must not appear, and
that wait for what another connection (a live panel's thread, another tab) does."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path


def wait_until(condition, timeout: float = 60.0) -> bool:
    """Poll until `condition()` holds; False if it never did within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def all_rows(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, read through a read-only connection of its own."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: ordered_rows(con, t) for t in tables}
    finally:
        con.close()


def dump(store: Path) -> list[str]:
    """The whole store as SQL statements: what must stay byte for byte the same."""
    con = sqlite3.connect(store)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def ordered_rows(con: sqlite3.Connection, table: str) -> list:
    """A table's rows in rowid order; a table without rowid (the search index's own tables)
    in the order of its columns."""
    try:
        return con.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()
    except sqlite3.OperationalError:
        columns = len(con.execute(f'SELECT * FROM "{table}" LIMIT 0').description)
        order = ", ".join(str(n) for n in range(1, columns + 1))
        return con.execute(f'SELECT * FROM "{table}" ORDER BY {order}').fetchall()


def forbidden_names(store) -> set[str]:
    """Every full name, first name and surname the pseudonymiser hides, and mentioned names."""
    names = set(store.cohort().mentioned_names)
    for name in store.people()["name"]:
        parts = name.split()
        names |= {name} | {p for p in (parts[0], parts[-1], " ".join(parts[1:])) if len(p) > 2}
    return names


def everyone_named(path: Path) -> None:
    """Give every person of a store consent to be named: its REFI-QDA export then holds the
    store's own names and texts (who has not consented is never written by name)."""
    with sqlite3.connect(path) as con:
        con.execute(
            "UPDATE person SET consent_named = 1, "
            "consent_date = CASE consent_date WHEN '' THEN '2024-02-26' ELSE consent_date END"
        )
    con.close()


def interview_row(store: Path, person: str) -> tuple | None:
    """The interviewer, date and status of `person`'s interview, or None when there is none."""
    con = sqlite3.connect(store)
    try:
        return con.execute(
            "SELECT interviewer, date, status FROM interview WHERE participant = ?", (person,)
        ).fetchone()
    finally:
        con.close()
