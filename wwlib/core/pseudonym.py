"""Replacing personal names by pseudonym codes in every output.

A person whose `consent_named` is false is always shown by pseudonym; with `pseudonymise=True`
everyone is. Free text (transcripts, notes, task titles) is scanned for full names, then for
surnames and first names of the people concerned, longest first, on word boundaries.
"""

from __future__ import annotations

import re

import pandas as pd


class Pseudonymiser:
    """Shows a person id, name or free text with names replaced where they must be."""

    def __init__(
        self, people: pd.DataFrame, pseudonymise: bool, mentioned_names: tuple[str, ...] = ()
    ):
        self.pseudonymise = pseudonymise
        self._names = dict(zip(people["id"], people["name"], strict=True))
        self._codes = dict(zip(people["id"], people["pseudonym"], strict=True))
        hidden = people if pseudonymise else people[~people["consent_named"].astype(bool)]
        self._hidden = set(hidden["id"])
        self._pattern, self._replacement = _name_pattern(hidden)
        if pseudonymise and mentioned_names:
            # people outside the cohort whom the transcripts name: no code of theirs, just "NN"
            self._replacement.update({n: "NN" for n in mentioned_names})
            self._pattern = _pattern(self._replacement)

    def hides(self, person_id: str) -> bool:
        """Whether this person's name is replaced in outputs."""
        return person_id in self._hidden

    def name(self, person_id: str | None) -> str:
        """The name to show for a person id ('' for no one, the id itself if unknown)."""
        if not person_id:
            return ""
        if person_id not in self._names:
            return str(person_id)
        return self._codes[person_id] if self.hides(person_id) else self._names[person_id]

    def text(self, text: str) -> str:
        """Free text with every hidden person's name replaced by their pseudonym."""
        if self._pattern is None or not text:
            return text
        return self._pattern.sub(lambda m: self._replacement[m.group(0)], text)

    def names(self, ids) -> list[str]:
        """Names to show for a list of person ids."""
        return [self.name(i) for i in ids]


def _name_pattern(people: pd.DataFrame) -> tuple[re.Pattern | None, dict[str, str]]:
    replacement: dict[str, str] = {}
    for name, code in zip(people["name"], people["pseudonym"], strict=True):
        replacement[name] = code
        parts = name.split()
        # the first name and the surname with its tussenvoegsels ("van de Beek", "Beek")
        candidates = [parts[0], parts[-1], " ".join(p for p in parts[1:])] if len(parts) > 1 else []
        for part in candidates:
            if len(part) > 2:
                replacement.setdefault(part, code)
    return (_pattern(replacement) if replacement else None), replacement


def _pattern(replacement: dict[str, str]) -> re.Pattern:
    """One regex for all names, longest first, matching whole words only."""
    alternatives = sorted(replacement, key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(map(re.escape, alternatives)) + r")(?!\w)")
