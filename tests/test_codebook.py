"""The codebook in the store: add, rename, move, merge codes, code passages, write memos.

Every change is one logged transaction; every refused change leaves the store and its log as
they were, which `unchanged` checks on a full dump of the file.
"""

from __future__ import annotations

import sqlite3
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest
import shared_runs
from conftest import MINI, append
from hypothesis import given, settings
from hypothesis import strategies as st

from wwlib.core.errors import NotFound, StoreError, ValidationError
from wwlib.core.model import CATEGORY_COLOURS
from wwlib.folder.dataset import check_dataset, load_dataset
from wwlib.store import Store

CODER = "femke-bos"


def dump(store: Store) -> list[str]:
    """Every row of every table (the log too), read through a connection of its own."""
    con = sqlite3.connect(store.path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


@contextmanager
def unchanged(store: Store, error: type[Exception], match: str):
    """The call inside raises `error` with `match` and changes nothing at all."""
    before = dump(store)
    with pytest.raises(error, match=match):
        yield
    assert dump(store) == before


def last_log(store: Store) -> dict:
    return store.change_log().iloc[-1].to_dict()


def pairs(store: Store, *codes: str) -> set[tuple[int, str]]:
    """The (fragment, coder) pairs coded with any of `codes`."""
    codings = store.codings()
    chosen = codings[codings["code"].isin(codes)]
    return set(zip(chosen["fragment"], chosen["coder"], strict=True))


@pytest.fixture(scope="session")
def lindeveen_initialised(tmp_path_factory) -> Path:
    """The store `ww init` makes of the fictional cohort, made once per session: copy it."""
    build = shared_runs.lindeveen_initialised
    return shared_runs.shared_folder(tmp_path_factory, "lindeveen-init", build) / "lindeveen.sqlite"


@pytest.fixture
def lindeveen_store(tmp_path, lindeveen_initialised):
    """A fresh store of the fictional cohort as `ww init` makes it, for tests that change it."""
    path = shared_runs.copy_of_store(lindeveen_initialised, tmp_path / "lindeveen.sqlite")
    store = Store(path, actor="tester")
    yield store
    store.close()


# -- adding codes ----------------------------------------------------------------------


def test_add_code_takes_the_category_colour_and_comes_last(mini_store):
    assert mini_store.add_code("nieuw-thema", "theme", " Nieuw thema ") == "nieuw-thema"
    code = mini_store.codes().iloc[-1]
    assert (code.id, code.category, code["name"], code.colour) == (
        "nieuw-thema", "theme", "Nieuw thema", CATEGORY_COLOURS["theme"],
    )  # fmt: skip
    assert pd.isna(code.parent)
    log = last_log(mini_store)
    assert (log["action"], log["entity"], log["entity_id"], log["actor"]) == (
        "add", "code", "nieuw-thema", "tester",
    )  # fmt: skip
    assert log["detail"]["name"] == "Nieuw thema"


def test_add_code_nests_under_a_parent_with_colour_and_description(mini_store):
    mini_store.add_code(
        "regels-hr", "obstacle", "HR-regels", colour="#AA0000", parent="oude-regels",
        description="Regels van P&O.", actor="femke",
    )  # fmt: skip
    code = mini_store.codes().set_index("id").loc["regels-hr"]
    assert (code.parent, code.colour, code.description) == (
        "oude-regels",
        "#aa0000",
        "Regels van P&O.",
    )
    assert last_log(mini_store)["actor"] == "femke"


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (("samen-werken", "theme", "Nog eens"), StoreError, "code 'samen-werken' exists already"),
        (("Nieuw Thema", "theme", "Nieuw"), ValidationError, "'id' must be a slug"),
        (("nieuw", "probleem", "Nieuw"), ValidationError, "'category' must be one of"),
        (("nieuw", "theme", "   "), ValidationError, "'name' must be non-empty text"),
        (("nieuw", "theme", "Nieuw", "groen"), ValidationError, "'colour' must be a colour"),
        (("nieuw", "theme", "Nieuw", "", "bestaat-niet"), NotFound, "parent 'bestaat-niet'"),
        (("nieuw", "theme", "Nieuw", "", "oude-regels"), ValidationError,
         "'oude-regels' is of category obstacle; nest codes within one category"),
        (("regels", "obstacle", "oude REGELS"), ValidationError,
         "code 'oude-regels' is called that already"),
    ],
)  # fmt: skip
def test_add_code_refuses_and_changes_nothing(mini_store, args, error, message):
    with unchanged(mini_store, error, message):
        mini_store.add_code(*args)


