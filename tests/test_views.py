"""wwlib.present.views: labelled tables, names shown as the pseudonymiser decides, empty states."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from wwlib.core.labels import Labels, catalogue
from wwlib.core.pseudonym import Pseudonymiser
from wwlib.present import display, views
from wwlib.present.workbook import Workbook
from wwlib.store import Store

DATA = Path(__file__).resolve().parents[1] / "data"
TABLES = [
    views.people_table,
    views.programme_table,
    views.interview_status,
    views.frequency_table,
    views.who_said_what_table,
    views.vote_table,
    views.tasks_table,
]


def workbook(store: Store, pseudonymise: bool = False, lang: str = "nl") -> Workbook:
    return Workbook(store, Labels(lang), Pseudonymiser(store.people(), pseudonymise), lang,
                    pseudonymise)  # fmt: skip


def every_table(wb: Workbook) -> list[pd.DataFrame]:
    """Every view of a cohort, including each transcript, board and plan."""
    store = wb.store
    tables = [make(wb) for make in TABLES]
    tables += [views.transcript_with_codings(wb, p) for p in store.interviews()["participant"]]
    tables += [views.board_notes(wb, b) for b in store.boards()["id"]]
    tables += [views.plan_overview(wb, p) for p in store.plans()["id"]]
    return tables


def names_in(tables: list[pd.DataFrame], people: pd.DataFrame) -> set[str]:
    """Every full name, first name or surname of `people` found in any cell or header."""
    found = set()
    for table in tables:
        text = "\n".join(
            [str(c) for c in table.columns.to_flat_index()]
            + [str(i) for i in table.index]
            + [str(v) for v in table.to_numpy().ravel()]
        )
        for name in people["name"]:
            parts = [name, name.split()[0], name.split()[-1]]
            for part in parts:
                if len(part) > 2 and re.search(rf"(?<!\w){re.escape(part)}(?!\w)", text):
                    found.add(part)
    return found


# -- no names when pseudonymised --------------------------------------------------------------


@pytest.mark.parametrize("cohort", ["mini_store", "limburg_store", "lindeveen"])
def test_no_name_in_any_cell_when_pseudonymised(cohort, request):
    store = request.getfixturevalue(cohort)
    wb = workbook(store, pseudonymise=True)
    assert names_in(every_table(wb), store.people()) == set()


def test_names_show_without_pseudonymising_but_not_without_consent(mini_store):
    people = views.people_table(workbook(mini_store))
    assert people["Naam"].tolist() == ["Anna Jansen", "P02", "Chloë Peeters", "Femke Bos"]


def test_the_check_itself_finds_names(mini_store):
    assert names_in(every_table(workbook(mini_store)), mini_store.people()) >= {"Anna Jansen"}


# -- each table -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lang, columns",
    [
        ("nl", ["Naam", "Rol", "Organisatie", "Gemeente", "Functie"]),
        ("en", ["Name", "Role", "Organisation", "Municipality", "Function"]),
    ],
)
def test_people_table_headers_follow_the_language(mini_store, lang, columns):
    table = views.people_table(workbook(mini_store, lang=lang))
    assert table.columns.tolist() == columns
    assert table.iloc[3, 1] == {"nl": "facilitator", "en": "facilitator"}[lang]
    assert table.iloc[0, 1] == {"nl": "deelnemer", "en": "participant"}[lang]


def test_programme_table(mini_store):
    table = views.programme_table(workbook(mini_store))
    assert table.iloc[0].tolist() == ["maandag 26 februari", "09:00–10:30", "Look", "Kick-off"]
    assert table.iloc[1]["Tijd"] == ""
    assert table["Fase"].tolist() == ["Look", "Look", "Think", "Act"]


def test_interview_status_lists_every_participant(mini_store):
    table = views.interview_status(workbook(mini_store))
    assert table["Deelnemer"].tolist() == ["Anna Jansen", "P02", "Chloë Peeters"]
    assert table["Status"].tolist() == ["gecodeerd", "gehouden", "gepland"]
    assert table["Transcript"].tolist() == ["ja", "ja", "nee"]
    assert table["Datum"].iloc[0] == "27 februari 2024"


def test_interview_status_without_interviews(limburg_store):
    table = views.interview_status(workbook(limburg_store))
    assert len(table) == 9
    assert set(table["Status"]) == {"geen interview"}
    assert set(table["Coderingen"]) == {0}


def test_transcript_with_codings(mini_store):
    table = views.transcript_with_codings(workbook(mini_store), "anna-jansen")
    assert table.columns.tolist() == ["Nr.", "Spreker", "Tekst", "Codes"]
    # the file's labels "Femke" and "Anna" are mapped: the people are shown, not the labels
    assert table["Spreker"].tolist() == ["Femke Bos", "Anna Jansen", "Femke Bos", "Anna Jansen"]
    assert table["Codes"].tolist() == [
        "",
        "Korte lijnen (succesfactor); Samen werken (thema)",
        "",
        "Oude regels (belemmering)",
    ]
    assert table["Tekst"].iloc[2] == "En wat zit in de weg?"


def test_transcript_speakers_and_text_are_pseudonymised(mini_store):
    table = views.transcript_with_codings(workbook(mini_store, True), "bram-de-vries")
    assert table["Spreker"].tolist() == ["F01", "P02", "P02"]
    assert "Zoals P03 zegt" in table["Tekst"].iloc[2]


@pytest.mark.parametrize("interview", ["chloe-peeters", "nobody"])
def test_transcript_of_an_interview_without_text_is_an_empty_table(mini_store, interview):
    table = views.transcript_with_codings(workbook(mini_store), interview)
    assert table.empty and table.columns.tolist() == ["Nr.", "Spreker", "Tekst", "Codes"]


def test_frequency_table(mini_store):
    table = views.frequency_table(workbook(mini_store))
    assert table.iloc[0].tolist() == ["succesfactor", "Korte lijnen", 2, 1, 1]


def test_who_said_what_matrix_uses_names_and_code_names(mini_store):
    matrix = views.who_said_what_matrix(workbook(mini_store, True))
    assert matrix.index.tolist() == ["P01", "P02", "P03"]
    assert matrix.loc["P01", ("success_factor", "Korte lijnen")] == 2
    table = views.who_said_what_table(workbook(mini_store, True))
    assert table.loc["P02", ("idee of behoefte", "Eén werkwijze")] == 1


def test_board_notes(mini_store):
    table = views.board_notes(workbook(mini_store), "flap-samen-werken")
    assert table.columns.tolist() == ["Tekst", "Soort", "Cluster", "Auteur", "Stippen"]
    assert table["Auteur"].tolist() == ["Anna Jansen", "anoniem"]
    assert table["Stippen"].tolist() == [5, 1]
    assert table["Soort"].tolist() == ["succesfactor", "belemmering"]


def test_board_notes_keep_markup_as_text(mini_store):
    mini_store.add_note("flap-kick-off", "<b>vet</b> & meer")
    table = views.board_notes(workbook(mini_store), "flap-kick-off")
    assert table["Tekst"].iloc[-1] == "<b>vet</b> & meer"  # escaping is display's job


def test_board_without_notes_is_an_empty_table(limburg_store):
    table = views.board_notes(workbook(limburg_store), "flap-kick-off")
    assert table.empty and "Tekst" in table.columns


def test_vote_table(mini_store):
    table = views.vote_table(workbook(mini_store))
    assert table["Geeltje"].tolist() == [
        "Korte lijnen houden",
        "Oude regels schrappen, één voor één",
    ]
    assert table["Stippen"].tolist() == [5, 1]
    assert table["Rang"].tolist() == [1, 2]
    assert table["Flap"].iloc[0] == "Samen werken vasthouden"


def test_plan_overview_has_every_step_and_task(mini_store):
    table = views.plan_overview(workbook(mini_store), "samen-werken")
    assert table["Stap"].tolist() == [
        "1. Korte lijnen vastleggen",
        "1. Korte lijnen vastleggen",
        "2. Terugkijken",
    ]
    assert table["Taak"].tolist() == ["Belrooster maken", "Regels doorlichten", ""]
    assert table["Eigenaar(s)"].tolist() == ["Anna Jansen, Femke Bos", "alle deelnemers", ""]
    assert table["Wanneer"].tolist() == ["week 10", "maart 2024", ""]
    assert table["Status"].tolist() == ["bezig", "open", ""]


def test_plan_overview_of_limburg_integration(limburg_store):
    table = views.plan_overview(workbook(limburg_store, lang="en"), "integratie")
    assert len(table) == 14  # 13 tasks and step 3 without tasks
    assert table["Owner(s)"].iloc[5] == "lokaal/gemeentesecretaris"
    assert table["Owner(s)"].iloc[-1] == "all participants"
    assert table["Step"].iloc[11].startswith("3. Acties laten uitwerken")


def test_plan_without_steps_is_an_empty_table(limburg_store):
    assert views.plan_overview(workbook(limburg_store), "samenleving").empty


def test_tasks_table(mini_store):
    table = views.tasks_table(workbook(mini_store))
    assert len(table) == len(mini_store.tasks())
    assert table["Vanaf"].tolist() == [
        "week 10 (vanaf maandag 4 maart)",
        "maart 2024 (vanaf de 1e)",
        "15 maart 2024",
        "15 maart 2024",
    ]
    assert table["Eigenaar(s)"].tolist()[2:] == ["elke gemeente", "P02"]
    assert table["Status"].tolist() == ["bezig", "open", "open", "klaar"]


@pytest.mark.parametrize(
    "value, weekday, year, lang, expected",
    [
        ("2020-04-20", True, True, "nl", "maandag 20 april 2020"),
        ("2020-04-20", False, False, "nl", "20 april"),
        ("2024-03-01", True, False, "en", "Friday 1 March"),
        ("", True, True, "nl", ""),
        (None, True, True, "nl", ""),
    ],
)
def test_long_date(value, weekday, year, lang, expected):
    assert views.long_date(value, Labels(lang), weekday=weekday, year=year) == expected


@pytest.mark.parametrize(
    "kind, first_day, expected",
    [
        ("week", "2020-04-27", "week 18 (vanaf maandag 27 april)"),
        ("month", "2020-06-01", "juni 2020 (vanaf de 1e)"),
        ("date", "2020-04-24", "24 april 2020"),
        ("", None, ""),
    ],
)
def test_due_words(kind, first_day, expected):
    assert views.due_words(kind, first_day, Labels("nl")) == expected


# -- wwlib.present.display: how the views are shown in a notebook ---------------------------


def test_table_escapes_cells_and_headers():
    frame = pd.DataFrame({"<th>": ["<script>alert(1)</script>", "a & b"]})
    shown = display.table(frame).data
    assert "<script>alert(1)" not in shown
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    assert "a &amp; b" in shown and "&lt;th&gt;" in shown
    assert re.search(r'<table[^>]*class="[^"]*\bww-table\b', shown)


def test_table_of_an_empty_frame_says_so():
    shown = display.table(pd.DataFrame(columns=["Tekst"]), empty="Geen <geeltjes>").data
    assert "Geen &lt;geeltjes&gt;" in shown and "<table" not in shown


def test_table_keeps_a_named_index(mini_store):
    shown = display.table(views.who_said_what_table(workbook(mini_store, True))).data
    assert "P01" in shown and "Korte lijnen" in shown


@pytest.mark.parametrize("lang, heading", [("nl", "## Wie zei wat"), ("en", "## Who said what")])
def test_section_shows_heading_and_narrative(mini_store, lang, heading):
    shown = display.heading(workbook(mini_store, lang=lang), "who_said_what").data
    assert shown.startswith(heading + "\n\n")
    assert len(shown) > len(heading) + 20


SECTIONS = sorted({k.split(".")[1] for k in catalogue() if k.startswith("section.")})


@pytest.mark.parametrize("key", SECTIONS)
def test_every_section_has_title_and_text_in_both_languages(key):
    for part in ("title", "text"):
        texts = catalogue()[f"section.{key}.{part}"]
        assert texts["nl"].strip() and texts["en"].strip()


def test_unknown_section_names_the_key(mini_store):
    with pytest.raises(KeyError, match="section.nope.title"):
        display.heading(workbook(mini_store), "nope")


def test_interview_status_in_english(mini_store):
    table = views.interview_status(workbook(mini_store, lang="en"))
    assert table["Transcript"].tolist() == ["yes", "yes", "no"]  # YAML would read `no` as False
    assert table["Status"].tolist() == ["coded", "held", "planned"]


OWN_LABELS = sorted(
    k for k in catalogue() if k.split(".")[0] in {"fig", "view", "report", "section"}
)


@pytest.mark.parametrize("key", OWN_LABELS)
def test_labels_are_text_in_both_languages(key):
    texts = catalogue()[key]
    for lang in ("nl", "en"):  # one text, or its plural forms (one, other, maybe zero)
        forms = texts[lang] if isinstance(texts[lang], dict) else {"text": texts[lang]}
        assert all(isinstance(t, str) and t.strip() for t in forms.values())


def test_a_hidden_person_shows_no_function_either(lindeveen):
    from wwlib.core.labels import Labels
    from wwlib.core.pseudonym import Pseudonymiser
    from wwlib.present.workbook import Workbook

    names = Pseudonymiser(lindeveen.people(), False, lindeveen.cohort().mentioned_names)
    wb = Workbook(lindeveen, Labels("nl"), names, "nl", False, interactive=False)
    table = views.people_table(wb).set_index("Naam")
    assert (
        table.loc["P04", "Functie"] == ""
    )  # Joost did not consent: "wijkcoördinator ..." names him
    assert table.loc["Ruud Kamphuis", "Functie"].startswith("teamleider buitendienst")
