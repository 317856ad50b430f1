"""Thursday's boards: one per shortlisted theme, and notes linked to interview fragments."""

from __future__ import annotations

import sqlite3

import pandas as pd

from wwlib.core.errors import NotFound, ValidationError
from wwlib.store.rows import next_position


class BoardMixin:
    def ensure_theme_boards(self, actor: str | None = None) -> list[str]:
        """A board of kind `theme` for every shortlisted theme that has none; the new ids.

        The board is titled after the theme and placed after the existing boards. Call it only
        on a facilitator's action (the button in `ui.ThemeBoards`): every board is a numbered
        appendix of the report, so opening a dashboard must not make one.
        """
        with self._write() as con:
            missing = con.execute(
                "SELECT s.code, k.name FROM shortlist s JOIN code k ON k.id = s.code "
                "WHERE NOT EXISTS (SELECT 1 FROM board b WHERE b.theme = s.code) "
                "ORDER BY s.position"
            ).fetchall()
            taken = {r[0] for r in con.execute("SELECT id FROM board")}
            made = []
            for code, name in missing:
                board = f"thema-{code}"
                number = 2
                while board in taken:
                    board, number = f"thema-{code}-{number}", number + 1
                con.execute(
                    "INSERT INTO board (id, title, kind, theme, position) VALUES (?, ?, ?, ?, ?)",
                    (board, f"Thema: {name}", "theme", code, next_position(con, "board")),
                )
                taken.add(board)
                made.append(board)
                self._log(con, "add", "board", board, {"theme": code}, actor=actor)
        return made

    def theme_boards(self) -> pd.DataFrame:
        """The boards of the shortlisted themes, in shortlist order: board, theme, name."""
        return self._frame(
            "SELECT b.id AS board, s.code AS theme, k.name, b.title FROM shortlist s "
            "JOIN code k ON k.id = s.code JOIN board b ON b.theme = s.code "
            "GROUP BY s.code ORDER BY s.position"
        )

    def link_fragments(self, note: str, fragments: list[int], actor: str | None = None) -> None:
        """Say which interview fragments a sticky note came from (added to existing links)."""
        with self._write() as con:
            if not con.execute("SELECT 1 FROM note WHERE id = ?", (note,)).fetchone():
                raise NotFound(f"note '{note}' is not in this cohort's store")
            link_fragments(con, note, fragments)
            self._log(con, "link", "note", note, {"fragments": [int(f) for f in fragments]}, actor)

    def theme_fragments(self, theme: str) -> pd.DataFrame:
        """The fragments coded with a theme or its child codes: fragment, interview, start."""
        return self._frame(
            'SELECT DISTINCT f.id AS fragment, f.interview, f.start, f."end" FROM coding c '
            "JOIN fragment f ON f.id = c.fragment JOIN code k ON k.id = c.code "
            "WHERE c.code = ? OR k.parent = ? ORDER BY f.interview, f.start",
            (theme, theme),
        )


def link_fragments(con: sqlite3.Connection, note: str, fragments) -> None:
    """Link a note to coded fragments inside the caller's transaction (each must exist)."""
    for fragment in fragments:
        if not con.execute("SELECT 1 FROM fragment WHERE id = ?", (fragment,)).fetchone():
            raise ValidationError(
                "fragment", "a coded fragment of this cohort's interviews", fragment
            )
        con.execute(
            "INSERT OR IGNORE INTO note_fragment (note, fragment) VALUES (?, ?)",
            (note, int(fragment)),
        )
