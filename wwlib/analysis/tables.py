"""Every Look table at once, for one cohort or for a programme's many cohorts."""

from __future__ import annotations

import numpy as np
import pandas as pd

from wwlib.analysis.agreement import agreement, agreement_summary
from wwlib.analysis.comparison import compare_groups
from wwlib.analysis.connection import cooccurrence, obstacles_and_ways
from wwlib.analysis.frames import cohort_keys
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
) -> dict[str, pd.DataFrame]:
    """Every table of the analysis day, by name, computed in one pass over all cohorts.

    The frames are the store's (`codings()`, `codes()`, `people()`, `interviews()`), for one
    cohort or stacked with a `cohort` column. `attributes` are the person attributes to compare
    groups by (one `comparison_<attribute>` table each).
    """
    frequencies = code_frequencies(codings, codes)
    long = who_said_what_long(codings)
    per_code = agreement(codings, interviews)
    tables = {
        "code_frequencies": frequencies,
        "category_frequencies": category_frequencies(codings, codes),
        "quotes": strongest_quotes(codings),
        "who_said_what": long,
        "who_said_what_order": clustered_positions(long),
        "cooccurrence_fragments": cooccurrence(codings, "fragment"),
        "cooccurrence_participants": cooccurrence(codings, "participant"),
        "obstacles_and_ways": obstacles_and_ways(codings, codes),
        "saturation": saturation(codings, interviews, people),
        "agreement": per_code,
        "agreement_summary": agreement_summary(per_code),
    }
    for attribute in attributes:
        tables[f"comparison_{attribute}"] = compare_groups(codings, people, attribute)
    return tables


def clustered_positions(long: pd.DataFrame) -> pd.DataFrame:
    """The clustered order of who said what, per cohort: axis, id and position.

    `axis` is "participant" or "code"; position 0 comes first. Built from the long table of
    `who_said_what_long` (participants without codings are not in it).
    """
    keys = cohort_keys(long)
    parts = []
    for key, cohort in long.groupby(keys) if keys else [((), long)]:
        rows, row_ids = pd.factorize(cohort["participant"], sort=True)
        columns, column_ids = pd.factorize(cohort["code"], sort=True)
        matrix = np.zeros((len(row_ids), len(column_ids)))
        np.add.at(matrix, (rows, columns), cohort["fragments"].to_numpy())
        row_order, column_order = cluster_order(matrix)
        for axis, ids, order in (
            ("participant", row_ids, row_order),
            ("code", column_ids, column_order),
        ):
            part = pd.DataFrame({"axis": axis, "id": ids[order], "position": range(len(order))})
            parts.append(part.assign(**dict(zip(keys, key, strict=True))) if keys else part)
    if not parts:
        return pd.DataFrame(columns=[*keys, "axis", "id", "position"])
    return pd.concat(parts, ignore_index=True)[[*keys, "axis", "id", "position"]]
