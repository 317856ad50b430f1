"""Thursday's theme boards with notes from the interviews, and Friday's follow-up of tasks."""

from __future__ import annotations

import datetime as dt

import pytest

from wwlib.core.errors import NotFound, ValidationError
from wwlib.core.labels import Labels
from wwlib.core.pseudonym import Pseudonymiser
from wwlib.present import act
from wwlib.present.workbook import Workbook
from wwlib.ui import ThemeBoards
from wwlib.ui.base import StaticView


def workbook(store, interactive=False, pseudonymise=False):
    names = Pseudonymiser(store.people(), pseudonymise, store.cohort().mentioned_names)
    return Workbook(store, Labels("nl"), names, "nl", pseudonymise, interactive=interactive)


def test_every_shortlisted_theme_gets_one_board(lindeveen_copy):
    store = lindeveen_copy
    assert store.ensure_theme_boards() == ["thema-samenwerken-over-grenzen"]
    assert store.ensure_theme_boards() == []  # nothing twice
    boards = store.theme_boards()
    assert boards["theme"].tolist() == store.shortlist()["code"].tolist()
    assert store.boards().set_index("id").loc["thema-samenwerken-over-grenzen", "kind"] == "theme"


def test_a_note_links_to_its_fragments(lindeveen_copy):
    store = lindeveen_copy
    fragments = store.theme_fragments("wijkgericht-werken")
    codings = store.codings()
    assert set(fragments["fragment"]) == set(
        codings.loc[codings["code"] == "wijkgericht-werken", "fragment"]
    )
    note = store.add_note("thema-wijkgericht-werken", "Vaste gezichten in de wijk", "idea_or_need")
    store.link_fragments(note, fragments["fragment"].head(2).tolist())
    links = store.note_fragments()
    assert len(links[links["note"] == note]) == 2
    with pytest.raises(ValidationError):
        store.link_fragments(note, [999_999])
    with pytest.raises(NotFound):
        store.link_fragments("geen-notitie", [int(fragments["fragment"].iloc[0])])
    assert len(store.note_fragments()) == len(links)  # refused links changed nothing


def test_theme_boards_panel_adds_a_note_from_an_interview(lindeveen_copy):
    before = lindeveen_copy.change_count()
    panel = ThemeBoards(workbook(lindeveen_copy, interactive=True))
    assert lindeveen_copy.change_count() == before  # opening the panel makes no board
    assert panel.make.layout.display == ""  # a shortlisted theme has none yet
    panel._on_make(None)  # the facilitator's click makes it
    assert panel.make.layout.display == "none"
    assert list(panel.tabs.titles) == lindeveen_copy.shortlist()["name"].tolist()
    board = panel.boards[0]
    board.text.value = "Wijkteam met vaste gezichten"
    board.source.value = board.source.options[1][1]
    board._on_add(None)
    assert "Opgeslagen" in board.status.value
    notes = lindeveen_copy.notes(board.board_id)
    added = notes[notes["text"] == "Wijkteam met vaste gezichten"].iloc[0]
    links = lindeveen_copy.note_fragments()
    assert board.source.options[1][1] in set(
        lindeveen_copy._frame("SELECT fragment FROM note_fragment WHERE note = ?", (added["id"],))[
            "fragment"
        ]
    )
    sources = [n["source"] for c in board.board.view["clusters"] for n in c["notes"]]
    assert len(links) > 0 and any(s.startswith("uit het interview met") for s in sources)


def test_theme_boards_static_without_shortlist(limburg_store):
    limburg_store.set_shortlist([])
    view = ThemeBoards(workbook(limburg_store))
    assert isinstance(view, StaticView)
    assert "themaflappen" in view._repr_html_()


@pytest.mark.parametrize(
    "kind, first, status, expected",
    [
        ("date", "2020-04-24", "open", "overdue"),
        ("week", "2020-04-20", "open", "soon"),  # week 17 runs until Sunday 26 April
        ("week", "2020-04-13", "in_progress", "overdue"),
        ("month", "2020-06-01", "open", "later"),
        ("date", "2020-05-05", "open", "soon"),
        ("", None, "open", "no_date"),
        ("date", "2020-04-01", "done", "done"),
    ],
)
def test_follow_up_states(kind, first, status, expected):
    import pandas as pd

    tasks = pd.DataFrame({"due_kind": [kind], "due_date": [first], "status": [status]})
    assert act.follow_up_states(tasks, dt.date(2020, 4, 25)).iloc[0] == expected


