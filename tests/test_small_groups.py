"""Small groups are not shown: comparisons and people lists in pseudonymised outputs.

The privacy fixture's participants come from three organisations: 5, 2 and 1 of them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from wwlib.analysis import OTHER_GROUP, compare_groups, small_groups
from wwlib.core.labels import Labels
from wwlib.core.pseudonym import Pseudonymiser
from wwlib.folder.dataset import load_dataset
from wwlib.present import look, views
from wwlib.present.sections import build
from wwlib.present.workbook import Workbook
from wwlib.store import Store

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "privacy"


def frames(organisations: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """People with these organisations, each with one coding (even ones also 'werkdruk')."""
    ids = [f"p{i}" for i in range(len(organisations))]
    people = pd.DataFrame(
        {
            "id": ids,
            "name": ids,
            "role": "participant",
            "pseudonym": ids,
            "consent_named": True,
            "organisation": organisations,
        }  # fmt: skip
    )
    codings = pd.DataFrame(
        [(i, "korte-lijnen", "theme") for i in ids]
        + [(i, "werkdruk", "obstacle") for i in ids[::2]],
        columns=["interview", "code", "category"],
    )
    return codings, people


GROUPS_1_2_5 = ["A"] + ["B"] * 2 + ["C"] * 5


def sizes(table: pd.DataFrame) -> dict[str, int]:
    return dict(table.drop_duplicates("group")[["group", "participants"]].values.tolist())


def test_every_group_is_shown_without_a_minimum():
    assert sizes(compare_groups(*frames(GROUPS_1_2_5), "organisation")) == {"A": 1, "B": 2, "C": 5}
    assert small_groups(*frames(GROUPS_1_2_5), "organisation", 1) == small_groups(
        *frames(["C"] * 5), "organisation", 3
    )


def test_groups_under_the_minimum_are_merged_into_other():
    codings, people = frames(GROUPS_1_2_5)
    assert sizes(compare_groups(codings, people, "organisation", 3)) == {"C": 5, OTHER_GROUP: 3}
    found = small_groups(codings, people, "organisation", 3)
    assert (found.merged, found.left_out) == (2, 0)


def test_other_is_left_out_while_it_is_still_too_small():
    codings, people = frames(["A"] + ["C"] * 5)
    assert sizes(compare_groups(codings, people, "organisation", 3)) == {"C": 5}
    found = small_groups(codings, people, "organisation", 3)
    assert (found.merged, found.left_out, found.left_out_people) == (0, 1, 1)


def test_the_minimum_holds_per_cohort():
    codings, people = frames(GROUPS_1_2_5 * 2)
    people["cohort"] = ["x"] * 8 + ["y"] * 8
    codings["cohort"] = codings["interview"].map(people.set_index("id")["cohort"])
    table = compare_groups(codings, people, "organisation", 3)
    per_cohort = table.drop_duplicates(["cohort", "group"]).groupby("cohort")["group"].apply(set)
    assert per_cohort.to_dict() == {"x": {"C", OTHER_GROUP}, "y": {"C", OTHER_GROUP}}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    made = Store(tmp_path_factory.mktemp("groups") / "s.sqlite", create=True)
    made.load_dataset(load_dataset(FIXTURE))
    yield made
    made.close()


def workbook(store, pseudonymise: bool, lang: str = "nl") -> Workbook:
    names = Pseudonymiser(store.people(), pseudonymise, store.cohort().mentioned_names)
    return Workbook(store, Labels(lang), names, lang, pseudonymise, interactive=False)


def test_a_pseudonymised_comparison_shows_no_small_group_and_says_so(store):
    wb = workbook(store, pseudonymise=True)
    headers = list(look.comparison_table(wb).columns)
    assert "Gemeente Ooststad (n=5)" in headers and "overig (n=3)" in headers
    assert not any("Woonstichting" in h or "Echt-Susteren" in h for h in headers)
    section = build(wb, "comparison")
    note = section.part("table").note
    merged = "2 groepen van minder dan 3 deelnemers zijn samengevoegd tot 'overig'."
    assert note == f"Gepseudonimiseerd: {merged}"
    assert note in section.html()
    chart = section.part("chart").content
    assert {bar.name for bar in chart.data} == {"Gemeente Ooststad", "overig"}
    assert "samengevoegd" in chart.layout.annotations[-1].text
    sheet = look.sheets(wb)["Verschillen tussen groepen"]
    assert sheet.iloc[-1, 0] == note


def test_english_says_other(store):
    wb = workbook(store, pseudonymise=True, lang="en")
    assert "other (n=3)" in look.comparison_table(wb).columns


def test_an_unpseudonymised_comparison_is_unchanged(store):
    wb = workbook(store, pseudonymise=False)
    headers = list(look.comparison_table(wb).columns)
    assert {"Gemeente Ooststad (n=5)", "Woonstichting Noord (n=2)"} <= set(headers)
    assert "Gemeente Echt-Susteren (n=1)" in headers
    assert build(wb, "comparison").part("table").note == ""
    assert len(look.sheets(wb)["Verschillen tussen groepen"]) == len(look.comparison_table(wb))


def test_a_min_group_of_two_keeps_the_pair(store, tmp_path):
    dataset = load_dataset(FIXTURE)
    dataset.cohort = type(dataset.cohort)(**{**vars(dataset.cohort), "min_group": 2})
    other = Store(tmp_path / "two.sqlite", create=True)
    other.load_dataset(dataset)
    headers = list(look.comparison_table(workbook(other, pseudonymise=True)).columns)
    other.close()
    assert "Woonstichting Noord (n=2)" in headers and not any("Susteren" in h for h in headers)


def test_an_organisation_that_would_point_to_one_person_is_left_out(store):
    wb = workbook(store, pseudonymise=True)
    table = views.people_table(wb)
    row = table[table.iloc[:, 0] == "P08"].iloc[0]
    assert row.iloc[2] == "" and row.iloc[3] == ""  # organisation and municipality of one
    assert "Woonstichting Noord" not in table.iloc[:, 2].tolist()  # two people: fewer than 3
    assert table.iloc[0, 2] == "Gemeente Ooststad"
    assert "minder dan 3" in views.people_note(wb)
    assert views.people_note(workbook(store, pseudonymise=False)) == ""
    plain = views.people_table(workbook(store, pseudonymise=False))
    assert "Gemeente Echt-Susteren" in plain.iloc[:, 2].tolist()
