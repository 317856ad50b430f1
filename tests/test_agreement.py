"""Inter-coder agreement, checked against scikit-learn and the krippendorff package.

The reference sequences are built the slow, obvious way: one 0/1 value per character per code
per coder, then handed to `sklearn.metrics.cohen_kappa_score` and `krippendorff.alpha`.
"""

from __future__ import annotations

import krippendorff
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from wwlib import analysis


def per_character(codings: pd.DataFrame, interviews: pd.DataFrame, a: str, b: str):
    """code -> (A's 0/1 sequence, B's 0/1 sequence) over the interviews both coded."""
    coded = codings.groupby("interview")["coder"].agg(set)
    shared = [i for i, coders in coded.items() if {a, b} <= coders]
    lengths = interviews.set_index("participant")["characters"]
    used = codings[codings["interview"].isin(shared) & codings["coder"].isin([a, b])]
    sequences = {}
    for code in sorted(used["code"].unique()):
        pair = []
        for coder in (a, b):
            parts = []
            for interview in shared:
                marks = np.zeros(int(lengths[interview]), dtype=int)
                mine = used[
                    (used["interview"] == interview)
                    & (used["coder"] == coder)
                    & (used["code"] == code)
                ]
                for start, end in zip(mine["start"], mine["end"], strict=True):
                    marks[start:end] = 1
                parts.append(marks)
            pair.append(np.concatenate(parts))
        sequences[code] = tuple(pair)
    return sequences


def check_against_references(codings, interviews):
    per_code = analysis.agreement(codings, interviews)
    summary = analysis.agreement_summary(per_code)
    assert not per_code.empty
    for (a, b), rows in per_code.groupby(["coder_a", "coder_b"]):
        sequences = per_character(codings, interviews, a, b)
        assert sorted(rows["code"]) == sorted(sequences)
        for row in rows.itertuples():
            first, second = sequences[row.code]
            assert row.agreement == pytest.approx(np.mean(first == second))
            expected = cohen_kappa_score(first, second)
            if np.isnan(expected):
                assert np.isnan(row.kappa)
            else:
                assert row.kappa == pytest.approx(expected, abs=1e-9)
        pooled = np.array([np.concatenate([s[i] for s in sequences.values()]) for i in (0, 1)])
        overall = summary[(summary["coder_a"] == a) & (summary["coder_b"] == b)].iloc[0]
        assert overall["alpha"] == pytest.approx(
            krippendorff.alpha(reliability_data=pooled, level_of_measurement="nominal"),
            abs=1e-9,
        )
        assert overall["agreement"] == pytest.approx(np.mean(pooled[0] == pooled[1]))
        assert overall["codes"] == len(sequences)


def test_lindeveen_agrees_with_sklearn_and_krippendorff(lindeveen):
    codings = lindeveen.codings()
    assert codings["coder"].nunique() == 2  # the cohort has a second coder on 3 interviews
    check_against_references(codings, lindeveen.interviews())


def coding(interview, coder, code, start, end):
    return {
        "interview": interview,
        "coder": coder,
        "code": code,
        "category": "theme",
        "start": start,
        "end": end,
        "fragment": hash((interview, start, end)) % 10_000,
    }


INTERVIEWS = pd.DataFrame({"participant": ["anna", "bram"], "characters": [100, 50]})


def test_counts_by_hand():
    # anna (100 characters): femke codes 0-40 "x", gijs codes 20-60 "x" -> both 20, only 20+20
    # bram (50 characters): only femke coded it, so it does not count
    codings = pd.DataFrame(
        [
            coding("anna", "femke", "x", 0, 40),
            coding("anna", "gijs", "x", 20, 60),
            coding("bram", "femke", "x", 0, 50),
        ]
    )
    row = analysis.agreement(codings, INTERVIEWS).iloc[0]
    assert (row.interviews, row.characters) == (1, 100)
    assert (row.both, row.only_a, row.only_b, row.neither) == (20, 20, 20, 40)
    assert row.agreement == pytest.approx(0.6)
    check_against_references(codings, INTERVIEWS)


def test_overlapping_spans_of_one_coder_count_once():
    codings = pd.DataFrame(
        [
            coding("anna", "femke", "x", 0, 30),
            coding("anna", "femke", "x", 10, 40),
            coding("anna", "gijs", "x", 0, 40),
        ]
    )
    row = analysis.agreement(codings, INTERVIEWS).iloc[0]
    assert (row.both, row.only_a, row.only_b, row.neither) == (40, 0, 0, 60)
    assert row.kappa == pytest.approx(1.0)


def test_one_coder_gives_an_empty_table():
    codings = pd.DataFrame([coding("anna", "femke", "x", 0, 30)])
    assert analysis.agreement(codings, INTERVIEWS).empty
    assert analysis.agreement_summary(analysis.agreement(codings, INTERVIEWS)).empty


def test_a_code_on_every_character_by_both_has_no_kappa():
    codings = pd.DataFrame(
        [coding("bram", "femke", "x", 0, 50), coding("bram", "gijs", "x", 0, 50)]
    )
    row = analysis.agreement(codings, INTERVIEWS).iloc[0]
    assert row.agreement == 1.0 and np.isnan(row.kappa)


span = st.tuples(st.integers(0, 59), st.integers(1, 20)).map(lambda t: (t[0], min(t[0] + t[1], 60)))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["femke", "gijs"]), st.sampled_from(["x", "y", "z"]), span),
        min_size=2,
        max_size=14,
    )
)
def test_random_codings_agree_with_the_references(rows):
    codings = pd.DataFrame([coding("anna", c, k, s, e) for c, k, (s, e) in rows])
    if codings["coder"].nunique() < 2:
        assert analysis.agreement(codings, INTERVIEWS).empty
        return
    check_against_references(codings, INTERVIEWS)


def test_many_cohorts_at_once_equal_one_at_a_time(lindeveen):
    codings, interviews = lindeveen.codings(), lindeveen.interviews()
    stacked_codings = pd.concat([codings.assign(cohort="a"), codings.assign(cohort="b")])
    stacked_interviews = pd.concat([interviews.assign(cohort="a"), interviews.assign(cohort="b")])
    stacked = analysis.agreement(stacked_codings, stacked_interviews)
    single = analysis.agreement(codings, interviews)
    for cohort in ("a", "b"):
        part = stacked[stacked["cohort"] == cohort].drop(columns="cohort")
        pd.testing.assert_frame_equal(part.reset_index(drop=True), single)
