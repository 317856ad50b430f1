"""Wednesday's choices: the shortlist of themes for Thursday and the focus groups."""

from __future__ import annotations

import re
import sqlite3
import unicodedata

import pandas as pd

from wwlib.core.errors import StoreError, ValidationError
from wwlib.core.model import Category, FocusGroup, Role


def insert_shortlist(con: sqlite3.Connection, themes: list[str]) -> None:
    """The shortlist rows, in order (shared by the bulk load and `set_shortlist`)."""
    con.executemany(
        "INSERT INTO shortlist (code, position) VALUES (?, ?)",
        [(code, position) for position, code in enumerate(themes)],
    )


def insert_focus_groups(con: sqlite3.Connection, groups: list[FocusGroup]) -> None:
    """The focus groups with their members and themes, in order."""
    for position, group in enumerate(groups):
        con.execute(
            "INSERT INTO focus_group (id, name, position) VALUES (?, ?, ?)",
            (group.id, group.name, position),
        )
        con.executemany(
            "INSERT INTO focus_group_member (focus_group, person, position) VALUES (?, ?, ?)",
            [(group.id, person, i) for i, person in enumerate(group.members)],
        )
        con.executemany(
            "INSERT INTO focus_group_theme (focus_group, code, position) VALUES (?, ?, ?)",
            [(group.id, code, i) for i, code in enumerate(group.themes)],
        )


def group_id(name: str, taken: set[str]) -> str:
    """A slug for a new focus group's name, unique among `taken`."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "groep"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


class GroupMixin:
    def shortlist(self) -> pd.DataFrame:
        """The shortlisted themes in order: code, name, description, number (from 1)."""
        return self._frame(
            "SELECT s.code, k.name, k.description, s.position + 1 AS number FROM shortlist s "
            "JOIN code k ON k.id = s.code ORDER BY s.position"
        )

    def focus_groups(self) -> pd.DataFrame:
        """The focus groups in order: id, name, members and themes (lists of ids)."""
        groups = self._frame("SELECT id, name FROM focus_group ORDER BY position")
        members = self._frame(
            "SELECT focus_group, person FROM focus_group_member ORDER BY focus_group, position"
        )
        themes = self._frame(
            "SELECT focus_group, code FROM focus_group_theme ORDER BY focus_group, position"
        )
        groups["members"] = [
            members.loc[members["focus_group"] == g, "person"].tolist() for g in groups["id"]
        ]
        groups["themes"] = [
            themes.loc[themes["focus_group"] == g, "code"].tolist() for g in groups["id"]
        ]
        return groups

    def set_shortlist(self, themes: list[str], actor: str | None = None) -> None:
        """Replace the shortlist with `themes` (theme code ids, in order), logged.

        A theme taken off the list is also taken out of every focus group's themes.
        """
        themes = list(themes)
        if len(set(themes)) != len(themes):
            raise ValidationError("shortlist", "each theme once", themes)
        with self._write() as con:
            kinds = dict(con.execute("SELECT id, category FROM code").fetchall())
            for theme in themes:
                if kinds.get(theme) != Category.THEME.value:
                    raise ValidationError(
                        "shortlist", "codes of category theme from the codebook", theme
                    )
            before = [r[0] for r in con.execute("SELECT code FROM shortlist ORDER BY position")]
            con.execute("DELETE FROM shortlist")
            insert_shortlist(con, themes)
            placeholders = ",".join("?" * len(themes))
            con.execute(f"DELETE FROM focus_group_theme WHERE code NOT IN ({placeholders})", themes)
            self._log(con, "set", "shortlist", "", {"before": before, "after": themes}, actor=actor)

    def set_focus_groups(self, groups: list[FocusGroup], actor: str | None = None) -> None:
        """Replace the focus groups (names, members, themes), logged with before and after.

        Members must be participants, each in one group at most; themes must be shortlisted.
        """
        with self._write() as con:
            roles = dict(con.execute("SELECT id, role FROM person").fetchall())
            listed = {r[0] for r in con.execute("SELECT code FROM shortlist")}
            placed: dict[str, str] = {}
            for group in groups:
                for member in group.members:
                    if roles.get(member) != Role.PARTICIPANT.value:
                        raise ValidationError("members", "participants of this cohort", member)
                    if member in placed:
                        raise StoreError(
                            f"'{member}' is in two focus groups ('{placed[member]}' and "
                            f"'{group.id}'); put every participant in one group at most"
                        )
                    placed[member] = group.id
                for theme in group.themes:
                    if theme not in listed:
                        raise ValidationError("themes", "themes on the shortlist", theme)
            before = _groups_detail(con)
            for table in ("focus_group_theme", "focus_group_member", "focus_group"):
                con.execute(f"DELETE FROM {table}")
            insert_focus_groups(con, groups)
            self._log(
                con,
                "set",
                "focus_groups",
                "",
                {"before": before, "after": _groups_detail(con)},
                actor=actor,
            )


def _groups_detail(con: sqlite3.Connection) -> list[dict]:
    """The focus groups as plain data for the change log."""
    groups = con.execute("SELECT id, name FROM focus_group ORDER BY position").fetchall()
    return [
        {
            "id": gid,
            "name": name,
            "members": [
                r[0]
                for r in con.execute(
                    "SELECT person FROM focus_group_member WHERE focus_group = ? ORDER BY position",
                    (gid,),
                )
            ],
            "themes": [
                r[0]
                for r in con.execute(
                    "SELECT code FROM focus_group_theme WHERE focus_group = ? ORDER BY position",
                    (gid,),
                )
            ],
        }
        for gid, name in groups
    ]
