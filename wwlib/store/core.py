"""Opening the SQLite store safely: pragmas, migrations, short write transactions, the log.

Every write runs in its own `BEGIN IMMEDIATE` transaction, so a read-modify-write by one
process (a Voila tab is a kernel process of its own) cannot interleave with another's: the
second waits on `busy_timeout` instead of overwriting. `synchronous=FULL` in WAL mode makes an
acknowledged commit survive a killed process or a power cut.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import pandas as pd

from wwlib.core.errors import StoreError
from wwlib.store.rows import now
from wwlib.store.schema import MIGRATIONS, SCHEMA_VERSION, SEARCH_SINCE
from wwlib.store.search import refresh_index

BUSY_TIMEOUT_MS = 30_000
T = TypeVar("T")


class StoreCore:
    """A connection to one cohort's store file, with the pragmas that keep it safe.

    Its underscored members are the interface of the mixins `Store` is made of, and theirs
    only: `_con` the connection, `_write()` a write transaction, `_snapshot(read)` a read of
    several queries that agree with each other, `_frame(sql)` a query as a DataFrame, `_log()`
    a line of the change log. Functions on a connection that several mixins share are in
    `wwlib.store.rows`.
    """

    def __init__(self, path: str | Path, actor: str = "system", create: bool = False):
        self.path = Path(path)
        self.actor = actor
        if not create and not self.path.exists():
            raise StoreError(
                f"store {self.path} does not exist; create it with `ww init COHORT_DIR` "
                "or open the cohort through wwlib.open_cohort"
            )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._con = sqlite3.connect(self.path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        for pragma in (
            f"busy_timeout={BUSY_TIMEOUT_MS}",
            "journal_mode=WAL",
            "synchronous=FULL",
            "foreign_keys=ON",
        ):
            self._con.execute(f"PRAGMA {pragma}")
        self._migrate()

    # -- lifecycle -----------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection (reads and writes after this fail)."""
        self._con.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def schema_version(self) -> int:
        return self._con.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        version = self.schema_version
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"store {self.path} has schema version {version}, newer than this wwlib "
                f"({SCHEMA_VERSION}); upgrade wwlib to open it"
            )
        for number in range(version, SCHEMA_VERSION):
            with self._write() as con:
                for statement in _statements(MIGRATIONS[number]):
                    con.execute(statement)
                con.execute(f"PRAGMA user_version={number + 1}")

    # -- transactions --------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One short write transaction: BEGIN IMMEDIATE, COMMIT, or ROLLBACK on any error.

        SQLite's own errors (a store locked past the busy timeout, a full disk) leave as a
        `StoreError` that says the change was not saved: callers handle the project's errors.
        """
        with self._sqlite_errors("the change was not saved"):
            self._con.execute("BEGIN IMMEDIATE")
        try:
            yield self._con
            if self.schema_version >= SEARCH_SINCE:  # the index follows every write
                refresh_index(self._con)
        except sqlite3.Error as exc:
            self._con.execute("ROLLBACK")
            raise self._store_error("the change was not saved", exc) from exc
        except BaseException:
            self._con.execute("ROLLBACK")
            raise
        with self._sqlite_errors("the change was not saved"):
            self._con.execute("COMMIT")

    @contextmanager
    def _sqlite_errors(self, outcome: str) -> Iterator[None]:
        """SQLite's errors inside as a `StoreError` naming the store and the outcome."""
        try:
            yield
        except sqlite3.Error as exc:
            raise self._store_error(outcome, exc) from exc

    def _store_error(self, outcome: str, exc: sqlite3.Error) -> StoreError:
        return StoreError(f"store {self.path}: {outcome} ({exc}); try again in a moment")

    def _snapshot(self, read: Callable[[sqlite3.Connection], T]) -> T:
        """`read(connection)` inside one read transaction: its queries see one state."""
        self._con.execute("BEGIN")
        try:
            return read(self._con)
        finally:
            self._con.execute("COMMIT")

    def _frame(self, sql: str, params: tuple = ()) -> pd.DataFrame:
        """A query's rows as a DataFrame; SQLite's errors as a `StoreError`."""
        with self._sqlite_errors("it could not be read"):
            try:
                return pd.read_sql_query(sql, self._con, params=params)
            except pd.errors.DatabaseError as exc:  # pandas wraps SQLite's error
                raise sqlite3.OperationalError(str(exc)) from exc

    def _log(
        self,
        con: sqlite3.Connection,
        action: str,
        entity: str,
        entity_id: object,
        detail: dict | None = None,
        actor: str | None = None,
    ) -> None:
        """Append one line to the change log inside the caller's transaction."""
        con.execute(
            "INSERT INTO change_log (at, actor, action, entity, entity_id, detail) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                now(),
                actor or self.actor,
                action,
                entity,
                str(entity_id),
                json.dumps(detail or {}, ensure_ascii=False, default=str),
            ),
        )

    # -- safety --------------------------------------------------------------------------

    def backup(self, dest: str | Path) -> Path:
        """Copy the store to `dest` through SQLite's online backup API (safe while in use)."""
        dest = Path(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        target = sqlite3.connect(dest)
        try:
            self._con.backup(target)
        finally:
            target.close()
        return dest

    def integrity_check(self) -> str:
        """SQLite's own verdict on the file: 'ok' when intact."""
        return self._con.execute("PRAGMA integrity_check").fetchone()[0]


def _statements(script: str) -> list[str]:
    """Split a migration script into statements, keeping trigger bodies whole."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    return [s for s in statements if s]
