"""Which codes go together ("samenhang"): co-occurrence, and obstacles next to ways to deal.

Two units of co-occurrence:

- `fragment`: a coded passage. Passages that overlap in one interview count as one passage,
  so a sentence coded A inside a paragraph coded B is one passage with both A and B. Two codes
  co-occur when they are on the same passage.
- `participant`: an interview. Two codes co-occur when the same participant mentions both.

The measure is the Jaccard index of the two codes' sets of units, `both / (a + b - both)`,
which is what ATLAS.ti calls the c-coefficient. Unlike the raw count `both`, it does not simply
follow frequency: two codes that each appear in 30 passages and share 3 score 0.05, two codes
that each appear in 3 passages and share all 3 score 1. It is 0 for codes never together and
1 for codes always together. Codings by any coder count (a code applied by one coder is
applied).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wwlib.analysis.frames import cohort_keys
from wwlib.analysis.frequencies import code_frequencies
from wwlib.core.model import Category

UNITS = ("fragment", "participant")
PAIR_COLUMNS = ["code_a", "code_b", "category_a", "category_b", "both", "a", "b", "jaccard"]


def passages(codings: pd.DataFrame) -> pd.DataFrame:
    """Each coding's passage: fragments that overlap within an interview share one number.

    Returns the codings' cohort (if any), interview, code, category and `passage` (an integer,
    unique across the frame), one row per coding.
    """
    keys = cohort_keys(codings)
    spans = codings[[*keys, "interview", "start", "end", "code", "category"]].astype(
        {"start": "int64", "end": "int64"}
    )
    spans = spans.sort_values([*keys, "interview", "start", "end"], kind="stable")
    group = spans.groupby([*keys, "interview"], sort=False)
    first = (group.cumcount() == 0).to_numpy()
    reach = group["end"].cummax().to_numpy()  # the furthest end so far in this interview
    previous = np.concatenate([[0], reach[:-1]])
    starts_new = first | (spans["start"].to_numpy() >= previous)
    return spans.drop(columns=["start", "end"]).assign(passage=np.cumsum(starts_new))


def cooccurrence(codings: pd.DataFrame, unit: str = "fragment") -> pd.DataFrame:
    """Every pair of codes that occur together, with their counts and Jaccard index.

    Columns: code_a, code_b (code_a < code_b), category_a, category_b, both (units with both
    codes), a and b (units with each code), jaccard. Rows by Jaccard, then `both` (highest
    first), then code ids. Pairs never together are left out (their Jaccard is 0).
    """
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)} (got {unit!r})")
    keys = cohort_keys(codings)
    if unit == "fragment":
        units = passages(codings)
        unit_column = "passage"
    else:
        units, unit_column = codings, "interview"
    return _pairs(units, [*keys, unit_column], keys)


def cooccurrence_matrix(
    pairs: pd.DataFrame, frequencies: pd.DataFrame, value: str = "jaccard"
) -> pd.DataFrame:
    """A square code × code matrix of `value` from `cooccurrence` for one cohort.

    Rows and columns are the codes used (`frequencies` rows with fragments > 0), in
    `frequencies` order; the diagonal is left empty (NaN), absent pairs are 0.
    """
    used = frequencies.loc[frequencies["fragments"] > 0, "code"].tolist()
    matrix = pd.DataFrame(0.0, index=used, columns=used)
    for a, b, v in zip(pairs["code_a"], pairs["code_b"], pairs[value], strict=True):
        if a in matrix.index and b in matrix.index:
            matrix.loc[a, b] = matrix.loc[b, a] = v
    for code in used:
        matrix.loc[code, code] = np.nan
    return matrix


def obstacles_and_ways(
    codings: pd.DataFrame,
    codes: pd.DataFrame,
    frequencies: pd.DataFrame | None = None,
    pairs: dict[str, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Every obstacle mentioned, next to the ways to deal with it that participants named.

    A way to deal goes with an obstacle when the same participant named both (`participants`),
    counting too how often they share a passage (`fragments`). Columns: obstacle,
    obstacle_fragments, obstacle_participants, way (NaN when no participant who named the
    obstacle named a way to deal), participants, fragments. Obstacles by fragments (most
    first); their ways by participants, then fragments. `frequencies` (`code_frequencies`)
    and `pairs` (`cooccurrence` by unit) may be passed when they were computed already.
    """
    keys = cohort_keys(codings, codes)
    freq = code_frequencies(codings, codes) if frequencies is None else frequencies
    pairs = pairs or {unit: cooccurrence(codings, unit) for unit in UNITS}
    obstacles = freq[(freq["category"] == Category.OBSTACLE.value) & (freq["fragments"] > 0)]
    obstacles = obstacles[[*keys, "code", "fragments", "participants"]].rename(
        columns={
            "code": "obstacle",
            "fragments": "obstacle_fragments",
            "participants": "obstacle_participants",
        }
    )
    by_person = _obstacle_way_pairs(pairs["participant"], keys, "participants")
    by_passage = _obstacle_way_pairs(pairs["fragment"], keys, "fragments")
    ways = by_person.merge(by_passage, on=[*keys, "obstacle", "way"], how="left")
    ways["fragments"] = ways["fragments"].fillna(0).astype(int)
    table = obstacles.assign(_order=range(len(obstacles))).merge(
        ways, on=[*keys, "obstacle"], how="left"
    )
    table[["participants", "fragments"]] = (
        table[["participants", "fragments"]].fillna(0).astype(int)
    )
    table = table.sort_values(
        [*keys, "_order", "participants", "fragments", "way"],
        ascending=[True] * len(keys) + [True, False, False, True],
    )
    return table.drop(columns="_order").reset_index(drop=True)


