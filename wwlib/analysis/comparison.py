"""Comparison by a person attribute: which codes differ between groups of participants.

The groups are the values of one column of `store.people()` (organisation, municipality,
function, ...) among the participants whose interview was coded. Per code and group: the share
of the group's participants who mention the code. `spread` is the largest minus the smallest
share over the groups; codes with the largest spread differ most. With a dozen participants
per cohort this is a description, not a test: no p-values are given.
"""

from __future__ import annotations

import pandas as pd

from wwlib.analysis.frames import by_category_then, cohort_keys, participants
from wwlib.core.errors import ParameterError

# not attributes to group by: ids and names, and the role (every participant has the same)
NOT_ATTRIBUTES = {"id", "name", "pseudonym", "consent_named", "guid", "position", "cohort", "role"}
COLUMNS = ["code", "category", "group", "participants", "mentioning", "share", "spread"]


def group_attributes(people: pd.DataFrame) -> list[str]:
    """The columns of `people` that can group participants (not ids or names)."""
    return [c for c in people.columns if c not in NOT_ATTRIBUTES]


def compare_groups(codings: pd.DataFrame, people: pd.DataFrame, attribute: str) -> pd.DataFrame:
    """Per code used and group of participants: how many of the group mention it.

    Columns: code, category, group (the attribute's value; '' when not recorded),
    participants (coded participants in the group), mentioning (of them, how many mention the
    code), share (mentioning / participants), spread (per code: largest − smallest share).
    Codes by spread (largest first), then category and code; groups by name.
    """
    choices = group_attributes(people)
    if attribute not in choices:
        raise ParameterError(
            f"cannot compare groups by '{attribute}': people have no such attribute; "
            f"choose one of {', '.join(choices)}"
        )
    keys = cohort_keys(codings, people)
    coded = codings[[*keys, "interview"]].drop_duplicates()
    members = participants(people)[[*keys, "id", attribute]]
    members = members.rename(columns={"id": "interview", attribute: "group"})
    members["group"] = members["group"].fillna("").astype(str)
    members = members.merge(coded, on=[*keys, "interview"])
    if members.empty:
        return pd.DataFrame(columns=[*keys, *COLUMNS])
    sizes = members.groupby([*keys, "group"]).size().rename("participants").reset_index()
    used = codings[[*keys, "interview", "code", "category"]].drop_duplicates(
        [*keys, "interview", "code"]
    )
    used = used.merge(members, on=[*keys, "interview"])
    mentions = used.groupby([*keys, "code", "group"]).size().rename("mentioning")
    codes_used = used[[*keys, "code", "category"]].drop_duplicates()
    grid = codes_used.merge(sizes, on=keys) if keys else codes_used.merge(sizes, how="cross")
    table = grid.join(mentions, on=[*keys, "code", "group"])
    table["mentioning"] = table["mentioning"].fillna(0).astype(int)
    table["share"] = table["mentioning"] / table["participants"]
    share = table.groupby([*keys, "code"])["share"]
    table["spread"] = share.transform("max") - share.transform("min")
    table = by_category_then(table.sort_values([*keys, "code", "group"]), "spread", keys)
    table = table.sort_values(
        [*keys, "spread"], ascending=[True] * len(keys) + [False], kind="stable"
    )
    return table[[*keys, *COLUMNS]].reset_index(drop=True)
