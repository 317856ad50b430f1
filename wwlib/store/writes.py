"""The changes people make during the week, one short logged transaction each."""

from __future__ import annotations

import sqlite3
import uuid

from wwlib.core.duedate import parse_due
from wwlib.core.errors import NotFound, StoreError
from wwlib.core.model import InterviewStatus, Note, Task, TaskStatus, check_choice
from wwlib.store.boards import link_fragments
from wwlib.store.load import insert_task
from wwlib.store.rows import next_position, require


def require_unlocked(con: sqlite3.Connection, board: str) -> None:
    """Refuse a change to a board the facilitator has locked."""
    row = con.execute("SELECT locked FROM board WHERE id = ?", (board,)).fetchone()
    if row and row[0]:
        raise StoreError(f"board '{board}' is locked; the facilitator can unlock it")


class WriteMixin:
    def add_note(
        self,
        board: str,
        text: str,
        category: str = "other",
        author: str = "",
        cluster: str = "",
        fragments: tuple[int, ...] = (),
        actor: str | None = None,
    ) -> str:
        """Put a sticky note on a board, linked to the coded `fragments` it came from, in one
        transaction (a failed link leaves no note); returns the new note's id."""
        note = Note(
            id=f"n-{uuid.uuid4().hex[:10]}",
            board=board,
            text=text,
            category=category,
            author=author,
            cluster=cluster,
        )
        with self._write() as con:
            require(con, "board", "id", board, "board")
            require_unlocked(con, board)
            if author:
                require(con, "person", "id", author, "author")
            position = next_position(con, "note")
            con.execute(
                "INSERT INTO note VALUES (?, ?, ?, ?, ?, ?, ?)",
                (note.id, board, text, category, author or None, cluster, position),
            )
            link_fragments(con, note.id, fragments)
            self._log(
                con,
                "add",
                "note",
                note.id,
                {
                    "board": board,
                    "text": text,
                    "category": category,
                    "author": author,
                    "cluster": cluster,
                    **({"fragments": [int(f) for f in fragments]} if fragments else {}),
                },
                actor,
            )
        return note.id

    def add_task(
        self,
        plan: str,
        step: int,
        title: str,
        owners: tuple[str, ...] = (),
        due: str = "",
        status: str = "open",
        note: str = "",
        actor: str | None = None,
    ) -> str:
        """Add a task at the end of step number `step` (from 1) of a plan; returns its id."""
        year = self.cohort().start.year
        task = Task(
            id=f"t-{uuid.uuid4().hex[:10]}",
            title=title,
            owners=tuple(owners),
            due=parse_due(due, year),
            status=status,
            note=note,
        )
        with self._write() as con:
            row = con.execute(
                "SELECT id FROM step WHERE plan = ? AND position = ?", (plan, step - 1)
            ).fetchone()
            if row is None:
                raise NotFound(f"plan '{plan}' has no step {step}")
            position = con.execute(
                "SELECT coalesce(max(position), -1) + 1 FROM task WHERE step = ?", (row[0],)
            ).fetchone()[0]
            insert_task(con, row[0], position, task)
            self._log(
                con,
                "add",
                "task",
                task.id,
                {
                    "plan": plan,
                    "step": step,
                    "title": title,
                    "owners": list(owners),
                    "due": due,
                    "status": status,
                },
                actor,
            )
        return task.id

    def set_task_status(self, task: str, status: str, actor: str | None = None) -> None:
        """Move a task to another status (open, in_progress, done, cancelled)."""
        check_choice("status", status, TaskStatus)
        with self._write() as con:
            require(con, "task", "id", task, "task")
            old = con.execute("SELECT status FROM task WHERE id = ?", (task,)).fetchone()[0]
            con.execute("UPDATE task SET status = ? WHERE id = ?", (status, task))
            self._log(con, "update", "task", task, {"status": status, "was": old}, actor)

    def set_interview_status(self, interview: str, status: str, actor: str | None = None) -> None:
        """Mark an interview planned, held or coded."""
        check_choice("status", status, InterviewStatus)
        with self._write() as con:
            require(con, "interview", "participant", interview, "interview")
            con.execute(
                "UPDATE interview SET status = ? WHERE participant = ?", (status, interview)
            )
            self._log(con, "update", "interview", interview, {"status": status}, actor)
