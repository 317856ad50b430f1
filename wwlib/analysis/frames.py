"""Helpers shared by the analysis functions: the cohort key, the week's category order.

Every analysis function works on one cohort's frames, or on many cohorts' frames stacked with
a `cohort` column. With that column present the cohort becomes one more group key, so a
programme computes a table for 340 municipalities in one pass of large array operations
instead of 340 passes of small ones (see `benchmarks/national.py`).
"""

from __future__ import annotations

import pandas as pd

from wwlib.core.model import Category, Role

CATEGORY_ORDER = [c.value for c in Category]
COHORT = "cohort"


def cohort_keys(*frames: pd.DataFrame) -> list[str]:
    """["cohort"] when every frame has a cohort column, [] for frames of one cohort."""
    return [COHORT] if all(COHORT in f.columns for f in frames) else []


def category_rank(categories: pd.Series) -> pd.Series:
    """The position of each category in the week's order (unknown categories last)."""
    order = {c: i for i, c in enumerate(CATEGORY_ORDER)}
    return categories.astype(object).map(order).fillna(len(order)).astype(int)


def by_category_then(table: pd.DataFrame, column: str, keys: list[str] = ()) -> pd.DataFrame:
    """Sort by cohort, category order, then `column` descending, keeping ties in their order."""
    keys = list(keys)
    keyed = table.assign(_cat=category_rank(table["category"]), _pos=range(len(table)))
    keyed = keyed.sort_values(
        [*keys, "_cat", column, "_pos"], ascending=[True] * len(keys) + [True, False, True]
    )
    return keyed.drop(columns=["_cat", "_pos"])


def participants(people: pd.DataFrame) -> pd.DataFrame:
    """The participants among `people`, in people order, with their position per cohort."""
    keys = cohort_keys(people)
    chosen = people[people["role"] == Role.PARTICIPANT.value]
    return chosen.assign(position=chosen.groupby(keys).cumcount() if keys else range(len(chosen)))


def unique_codes(codings: pd.DataFrame, keys: list[str], *by: str) -> pd.DataFrame:
    """One row per (cohort, *by, code): whether any coder applied the code there."""
    return codings[[*keys, *by, "code", "category"]].drop_duplicates([*keys, *by, "code"])


# Which columns of the store's frames hold the same kind of id, so that they share one code.
ID_COLUMNS = {
    COHORT: [("codings", COHORT), ("codes", COHORT), ("people", COHORT), ("interviews", COHORT)],
    "person": [
        ("codings", "interview"),
        ("codings", "coder"),
        ("people", "id"),
        ("interviews", "participant"),
        ("interviews", "interviewer"),
    ],
    "code": [("codings", "code"), ("codes", "id")],
    "category": [("codings", "category"), ("codes", "category")],
}


def encoded(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The frames with their id columns as categoricals sharing one sorted dictionary per kind.

    Grouping, de-duplicating and merging on text spends most of its time hashing the same
    strings again in every operation (at national scale, 7 of 13 seconds). Categorical columns
    are hashed once, here; after that pandas works on small integer codes. The categories are
    sorted and ordered, so sorting and comparing behave as they do on the text.
    """
    frames = dict(frames)
    for places in ID_COLUMNS.values():
        present = [(f, c) for f, c in places if f in frames and c in frames[f].columns]
        if not present:
            continue
        values = set()
        for f, c in present:
            values.update(frames[f][c].dropna().unique())
        kind = pd.CategoricalDtype(sorted(map(str, values)), ordered=True)
        for f, c in present:
            frames[f] = frames[f].assign(**{c: frames[f][c].astype(kind)})
    return frames


def decoded(table: pd.DataFrame) -> pd.DataFrame:
    """A result table with its categorical columns back as text (the store's frames' type)."""
    categorical = [c for c in table.columns if isinstance(table[c].dtype, pd.CategoricalDtype)]
    if not categorical:
        return table
    return table.assign(**{c: table[c].astype(str).where(table[c].notna()) for c in categorical})