# -- renaming, describing, moving ------------------------------------------------------


def test_renaming_keeps_every_coding_on_the_code(mini_store):
    before = mini_store.codings()
    mini_store.rename_code("oude-regels", "Regels van toen")
    assert mini_store.codings().equals(before)
    assert mini_store.codes().set_index("id").at["oude-regels", "name"] == "Regels van toen"
    assert last_log(mini_store)["detail"] == {"name": "Regels van toen", "was": "Oude regels"}


@pytest.mark.parametrize(
    ("code", "name", "error", "message"),
    [
        ("bestaat-niet", "Iets", NotFound, "code 'bestaat-niet' is not in this cohort's codebook"),
        ("oude-regels", "", ValidationError, "'name' must be non-empty text"),
        ("korte-lijnen", "Korte Lijnen ", ValidationError, "merge the two codes instead"),
    ],
)
def test_rename_refuses_and_changes_nothing(mini_store, code, name, error, message):
    if message.startswith("merge"):  # a second success factor to clash with
        mini_store.add_code("lijntjes", "success_factor", "Lijntjes")
        code = "lijntjes"
    with unchanged(mini_store, error, message):
        mini_store.rename_code(code, name)


def test_set_code_description_and_clear_it(mini_store):
    mini_store.set_code_description("kleine-stappen", "  Begin klein.  ")
    assert mini_store.codes().set_index("id").at["kleine-stappen", "description"] == "Begin klein."
    mini_store.set_code_description("kleine-stappen", "")
    assert mini_store.codes().set_index("id").at["kleine-stappen", "description"] == ""
    assert last_log(mini_store)["detail"]["was"] == "Begin klein."


def test_move_code_nests_and_returns_to_the_top(mini_store):
    mini_store.add_code("lijntjes", "success_factor", "Lijntjes")
    mini_store.move_code("lijntjes", "korte-lijnen")
    assert mini_store.codes().set_index("id").at["lijntjes", "parent"] == "korte-lijnen"
    assert last_log(mini_store)["detail"] == {"parent": "korte-lijnen", "was": ""}
    mini_store.move_code("lijntjes", "")
    assert pd.isna(mini_store.codes().set_index("id").at["lijntjes", "parent"])
    assert last_log(mini_store)["detail"] == {"parent": "", "was": "korte-lijnen"}


@pytest.mark.parametrize(
    ("code", "parent", "error", "message"),
    [
        ("regeldruk", "regeldruk", ValidationError, "nested below it"),
        ("regeldruk", "privacyregels", ValidationError, "that would nest the codes in a cycle"),
        ("regeldruk", "korte-lijnen", ValidationError, "a code of category obstacle"),
        ("regeldruk", "bestaat-niet", NotFound, "parent 'bestaat-niet'"),
        ("bestaat-niet", "regeldruk", NotFound, "code 'bestaat-niet'"),
    ],
)
def test_move_refuses_cycles_and_other_categories(lindeveen_store, code, parent, error, message):
    with unchanged(lindeveen_store, error, message):
        lindeveen_store.move_code(code, parent)


def test_a_longer_cycle_is_refused(lindeveen_store):
    lindeveen_store.add_code("formulieren", "obstacle", "Formulieren", parent="privacyregels")
    with unchanged(lindeveen_store, ValidationError, "cycle"):
        lindeveen_store.move_code("regeldruk", "formulieren")


# -- merging ---------------------------------------------------------------------------


def test_merging_a_child_into_its_parent_moves_every_coding(lindeveen_store):
    store = lindeveen_store
    expected = pairs(store, "privacyregels", "regeldruk")
    total = len(store.codings())
    detail = store.merge_codes("privacyregels", "regeldruk")
    assert pairs(store, "regeldruk") == expected
    assert len(store.codings()) == total
    assert "privacyregels" not in set(store.codes()["id"])
    assert "privacyregels" not in set(store.codings()["code"])
    log = last_log(store)
    assert (log["action"], log["entity"], log["entity_id"]) == ("merge", "code", "privacyregels")
    assert log["detail"]["moved"] == detail["moved"] and len(detail["moved"]) == 6


