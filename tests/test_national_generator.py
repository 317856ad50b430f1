"""The national benchmark's generator (benchmarks/national_data.py) makes real, valid stores."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from scipy.stats import chi2_contingency

from wwlib.core.model import Category
from wwlib.store import SCHEMA_VERSION, Store

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks import national_data  # noqa: E402

COHORTS, INTERVIEWS, FRAGMENTS = 2, 3, 10


def make(folder: Path, **changes) -> list[Path]:
    sizes = dict(cohorts=COHORTS, interviews=INTERVIEWS, fragments=FRAGMENTS, jobs=1)
    return national_data.generate(folder, **(sizes | changes))


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("national")
    make(folder)
    return folder


@pytest.fixture(scope="module", params=[1, 2])
def store(request, folder):
    with Store(folder / f"{national_data.cohort_id(request.param)}.sqlite") as store:
        yield store


def test_one_store_per_cohort_and_a_manifest_that_counts_the_codings(folder):
    paths = make(folder)
    assert [p.name for p in paths] == ["national-001.sqlite", "national-002.sqlite"]
    total = 0
    for path in paths:
        with Store(path) as store:
            total += len(store.codings())
    assert national_data.manifest(folder)["codings"] == total


def test_the_store_is_sound_and_holds_its_cohort(store):
    assert store.integrity_check() == "ok"
    assert store.schema_version == SCHEMA_VERSION
    assert store.cohort().id == store.path.stem
    assert store.change_log()["action"].tolist() == ["import"]


def test_people_are_participants_interviewed_by_the_two_facilitators(store):
    people = store.people()
    roles = people.set_index("id")["role"]
    assert Counter(roles) == {"participant": INTERVIEWS, "facilitator": 2}
    interviews = store.interviews()
    assert set(roles[interviews["participant"]]) == {"participant"}
    assert set(interviews["interviewer"]) == set(roles[roles == "facilitator"].index)
    assert (interviews["status"] == "coded").all()
    assert people["guid"].notna().all()


def test_the_first_coder_codes_every_fragment_once_or_twice(store):
    codings = store.codings()
    first = store.people().query("role == 'facilitator'")["id"].iloc[0]
    per_fragment = codings[codings["coder"] == first].groupby("fragment").size()
    assert len(per_fragment) == INTERVIEWS * FRAGMENTS
    assert set(per_fragment) <= {1, 2}


def test_spans_lie_inside_the_participants_turns(store):
    codings = store.codings()
    for interview, spans in codings.groupby("interview"):
        text = store.transcript(interview)
        turns = store.turns(interview)
        answers = turns[turns["person"] == interview]
        assert (spans["end"] <= len(text)).all() and (spans["start"] < spans["end"]).all()
        for start, end in zip(spans["start"], spans["end"], strict=True):
            inside = (answers["start"] <= start) & (end <= answers["end"])
            assert inside.any(), f"{interview} [{start}, {end}) is not in an answer"
            assert ":" not in text[start:end]


def test_every_code_is_in_the_codebook_of_five_categories(store):
    codes = store.codes()
    assert len(codes) == 40
    assert set(codes["category"]) == {c.value for c in Category}
    codings = store.codings()
    assert set(codings["code"]) <= set(codes["id"])
    assert codings["category"].notna().all()


def test_two_coders_on_the_double_coded_interview_at_the_same_places(store):
    codings = store.codings()
    coders = codings.groupby("interview")["coder"].nunique()
    assert sorted(coders) == [1] * (INTERVIEWS - 1) + [2]
    both = codings[codings["interview"] == coders.idxmax()]
    first = store.people().query("role == 'facilitator'")["id"].iloc[0]
    pairs = pair_up(both[both["coder"] == first], both[both["coder"] != first])
    assert len(pairs) == FRAGMENTS
    assert (pairs["end_second"] <= pairs["end_first"]).all()  # shifted spans stay inside


def pair_up(first: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """Each of the second coder's fragments with the first coder's fragment it starts in."""

    def code_sets(codings) -> pd.DataFrame:
        spans = codings.groupby(["start", "end"])["code"].agg(frozenset).reset_index()
        return spans.sort_values("start")

    return pd.merge_asof(
        code_sets(second), code_sets(first), on="start", suffixes=("_second", "_first")
    )


def test_the_second_coder_mostly_agrees_on_the_same_or_a_shifted_span():
    ds = national_data.synthetic_cohort(1, interviews=10, fragments=150)
    frame = pd.DataFrame(
        {"start": c.fragment.start, "end": c.fragment.end, "code": c.code, "coder": c.coder}
        for c in ds.codings
        if c.fragment.interview == ds.interviews[0].participant
    )
    first = ds.people[0].id
    pairs = pair_up(frame[frame["coder"] == first], frame[frame["coder"] != first])
    agreed = (pairs["code_second"] == pairs["code_first"]).mean()
    shifted = (pairs["end_second"] != pairs["end_first"]).mean()
    assert 0.7 <= agreed <= 0.95
    assert 0.15 <= shifted <= 0.5


def test_the_same_seed_makes_the_same_stores_and_another_seed_others(tmp_path):
    def codings(folder: Path, seed: int) -> pd.DataFrame:
        path = make(folder, cohorts=1, seed=seed)[0]
        with Store(path) as store:
            return store.codings()

    first = codings(tmp_path / "a", 1)
    pd.testing.assert_frame_equal(first, codings(tmp_path / "b", 1))
    assert not first.equals(codings(tmp_path / "c", 2))


def test_a_matching_folder_is_reused_and_another_size_made_again(tmp_path):
    path = make(tmp_path, cohorts=1)[0]
    made = path.stat().st_mtime_ns
    assert make(tmp_path, cohorts=1)[0].stat().st_mtime_ns == made
    assert national_data.is_current(tmp_path, 1, INTERVIEWS, FRAGMENTS)
    make(tmp_path, cohorts=1, fragments=FRAGMENTS + 5)
    assert national_data.manifest(tmp_path)["fragments"] == FRAGMENTS + 5
    with Store(path) as store:
        assert store.interviews()["codings"].sum() >= INTERVIEWS * (FRAGMENTS + 5)


def test_code_popularity_is_skewed_and_depends_on_the_participant():
    ds = national_data.synthetic_cohort(1, interviews=10, fragments=150)
    counts = Counter(c.code for c in ds.codings)
    assert counts.most_common(1)[0][1] >= 3 * sorted(counts.values())[len(counts) // 2]
    first = ds.people[0].id
    table = pd.crosstab(
        [c.fragment.interview for c in ds.codings if c.coder == first],
        [c.code for c in ds.codings if c.coder == first],
    )
    # latent clusters: who the participant is tells which codes they get (independence fails)
    assert chi2_contingency(table).pvalue < 1e-10