def test_follow_up_table_puts_overdue_first(limburg_store):
    table = act.follow_up_table(workbook(limburg_store), dt.date(2020, 4, 27))
    states = table["Stand"].tolist()
    assert states[:2] == ["Te laat", "Te laat"] and states[2] == "Binnenkort"
    assert len(table) == len(limburg_store.tasks())


def test_tasks_by_owner_lists_every_owner_and_hides_names(limburg_store):
    tasks = limburg_store.tasks()
    table = act.tasks_by_owner(workbook(limburg_store, pseudonymise=True))
    assert "Harry Coumans" not in table.to_string() and "Guido Derks" not in table.to_string()
    assert table["Taak"].nunique() == tasks["title"].nunique()  # every task has a row


def test_theme_priorities_count_board_and_cluster_by_eye():
    import pandas as pd

    from wwlib.analysis import theme_priorities

    boards = pd.DataFrame(
        {"board": ["b-a", "b-b"], "theme": ["a", "b"], "name": ["Thema A", "Thema B"]}
    )
    notes = pd.DataFrame(
        {
            "id": ["n1", "n2", "n3", "n4"],
            "board": ["b-a", "ideas", "ideas", "ideas"],
            "cluster": ["", "thema  b", "Thema A", "iets anders"],
        }
    )
    votes = pd.DataFrame(
        {
            "voter": ["p1", "p2", "p1", "p2", "p3"],
            "note": ["n1", "n1", "n2", "n3", "n4"],
            "dots": [2, 1, 4, 1, 5],
        }
    )
    table = theme_priorities(votes, notes, boards).set_index("theme")
    # a: n1 (2 + 1) and n3 by cluster (1) = 4 dots from p1, p2; b: n2 by cluster = 4 from p1
    assert table.loc["a", ["dots", "voters", "rank"]].tolist() == [4, 2, 1]
    assert table.loc["b", ["dots", "voters", "rank"]].tolist() == [4, 1, 1]


def test_prioritising_stores_the_themes_and_makes_their_plans(lindeveen_copy):
    from wwlib.ui import PrioritisePanel

    lindeveen_copy.ensure_theme_boards()
    panel = PrioritisePanel(workbook(lindeveen_copy, interactive=True))
    assert panel.themes.value == [
        "Wijkgericht werken",
        "Vitaliteit en werkdruk",
        "Informatie en communicatie",
        "Ruimte en leiderschap",
    ]
    panel.themes.value = []
    panel._on_take(None)  # the order of the dots: 28, 17, 15, 12 (samenwerken: none)
    assert list(lindeveen_copy.cohort().prioritised_themes) == [
        "wijkgericht-werken",
        "informatie-en-communicatie",
        "vitaliteit-en-werkdruk",
        "ruimte-en-leiderschap",
    ]
    panel.themes.value = [*panel.themes.value, "Samenwerken over grenzen"]
    plans = lindeveen_copy.plans()
    assert "samenwerken-over-grenzen" in set(plans["theme"])
    assert "Opgeslagen" in panel.status.value


def test_evidence_panel_opens_the_trail_of_the_chosen_task(lindeveen):
    from wwlib.ui import EvidencePanel

    wb = workbook(lindeveen, interactive=True, pseudonymise=True)
    tasks = lindeveen.tasks()
    plan = tasks["plan"].iloc[0]
    panel = EvidencePanel(wb, plan)
    assert [v for _, v in panel.task.options] == tasks.loc[tasks["plan"] == plan, "id"].tolist()
    panel.task.value = panel.task.options[-1][1]
    assert panel.trail.value.startswith("<details open")
    assert "Waarom deze taak?" in panel.trail.value
    for name in ("Ineke Verhoeven", "Ruud Kamphuis", "Bas Willemsen"):
        assert name not in panel.trail.value
    static = EvidencePanel(workbook(lindeveen), plan)._repr_html_()
    assert static.count("<details") == (tasks["plan"] == plan).sum()