def test_merging_keeps_one_coding_per_fragment_and_coder_and_joins_memos(mini_store):
    store = mini_store
    store.add_code("lijntjes", "success_factor", "Lijntjes")
    korte = store.codings().query("code == 'korte-lijnen'")
    first = korte.iloc[0]  # "de korte lijnen", coded by femke-bos without a memo
    store.add_codings(first.interview, int(first.start), int(first.end), ["lijntjes"], CODER,
                      memo="Zelfde passage.")  # fmt: skip
    store.add_codings("bram-de-vries", 0, 5, ["lijntjes"], CODER, memo="Alleen hier.")
    store.add_codings("bram-de-vries", 0, 5, ["lijntjes"], "anna-jansen")
    expected = pairs(store, "lijntjes", "korte-lijnen")
    total = len(store.codings())

    detail = store.merge_codes("lijntjes", "korte-lijnen")

    assert pairs(store, "korte-lijnen") == expected
    assert len(store.codings()) == total - 1 == total - len(detail["joined"])
    kept = store.codings().set_index("id").loc[detail["joined"][0]["into"]]
    assert (kept.fragment, kept.code, kept.memo) == (
        first.fragment,
        "korte-lijnen",
        "Zelfde passage.",
    )
    moved = store.codings().query("interview == 'bram-de-vries' and start == 0")
    assert set(moved["code"]) == {"korte-lijnen"} and "Alleen hier." in set(moved["memo"])


def test_merging_joins_two_memos_and_keeps_each_once(mini_store):
    store = mini_store
    store.add_code("regels-nu", "obstacle", "Regels nu")
    coding = store.codings().query("code == 'oude-regels'").iloc[0]  # memo "Regels, procedures…"
    span = (coding.interview, int(coding.start), int(coding.end))
    store.add_codings(*span, ["regels-nu"], CODER, memo="Ook nu nog.")
    store.merge_codes("regels-nu", "oude-regels")
    kept = store.codings().query("code == 'oude-regels'").iloc[0]
    assert kept.memo == "Regels, procedures en formulieren.\nOok nu nog."


def test_merging_moves_children_references_and_memos_to_the_target(mini_store):
    store = mini_store
    store.add_code("samenwerking", "theme", "Samenwerking")
    store.add_code("vaste-tafel", "theme", "Vaste tafel", parent="samen-werken")
    memo = store.add_memo("code", "samen-werken", "Het thema van de week.", author=CODER)
    detail = store.merge_codes("samen-werken", "samenwerking")
    codes = store.codes().set_index("id")
    assert codes.at["vaste-tafel", "parent"] == "samenwerking"
    assert codes.at["korte-lijnen", "parent"] == "samenwerking"  # nested across categories
    assert store.boards().set_index("id").at["flap-samen-werken", "theme"] == "samenwerking"
    assert set(store.plans()["theme"].dropna()) == {"samenwerking"}
    assert store.cohort().prioritised_themes == ("samenwerking",)
    assert list(store.memos("code", "samenwerking")["id"]) == [memo]
    assert sorted(detail["children"]) == ["korte-lijnen", "vaste-tafel"]


def test_a_target_nested_below_the_source_takes_its_place(lindeveen_store):
    store = lindeveen_store
    store.add_code("formulieren", "obstacle", "Formulieren", parent="privacyregels")
    store.merge_codes("regeldruk", "formulieren")  # privacyregels sat between them
    parents = store.codes().set_index("id")["parent"]
    assert pd.isna(parents["formulieren"]) and parents["privacyregels"] == "formulieren"


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["lijntjes", "korte-lijnen"]),
            st.integers(0, 3),
            st.sampled_from([CODER, "anna-jansen"]),
            st.sampled_from(["", "eerste", "tweede"]),
        ),
        max_size=12,
        unique_by=lambda coding: coding[:3],
    )
)
def test_merge_never_loses_a_coding_or_a_memo(codings):
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "s.sqlite", create=True)
        store.load_dataset(load_dataset(MINI))
        store.add_code("lijntjes", "success_factor", "Lijntjes")
        for code, n, coder, memo in codings:
            store.add_codings("anna-jansen", 5 * n, 5 * n + 4, [code], coder, memo=memo)
        memos = store.codings().query("code in ['lijntjes', 'korte-lijnen']")
        expected = pairs(store, "lijntjes", "korte-lijnen")
        store.merge_codes("lijntjes", "korte-lijnen")
        merged = store.codings().query("code == 'korte-lijnen'")
        assert pairs(store, "korte-lijnen") == expected and len(merged) == len(expected)
        kept = {(f, c): m.split("\n") for f, c, m in merged[["fragment", "coder", "memo"]].values}
        for fragment, coder, memo in memos[["fragment", "coder", "memo"]].values:
            assert not memo or memo in kept[(fragment, coder)]
        store.close()


