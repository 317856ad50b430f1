"""How often each code and category is mentioned, who said what, and the strongest quotes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from wwlib.analysis.frames import by_category_then, category_rank, cohort_keys
from wwlib.core.model import Role

QUOTE_LENGTH = 160  # characters: the length of a quote that reads well on a slide


def code_frequencies(codings: pd.DataFrame, codes: pd.DataFrame) -> pd.DataFrame:
    """Per code of the codebook: how many fragments and participants, ranked within category.

    Columns: code, category, name, fragments (distinct coded fragments), participants
    (distinct interviews), rank (1 = most fragments within its category; ties share a rank).
    Rows by category (the week's order), then fragments (most first), then codebook order.
    Codes never used are kept with 0, so an unused code is visible too.
    """
    keys = cohort_keys(codings, codes)
    counts = codings.groupby([*keys, "code"]).agg(
        fragments=("fragment", "nunique"), participants=("interview", "nunique")
    )
    table = codes[[*keys, "id", "category", "name"]].rename(columns={"id": "code"})
    table = table.join(counts, on=[*keys, "code"])
    table[["fragments", "participants"]] = (
        table[["fragments", "participants"]].fillna(0).astype(int)
    )
    table = by_category_then(table, "fragments", keys)
    table["rank"] = (
        table.groupby([*keys, "category"])["fragments"]
        .rank(method="min", ascending=False)
        .astype(int)
    )
    return table.reset_index(drop=True)


def category_frequencies(codings: pd.DataFrame, codes: pd.DataFrame) -> pd.DataFrame:
    """Per category of the codebook: how many codes, fragments and participants.

    Columns: category, codes (in the codebook), fragments (distinct fragments with at least one
    code of the category), participants (distinct interviews). Rows in the week's order.
    """
    keys = cohort_keys(codings, codes)
    counts = codings.groupby([*keys, "category"]).agg(
        fragments=("fragment", "nunique"), participants=("interview", "nunique")
    )
    table = codes.groupby([*keys, "category"]).size().rename("codes").to_frame().join(counts)
    table = table.fillna(0).astype(int).reset_index()
    table = table.assign(_cat=category_rank(table["category"]))
    table = table.sort_values([*keys, "_cat"], kind="stable").drop(columns="_cat")
    return table.reset_index(drop=True)


def who_said_what_long(codings: pd.DataFrame) -> pd.DataFrame:
    """Who said what as a long table: per participant and code, the fragments coded.

    Columns: participant, code, category, fragments (distinct fragments). Zero cells are left
    out; `who_said_what` gives the full matrix for one cohort.
    """
    keys = cohort_keys(codings)
    unique = codings.drop_duplicates([*keys, "fragment", "code"])
    table = unique.groupby([*keys, "interview", "code", "category"]).size().rename("fragments")
    return table.reset_index().rename(columns={"interview": "participant"})


def who_said_what(
    codings: pd.DataFrame, people: pd.DataFrame, clustered: bool = False
) -> pd.DataFrame:
    """A participant × code matrix of fragment counts, for one cohort.

    Rows: every participant in people order (index `participant`, person ids), including those
    with nothing coded (all zeros). Columns: a MultiIndex (category, code id) of the codes used,
    ordered by category (the week's order), then by total fragments (most first), then code id.
    With `clustered`, rows and columns are reordered by `cluster_order` so that participants who
    said the same things, and codes mentioned by the same participants, stand together.
    """
    participants = people.loc[people["role"] == Role.PARTICIPANT.value, "id"].tolist()
    others = [p for p in people["id"] if p in set(codings["interview"]) - set(participants)]
    rows = [p for p in people["id"] if p in set(participants) | set(others)]
    unique = codings.drop_duplicates(["fragment", "code"])
    counts = unique.groupby(["interview", "code"]).size().unstack(fill_value=0)
    counts = counts.reindex(index=rows, fill_value=0).astype(int)
    order = _code_order(unique)
    matrix = counts.reindex(columns=order["code"], fill_value=0)
    matrix.columns = pd.MultiIndex.from_frame(order[["category", "code"]])
    matrix.index.name = "participant"
    if clustered:
        row_order, column_order = cluster_order(matrix.to_numpy())
        matrix = matrix.iloc[row_order, column_order]
    return matrix


def cluster_order(counts: np.ndarray) -> tuple[list[int], list[int]]:
    """Row and column orders that put similar rows and similar columns next to each other.

    Average-linkage (UPGMA) hierarchical clustering on the cosine distance between count
    vectors. At every merge the two groups are turned so that their nearest ends meet (a
    greedy leaf ordering), so alike rows stand side by side within and across groups. Rows or
    columns that are all zero go last, in their original order. Deterministic for the same
    matrix (ties merge the lowest indices first). Written with numpy: scipy's clustering
    import alone costs about 0.5 s in every analysis kernel, for matrices of a few dozen rows.
    """
    return _axis_order(counts), _axis_order(counts.T)


def _axis_order(counts: np.ndarray) -> list[int]:
    nonzero = [i for i in range(counts.shape[0]) if counts[i].any()]
    zero = [i for i in range(counts.shape[0]) if not counts[i].any()]
    if len(nonzero) < 3:
        return nonzero + zero
    leaf = cosine_distances(counts[nonzero])
    order: dict[int, list[int]] = {i: [i] for i in range(len(nonzero))}
    for first, second, _members, _distance in average_linkage(leaf):
        order[first] = _joined(order[first], order.pop(second), leaf)
    (joined,) = order.values()
    return [nonzero[i] for i in joined] + zero


def cosine_distances(vectors: np.ndarray) -> np.ndarray:
    """1 - cosine similarity between every two rows (rows not all zero)."""
    vectors = vectors.astype(float)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.clip(1.0 - unit @ unit.T, 0.0, None)


def average_linkage(leaf: np.ndarray) -> list[tuple[int, int, frozenset[int], float]]:
    """The merges of average-linkage (UPGMA) clustering on a distance matrix, in order.

    Each merge: the two groups (named by their lowest-numbered group id, the lower first),
    the rows of the merged group, and the average distance between the two groups. Ties merge
    the lowest ids first. The same tree as `scipy.cluster.hierarchy.linkage(method="average")`
    (a test compares them).
    """
    groups: dict[int, list[int]] = {i: [i] for i in range(len(leaf))}
    between = leaf.copy()  # average distance between groups, indexed by group id
    np.fill_diagonal(between, np.inf)
    merges = []
    while len(groups) > 1:
        ids = sorted(groups)
        sub = between[np.ix_(ids, ids)]
        a, b = np.unravel_index(np.argmin(sub), sub.shape)
        first, second = sorted((ids[a], ids[b]))
        distance = float(between[first, second])
        left, right = groups.pop(first), groups.pop(second)
        groups[first] = left + right
        merges.append((first, second, frozenset(groups[first]), distance))
        size_l, size_r = len(left), len(right)
        merged = (size_l * between[first] + size_r * between[second]) / (size_l + size_r)
        between[first, :], between[:, first] = merged, merged
        between[first, first] = np.inf
        between[second, :], between[:, second] = np.inf, np.inf
    return merges


def _joined(left: list[int], right: list[int], leaf: np.ndarray) -> list[int]:
    """`left` and `right` side by side, each turned so that the nearest ends meet."""
    options = [
        (leaf[left[-1], right[0]], left + right),
        (leaf[left[-1], right[-1]], left + right[::-1]),
        (leaf[left[0], right[0]], left[::-1] + right),
        (leaf[left[0], right[-1]], left[::-1] + right[::-1]),
    ]
    return min(options, key=lambda option: option[0])[1]


def strongest_quotes(codings: pd.DataFrame, per_code: int = 3) -> pd.DataFrame:
    """The strongest fragments for every code, `per_code` at most.

    Each participant (interview) is quoted at most once per code, with their strongest
    fragment: so a code's quotes come from different people, and never one quote inside
    another of the same interview. Strongest means, in this order: coded with this code by
    more coders (coders agreeing makes stronger evidence); closest to a slide-friendly length
    (QUOTE_LENGTH characters); first in the interview. Columns: code, rank (1 = strongest),
    fragment, interview, start, end, coders. The text comes from the transcript (`views`).
    """
    keys = cohort_keys(codings)
    spans = codings.groupby([*keys, "code", "fragment"], sort=False).agg(
        interview=("interview", "first"),
        start=("start", "first"),
        end=("end", "first"),
        coders=("coder", "nunique"),
    )
    spans = spans.reset_index()
    spans["_fit"] = (spans["end"] - spans["start"] - QUOTE_LENGTH).abs()
    spans = spans.sort_values(
        [*keys, "code", "coders", "_fit", "interview", "start"],
        ascending=[True] * len(keys) + [True, False, True, True, True],
    )
    spans = spans.drop_duplicates([*keys, "code", "interview"])  # one quote per participant
    spans["rank"] = spans.groupby([*keys, "code"]).cumcount() + 1
    spans = spans[spans["rank"] <= per_code]
    columns = [*keys, "code", "rank", "fragment", "interview", "start", "end", "coders"]
    return spans[columns].reset_index(drop=True)


def _code_order(unique_codings: pd.DataFrame) -> pd.DataFrame:
    """The codes used, with category, by category then total fragments then id."""
    totals = unique_codings.groupby(["code", "category"]).size().rename("n").reset_index()
    totals = totals.sort_values("code")
    return by_category_then(totals, "n").reset_index(drop=True)
