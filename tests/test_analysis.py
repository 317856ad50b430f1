"""wwlib.analysis: counts on small hand-made frames, then on the bundled cohorts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wwlib import analysis

DATA = Path(__file__).resolve().parents[1] / "data"

CODES = pd.DataFrame(
    [
        ("digitaal", "theme", "Digitaal werken"),
        ("samen", "theme", "Samen werken"),
        ("regels", "obstacle", "Oude regels"),
        ("bellen", "success_factor", "Even bellen"),
        ("ongebruikt", "theme", "Nooit gebruikt"),
    ],
    columns=["id", "category", "name"],
)
CATEGORY = dict(zip(CODES["id"], CODES["category"], strict=True))

# fragment, interview, code, coder — count by eye:
#   anna: fragment 1 digitaal (twice, two coders), fragment 2 digitaal + regels, fragment 3 samen
#   bram: fragment 4 digitaal, fragment 5 bellen
CODINGS = pd.DataFrame(
    [
        (1, "anna", "digitaal", "femke"),
        (1, "anna", "digitaal", "gijs"),
        (2, "anna", "digitaal", "femke"),
        (2, "anna", "regels", "femke"),
        (3, "anna", "samen", "femke"),
        (4, "bram", "digitaal", "femke"),
        (5, "bram", "bellen", "femke"),
    ],
    columns=["fragment", "interview", "code", "coder"],
).assign(category=lambda df: df["code"].map(CATEGORY))

PEOPLE = pd.DataFrame(
    [
        ("femke", "facilitator"),
        ("bram", "participant"),
        ("chloe", "participant"),
        ("anna", "participant"),
    ],
    columns=["id", "role"],
)


@pytest.mark.parametrize(
    "code, fragments, participants, rank",
    [
        ("digitaal", 3, 2, 1),  # fragment 1 counts once although two coders coded it
        ("samen", 1, 1, 2),
        ("ongebruikt", 0, 0, 3),
        ("regels", 1, 1, 1),
        ("bellen", 1, 1, 1),
    ],
)
def test_code_frequencies_counts_distinct_fragments_and_interviews(
    code, fragments, participants, rank
):
    freq = analysis.code_frequencies(CODINGS, CODES).set_index("code")
    assert freq.loc[code, ["fragments", "participants", "rank"]].tolist() == [
        fragments,
        participants,
        rank,
    ]


def test_code_frequencies_orders_by_category_then_fragments():
    freq = analysis.code_frequencies(CODINGS, CODES)
    assert freq["code"].tolist() == ["bellen", "digitaal", "samen", "ongebruikt", "regels"]


def test_code_frequencies_ties_share_a_rank():
    tied = pd.concat([CODINGS, CODINGS.iloc[[4]].assign(fragment=9)])  # samen: 2 fragments
    tied = pd.concat([tied, tied.iloc[[4]].assign(fragment=10)])  # samen: 3, like digitaal
    freq = analysis.code_frequencies(tied, CODES).set_index("code")
    assert freq.loc[["digitaal", "samen", "ongebruikt"], "rank"].tolist() == [1, 1, 3]


def test_category_frequencies():
    cats = analysis.category_frequencies(CODINGS, CODES).set_index("category")
    assert cats.index.tolist() == ["success_factor", "theme", "obstacle"]
    # theme: fragments 1, 2, 3 (anna) and 4 (bram)
    assert cats.loc["theme"].tolist() == [3, 4, 2]
    assert cats.loc["obstacle"].tolist() == [1, 1, 1]


def test_who_said_what_matrix_counted_by_eye():
    matrix = analysis.who_said_what(CODINGS, PEOPLE)
    assert matrix.index.tolist() == ["bram", "chloe", "anna"]  # participants, people order
    assert matrix.columns.tolist() == [
        ("success_factor", "bellen"),
        ("theme", "digitaal"),
        ("theme", "samen"),
        ("obstacle", "regels"),
    ]
    assert matrix.to_numpy().tolist() == [
        [1, 1, 0, 0],  # bram
        [0, 0, 0, 0],  # chloe: nothing coded
        [0, 2, 1, 1],  # anna: digitaal in fragments 1 and 2
    ]


def test_who_said_what_without_codings_keeps_the_participants():
    matrix = analysis.who_said_what(CODINGS.iloc[0:0], PEOPLE)
    assert matrix.index.tolist() == ["bram", "chloe", "anna"]
    assert matrix.shape[1] == 0


NOTES = pd.DataFrame(
    [
        ("n1", "ideas", "Eén loket", "idea_or_need"),
        ("n2", "ideas", "Vaste wijkteams", "theme"),
        ("n3", "ideas", "Nooit gekozen", "other"),
        ("n4", "kickoff", "Op een andere flap", "other"),
    ],
    columns=["id", "board", "text", "category"],
)
VOTES = pd.DataFrame(
    [
        (1, "anna", "n1", 2),
        (1, "bram", "n1", 1),
        (1, "anna", "n2", 1),
        (2, "anna", "n2", 3),
        (2, "bram", "n2", 1),
    ],
    columns=["round", "voter", "note", "dots"],
)


@pytest.mark.parametrize(
    "round, expected",
    [
        (None, [("n2", 5, 2, 1), ("n1", 3, 2, 2), ("n3", 0, 0, 3)]),
        (1, [("n1", 3, 2, 1), ("n2", 1, 1, 2), ("n3", 0, 0, 3)]),
        (2, [("n2", 4, 2, 1), ("n1", 0, 0, 2), ("n3", 0, 0, 2)]),
    ],
)
def test_vote_totals(round, expected):
    totals = analysis.vote_totals(VOTES, NOTES, round=round)
    got = list(totals[["note", "dots", "voters", "rank"]].itertuples(index=False, name=None))
    assert got == expected  # n4 sits on a board nobody voted on


def test_vote_totals_without_votes_is_empty():
    assert analysis.vote_totals(VOTES.iloc[0:0], NOTES).empty


def test_interview_statuses_marks_missing_interviews():
    interviews = pd.DataFrame(
        {
            "participant": ["anna"],
            "interviewer": ["femke"],
            "date": ["2024-02-27"],
            "status": ["coded"],
            "transcript": ["transcripts/anna.md"],
            "characters": [100],
            "codings": [4],
        }
    )
    status = analysis.interview_statuses(interviews, PEOPLE)
    assert status["participant"].tolist() == ["bram", "chloe", "anna"]
    assert status["status"].tolist() == ["none", "none", "coded"]
    assert status["transcript"].tolist() == [False, False, True]
    assert status["codings"].tolist() == [0, 0, 4]


def _sessions(rows):
    return pd.DataFrame(rows, columns=["id", "date", "start", "end", "phase", "activity"])


@pytest.mark.parametrize(
    "times, expected",
    [
        ([("", "")], [(9, 17)]),
        ([("09:00", ""), ("", "")], [(9, 13), (13, 17)]),  # Limburg's Monday
        ([("", ""), ("", ""), ("", ""), ("", "")], [(9, 11), (11, 13), (13, 15), (15, 17)]),
        ([("09:00", "10:30"), ("", "")], [(9, 10.5), (10.5, 17)]),
        ([("", ""), ("13:00", "17:00")], [(9, 13), (13, 17)]),
        ([("08:00", "09:00"), ("", ""), ("18:00", "19:00")], [(8, 9), (9, 18), (18, 19)]),
    ],
)
def test_session_slots_spread_untimed_sessions_in_file_order(times, expected):
    sessions = _sessions(
        [(f"s{i}", "2024-02-26", s, e, "look", f"Sessie {i}") for i, (s, e) in enumerate(times)]
    )
    slots = analysis.session_slots(sessions)
    placed = [h for pair in zip(slots["start_hour"], slots["end_hour"], strict=True) for h in pair]
    assert placed == pytest.approx([h for pair in expected for h in pair])
    assert slots["estimated"].tolist() == [not (s and e) for s, e in times]


def test_session_slots_per_day():
    sessions = _sessions(
        [("a", "2024-02-27", "", "", "look", "Di"), ("b", "2024-02-26", "", "", "look", "Ma")]
    )
    slots = analysis.session_slots(sessions)
    assert slots.loc[slots["id"] == "a", ["start_hour", "end_hour"]].values.tolist() == [[9, 17]]


# -- the bundled cohorts --------------------------------------------------------------------


def test_mini_cohort(mini_store):
    freq = analysis.code_frequencies(mini_store.codings(), mini_store.codes()).set_index("code")
    assert freq.loc["korte-lijnen", ["fragments", "participants"]].tolist() == [2, 1]
    matrix = analysis.who_said_what(mini_store.codings(), mini_store.people())
    assert matrix.loc["anna-jansen"].sum() == 4
    assert matrix.loc["chloe-peeters"].sum() == 0
    totals = analysis.vote_totals(mini_store.votes(), mini_store.notes())
    assert totals.set_index("note").loc["n-korte-lijnen", "dots"] == 5


def test_limburg_has_codes_but_no_codings(limburg_store):
    freq = analysis.code_frequencies(limburg_store.codings(), limburg_store.codes())
    assert len(freq) == 5 and freq["fragments"].sum() == 0
    statuses = analysis.interview_statuses(limburg_store.interviews(), limburg_store.people())
    assert len(statuses) == 9 and set(statuses["status"]) == {"none"}


def test_lindeveen_matrix_agrees_with_frequencies(lindeveen):
    codings, codes = lindeveen.codings(), lindeveen.codes()
    freq = analysis.code_frequencies(codings, codes)
    matrix = analysis.who_said_what(codings, lindeveen.people())
    assert freq["fragments"].sum() > 0
    assert matrix.to_numpy().sum() == freq["fragments"].sum()
    per_code = matrix.droplevel("category", axis=1).astype(bool).sum()
    used = freq.set_index("code").loc[per_code.index, "participants"]
    assert per_code.tolist() == used.tolist()


@pytest.mark.parametrize("seed", range(8))
def test_average_linkage_is_scipys_upgma(seed):
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform

    from wwlib.analysis.frequencies import average_linkage, cosine_distances

    rng = np.random.default_rng(seed)
    counts = rng.integers(0, 6, size=(12, 9)) + rng.random((12, 9))  # no ties between distances
    leaf = cosine_distances(counts)
    ours = average_linkage(leaf)
    theirs = linkage(squareform(leaf, checks=False), method="average")
    members = {i: frozenset([i]) for i in range(len(leaf))}
    for k, (a, b, distance, _size) in enumerate(theirs):
        members[len(leaf) + k] = members[int(a)] | members[int(b)]
        assert ours[k][2] == members[len(leaf) + k], f"merge {k}"
        assert ours[k][3] == pytest.approx(distance)


def test_strongest_quotes_quote_each_participant_once_per_code():
    rows = [
        ("sanne", 1, 0, 200, "werkdruk", "sanne"),
        ("sanne", 2, 31, 116, "werkdruk", "pieter"),  # inside the first: never a second quote
        ("kees", 3, 0, 90, "werkdruk", "sanne"),
        ("kees", 4, 0, 12, "werkdruk", "pieter"),
    ]
    codings = pd.DataFrame(rows, columns=["interview", "fragment", "start", "end", "code", "coder"])
    quotes = analysis.strongest_quotes(codings.assign(category="theme"), per_code=3)
    assert sorted(quotes["interview"]) == ["kees", "sanne"]
    assert quotes["rank"].tolist() == [1, 2]