@pytest.mark.parametrize(
    ("source", "target", "error", "message"),
    [
        ("regeldruk", "regeldruk", ValidationError, "another code than the one merged"),
        ("bestaat-niet", "regeldruk", NotFound, "source code 'bestaat-niet'"),
        ("regeldruk", "bestaat-niet", NotFound, "target code 'bestaat-niet'"),
        ("regeldruk", "korte-lijnen", ValidationError, "merge codes of one category"),
    ],
)
def test_merge_refuses_and_changes_nothing(lindeveen_store, source, target, error, message):
    with unchanged(lindeveen_store, error, message):
        lindeveen_store.merge_codes(source, target)


# -- coding passages -------------------------------------------------------------------


def test_add_codings_stores_several_codes_and_the_memo_in_one_go(mini_store):
    store = mini_store
    log_before = len(store.change_log())
    ids = store.add_codings("bram-de-vries", 6, 10, ["samen-werken", "een-werkwijze"], CODER,
                            memo=" Zegt hij twee keer. ", actor="femke")  # fmt: skip
    codings = store.codings().set_index("id").loc[ids]
    assert list(codings["code"]) == ["samen-werken", "een-werkwijze"]
    assert set(codings["memo"]) == {"Zegt hij twee keer."} and set(codings["coder"]) == {CODER}
    fragment = int(codings["fragment"].iloc[0])
    memo = store.memos("fragment", fragment).iloc[0]
    assert (memo.text, memo.author) == ("Zegt hij twee keer.", CODER)
    log = store.change_log().iloc[log_before:]
    assert list(zip(log["entity"], log["entity_id"], strict=True)) == [
        ("memo", str(memo.id)), ("coding", str(ids[0])), ("coding", str(ids[1])),
    ]  # fmt: skip
    assert set(log["actor"]) == {"femke"}


def test_add_codings_without_a_memo_writes_no_memo(mini_store):
    mini_store.add_codings("bram-de-vries", 6, 10, ("samen-werken",), CODER)
    assert mini_store.memos().empty


@pytest.mark.parametrize(
    ("interview", "start", "end", "codes", "coder", "error", "message"),
    [
        ("anna-jansen", 0, 5, [], CODER, ValidationError, "'codes' must be one or more code ids"),
        ("anna-jansen", 5, 5, ["samen-werken"], CODER, ValidationError, "greater than start"),
        ("anna-jansen", 0, 9999, ["samen-werken"], CODER, ValidationError, "transcript length"),
        ("anna-jansen", 0, 5, ["samen-werken", "nee"], CODER, NotFound, "code 'nee'"),
        ("anna-jansen", 0, 5, ["samen-werken"], "niemand", NotFound, "coder 'niemand'"),
        ("chloe-peeters", 0, 5, ["samen-werken"], CODER, NotFound, "has no transcript"),
    ],
)
def test_add_codings_refuses_and_changes_nothing(mini_store, interview, start, end, codes, coder,
                                                 error, message):  # fmt: skip
    with unchanged(mini_store, error, message):
        mini_store.add_codings(interview, start, end, codes, coder, memo="bewaard?")


def test_a_repeated_code_saves_none_of_the_codes(mini_store):
    mini_store.add_codings("anna-jansen", 60, 80, ["kleine-stappen"], CODER)
    with unchanged(mini_store, StoreError, "already coded anna-jansen \\[60, 80\\) with 'kleine"):
        mini_store.add_codings("anna-jansen", 60, 80, ["een-werkwijze", "kleine-stappen"], CODER,
                               memo="opnieuw")  # fmt: skip


