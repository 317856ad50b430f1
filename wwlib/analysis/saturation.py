"""Saturation: how many new codes each interview added, in interview order."""

from __future__ import annotations

import pandas as pd

from wwlib.analysis.frames import cohort_keys, participants

COLUMNS = ["number", "interview", "date", "codes", "new", "cumulative", "share"]


def interview_order(interviews: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """Interviews in the order they were held: by date (undated last), then people order.

    Columns: interview, date, number (1 = first interview of the cohort).
    """
    keys = cohort_keys(interviews, people)
    order = participants(people)[[*keys, "id", "position"]].rename(columns={"id": "interview"})
    table = interviews[[*keys, "participant", "date"]].rename(columns={"participant": "interview"})
    table = table.merge(order, on=[*keys, "interview"], how="left")
    table = table.sort_values([*keys, "date", "position"], na_position="last", kind="stable")
    table["number"] = table.groupby(keys).cumcount() + 1 if keys else range(1, len(table) + 1)
    return table.drop(columns="position").reset_index(drop=True)


def saturation(
    codings: pd.DataFrame, interviews: pd.DataFrame, people: pd.DataFrame
) -> pd.DataFrame:
    """Per coded interview, in interview order: codes used, how many were new, and the total.

    Columns: number (1, 2, ... over the coded interviews), interview, date, codes (distinct
    codes in this interview), new (codes no earlier interview had), cumulative (distinct codes
    so far), share (cumulative / all codes used, 0–1). When the last interviews add nothing
    new, the codebook is saturated for this cohort.
    """
    keys = cohort_keys(codings, interviews, people)
    order = interview_order(interviews, people)
    used = codings[[*keys, "interview", "code"]].drop_duplicates()
    order = order[
        order.set_index([*keys, "interview"]).index.isin(
            used.set_index([*keys, "interview"]).index.unique()
        )
    ].copy()
    if order.empty:
        return pd.DataFrame(columns=[*keys, *COLUMNS])
    order["number"] = order.groupby(keys).cumcount() + 1 if keys else range(1, len(order) + 1)
    used = used.merge(order, on=[*keys, "interview"])
    first = used.groupby([*keys, "code"])["number"].min().rename("first").reset_index()
    new = first.groupby([*keys, "first"]).size().rename("new")
    codes = used.groupby([*keys, "number"])["code"].nunique().rename("codes")
    table = order.join(codes, on=[*keys, "number"]).join(new, on=[*keys, "number"])
    table["new"] = table["new"].fillna(0).astype(int)
    table["cumulative"] = table.groupby(keys)["new"].cumsum() if keys else table["new"].cumsum()
    total = table.groupby(keys)["new"].transform("sum") if keys else table["new"].sum()
    table["share"] = table["cumulative"] / total
    return table[[*keys, *COLUMNS]].reset_index(drop=True)
