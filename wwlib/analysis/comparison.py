"""Comparison by a person attribute: which codes differ between groups of participants.

The groups are the values of one column of `store.people()` (organisation, municipality,
function, ...) among the participants whose interview was coded. Per code and group: the share
of the group's participants who mention the code. `spread` is the largest minus the smallest
share over the groups; codes with the largest spread differ most. With a dozen participants
per cohort this is a description, not a test: no p-values are given.

A group of one or two participants shows what those people said. With `min_group` (what a
pseudonymised output passes: cohort.yaml's `min_group`, default 3) every group of fewer coded
participants is merged into one group `OTHER_GROUP` ("overig"), which is left out in turn when
it is still smaller than `min_group`; `small_groups` counts what was merged or left out, so
that the output can say so.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from wwlib.analysis.frames import by_category_then, cohort_keys, participants
from wwlib.core.errors import ParameterError

# not attributes to group by: ids and names, the role (every participant has the same) and
# the consent on record (to compare what people said by what they consented to tells nothing)
NOT_ATTRIBUTES = {"id", "name", "pseudonym", "guid", "position", "cohort", "role"} | {
    "consent_named",
    "consent_recording",
    "consent_quotes",
    "consent_date",
    "consent_covers",
}
COLUMNS = ["code", "category", "group", "participants", "mentioning", "share", "spread"]
OTHER_GROUP = "\uffffother"  # small groups merged (sorts last); shown as "overig"


def group_attributes(people: pd.DataFrame) -> list[str]:
    """The columns of `people` that can group participants (not ids or names)."""
    return [c for c in people.columns if c not in NOT_ATTRIBUTES]


def compare_groups(
    codings: pd.DataFrame, people: pd.DataFrame, attribute: str, min_group: int = 1
) -> pd.DataFrame:
    """Per code used and group of participants: how many of the group mention it.

    Columns: code, category, group (the attribute's value; '' when not recorded;
    `OTHER_GROUP` for the groups of fewer than `min_group` merged), participants (coded
    participants in the group), mentioning (of them, how many mention the code), share
    (mentioning / participants), spread (per code: largest − smallest share).
    Codes by spread (largest first), then category and code; groups by name.
    """
    keys = cohort_keys(codings, people)
    members = _merged(_coded_members(codings, people, attribute), keys, min_group)
    members = members[members["group"].notna()]
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


@dataclass(frozen=True)
class SmallGroups:
    """What `compare_groups` with `min_group` did with the small groups."""

    merged: int = 0  # groups merged into OTHER_GROUP (which is shown)
    left_out: int = 0  # groups left out (together still fewer than min_group)
    left_out_people: int = 0


def small_groups(
    codings: pd.DataFrame, people: pd.DataFrame, attribute: str, min_group: int
) -> SmallGroups:
    """How many groups of fewer than `min_group` coded participants were merged or left out
    (summed over the cohorts when the frames hold several)."""
    keys = cohort_keys(codings, people)
    members = _coded_members(codings, people, attribute)
    merged = _merged(members, keys, min_group)["group"]
    small = members[merged.ne(members["group"])]
    gone = merged[small.index].isna()
    groups = small.assign(gone=gone).drop_duplicates([*keys, "group"])
    return SmallGroups(
        merged=int((~groups["gone"]).sum()),
        left_out=int(groups["gone"].sum()),
        left_out_people=int(gone.sum()),
    )


def _coded_members(codings: pd.DataFrame, people: pd.DataFrame, attribute: str) -> pd.DataFrame:
    """The participants whose interview was coded, with their group: keys, interview, group."""
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
    return members.merge(coded, on=[*keys, "interview"])


def _merged(members: pd.DataFrame, keys: list[str], min_group: int) -> pd.DataFrame:
    """`members` with each group of fewer than `min_group` as OTHER_GROUP, and that one as
    None (left out) while it is still too small."""
    if min_group <= 1 or members.empty:
        return members
    sizes = members.groupby([*keys, "group"], observed=True)["interview"].transform("size")
    group = members["group"].where(sizes >= min_group, OTHER_GROUP)
    other = group.eq(OTHER_GROUP)
    if keys:
        others = other.groupby([members[k] for k in keys], observed=True).transform("sum")
    else:
        others = other.sum()
    return members.assign(group=group.where(~other | (others >= min_group), None))