# -- memos -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "target_id"),
    [("code", "oude-regels"), ("interview", "anna-jansen"), ("cohort", "mini-2024"),
     ("fragment", 1)],
)  # fmt: skip
def test_add_memo_on_every_kind_of_target(mini_store, target, target_id):
    memo_id = mini_store.add_memo(target, target_id, "Let op <dit> & dat", author=CODER)
    memo = mini_store.memos(target).set_index("id").loc[memo_id]
    assert (memo.target_id, memo.text, memo.author) == (str(target_id), "Let op <dit> & dat", CODER)
    assert memo.created_at and memo.guid
    log = last_log(mini_store)
    assert (log["entity"], log["entity_id"], log["detail"]["target"]) == (
        "memo",
        str(memo_id),
        target,
    )


def test_memos_filter_by_target(mini_store):
    mini_store.add_memo("code", "oude-regels", "Een")
    mini_store.add_memo("code", "kleine-stappen", "Twee")
    mini_store.add_memo("interview", "anna-jansen", "Drie")
    assert list(mini_store.memos()["text"]) == ["Een", "Twee", "Drie"]
    assert list(mini_store.memos("code")["text"]) == ["Een", "Twee"]
    assert list(mini_store.memos("code", "kleine-stappen")["text"]) == ["Twee"]
    with pytest.raises(ValidationError, match="'target' must be one of fragment, code"):
        mini_store.memos("coding")


@pytest.mark.parametrize(
    ("target", "target_id", "text", "author", "error", "message"),
    [
        ("coding", "1", "Tekst", "", ValidationError, "'target' must be one of fragment"),
        ("code", "bestaat-niet", "Tekst", "", NotFound, "code 'bestaat-niet'"),
        ("fragment", 999, "Tekst", "", NotFound, "fragment '999'"),
        ("interview", "femke-bos", "Tekst", "", NotFound, "interview 'femke-bos'"),
        ("code", "oude-regels", "  ", "", ValidationError, "'text' must be non-empty text"),
        ("code", "oude-regels", "Tekst", "niemand", NotFound, "author 'niemand'"),
    ],
)
def test_add_memo_refuses_and_changes_nothing(mini_store, target, target_id, text, author, error,
                                              message):  # fmt: skip
    with unchanged(mini_store, error, message):
        mini_store.add_memo(target, target_id, text, author=author)


# -- the interview guide ---------------------------------------------------------------


def test_the_fictional_cohort_has_an_interview_guide(lindeveen):
    guide = lindeveen.interview_guide()
    assert 8 <= len(guide) <= 12 and all(q.endswith("?") for q in guide)
    assert lindeveen.cohort().interview_guide == tuple(guide)


def test_the_limburg_record_has_no_interview_guide(limburg_store):
    assert limburg_store.interview_guide() == [] and limburg_store.cohort().interview_guide == ()


def test_an_interview_guide_in_cohort_yaml_reaches_the_store(make_cohort, tmp_path):
    folder = make_cohort(**{"cohort.yaml": append(
        "interview_guide:\n  - Wat ging goed?\n  - 'Wat wil je houden: en waarom?'"
    )})  # fmt: skip
    store = Store(tmp_path / "guide.sqlite", create=True)
    store.load_dataset(load_dataset(folder))
    assert store.interview_guide() == ["Wat ging goed?", "Wat wil je houden: en waarom?"]
    store.close()


@pytest.mark.parametrize(
    ("guide", "message"),
    [
        ("interview_guide:\n  - Wat wil je houden: en waarom?", "text for question 1"),
        ("interview_guide: Wat ging goed?", "a list of questions"),
        ("interview_guide:\n  - Goed?\n  - ''", "non-empty text"),
    ],
)
def test_a_bad_interview_guide_is_reported_with_its_line(make_cohort, guide, message):
    folder = make_cohort(**{"cohort.yaml": append(guide)})
    problems = check_dataset(folder)
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.file, problem.field, problem.line) == ("cohort.yaml", "interview_guide", 12)
    assert message in problem.message
