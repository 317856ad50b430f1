"""Every Look table at once, for one cohort or for a programme's many cohorts."""

from __future__ import annotations

import numpy as np
import pandas as pd

from wwlib.analysis.agreement import agreement, agreement_summary
from wwlib.analysis.comparison import compare_groups
from wwlib.analysis.connection import cooccurrence, obstacles_and_ways
from wwlib.analysis.frames import cohort_keys, decoded, encoded
from wwlib.analysis.frequencies import (
    category_frequencies,
    cluster_order,
    code_frequencies,
    strongest_quotes,
    who_said_what_long,
)
from wwlib.analysis.saturation import saturation


def all_tables(
    codings: pd.DataFrame,
    codes: pd.DataFrame,
    people: pd.DataFrame,
    interviews: pd.DataFrame,
    attributes: tuple[str, ...] = ("organisation",),
    min_group: int = 1,
) -> dict[str, pd.DataFrame]:
    """Every table of the analysis day, by name, computed in one pass over all cohorts.

    The frames are the store's (`codings()`, `codes()`, `people()`, `interviews()`), for one
    cohort or stacked with a `cohort` column. `attributes` are the person attributes to compare
    groups by (one `comparison_<attribute>` table each), showing no group of fewer than
    `min_group` coded participants (`compare_groups`).
    """
    frames = encoded(
        {"codings": codings, "codes": codes, "people": people, "interviews": interviews}
    )
    codings, codes, people, interviews = (
        frames[k] for k in ("codings", "codes", "people", "interviews")
    )
    frequencies = code_frequencies(codings, codes)
    long = who_said_what_long(codings)
    per_code = agreement(codings, interviews)
    pairs = {unit: cooccurrence(codings, unit) for unit in ("fragment", "participant")}
    tables = {
        "code_frequencies": frequencies,
        "category_frequencies": category_frequencies(codings, codes),
        "quotes": strongest_quotes(codings),
        "who_said_what": long,
        "who_said_what_order": clustered_positions(long),
        "cooccurrence_fragments": pairs["fragment"],
        "cooccurrence_participants": pairs["participant"],
        "obstacles_and_ways": obstacles_and_ways(codings, codes, frequencies, pairs),
        "saturation": saturation(codings, interviews, people),
        "agreement": per_code,
        "agreement_summary": agreement_summary(per_code),
    }
    for attribute in attributes:
        tables[f"comparison_{attribute}"] = compare_groups(codings, people, attribute, min_group)
    return {name: decoded(table) for name, table in tables.items()}


def clustered_positions(long: pd.DataFrame) -> pd.DataFrame:
    """The clustered order of who said what, per cohort: axis, id and position.

    `axis` is "participant" or "code"; position 0 comes first. Built from the long table of
    `who_said_what_long` (participants without codings are not in it). The cohorts are split
    once with numpy, so the per-cohort loop does only the clustering itself.
    """
    keys = cohort_keys(long)
    if long.empty:
        return pd.DataFrame(columns=[*keys, "axis", "id", "position"])
    cohort_codes, cohorts = (
        pd.factorize(long[keys[0]]) if keys else (np.zeros(len(long), int), [None])
    )
    person_codes, people = pd.factorize(long["participant"])
    code_codes, codes = pd.factorize(long["code"])
    order = np.argsort(cohort_codes, kind="stable")
    bounds = np.flatnonzero(np.diff(cohort_codes[order])) + 1
    counts = long["fragments"].to_numpy()[order]
    parts = {"cohort": [], "axis": [], "id": [], "position": []}
    for rows in np.split(np.arange(len(order)), bounds):
        persons, row = np.unique(person_codes[order][rows], return_inverse=True)
        used, column = np.unique(code_codes[order][rows], return_inverse=True)
        matrix = np.zeros((len(persons), len(used)))
        np.add.at(matrix, (row, column), counts[rows])
        row_order, column_order = cluster_order(matrix)
        cohort = cohorts[cohort_codes[order][rows[0]]]
        for axis, ids, placed in (
            ("participant", people.take(persons), row_order),
            ("code", codes.take(used), column_order),
        ):
            parts["cohort"] += [cohort] * len(placed)
            parts["axis"] += [axis] * len(placed)
            parts["id"] += list(ids.take(placed))
            parts["position"] += list(range(len(placed)))
    table = pd.DataFrame(parts)
    return table if keys else table.drop(columns="cohort")
