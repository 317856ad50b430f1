"""What pseudonymisation reads from the store: every free text, and deduce's kept finds."""

from __future__ import annotations

import json

# every column a person writes words into, as (table, column); JSON lists are read whole
FREE_TEXT = (
    ("cohort", "title"),
    ("cohort", "research_question"),
    ("cohort", "source"),
    ("cohort", "interview_guide"),
    ("person", "organisation"),
    ("person", "function"),
    ("session", "activity"),
    ("transcript", "text"),
    ("turn", "speaker"),
    ("code", "name"),
    ("code", "description"),
    ("coding", "memo"),
    ("memo", "text"),
    ("board", "title"),
    ("note", "text"),
    ("note", "cluster"),
    ("focus_group", "name"),
    ("plan", "title"),
    ("plan", "goal"),
    ("plan", "current"),
    ("step", "title"),
    ("step", "description"),
    ("task", "title"),
    ("task", "owner_note"),
    ("task", "note"),
    ("task", "due_text"),
    ("plan_obstacle", "obstacle"),
    ("plan_obstacle", "way_to_deal"),
    ("plan_factor", "text"),
)


class PrivacyMixin:
    def free_texts(self) -> list[str]:
        """Every text people wrote into this cohort (transcripts, notes, plans, ...), once
        each: the words pseudonymisation looks for spelling variants of names in."""
        union = " UNION ".join(
            f"SELECT {column} FROM {table} WHERE {column} != ''" for table, column in FREE_TEXT
        )
        return [row[0] for row in self._con.execute(union) if row[0]]

    def name_scan(self, digest: str) -> list[str] | None:
        """The names deduce found in the texts of this digest, or None if not scanned yet."""
        row = self._con.execute(
            "SELECT names FROM name_scan WHERE digest = ?", (digest,)
        ).fetchone()
        return None if row is None else json.loads(row[0])

    def keep_name_scan(self, digest: str, names: list[str]) -> None:
        """Keep what deduce found in the texts of `digest`, instead of any earlier scan.

        Derived from the texts, not written by a person: no change-log entry."""
        with self._write() as con:
            con.execute("DELETE FROM name_scan")
            con.execute(
                "INSERT INTO name_scan (digest, names) VALUES (?, ?)",
                (digest, json.dumps(sorted(names), ensure_ascii=False)),
            )
