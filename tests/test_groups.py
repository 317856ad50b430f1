"""Wednesday's choices: the shortlist of themes and the focus groups, in files and in the store."""

from __future__ import annotations

import sqlite3

import pytest

from wwlib.core.errors import StoreError, ValidationError
from wwlib.core.model import FocusGroup
from wwlib.folder.dataset import check_dataset, load_dataset
from wwlib.store import Store

MINI = (
    "id: mini-2024\ntitle: Wij-Werken Week Ooststad\nmunicipalities: [Ooststad]\n"
    "start: 2024-02-26\nend: 2024-03-01\nprioritised_themes: [samen-werken]\n"
)


def messages(folder):
    return [f"{p.field}: {p.message}" for p in check_dataset(folder)]


def test_shortlist_defaults_to_the_prioritised_themes(make_cohort):
    ds = load_dataset(make_cohort())
    assert ds.shortlist == ["samen-werken"] and ds.focus_groups == []


def test_focus_groups_are_read_in_order(make_cohort):
    folder = make_cohort(
        **{
            "cohort.yaml": MINI
            + "shortlist: [samen-werken]\nfocus_groups:\n"
            + "  - {id: a, name: Groep A, members: [bram-de-vries, anna-jansen],"
            + " themes: [samen-werken]}\n"
            + "  - {id: b, name: Groep B, members: [chloe-peeters]}\n"
        }
    )
    groups = load_dataset(folder).focus_groups
    assert [g.id for g in groups] == ["a", "b"]
    assert groups[0].members == ("bram-de-vries", "anna-jansen")
    assert groups[0].themes == ("samen-werken",)


@pytest.mark.parametrize(
    "extra, expected",
    [
        ("shortlist: [geen-code]\n", "shortlist: 'geen-code' is not a code in codebook.csv"),
        ("shortlist: [samen-werken, samen-werken]\n", "'samen-werken' is listed twice"),
        (
            "focus_groups:\n  - {id: a, name: A, members: [femke-bos]}\n",
            "focus_groups[1].members: 'femke-bos' is a facilitator, not a participant",
        ),
        (
            "focus_groups:\n  - {id: a, name: A, members: [anna-jansen]}\n"
            "  - {id: b, name: B, members: [anna-jansen]}\n",
            "'anna-jansen' is already in focus group 'a'",
        ),
        (
            "shortlist: []\nfocus_groups:\n  - {id: a, name: A, themes: [samen-werken]}\n",
            "focus_groups[1].themes: 'samen-werken' is not on the shortlist",
        ),
        ("focus_groups:\n  - {id: a, name: A, leden: [x]}\n", "unknown field(s): leden"),
        ("focus_groups: groep\n", "focus_groups: must be a list of groups"),
    ],
)
def test_bad_choices_are_named(make_cohort, extra, expected):
    found = messages(make_cohort(**{"cohort.yaml": MINI + extra}))
    assert any(expected in m for m in found), found


def test_the_store_keeps_and_replaces_the_choices(lindeveen_copy):
    store = lindeveen_copy
    assert store.shortlist()["code"].tolist()[:2] == [
        "wijkgericht-werken",
        "vitaliteit-en-werkdruk",
    ]
    groups = store.focus_groups()
    assert groups["id"].tolist() == ["wijk", "organisatie"]
    assert "bas-willemsen" in groups.loc[0, "members"]
    store.set_shortlist(["ruimte-en-leiderschap", "wijkgericht-werken"], actor="marit-hofstede")
    assert store.shortlist()["number"].tolist() == [1, 2]
    # a theme taken off the shortlist leaves the focus groups too
    assert store.focus_groups().loc[0, "themes"] == ["wijkgericht-werken"]
    store.set_focus_groups([FocusGroup("allen", "Alle deelnemers", ("ineke-verhoeven",))])
    assert store.focus_groups()[["id", "members"]].values.tolist() == [
        ["allen", ["ineke-verhoeven"]]
    ]
    log = store.change_log()
    entry = log[log["entity"] == "shortlist"].iloc[-1]
    assert entry["actor"] == "marit-hofstede"
    assert entry["detail"]["after"] == ["ruimte-en-leiderschap", "wijkgericht-werken"]
    assert log[log["entity"] == "focus_groups"].iloc[-1]["detail"]["before"][0]["id"] == "wijk"


@pytest.mark.parametrize(
    "change, error",
    [
        (lambda s: s.set_shortlist(["korte-lijnen"]), ValidationError),  # not a theme
        (lambda s: s.set_shortlist(["wijkgericht-werken"] * 2), ValidationError),
        (
            lambda s: s.set_focus_groups([FocusGroup("a", "A", ("marit-hofstede",))]),
            ValidationError,
        ),
        (
            lambda s: s.set_focus_groups(
                [FocusGroup("a", "A", ("bas-willemsen",)), FocusGroup("b", "B", ("bas-willemsen",))]
            ),
            StoreError,
        ),
        (
            lambda s: s.set_focus_groups([FocusGroup("a", "A", (), ("digitaal-samenwerken",))]),
            ValidationError,
        ),
    ],
)
def test_refused_changes_leave_the_store_unchanged(lindeveen_copy, change, error):
    before = (
        lindeveen_copy.shortlist(),
        lindeveen_copy.focus_groups(),
        len(lindeveen_copy.change_log()),
    )
    with pytest.raises(error):
        change(lindeveen_copy)
    assert lindeveen_copy.shortlist().equals(before[0])
    assert lindeveen_copy.focus_groups().equals(before[1])
    assert len(lindeveen_copy.change_log()) == before[2]


def test_a_v2_store_gets_its_prioritised_themes_as_shortlist(tmp_path):
    from wwlib.store.core import _statements
    from wwlib.store.schema import MIGRATIONS

    path = tmp_path / "v2.sqlite"
    con = sqlite3.connect(path)
    for script in MIGRATIONS[:2]:
        for statement in _statements(script):
            con.execute(statement)
    con.execute(
        "INSERT INTO code (id, category, name, colour, position) VALUES "
        "('a', 'theme', 'A', '#000000', 0), ('b', 'theme', 'B', '#000000', 1)"
    )
    con.execute(
        'INSERT INTO cohort (id, title, municipalities, start, "end", language, '
        "prioritised_themes) VALUES ('c', 'C', '[\"X\"]', '2024-01-01', '2024-01-05', 'nl', "
        '\'["b", "a"]\')'
    )
    con.execute("PRAGMA user_version=2")
    con.commit()
    con.close()
    with Store(path) as store:
        assert store.shortlist()["code"].tolist() == ["b", "a"]
        assert store.focus_groups().empty


def test_v4_gives_imported_votes_closed_rounds(lindeveen):
    rounds = lindeveen._frame("SELECT * FROM vote_round ORDER BY round")
    assert rounds["round"].tolist() == [1, 2]
    assert set(rounds["status"]) == {"closed"} and set(rounds["board"]) == {"oplossingen"}
    spent = lindeveen.votes().groupby(["round", "voter"])["dots"].sum().groupby("round").max()
    assert rounds["budget"].tolist() == spent.tolist()


def test_the_feedback_step_is_marked(lindeveen, limburg_store):
    for store in (lindeveen, limburg_store):
        steps = store.steps()
        feedback = steps[steps["feedback"] == 1]
        assert len(feedback) == 1 and "terug" in feedback.iloc[0]["title"].lower()