def _obstacle_way_pairs(pairs: pd.DataFrame, keys: list[str], name: str) -> pd.DataFrame:
    """The obstacle–way-to-deal pairs of `cooccurrence`, obstacle first, `both` as `name`."""
    obstacle, way = Category.OBSTACLE.value, Category.WAY_TO_DEAL.value
    forward = (pairs["category_a"] == obstacle) & (pairs["category_b"] == way)
    backward = (pairs["category_a"] == way) & (pairs["category_b"] == obstacle)
    return pd.concat(
        [
            pairs.loc[forward, [*keys, "code_a", "code_b", "both"]].set_axis(
                [*keys, "obstacle", "way", name], axis=1
            ),
            pairs.loc[backward, [*keys, "code_b", "code_a", "both"]].set_axis(
                [*keys, "obstacle", "way", name], axis=1
            ),
        ],
        ignore_index=True,
    )


def _pairs(units: pd.DataFrame, unit_keys: list[str], keys: list[str]) -> pd.DataFrame:
    """Co-occurring code pairs over `units` (rows: a unit and a code), as a matrix product.

    Units × codes is a 0/1 matrix X; XᵀX counts, for every pair of codes, the units
    that hold both, and its diagonal the units that hold each. Codes of different cohorts
    never share a unit, so many cohorts are counted in one product.
    """
    cells = units[[*unit_keys, "code", "category"]].drop_duplicates([*unit_keys, "code"])
    if cells.empty:
        return pd.DataFrame(columns=[*keys, *PAIR_COLUMNS])
    unit_index = cells.groupby(unit_keys, sort=False).ngroup().to_numpy()
    item = cells.groupby([*keys, "code"], sort=True).ngroup().to_numpy()
    items = cells.assign(_item=item).drop_duplicates("_item").sort_values("_item")
    a, b, both, totals = _cross_product(unit_index, item)
    names = items[[*keys, "code", "category"]].reset_index(drop=True)
    table = pd.DataFrame(
        {
            **{k: names[k].to_numpy()[a] for k in keys},
            "code_a": names["code"].to_numpy()[a],
            "code_b": names["code"].to_numpy()[b],
            "category_a": names["category"].to_numpy()[a],
            "category_b": names["category"].to_numpy()[b],
            "both": both.astype(int),
            "a": totals[a].astype(int),
            "b": totals[b].astype(int),
        }
    )
    table["jaccard"] = table["both"] / (table["a"] + table["b"] - table["both"])
    table = table.sort_values(
        [*keys, "jaccard", "both", "code_a", "code_b"],
        ascending=[True] * len(keys) + [False, False, True, True],
    )
    return table.reset_index(drop=True)


DENSE_CELLS = 4_000_000  # units × codes up to which a dense matrix is small (one cohort's)


def _cross_product(units: np.ndarray, items: np.ndarray):
    """XᵀX of the 0/1 units × items matrix X: the pairs (a < b) with their count, and the
    count per item. Dense for one cohort, with numpy alone (importing scipy costs a notebook
    kernel about 0.2 s); sparse for a programme's many cohorts."""
    shape = (units.max() + 1, items.max() + 1)
    if shape[0] * shape[1] <= DENSE_CELLS:
        x = np.zeros(shape, dtype=np.int64)
        x[units, items] = 1
        product = x.T @ x
        a, b = np.nonzero(np.triu(product, k=1))
        return a, b, product[a, b], np.diag(product)
    from scipy import sparse

    x = sparse.csr_matrix((np.ones(len(units), dtype=np.int32), (units, items)), shape=shape)
    product = (x.T @ x).tocsr()
    upper = sparse.triu(product, k=1).tocoo()
    return upper.row, upper.col, upper.data, product.diagonal()
