"""The live session: personal links, and the facilitator's controls of the room.

A personal link carries a secret of 32 random bytes (256 bits); the store keeps its SHA-256
only, so a copy of the store opens no page. `person_for_secret` is what the dashboard server
asks on every request; a new link for a person (`issue_link`) makes the old one useless.

The controls are state of the room, not of the research: whether a board is locked (no note
added, moved or renamed), private (each participant sees only their own notes while the group
writes; the facilitator reveals them all at once) and the end of a timebox on a board or a
voting round, which closes itself at the end when the facilitator asked so. They live in the
store so that every page of the session sees them within one refresh, and they are not written
to the cohort folder: a new session starts with every board open.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

import pandas as pd

from wwlib.core.errors import NotFound, StoreError, ValidationError
from wwlib.store.rows import now, require
from wwlib.store.writes import require_unlocked

SECRET_BYTES = 32  # 256 bits; the issue asks at least 128
MAX_TIMEBOX = 4 * 3600  # seconds: no activity of the week is timeboxed longer


def secret_hash(secret: str) -> str:
    """The SHA-256 of a link's secret, as the store keeps it."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class SessionMixin:
    # -- personal links ------------------------------------------------------------------

    def issue_link(self, person: str, actor: str | None = None) -> str:
        """A new secret for `person`'s link; their old link stops working. Returns the secret,
        which the store does not keep (only its hash)."""
        secret = secrets.token_urlsafe(SECRET_BYTES)
        with self._write() as con:
            require(con, "person", "id", person, "person")
            replaced = con.execute(
                "SELECT 1 FROM person_link WHERE person = ?", (person,)
            ).fetchone()
            con.execute(
                "INSERT INTO person_link (person, secret_hash, issued_at) VALUES (?, ?, ?) "
                "ON CONFLICT (person) DO UPDATE SET secret_hash = excluded.secret_hash, "
                "issued_at = excluded.issued_at",
                (person, secret_hash(secret), now()),
            )
            self._log(con, "revoke" if replaced else "issue", "link", person, {}, actor)
        return secret

    def person_for_secret(self, secret: str) -> tuple[str, str] | None:
        """(person id, role) of the person whose link carries `secret`, or None."""
        if not isinstance(secret, str) or not 20 <= len(secret) <= 200:
            return None
        return self.person_for_hash(secret_hash(secret))

    def person_for_hash(self, digest: str) -> tuple[str, str] | None:
        """(person id, role) of the person whose link's secret has this SHA-256, or None."""
        row = self._con.execute(
            "SELECT l.person, p.role, l.secret_hash FROM person_link l "
            "JOIN person p ON p.id = l.person WHERE l.secret_hash = ?",
            (digest,),
        ).fetchone()
        if row is None or not hmac.compare_digest(row[2], digest):
            return None
        return row[0], row[1]

    def links(self) -> pd.DataFrame:
        """Who has a personal link and since when: person, issued_at (never a secret)."""
        return self._frame("SELECT person, issued_at FROM person_link ORDER BY person")

    # -- the room: lock, private mode, timeboxes ----------------------------------------------

    def board_state(self, board: str) -> dict:
        """A board's room state: locked and private (bools), ends_at (UTC ISO or None)."""
        row = self._con.execute(
            "SELECT locked, private, ends_at FROM board WHERE id = ?", (board,)
        ).fetchone()
        if row is None:
            raise NotFound(f"board '{board}' does not exist")
        return {"locked": bool(row[0]), "private": bool(row[1]), "ends_at": row[2]}

    def set_board_state(
        self,
        board: str,
        locked: bool | None = None,
        private: bool | None = None,
        actor: str | None = None,
    ) -> None:
        """Lock or unlock a board, hide its notes while the group writes or reveal them."""
        changes = {k: v for k, v in (("locked", locked), ("private", private)) if v is not None}
        for name, value in changes.items():
            if not isinstance(value, bool):
                raise ValidationError(name, "True or False", value)
        if not changes:
            return
        with self._write() as con:
            require(con, "board", "id", board, "board")
            sets = ", ".join(f"{name} = ?" for name in changes)
            con.execute(
                f"UPDATE board SET {sets} WHERE id = ?", [*map(int, changes.values()), board]
            )
            self._log(con, "state", "board", board, changes, actor)

    def start_timebox(
        self,
        seconds: int,
        board: str | None = None,
        round: int | None = None,
        close_at_end: bool = False,
        actor: str | None = None,
    ) -> str:
        """Start a countdown on a board or an open round; returns its end (UTC ISO).

        `seconds` 0 stops the countdown. A round's countdown with `close_at_end` closes the
        round at its end (`close_ended_rounds`, called by every page that shows the round).
        """
        if (board is None) == (round is None):
            raise ValidationError("timebox", "a board or a round", (board, round))
        if isinstance(seconds, bool) or not isinstance(seconds, int):
            raise ValidationError("seconds", "a whole number of seconds", seconds)
        if not 0 <= seconds <= MAX_TIMEBOX:
            raise ValidationError("seconds", f"between 0 and {MAX_TIMEBOX}", seconds)
        ends = None
        if seconds:
            ends = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)).isoformat(
                timespec="seconds"
            )
        with self._write() as con:
            if board is not None:
                require(con, "board", "id", board, "board")
                con.execute("UPDATE board SET ends_at = ? WHERE id = ?", (ends, board))
                self._log(con, "timebox", "board", board, {"ends_at": ends}, actor)
            else:
                status = con.execute(
                    "SELECT status FROM vote_round WHERE round = ?", (round,)
                ).fetchone()
                if status is None or status[0] != "open":
                    raise StoreError(f"round {round} is not open; open a round first")
                con.execute(
                    "UPDATE vote_round SET ends_at = ?, close_at_end = ? WHERE round = ?",
                    (ends, int(bool(close_at_end) and ends is not None), round),
                )
                detail = {"ends_at": ends, "close_at_end": bool(close_at_end)}
                self._log(con, "timebox", "vote_round", round, detail, actor)
        return ends or ""

    def close_ended_rounds(self, now: dt.datetime | None = None) -> list[int]:
        """Close every open round whose countdown asked to close it and has ended."""
        moment = (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
        ended = self._con.execute(
            "SELECT round FROM vote_round WHERE status = 'open' AND close_at_end = 1 "
            "AND ends_at IS NOT NULL AND ends_at <= ?",
            (moment,),
        ).fetchall()
        closed = []
        for (number,) in ended:
            try:
                self.close_round(number, actor="timer")
            except StoreError:  # another page closed it a moment earlier
                continue
            closed.append(number)
        return closed

    # -- clusters -------------------------------------------------------------------------

    def move_note(self, note: str, cluster: str, actor: str | None = None) -> None:
        """Put a note in a cluster (a name; '' takes it out of every cluster)."""
        name = _cluster_name(cluster)
        with self._write() as con:
            board = con.execute("SELECT board FROM note WHERE id = ?", (note,)).fetchone()
            if board is None:
                raise NotFound(f"note '{note}' does not exist")
            require_unlocked(con, board[0])
            con.execute("UPDATE note SET cluster = ? WHERE id = ?", (name, note))
            self._log(con, "move", "note", note, {"cluster": name}, actor)

    def rename_cluster(self, board: str, old: str, new: str, actor: str | None = None) -> int:
        """Give a cluster of a board a (new) name; returns how many notes it holds."""
        name = _cluster_name(new)
        if not name:
            raise ValidationError("cluster", "a name", new)
        with self._write() as con:
            require(con, "board", "id", board, "board")
            require_unlocked(con, board)
            moved = con.execute(
                "UPDATE note SET cluster = ? WHERE board = ? AND cluster = ?", (name, board, old)
            ).rowcount
            if not moved:
                raise NotFound(f"board '{board}' has no cluster '{old}'")
            self._log(con, "rename", "cluster", board, {"from": old, "to": name}, actor)
        return moved

    def notes_added_by(self, person: str, board: str) -> list[str]:
        """The notes on `board` that `person` wrote: as their author, or added from their page
        without an author (an anonymous note; the change log names who added it)."""
        rows = self._con.execute(
            "SELECT id FROM note WHERE board = ? AND (author = ? OR id IN (SELECT entity_id "
            "FROM change_log WHERE entity = 'note' AND action = 'add' AND actor = ?)) "
            "ORDER BY position",
            (board, person, person),
        ).fetchall()
        return [r[0] for r in rows]

    def not_voted(self, round: int) -> list[str]:
        """The participants who have not cast a dot in a round yet, in people order."""
        rows = self._con.execute(
            "SELECT id FROM person WHERE role = 'participant' AND id NOT IN "
            "(SELECT voter FROM vote WHERE round = ?) ORDER BY position",
            (round,),
        ).fetchall()
        return [r[0] for r in rows]


def _cluster_name(cluster: object) -> str:
    if not isinstance(cluster, str) or len(cluster) > 80:
        raise ValidationError("cluster", "a name of at most 80 characters", cluster)
    return " ".join(cluster.split())
