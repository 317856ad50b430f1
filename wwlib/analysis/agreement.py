"""Inter-coder agreement on the interviews two coders both coded.

The unit of agreement is the character. For every code, every character of an interview both
coders coded is one unit with two values: did coder A put this code on this character (1 or
0), and did coder B. Characters make agreement independent of where a coder starts or ends a
selection: two selections of the same sentence that differ by a word agree on every other
character. Only codes that at least one of the two coders used in those interviews count.

- `agreement` (percentage agreement) per code: the share of characters on which both coders
  made the same decision (both 1 or both 0). High when a code is rare, so read it with κ.
- `kappa` per code: Cohen's κ on the same two 0/1 sequences, agreement corrected for chance.
- `alpha` per pair of coders: Krippendorff's α, nominal, over all (character, code) units of
  the codes that count, two coders, no missing values.

Counts come from interval arithmetic on the codings' spans (a sweep over span starts and
ends), never from one value per character, so a national store's double-coded interviews
take seconds. `tests/test_agreement.py` checks the results against scikit-learn's
`cohen_kappa_score` and the `krippendorff` package on explicit per-character sequences.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wwlib.analysis.frames import cohort_keys

PAIR = ["coder_a", "coder_b"]
CODE_COLUMNS = [
    *PAIR,
    "code",
    "category",
    "interviews",
    "characters",
    "both",
    "only_a",
    "only_b",
    "neither",
    "agreement",
    "kappa",
]
SUMMARY_COLUMNS = [*PAIR, "interviews", "characters", "codes", "agreement", "kappa", "alpha"]


def coder_pairs(codings: pd.DataFrame) -> pd.DataFrame:
    """Every pair of coders (coder_a < coder_b) with the interviews both of them coded."""
    keys = cohort_keys(codings)
    coders = codings[[*keys, "interview", "coder"]].drop_duplicates()
    pairs = coders.merge(coders, on=[*keys, "interview"], suffixes=("_a", "_b"))
    pairs = pairs[pairs["coder_a"] < pairs["coder_b"]]
    return pairs.sort_values([*keys, *PAIR, "interview"]).reset_index(drop=True)


def agreement(codings: pd.DataFrame, interviews: pd.DataFrame) -> pd.DataFrame:
    """Per pair of coders and code: the 2×2 character counts, percentage agreement and κ.

    `interviews` gives each interview's transcript length (`store.interviews()`: participant,
    characters). Columns: coder_a, coder_b, code, category, interviews (both coded),
    characters (their total length), both, only_a, only_b, neither (characters per decision),
    agreement (0–1), kappa (NaN when both coders put the code on every character or none).
    Empty when no interview has two coders.
    """
    keys = cohort_keys(codings, interviews)
    pairs = coder_pairs(codings)
    if pairs.empty:
        return pd.DataFrame(columns=[*keys, *CODE_COLUMNS])
    lengths = interviews[[*keys, "participant", "characters"]].rename(
        columns={"participant": "interview"}
    )
    pairs = pairs.merge(lengths, on=[*keys, "interview"], how="left")
    pairs["characters"] = pairs["characters"].fillna(0).astype(np.int64)
    per_pair = pairs.groupby([*keys, *PAIR]).agg(
        interviews=("interview", "size"), characters=("characters", "sum")
    )
    sides = []
    for side in ("a", "b"):
        spans = codings[[*keys, "interview", "coder", "code", "category", "start", "end"]]
        spans = spans.rename(columns={"coder": f"coder_{side}"})
        spans = spans.merge(
            pairs[[*keys, *PAIR, "interview"]], on=[*keys, "interview", f"coder_{side}"]
        )
        sides.append(spans.assign(side=side))
    spans = pd.concat(sides, ignore_index=True)
    counts = _overlap_counts(spans, [*keys, *PAIR, "code", "category"])
    table = counts.join(per_pair, on=[*keys, *PAIR])
    table["neither"] = table["characters"] - table["both"] - table["only_a"] - table["only_b"]
    n = table["characters"].astype(float)
    table["agreement"] = (table["both"] + table["neither"]) / n
    p_a = (table["both"] + table["only_a"]) / n
    p_b = (table["both"] + table["only_b"]) / n
    chance = p_a * p_b + (1 - p_a) * (1 - p_b)
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = (table["agreement"] - chance) / (1 - chance)
    table["kappa"] = kappa.where(chance < 1)
    table = table.sort_values([*keys, *PAIR, "code"])
    return table[[*keys, *CODE_COLUMNS]].reset_index(drop=True)


def agreement_summary(per_code: pd.DataFrame) -> pd.DataFrame:
    """Per pair of coders, over all codes of `agreement`: agreement, mean κ and α.

    Columns: coder_a, coder_b, interviews, characters, codes (codes that count), agreement
    (pooled over the (character, code) units), kappa (mean of the per-code κ), alpha
    (Krippendorff's α, nominal, over the same units).
    """
    keys = cohort_keys(per_code)
    if per_code.empty:
        return pd.DataFrame(columns=[*keys, *SUMMARY_COLUMNS])
    sums = per_code.groupby([*keys, *PAIR]).agg(
        interviews=("interviews", "first"),
        characters=("characters", "first"),
        codes=("code", "size"),
        units=("characters", "sum"),
        both=("both", "sum"),
        only=("only_a", "sum"),
        only_b=("only_b", "sum"),
        kappa=("kappa", "mean"),
    )
    disagree = sums["only"] + sums["only_b"]
    sums["agreement"] = 1 - disagree / sums["units"]
    # Krippendorff's α for two coders, values 0/1, no missing: with n = 2 × units pairable
    # values, n1 the ones and n0 the zeros, α = 1 − (n − 1) · disagreements / (n0 · n1).
    n = 2.0 * sums["units"]
    ones = 2.0 * sums["both"] + disagree
    zeros = n - ones
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1 - (n - 1) * disagree / (zeros * ones)
    sums["alpha"] = alpha.where(zeros * ones > 0)
    return sums.reset_index()[[*keys, *SUMMARY_COLUMNS]]


def _overlap_counts(spans: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Per group of `by` over both sides' spans: characters both, only a and only b covered.

    A sweep: every span adds +1 to its side's coverage at its start and −1 at its end. Sorted
    by group and position, the running sums are each side's coverage on the stretch up to the
    next position; every group's sums return to 0 at its end, so one cumulative sum serves all
    groups. Overlapping spans of one coder count their characters once.
    """
    group = spans.groupby([*by, "interview"], sort=False).ngroup().to_numpy()
    is_a = (spans["side"] == "a").to_numpy()
    position = np.concatenate([spans["start"].to_numpy(), spans["end"].to_numpy()])
    step = np.concatenate([np.ones(len(spans), np.int64), -np.ones(len(spans), np.int64)])
    groups = np.concatenate([group, group])
    a_step = np.where(np.concatenate([is_a, is_a]), step, 0)
    b_step = step - a_step
    order = np.lexsort((position, groups))
    position, groups = position[order], groups[order]
    a_cover, b_cover = np.cumsum(a_step[order]), np.cumsum(b_step[order])
    width = np.diff(position, append=position[-1] if len(position) else 0)
    width[np.r_[groups[1:] != groups[:-1], True] if len(groups) else []] = 0
    a_on, b_on = a_cover > 0, b_cover > 0
    totals = (
        pd.DataFrame(
            {
                "group": groups,
                "both": np.where(a_on & b_on, width, 0),
                "only_a": np.where(a_on & ~b_on, width, 0),
                "only_b": np.where(~a_on & b_on, width, 0),
            }
        )
        .groupby("group")
        .sum()
    )
    labels = spans.assign(group=group).drop_duplicates("group").set_index("group")[by]
    per_interview = labels.join(totals)
    return per_interview.groupby(by, sort=False)[["both", "only_a", "only_b"]].sum().reset_index()
