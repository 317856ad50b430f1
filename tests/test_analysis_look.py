"""The Wednesday analyses on matrices you can count by eye, then on the fictional cohort."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wwlib import analysis
from wwlib.core.errors import ParameterError

CODES = pd.DataFrame(
    [
        ("ruimte", "theme", "Ruimte"),
        ("werkdruk", "theme", "Werkdruk"),
        ("regels", "obstacle", "Oude regels"),
        ("silo", "obstacle", "Verkokering"),
        ("klein", "way_to_deal", "Klein beginnen"),
        ("stoppen", "way_to_deal", "Bewust stoppen"),
    ],
    columns=["id", "category", "name"],
)
CATEGORY = dict(zip(CODES["id"], CODES["category"], strict=True))

# interview, fragment, start, end, code — by eye:
#   anna: [0,10) ruimte+werkdruk; [5,15) regels (overlaps the first: one passage);
#         [20,30) klein; [40,50) silo
#   bram: [0,10) ruimte; [20,30) regels+klein
#   cas:  [0,10) werkdruk+regels
ROWS = [
    ("anna", 1, 0, 10, "ruimte"),
    ("anna", 1, 0, 10, "werkdruk"),
    ("anna", 2, 5, 15, "regels"),
    ("anna", 3, 20, 30, "klein"),
    ("anna", 4, 40, 50, "silo"),
    ("bram", 5, 0, 10, "ruimte"),
    ("bram", 6, 20, 30, "regels"),
    ("bram", 6, 20, 30, "klein"),
    ("cas", 7, 0, 10, "werkdruk"),
    ("cas", 7, 0, 10, "regels"),
]
CODINGS = pd.DataFrame(ROWS, columns=["interview", "fragment", "start", "end", "code"]).assign(
    category=lambda df: df["code"].map(CATEGORY), coder="femke"
)
PEOPLE = pd.DataFrame(
    [
        ("femke", "facilitator", "Bureau", ""),
        ("anna", "participant", "Gemeente", "2020-04-21"),
        ("bram", "participant", "Woonstichting", "2020-04-20"),
        ("cas", "participant", "Gemeente", "2020-04-22"),
        ("dirk", "participant", "Gemeente", ""),
    ],
    columns=["id", "role", "organisation", "date"],
)
INTERVIEWS = PEOPLE.loc[PEOPLE["role"] == "participant", ["id", "date"]].rename(
    columns={"id": "participant"}
)


def pair(table, a, b):
    a, b = sorted([a, b])
    row = table[(table["code_a"] == a) & (table["code_b"] == b)]
    return None if row.empty else row.iloc[0]


def test_overlapping_fragments_form_one_passage():
    units = analysis.passages(CODINGS)
    anna = units[units["interview"] == "anna"].groupby("passage")["code"].agg(set)
    assert sorted(map(sorted, anna)) == [["klein"], ["regels", "ruimte", "werkdruk"], ["silo"]]


def test_fragment_cooccurrence_by_eye():
    pairs = analysis.cooccurrence(CODINGS, "fragment")
    # regels is in 3 passages (anna's first, bram's second, cas), werkdruk in 2 (anna, cas)
    row = pair(pairs, "regels", "werkdruk")
    assert (row.both, row.a, row.b) == (2, 3, 2)
    assert row.jaccard == pytest.approx(2 / 3)
    assert pair(pairs, "ruimte", "werkdruk").both == 1
    assert pair(pairs, "silo", "ruimte") is None
    assert (pairs["code_a"] < pairs["code_b"]).all()
    assert pairs["jaccard"].is_monotonic_decreasing


def test_participant_cooccurrence_by_eye():
    pairs = analysis.cooccurrence(CODINGS, "participant")
    # ruimte: anna, bram; regels: anna, bram, cas -> both 2, union 3
    row = pair(pairs, "regels", "ruimte")
    assert (row.both, row.jaccard) == (2, pytest.approx(2 / 3))
    assert pair(pairs, "silo", "klein").both == 1  # anna
    with pytest.raises(ValueError, match="unit must be one of"):
        analysis.cooccurrence(CODINGS, "sentence")


def test_jaccard_does_not_follow_frequency():
    # two frequent codes that rarely meet score lower than two rare codes that always meet
    rows = [(f"p{i}", i, 0, 5, "ruimte") for i in range(10)]
    rows += [(f"p{i}", 100 + i, 10, 15, "werkdruk") for i in range(10)]
    rows += [("p0", 200, 20, 25, "regels"), ("p0", 200, 20, 25, "klein")]
    codings = pd.DataFrame(rows, columns=["interview", "fragment", "start", "end", "code"])
    codings = codings.assign(category=codings["code"].map(CATEGORY), coder="femke")
    pairs = analysis.cooccurrence(codings, "participant")
    assert pair(pairs, "ruimte", "werkdruk").both == 10
    assert pair(pairs, "klein", "regels").jaccard == 1.0
    assert pair(pairs, "klein", "ruimte").jaccard == pytest.approx(1 / 10)


def test_cooccurrence_matrix_is_symmetric_with_an_empty_diagonal():
    frequencies = analysis.code_frequencies(CODINGS, CODES)
    matrix = analysis.cooccurrence_matrix(analysis.cooccurrence(CODINGS), frequencies)
    assert list(matrix.index) == list(frequencies.loc[frequencies["fragments"] > 0, "code"])
    assert np.allclose(matrix.fillna(0), matrix.fillna(0).T)
    assert np.isnan(np.diag(matrix)).all()


def test_obstacles_next_to_ways_to_deal():
    table = analysis.obstacles_and_ways(CODINGS, CODES)
    regels = table[table["obstacle"] == "regels"]
    # regels: 3 fragments, 3 participants; klein named by anna and bram, on one passage (bram)
    assert list(regels["way"]) == ["klein"]
    assert regels.iloc[0][["obstacle_fragments", "participants", "fragments"]].tolist() == [3, 2, 1]
    silo = table[table["obstacle"] == "silo"].iloc[0]
    assert (silo.way, silo.participants, silo.fragments) == ("klein", 1, 0)
    assert list(table["obstacle"].unique()) == ["regels", "silo"]  # most fragments first


def test_obstacle_without_a_way_keeps_a_row():
    codings = CODINGS[CODINGS["category"] != "way_to_deal"]
    table = analysis.obstacles_and_ways(codings, CODES)
    assert table["way"].isna().all() and len(table) == 2


def test_saturation_follows_interview_dates():
    table = analysis.saturation(CODINGS, INTERVIEWS, PEOPLE)
    # bram (20 april) first: ruimte regels klein; anna: werkdruk silo new; cas: nothing new
    assert list(table["interview"]) == ["bram", "anna", "cas"]  # dirk has no codings
    assert list(table["new"]) == [3, 2, 0]
    assert list(table["cumulative"]) == [3, 5, 5]
    assert table["share"].iloc[-1] == 1.0


def test_comparison_by_organisation():
    table = analysis.compare_groups(CODINGS, PEOPLE, "organisation")
    silo = table[table["code"] == "silo"].set_index("group")
    # Gemeente: anna and cas coded (dirk has no interview), anna mentions silo
    assert silo.loc["Gemeente", ["participants", "mentioning", "share"]].tolist() == [2, 1, 0.5]
    assert silo.loc["Woonstichting", "share"] == 0
    assert silo["spread"].iloc[0] == 0.5
    assert table["spread"].is_monotonic_decreasing
    with pytest.raises(ParameterError, match="choose one of organisation"):
        analysis.compare_groups(CODINGS, PEOPLE, "region")


def test_strongest_quotes_prefer_agreement_then_new_voices():
    rows = [
        ("anna", 1, 0, 160, "ruimte", "femke"),
        ("anna", 1, 0, 160, "ruimte", "gijs"),  # two coders: strongest
        ("anna", 2, 200, 360, "ruimte", "femke"),  # anna again: after bram
        ("bram", 3, 0, 20, "ruimte", "femke"),
    ]
    codings = pd.DataFrame(rows, columns=["interview", "fragment", "start", "end", "code", "coder"])
    quotes = analysis.strongest_quotes(codings.assign(category="theme"), per_code=2)
    assert list(quotes["fragment"]) == [1, 3]
    assert list(quotes["coders"]) == [2, 1]


def test_cluster_order_puts_alike_rows_together():
    counts = np.array([[5, 0, 4], [0, 3, 0], [4, 0, 5], [0, 0, 0], [0, 4, 1]])
    rows, columns = analysis.cluster_order(counts)
    assert rows[-1] == 3  # the empty row last
    assert abs(rows.index(0) - rows.index(2)) == 1
    assert abs(rows.index(1) - rows.index(4)) == 1
    assert sorted(columns) == [0, 1, 2]
    assert analysis.cluster_order(counts) == (rows, columns)


def test_all_tables_for_many_cohorts_equal_one_at_a_time(lindeveen):
    frames = {
        "codings": lindeveen.codings(),
        "codes": lindeveen.codes(),
        "people": lindeveen.people(),
        "interviews": lindeveen.interviews(),
    }
    single = analysis.all_tables(**frames)
    stacked = analysis.all_tables(
        **{k: pd.concat([v.assign(cohort="a"), v.assign(cohort="b")]) for k, v in frames.items()}
    )
    assert set(single) == set(stacked)
    for name, table in single.items():
        for cohort in ("a", "b"):
            part = stacked[name][stacked[name]["cohort"] == cohort].drop(columns="cohort")
            pd.testing.assert_frame_equal(
                part.reset_index(drop=True), table, check_dtype=False, obj=name
            )


def test_lindeveen_tables_agree_with_each_other(lindeveen):
    codings, codes = lindeveen.codings(), lindeveen.codes()
    frequencies = analysis.code_frequencies(codings, codes).set_index("code")
    pairs = analysis.cooccurrence(codings, "participant")
    for row in pairs.itertuples():
        assert row.a == frequencies.loc[row.code_a, "participants"]
        assert 0 < row.jaccard <= 1
    saturation = analysis.saturation(codings, lindeveen.interviews(), lindeveen.people())
    assert saturation["cumulative"].iloc[-1] == (frequencies["fragments"] > 0).sum()
    quotes = analysis.strongest_quotes(codings)
    assert quotes.groupby("code").size().max() == 3


def test_no_codings_gives_empty_tables(limburg_store):
    tables = analysis.all_tables(
        limburg_store.codings(),
        limburg_store.codes(),
        limburg_store.people(),
        limburg_store.interviews(),
    )
    assert tables["code_frequencies"]["fragments"].sum() == 0
    for name in ("cooccurrence_fragments", "saturation", "agreement", "quotes"):
        assert tables[name].empty, name
