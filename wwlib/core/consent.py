"""Consent on record: the one rule every output and every import follows.

A person consented to something (being named, a recording of their interview, being quoted
verbatim) only when people.csv says `ja` for it AND the day it was given (`consent_date`) is
on record: no date means no consent on record, so no consent for anything, whatever the other
columns say. A missing column (a store or frame made before the consent columns existed) is
no consent either.
"""

from __future__ import annotations

import pandas as pd

KINDS = ("named", "recording", "quotes")  # what a person can consent to
FIELDS = {kind: f"consent_{kind}" for kind in KINDS}  # people.csv's column for each


def consents(people: pd.DataFrame, kind: str) -> pd.Series:
    """Per person (row of `people`) whether they consented to `kind` ('named', 'recording',
    'quotes'): its column says yes and a `consent_date` is on record."""
    if kind not in FIELDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)} (got {kind!r})")
    column, index = FIELDS[kind], people.index
    if column not in people or "consent_date" not in people:
        return pd.Series(False, index=index, dtype=bool)
    said = people[column].fillna(False).astype(bool)
    return said & dated(people)


def dated(people: pd.DataFrame) -> pd.Series:
    """Per person whether the day consent was given is on record ('' or missing: not)."""
    if "consent_date" not in people:
        return pd.Series(False, index=people.index, dtype=bool)
    dates = people["consent_date"]
    return dates.notna() & dates.astype(str).str.strip().ne("")


def consenting(people: pd.DataFrame, kind: str) -> set[str]:
    """The ids of the people who consented to `kind` (`consents`)."""
    return set(people.loc[consents(people, kind), "id"])
