"""wwlib.outputs.exports: the task list, the calendar and the handreikingen, read back."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import docx
import icalendar
import openpyxl
import pandas as pd
import pytest
from conftest import append, replace

from wwlib.core.errors import NotFound, ValidationError, WorkbookError
from wwlib.core.labels import Labels
from wwlib.core.pseudonym import Pseudonymiser
from wwlib.folder.dataset import load_dataset
from wwlib.outputs import exports, spreadsheet
from wwlib.present.workbook import Workbook
from wwlib.store import Store

COHORTS = ["limburg_store", "lindeveen"]
WHEN = dt.datetime(2026, 10, 16, 15, 30, tzinfo=dt.UTC)
NL_HEADERS = [
    "Plan", "Stap", "Stap (titel)", "Taak nr.", "Taak", "Eigenaar(s)", "Termijn (zoals genoteerd)",
    "Vanaf", "Uiterlijk", "Status", "Opmerking",
]  # fmt: skip


def workbook(store: Store, pseudonymise: bool = False, lang: str = "nl") -> Workbook:
    """A workbook as `open_workbook` makes it (names mentioned in the data hidden too)."""
    names = Pseudonymiser(store.people(), pseudonymise, store.cohort().mentioned_names)
    return Workbook(store, Labels(lang), names, lang, pseudonymise, interactive=False)


def names_in(text: str, store: Store) -> set[str]:
    """Every full name, first name or surname of the cohort's people (and the names it mentions)
    found as a whole word in `text`."""
    found = set()
    for name in [*store.people()["name"], *store.cohort().mentioned_names]:
        for part in {name, name.split()[0], name.split()[-1]}:
            if len(part) > 2 and re.search(rf"(?<!\w){re.escape(part)}(?!\w)", text):
                found.add(part)
    return found


def dated(store: Store) -> pd.DataFrame:
    tasks = store.tasks()
    return tasks[tasks["due_date"].notna()]


# -- task list (.xlsx) ----------------------------------------------------------------------


@pytest.mark.parametrize("cohort", COHORTS)
def test_task_list_reads_back_with_every_task_and_real_dates(request, tmp_path, cohort):
    store = request.getfixturevalue(cohort)
    path = exports.tasks_xlsx(workbook(store), tmp_path / "taken.xlsx")
    tasks = pd.read_excel(path, sheet_name="Taken")
    stored = store.tasks()
    assert list(tasks.columns) == NL_HEADERS
    assert len(tasks) == len(stored)
    assert list(tasks["Taak"]) == list(stored["title"])
    assert pd.api.types.is_datetime64_any_dtype(tasks["Vanaf"])
    assert pd.api.types.is_datetime64_any_dtype(tasks["Uiterlijk"])
    expected = [pd.Timestamp(d) if isinstance(d, str) else pd.NaT for d in stored["due_date"]]
    assert list(tasks["Vanaf"]) == expected
    assert (tasks["Uiterlijk"].dropna() >= tasks["Vanaf"].dropna()).all()


@pytest.mark.parametrize(
    ("task", "first", "last"),
    [
        ("Positief/niet-directief verwoorden van alle geeltjes", "2020-04-24", "2020-04-24"),
        ("Voorbereiding gesprek alle gemeentesecretarissen, met Guido Derks", "2020-04-27",
         "2020-05-03"),
        ("Bij elkaar komen om ervaringen te delen", "2020-06-01", "2020-06-30"),
    ],
)  # fmt: skip
def test_task_list_gives_the_first_and_last_day_of_a_week_or_month(
    limburg_store, tmp_path, task, first, last
):
    path = exports.tasks_xlsx(workbook(limburg_store), tmp_path / "taken.xlsx")
    row = pd.read_excel(path).set_index("Taak").loc[task]
    assert (row["Vanaf"], row["Uiterlijk"]) == (pd.Timestamp(first), pd.Timestamp(last))


def test_task_list_has_a_row_per_owner_and_task(limburg_store, tmp_path):
    path = exports.tasks_xlsx(workbook(limburg_store), tmp_path / "taken.xlsx")
    tasks, by_owner = pd.read_excel(path, sheet_name=["Taken", "Per eigenaar"]).values()
    assert "Marion Gerritsen, Harry Coumans" in set(tasks["Eigenaar(s)"])
    harry = by_owner[by_owner["Eigenaar"] == "Harry Coumans"]["Taak"]
    assert len(harry) == 4  # three of step 1 and the meeting of all participants in June
    assert "Bij elkaar komen om ervaringen te delen" in set(harry)
    assert set(by_owner["Eigenaar"]) >= {"lokaal/gemeentesecretaris", "(nog geen eigenaar)"}
    assert set(by_owner["Taak"]) == set(tasks["Taak"])  # no task lost, owned or not


def test_task_list_hides_who_did_not_consent_even_unpseudonymised(lindeveen, tmp_path):
    path = exports.tasks_xlsx(workbook(lindeveen), tmp_path / "taken.xlsx")
    owners = set(pd.read_excel(path, sheet_name="Per eigenaar")["Eigenaar"])
    assert {"P04", "Ineke Verhoeven"} <= owners
    assert "Joost van der Meulen" not in owners


@pytest.mark.parametrize("cohort", COHORTS)
def test_pseudonymised_task_list_names_no_one(request, tmp_path, cohort):
    store = request.getfixturevalue(cohort)
    named = exports.tasks_xlsx(workbook(store), tmp_path / "named.xlsx")
    path = exports.tasks_xlsx(workbook(store, pseudonymise=True), tmp_path / "taken.xlsx")
    assert names_in(_cells(named), store)  # the check can fail
    assert names_in(_cells(path), store) == set()


def _cells(path: Path) -> str:
    sheets = pd.read_excel(path, sheet_name=None, header=None)
    return "\n".join([*sheets, *(str(v) for s in sheets.values() for v in s.to_numpy().ravel())])


def test_task_list_in_english(lindeveen, tmp_path):
    path = exports.tasks_xlsx(workbook(lindeveen, lang="en"), tmp_path / "tasks.xlsx")
    sheets = pd.read_excel(path, sheet_name=None)
    assert list(sheets) == ["Tasks", "By owner"]
    tasks = sheets["Tasks"]
    assert {"Task", "Owner(s)", "Due (as written)", "From", "Until"} <= set(tasks.columns)
    assert {"in progress", "done", "cancelled"} <= set(tasks["Status"])


def test_task_list_is_laid_out_for_people(lindeveen, tmp_path):
    path = exports.tasks_xlsx(workbook(lindeveen), tmp_path / "taken.xlsx")
    for sheet in openpyxl.load_workbook(path):
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == sheet.dimensions
        assert all(cell.font.b for cell in sheet[1])
        headers = [cell.value for cell in sheet[1]]
        first_day = sheet.cell(row=2, column=headers.index("Vanaf") + 1)
        assert first_day.is_date and first_day.number_format == "dd-mm-yyyy"
        widths = [sheet.column_dimensions[c.column_letter].width for c in sheet[1]]
        assert all(8 <= w <= 60 for w in widths)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Taken", "Taken"),
        ("Een heel lange naam voor een werkblad in Excel", "Een heel lange naam voor een we"),
        ("Plan: 1/2 [x]?*\\", "Plan- 1-2 -x----"),
        ("'Per eigenaar'", "Per eigenaar"),
    ],
)
def test_sheet_names_are_ones_excel_accepts(name, expected):
    assert spreadsheet.sheet_name(name) == expected


# -- calendar (.ics) --------------------------------------------------------------------------


@pytest.mark.parametrize("cohort", COHORTS)
def test_calendar_parses_back_with_an_event_per_dated_task(request, tmp_path, cohort):
    store = request.getfixturevalue(cohort)
    path = exports.tasks_ics(workbook(store), tmp_path / "taken.ics", WHEN)
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    cohort_id = store.cohort().id
    assert (str(calendar["version"]), str(calendar["method"])) == ("2.0", "PUBLISH")
    assert str(calendar["x-wr-calname"]) == f"{store.cohort().title}: taken"
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    tasks = dated(store)
    assert set(events) == {f"{t}@{cohort_id}.wij-werken" for t in tasks["id"]}
    titles = store.plans().set_index("id")["title"]
    for task in tasks.itertuples():
        event = events[f"{task.id}@{cohort_id}.wij-werken"]
        day = dt.date.fromisoformat(task.due_date)
        assert event.decoded("dtstart") == day
        assert event.decoded("dtend") == day + dt.timedelta(days=1)
        assert event.decoded("dtstamp") == WHEN
        assert str(event["summary"]) == task.title
        assert [str(c) for c in event["categories"].cats] == [titles[task.plan]]


def test_calendar_counts_the_tasks_it_leaves_out(limburg_store, tmp_path):
    path = exports.tasks_ics(workbook(limburg_store), tmp_path / "taken.ics", WHEN)
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    assert len(calendar.walk("VEVENT")) == 4
    assert str(calendar["x-wr-caldesc"]).startswith("4 van de 13 taken met een termijn")


@pytest.mark.parametrize(
    ("lang", "uid", "day", "said"),
    [
        ("nl", "int-1c1", dt.date.fromisocalendar(2020, 18, 1),
         "Deadline: week 18 (27 april – 3 mei 2020); in de agenda op de eerste dag."),
        ("nl", "int-4b", dt.date(2020, 6, 1),
         "Deadline: juni 2020 (1 – 30 juni 2020); in de agenda op de eerste dag."),
        ("nl", "int-1a", dt.date(2020, 4, 24), "Deadline: 24 april 2020"),
        ("en", "int-1c1", dt.date(2020, 4, 27),
         "Due: week 18 (27 April – 3 May 2020); shown in the calendar on the first day."),
    ],
)  # fmt: skip
def test_a_week_or_month_stands_on_its_first_day_and_says_so(
    limburg_store, tmp_path, lang, uid, day, said
):
    path = exports.tasks_ics(workbook(limburg_store, lang=lang), tmp_path / "t.ics", WHEN)
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    event = next(e for e in calendar.walk("VEVENT") if str(e["uid"]).startswith(f"{uid}@"))
    assert event.decoded("dtstart") == day
    lines = str(event["description"]).split("\n")
    assert said in lines
    on_first_day = any("eerste dag" in line or "first day" in line for line in lines)
    assert on_first_day == (uid != "int-1a")


def test_calendar_description_says_plan_step_owners_and_status(limburg_store, tmp_path):
    path = exports.tasks_ics(workbook(limburg_store), tmp_path / "t.ics", WHEN)
    event = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")[1]
    assert str(event["description"]).split("\n")[:4] == [
        "Plan: Integratie",
        "Stap 1: Eerste terugkoppeling eigen gemeente, eerste terugkoppeling alle secretarissen",
        "Eigenaar(s): Rob van de Beek, Evert Jan van Hasselt",
        "Status: open",
    ]


def test_calendar_is_byte_identical_for_the_same_moment_and_uses_crlf(lindeveen, tmp_path):
    wb = workbook(lindeveen)
    first = exports.tasks_ics(wb, tmp_path / "a.ics", WHEN).read_bytes()
    again = exports.tasks_ics(wb, tmp_path / "b.ics", WHEN).read_bytes()
    later = exports.tasks_ics(wb, tmp_path / "c.ics", WHEN + dt.timedelta(hours=1)).read_bytes()
    assert first == again
    assert first != later
    assert first.count(b"\n") == first.count(b"\r\n") > 0
    assert max(len(line) for line in first.split(b"\r\n")) <= 75  # folded for Outlook


@pytest.mark.parametrize("cohort", COHORTS)
def test_pseudonymised_calendar_names_no_one(request, tmp_path, cohort):
    store = request.getfixturevalue(cohort)
    named = exports.tasks_ics(workbook(store), tmp_path / "named.ics", WHEN)
    path = exports.tasks_ics(workbook(store, pseudonymise=True), tmp_path / "t.ics", WHEN)

    def unfolded(p: Path) -> str:
        return p.read_bytes().decode("utf-8").replace("\r\n ", "")

    assert names_in(unfolded(named), store)
    assert names_in(unfolded(path), store) == set()


# -- handreikingen (.docx) ---------------------------------------------------------------------


@pytest.mark.parametrize("cohort", COHORTS)
def test_one_handreiking_per_theme_plan_with_headings(request, tmp_path, cohort):
    store = request.getfixturevalue(cohort)
    paths = exports.handreikingen(workbook(store), tmp_path / "out")
    plans = store.plans().query("kind == 'theme'")
    assert [p.name for p in paths] == [f"handreiking-{p}.docx" for p in plans["id"]]
    for path, plan in zip(paths, plans.itertuples(), strict=True):
        document = docx.Document(path)
        headings = [(p.style.name, p.text) for p in document.paragraphs if _heading(p)]
        assert headings[0] == ("Title", f"Handreiking: {plan.title}")
        assert [t for s, t in headings if s == "Heading 1"] == [
            "Waarom dit thema ertoe doet", "Gewenste situatie", "Huidige situatie",
            "Stappen en taken", "Belemmeringen en hoe ermee om te gaan", "Wat helpt",
            "Zo past u dit aan",
        ]  # fmt: skip
        steps = store.steps().query("plan == @plan.id")
        assert [t for s, t in headings if s == "Heading 2"] == [
            f"Stap {s.number}. {s.title}" for s in steps.itertuples()
        ]
        assert document.core_properties.title == f"Handreiking: {plan.title}"


def _heading(paragraph) -> bool:
    return paragraph.style.name == "Title" or paragraph.style.name.startswith("Heading")


def _text(path: Path) -> str:
    document = docx.Document(path)
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    properties = document.core_properties
    meta = [properties.title, properties.author, properties.last_modified_by]
    return "\n".join([p.text for p in document.paragraphs] + cells + meta)


def test_handreiking_without_steps_says_they_were_not_recorded(limburg_store, tmp_path):
    path = exports.handreiking_docx(workbook(limburg_store), "samenleving", tmp_path / "h.docx")
    text = _text(path)
    assert "De stappen en taken van dit thema zijn in de bron niet vastgelegd." in text
    assert "[Niet vastgelegd in de bron: vul dit zelf in.]" in text
    assert docx.Document(path).tables == []


def test_handreiking_gives_owners_as_roles_and_leaves_out_cancelled_tasks(lindeveen, tmp_path):
    path = exports.handreiking_docx(
        workbook(lindeveen), "ruimte-en-leiderschap", tmp_path / "h.docx"
    )
    tables = docx.Document(path).tables
    rows = [[c.text for c in row.cells] for t in tables for row in t.rows]
    assert ["Taak", "Wie (rol)", "Oorspronkelijke termijn"] in rows
    assert [
        "Mandaatregeling opstellen voor wijkcoördinatoren en ploegleiders",
        "gemeentesecretaris en algemeen directeur",
        "december 2026",
    ] in rows
    # Gerda Smeets did not consent to be named: her function would name her, so a placeholder
    placeholder = Labels("nl")("export.docx.owner_placeholder")
    assert ["Het ontwerp van Koers 2027 toetsen aan de lessen van de wateroverlast",
            f"gemeentesecretaris en algemeen directeur; {placeholder}",
            "20 november 2026"] in rows  # fmt: skip
    assert "voorzitter ondernemingsraad" not in "\n".join(c for row in rows for c in row)
    assert "Aparte werkgroep mandaat opstarten" not in _text(path)  # cancelled
    cells = "\n".join(c for row in rows for c in row)
    assert names_in(cells, lindeveen) == set()


def test_handreiking_quotes_short_fragments_of_the_theme(lindeveen, tmp_path):
    wb = workbook(lindeveen)
    path = exports.handreiking_docx(wb, "wijkgericht-werken", tmp_path / "h.docx")
    quotes = [p.text for p in docx.Document(path).paragraphs if p.style.name == "Quote"]
    transcripts = " ".join(
        " ".join(lindeveen.transcript(i).split()) for i in lindeveen.interviews()["participant"]
    )
    assert 1 <= len(quotes) <= 3
    for quote in quotes:
        assert quote.strip("“”") in transcripts
        assert len(quote) <= 282


def test_pseudonymised_handreiking_hides_names_in_quotes_and_plan_text(make_cohort, tmp_path):
    folder = make_cohort(
        **{
            "codings.csv": append("bram-de-vries,samen-werken,femke-bos,Zoals Chloë zegt,,"),
            "plans.yaml": replace("Eén werkwijze", "Met Anna Jansen één werkwijze"),
            # everyone consented to be quoted (without it, no quote of theirs is in a handreiking)
            "people.csv": lambda t: t.replace(
                "consent_date\n", "consent_date,consent_quotes\n"
            ).replace(",2024-02-26\n", ",2024-02-26,ja\n"),
        }
    )
    with Store(tmp_path / "mini.sqlite", create=True) as store:
        store.load_dataset(load_dataset(folder), source=str(folder))
        named = exports.handreiking_docx(workbook(store), "samen-werken", tmp_path / "a.docx")
        hidden = exports.handreiking_docx(
            workbook(store, pseudonymise=True), "samen-werken", tmp_path / "b.docx"
        )
        assert names_in(_text(named), store) >= {"Anna Jansen", "Chloë"}
        assert names_in(_text(hidden), store) == set()
        assert "“Zoals P03 zegt”" in _text(hidden)


@pytest.mark.parametrize("cohort", COHORTS)
def test_pseudonymised_handreikingen_name_no_one(request, tmp_path, cohort):
    store = request.getfixturevalue(cohort)
    paths = exports.handreikingen(workbook(store, pseudonymise=True), tmp_path)
    assert paths
    for path in paths:
        assert names_in(_text(path), store) == set(), path.name


def test_handreiking_in_english(lindeveen, tmp_path):
    paths = exports.handreikingen(workbook(lindeveen, lang="en"), tmp_path)
    assert paths[0].name == "guide-wijkgericht-werken.docx"
    text = _text(paths[0])
    assert "Why this theme matters" in text and "How to adapt this" in text


def test_handreiking_of_an_unknown_plan_names_the_known_ones(lindeveen, tmp_path):
    with pytest.raises(NotFound, match="'geen-plan'.*wijkgericht-werken"):
        exports.handreiking_docx(workbook(lindeveen), "geen-plan", tmp_path / "h.docx")


# -- output paths and the folder-level functions -------------------------------------------------


@pytest.mark.parametrize(
    ("write", "name", "suffix"),
    [
        (lambda wb, p: exports.tasks_xlsx(wb, p), "taken.csv", ".xlsx"),
        (lambda wb, p: exports.tasks_ics(wb, p), "taken.txt", ".ics"),
        (lambda wb, p: exports.handreiking_docx(wb, "integratie", p), "h.pdf", ".docx"),
    ],
)
def test_a_wrong_file_name_is_refused_with_a_fix(limburg_store, tmp_path, write, name, suffix):
    with pytest.raises(ValidationError, match=rf"'out' must be a file name ending in \{suffix}"):
        write(workbook(limburg_store), tmp_path / name)
    assert not [p for p in tmp_path.iterdir() if p.suffix in (".xlsx", ".ics", ".docx", ".tmp")]


def test_a_file_that_cannot_be_written_is_named(limburg_store, tmp_path):
    (tmp_path / "bestand").write_text("")
    with pytest.raises(WorkbookError, match="bestand.*cannot be written"):
        exports.tasks_xlsx(workbook(limburg_store), tmp_path / "bestand" / "taken.xlsx")


def test_handreikingen_need_a_folder(limburg_store, tmp_path):
    (tmp_path / "bestand").write_text("")
    with pytest.raises(ValidationError, match="'out_dir' must be a folder"):
        exports.handreikingen(workbook(limburg_store), tmp_path / "bestand")


def test_folder_exports_open_the_cohort_and_write_every_file(limburg_dir, tmp_path):
    store = tmp_path / "limburg.sqlite"
    xlsx = exports.export_tasks(limburg_dir, tmp_path / "t.xlsx", store=store, lang="en")
    ics = exports.export_ics(limburg_dir, tmp_path / "t.ics", store=store, generated=WHEN)
    docs = exports.export_handreikingen(limburg_dir, tmp_path / "h", store=store, pseudonymise=True)
    assert len(pd.read_excel(xlsx, sheet_name="Tasks")) == 13
    assert b"UID:int-1c1@limburg-2020.wij-werken\r\n" in ics.read_bytes()
    assert len(docs) == 5 and all(p.stat().st_size > 0 for p in docs)


def test_folder_export_hides_mentioned_names_when_pseudonymised(limburg_dir, tmp_path):
    path = exports.export_ics(
        limburg_dir, tmp_path / "t.ics", store=tmp_path / "s.sqlite", pseudonymise=True
    )
    text = path.read_bytes().decode("utf-8").replace("\r\n ", "")
    assert "gemeentesecretarissen\\, met NN" in text
    assert "Guido" not in text


def test_folder_export_refuses_an_unknown_language_before_making_a_store(limburg_dir, tmp_path):
    with pytest.raises(ValidationError, match="'lang' must be nl or en"):
        exports.export_tasks(
            limburg_dir, tmp_path / "t.xlsx", store=tmp_path / "s.sqlite", lang="fr"
        )
    assert list(tmp_path.iterdir()) == []


def test_repeated_sheet_names_stay_unique():
    taken: set[str] = set()
    names = [
        spreadsheet.sheet_name("Samenhang binnen fragmenten per code", taken) for _ in range(3)
    ]
    assert len(set(names)) == 3 and all(len(n) <= 31 for n in names)
