"""Reading cohort folders (wwlib/dataset.py, files.py, plans_file.py) and importing them."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

import pytest
import yaml
from conftest import DATA, append, line_of, replace

from wwlib.cohorts.home import init_cohort
from wwlib.core.errors import DatasetError, StoreError
from wwlib.core.model import Role, category_colour
from wwlib.folder.dataset import check_dataset, load_dataset
from wwlib.store import Store

BUNDLED = [DATA / name for name in ("limburg-2020", "lindeveen-2026") if (DATA / name).is_dir()]

CSV_FILES = {  # file -> Dataset attribute
    "people.csv": "people",
    "programme.csv": "sessions",
    "codebook.csv": "codes",
    "interviews.csv": "interviews",
    "codings.csv": "codings",
    "boards.csv": "boards",
    "notes.csv": "notes",
    "votes.csv": "votes",
}


# -- reading the files independently of wwlib, to derive what the loader must produce ------


def csv_rows(folder: Path, name: str) -> list[dict]:
    path = folder / name
    if not path.exists():
        return []
    text = path.read_bytes().decode("utf-8-sig")
    return [row for row in csv.DictReader(io.StringIO(text)) if any(row.values())]


def yaml_plans(folder: Path) -> list[dict]:
    path = folder / "plans.yaml"
    if not path.exists():
        return []
    return yaml.safe_load(path.read_text("utf-8")) or []


def expected_counts(folder: Path) -> dict[str, int]:
    counts = {attr: len(csv_rows(folder, name)) for name, attr in CSV_FILES.items()}
    counts["transcripts"] = sum(1 for r in csv_rows(folder, "interviews.csv") if r["transcript"])
    counts["plans"] = len(yaml_plans(folder))
    return counts


def expected_tasks(folder: Path) -> int:
    return sum(
        len(step.get("tasks") or [])
        for plan in yaml_plans(folder)
        for step in plan.get("steps") or []
    )


def store_counts(store: Store) -> dict[str, int]:
    frames = {
        "people": store.people(),
        "sessions": store.sessions(),
        "codes": store.codes(),
        "interviews": store.interviews(),
        "codings": store.codings(),
        "boards": store.boards(),
        "notes": store.notes(),
        "votes": store.votes(),
        "plans": store.plans(),
    }
    return {name: len(frame) for name, frame in frames.items()}


# -- the bundled cohorts ----------------------------------------------------------------------


def test_limburg_is_bundled():
    assert DATA / "limburg-2020" in BUNDLED


@pytest.mark.parametrize("folder", BUNDLED, ids=lambda p: p.name)
def test_bundled_cohort_checks_clean_and_loads(folder, tmp_path):
    assert check_dataset(folder) == []
    dataset = load_dataset(folder)
    counts = expected_counts(folder)

    assert dataset.cohort.id == yaml.safe_load((folder / "cohort.yaml").read_text("utf-8"))["id"]
    assert {attr: len(getattr(dataset, attr)) for attr in counts} == counts

    with Store(tmp_path / "bundled.sqlite", create=True) as store:
        store.load_dataset(dataset, source=str(folder))
        assert store_counts(store) == {k: v for k, v in counts.items() if k != "transcripts"}
        assert store.interviews()["transcript"].notna().sum() == counts["transcripts"]
        assert len(store.tasks()) == expected_tasks(folder)
        log = store.change_log()
        assert list(log["action"]) == ["import"]
        assert log["detail"][0]["people"] == counts["people"]


def test_limburg_store_fixture_holds_limburg(limburg_store, limburg_dir):
    people = csv_rows(limburg_dir, "people.csv")
    assert limburg_store.cohort().id == "limburg-2020"
    assert list(limburg_store.people()["id"]) == [p["id"] for p in people]


# -- the mini cohort ------------------------------------------------------------------------


def test_mini_cohort_loads_with_the_right_counts(make_cohort):
    folder = make_cohort()
    dataset = load_dataset(folder)
    people = csv_rows(folder, "people.csv")

    assert {attr: len(getattr(dataset, attr)) for attr in expected_counts(folder)} == (
        expected_counts(folder)
    )
    roles = [p.role for p in dataset.people]
    assert roles.count(Role.PARTICIPANT) == 3 and roles.count(Role.FACILITATOR) == 1
    assert [p.consent_named for p in dataset.people] == [p["consent_named"] == "ja" for p in people]
    # Empty colours take the category's colour; given ones are kept, in lower case.
    codebook = {row["id"]: row for row in csv_rows(folder, "codebook.csv")}
    for code in dataset.codes:
        given = codebook[code.id]["colour"]
        assert code.colour == (given.lower() if given else category_colour(code.category))


def test_transcripts_are_kept_exactly_as_written(make_cohort):
    folder = make_cohort()
    dataset = load_dataset(folder)
    for transcript in dataset.transcripts:
        assert transcript.text == (folder / transcript.source).read_bytes().decode("utf-8")
    assert any("📞" in t.text for t in dataset.transcripts)


def test_every_coded_fragment_is_its_quote(make_cohort):
    folder = make_cohort()
    dataset = load_dataset(folder)
    texts = {t.interview: t.text for t in dataset.transcripts}
    rows = csv_rows(folder, "codings.csv")

    assert len(dataset.codings) == len(rows)
    for coding, row in zip(dataset.codings, rows, strict=True):
        text = texts[row["interview"]]
        assert coding.code == row["code"]
        assert coding.fragment.quote(text) == row["quote"]
        nth = int(row["occurrence"] or 1)
        starts = [i for i in range(len(text)) if text.startswith(row["quote"], i)]
        assert coding.fragment.start == starts[nth - 1]


def test_stored_fragments_point_at_their_quotes(mini_store, make_cohort):
    rows = csv_rows(make_cohort(), "codings.csv")
    codings = mini_store.codings()
    stored = sorted(
        (c.interview, c.code, mini_store.transcript(c.interview)[c.start : c.end])
        for c in codings.itertuples()
    )
    assert stored == sorted((r["interview"], r["code"], r["quote"]) for r in rows)
    # Rows with the same interview and quote share one fragment.
    spans = {(r["interview"], r["quote"], r["occurrence"]) for r in rows}
    assert codings["fragment"].nunique() == len(spans)


def test_note_quotes_link_the_fragments_they_name(make_cohort):
    folder = make_cohort()
    dataset = load_dataset(folder)
    texts = {t.interview: t.text for t in dataset.transcripts}
    codings = csv_rows(folder, "codings.csv")
    for note, row in zip(dataset.notes, csv_rows(folder, "notes.csv"), strict=True):
        expected = []
        for ref in filter(None, row["quotes"].split(";")):
            interview, _, n = ref.partition(":")
            quote = [c for c in codings if c["interview"] == interview][int(n) - 1]["quote"]
            expected.append((interview, quote))
        assert [(f.interview, f.quote(texts[f.interview])) for f in note.fragments] == expected


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"people.csv": lambda t: "\ufeff" + t}, id="BOM in people.csv"),
        pytest.param(
            {"transcripts/anna-jansen.md": lambda t: t.replace("\n", "\r\n")},
            id="CRLF transcript",
        ),
        pytest.param({"notes.csv": lambda t: t + "\n\n"}, id="blank lines at the end"),
        pytest.param(
            {f: None for f in ("codings.csv", "notes.csv", "votes.csv", "plans.yaml")},
            id="optional files left out",
        ),
    ],
)
def test_tolerated_variations_load(make_cohort, overrides):
    folder = make_cohort(**overrides)
    assert check_dataset(folder) == []
    dataset = load_dataset(folder)
    assert [p.id for p in dataset.people] == [r["id"] for r in csv_rows(folder, "people.csv")]
    texts = {t.interview: t.text for t in dataset.transcripts}
    for coding, row in zip(dataset.codings, csv_rows(folder, "codings.csv"), strict=True):
        assert coding.fragment.quote(texts[row["interview"]]) == row["quote"]


# -- malformed folders: every problem named, nothing imported ------------------------------


class _Any:
    def __repr__(self) -> str:
        return "ANY"


ANY = _Any()  # for bugs: the fix decides the field, the test only needs file and line


def case(name, overrides, file, marker, field, message):
    """One malformed folder: the edit, then the problem's file, text on its line, field, message."""
    return pytest.param(overrides, file, marker, field, message, id=name)


TWO_LINE_NOTE = {  # a quoted value with a line break, then a bad row: line numbers still right
    "notes.csv": lambda t: t.replace("Korte lijnen houden", '"Korte lijnen\nhouden"').replace(
        "n-een-team,flap-kick-off", "n-een-team,flap-onbekend"
    )
}

# fmt: off
MALFORMED = [
    case("no people.csv", {"people.csv": None},
         "people.csv", None, None, "missing"),
    case("no cohort.yaml", {"cohort.yaml": None},
         "cohort.yaml", None, None, "missing"),
    case("empty file", {"codebook.csv": ""},
         "codebook.csv", None, None, "empty"),
    case("blank file", {"votes.csv": " \n\n"},
         "votes.csv", None, None, "empty"),
    case("programme.csv without rows", {"programme.csv": "id,date,start,end,phase,activity\n"},
         "programme.csv", None, None, "no rows"),
    case("people.csv in Latin-1", {"people.csv": lambda t: t.encode("latin-1")},
         "people.csv", "Chlo", None, "UTF-8"),
    case("duplicate person id",
         {"people.csv": append("anna-jansen,Anna Twee,participant,,,,P9,,,")},
         "people.csv", "Anna Twee", "id", "duplicate"),
    case("duplicate pseudonym", {"people.csv": append("dirk-dekker,Dirk,participant,,,,P02,,,")},
         "people.csv", "dirk-dekker", "pseudonym", "duplicate"),
    case("unknown role", {"people.csv": replace("Vries,participant", "Vries,deelnemer")},
         "people.csv", "deelnemer", "role", "one of"),
    case("consent not ja or nee", {"people.csv": replace(",F01,ja", ",F01,misschien")},
         "people.csv", "misschien", "consent_named", "ja or nee"),
    case("unknown cohort field", {"cohort.yaml": append("sponsor: A&O fonds")},
         "cohort.yaml", "sponsor", "sponsor", "unknown field"),
    case("week ends before start", {"cohort.yaml": replace("end: 2024-03-01", "end: 2024-02-25")},
         "cohort.yaml", "end: 2024-02-25", "end", "on or after start"),
    case("no such day in cohort.yaml", {"cohort.yaml": replace("26\n", "30\n")},
         "cohort.yaml", "start: 2024-02-30", ANY, None),
    case("bad programme date", {"programme.csv": replace("2024-02-29", "2024-02-30")},
         "programme.csv", "2024-02-30", "date", "ISO date"),
    case("date outside the week", {"programme.csv": replace("vr-actieplannen,2024-03-01",
                                                            "vr-actieplannen,2024-03-04")},
         "programme.csv", "2024-03-04", "date", "outside the week"),
    case("bad time", {"programme.csv": replace("13:00,17:00", "13:00,25:00")},
         "programme.csv", "25:00", "end", "HH:MM"),
    case("session ends before it starts", {"programme.csv": replace("13:00,17:00", "17:00,13:00")},
         "programme.csv", "17:00,13:00", "end", "after start"),
    case("missing column", {"programme.csv": replace("end,phase,", "end,")},
         "programme.csv", "id,date", "phase", "missing column"),
    case("misspelt column", {"programme.csv": replace("end,phase,", "end,fase,")},
         "programme.csv", "id,date", "fase", "unknown column"),
    case("too many values", {"programme.csv": replace("alle deelnemers", "alle deelnemers,extra")},
         "programme.csv", "extra", None, "7 values"),
    case("bad colour", {"codebook.csv": replace("#E0B000", "#E0B00")},
         "codebook.csv", "#E0B00", "colour", "#rrggbb"),
    case("parent cycle", {"codebook.csv": replace("werken,,,", "werken,,korte-lijnen,")},
         "codebook.csv", "samen-werken,theme", "parent", "cycle"),
    case("unknown parent", {"codebook.csv": replace(",,samen-werken,", ",,onbekend,")},
         "codebook.csv", "onbekend", "parent", "not a code"),
    case("facilitator interviewed", {"interviews.csv": replace("chloe-peeters,", "femke-bos,")},
         "interviews.csv", "femke-bos,femke-bos", "participant", "not a participant"),
    case("transcript file missing", {"transcripts/bram-de-vries.md": None},
         "interviews.csv", "bram-de-vries.md", "transcript", "does not exist"),
    case("empty transcript", {"transcripts/bram-de-vries.md": "\n\n"},
         "transcripts/bram-de-vries.md", None, None, "empty"),
    case("transcript outside folder", {"interviews.csv": replace("transcripts/bram", "../bram")},
         "interviews.csv", "../bram", "transcript", "outside"),
    case("unknown code", {"codings.csv": replace("vries,kleine-stappen", "vries,grote-stappen")},
         "codings.csv", "grote-stappen", "code", "not a code"),
    case("quote not in transcript", {"codings.csv": replace("Kleine stappen zetten", "Grote stap")},
         "codings.csv", "Grote stap", "quote", "not found"),
    case("quote not there 3 times", {"codings.csv": replace("werkwijze,2", "werkwijze,3")},
         "codings.csv", "werkwijze,3", "quote", "3 times"),
    case("occurrence 0", {"codings.csv": replace("werkwijze,2", "werkwijze,0")},
         "codings.csv", "werkwijze,0", "occurrence", None),
    case("same coding twice", {"codings.csv": append("bram-de-vries,kleine-stappen,femke-bos,"
                                                     "Kleine stappen zetten,,Nog eens")},
         "codings.csv", "Nog eens", ANY, None),
    case("board theme not a theme", {"boards.csv": replace(",samen-werken", ",oude-regels")},
         "boards.csv", "oude-regels", "theme", "not theme"),
    case("note on unknown board", {"notes.csv": replace("team,flap-kick-off", "team,flap-nee")},
         "notes.csv", "flap-nee", "board", "not a board"),
    case("line after a two-line value", TWO_LINE_NOTE,
         "notes.csv", "flap-onbekend", "board", "not a board"),
    case("note quote unknown", {"notes.csv": replace("anna-jansen:3", "anna-jansen:9")},
         "notes.csv", "anna-jansen:9", "quotes", "does not name a row"),
    case("vote by a facilitator", {"votes.csv": append("2,femke-bos,n-een-team,1")},
         "votes.csv", "femke-bos", "voter", "facilitator"),
    case("vote on unknown note", {"votes.csv": append("2,anna-jansen,n-onbekend,1")},
         "votes.csv", "n-onbekend", "note", "not a note"),
    case("vote of 0 dots", {"votes.csv": append("2,anna-jansen,n-een-team,0")},
         "votes.csv", "n-een-team,0", "dots", "from 1 to 100"),
    case("unknown owner", {"plans.yaml": replace("[anna-jansen, femke-bos]", "[anna-jansen, wie]")},
         "plans.yaml", "[anna-jansen, wie]", "owners", "not a person"),
    case("same owner twice", {"plans.yaml": replace("femke-bos]", "anna-jansen]")},
         "plans.yaml", "[anna-jansen, anna-jansen]", "owners", None),
    case("due week 60", {"plans.yaml": replace("due: week 10", "due: week 60")},
         "plans.yaml", "week 60", "due", "field 'due': must be"),
    case("due juni twintig", {"plans.yaml": replace("due: maart 2024", "due: juni twintig")},
         "plans.yaml", "juni twintig", "due", "field 'due': must be"),
    case("due on no such day", {"plans.yaml": replace("due: 2024-03-15", "due: 2024-02-30")},
         "plans.yaml", "2024-02-30", "due", None),
    case("unknown task status", {"plans.yaml": replace("status: done", "status: klaar")},
         "plans.yaml", "klaar", "status", "one of"),
    case("unknown task field", {"plans.yaml": replace("status: in_", "statsu: in_")},
         "plans.yaml", "statsu", "statsu", "unknown field"),
    case("theme plan without theme", {"plans.yaml": replace("  theme: samen-werken\n", "")},
         "plans.yaml", "- id: samen-werken", "theme", "field 'theme': must be"),
    case("invalid YAML", {"plans.yaml": replace("title: Samen werken", "title: Samen: werken")},
         "plans.yaml", "Samen: werken", None, "not valid YAML"),
]
# fmt: on


def _matches(problem, file, line, field, message) -> bool:
    return (
        problem.file == file
        and problem.line == line
        and (field is ANY or problem.field == field)
        and (message is None or message in str(problem))
    )


def snapshot(store_path: Path) -> tuple[dict, dict]:
    """Every file beside the store, byte for byte, and every row of every table."""
    con = sqlite3.connect(f"file:{store_path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        rows = {t: sorted(map(repr, con.execute(f'SELECT * FROM "{t}"'))) for t in tables}
    finally:
        con.close()
    files = {p.name: p.read_bytes() for p in sorted(store_path.parent.iterdir())}
    return files, rows


@pytest.fixture
def existing_store(tmp_path, make_cohort) -> Path:
    """A store made by `ww init` from the good mini cohort, with one change made since."""
    path = init_cohort(make_cohort(), tmp_path / "stores" / "mini-2024.sqlite")
    with Store(path, actor="facilitator") as store:
        store.add_note(store.boards()["id"][0], "Een geeltje van woensdag")
    return path


@pytest.mark.parametrize("overrides, file, marker, field, message", MALFORMED)
def test_malformed_folder_is_reported_and_imports_nothing(
    make_cohort, existing_store, overrides, file, marker, field, message
):
    folder = make_cohort(**overrides)
    line = None if marker is None else line_of(folder / file, marker)

    problems = check_dataset(folder)
    assert any(_matches(p, file, line, field, message) for p in problems), (
        f"no problem at {file}, line {line}, field {field!r} in:\n" + "\n".join(map(str, problems))
    )

    before = snapshot(existing_store)
    with pytest.raises(DatasetError) as caught:
        init_cohort(folder, existing_store, replace=True)
    assert caught.value.problems == problems
    assert "nothing was imported" in str(caught.value)
    assert snapshot(existing_store) == before


def test_malformed_table_is_large_enough():
    assert len(MALFORMED) >= 14


def test_three_problems_are_reported_at_once(make_cohort):
    folder = make_cohort(
        **{
            "programme.csv": replace("2024-02-29", "2024-02-30"),
            "votes.csv": append("2,femke-bos,n-een-team,1"),
            "plans.yaml": replace("due: week 10", "due: week 60"),
        }
    )
    expected = {
        ("programme.csv", line_of(folder / "programme.csv", "2024-02-30"), "date"),
        ("votes.csv", line_of(folder / "votes.csv", "femke-bos"), "voter"),
        ("plans.yaml", line_of(folder / "plans.yaml", "week 60"), "due"),
    }
    problems = check_dataset(folder)
    assert {(p.file, p.line, p.field) for p in problems} == expected
    assert len(problems) == 3

    with pytest.raises(DatasetError) as caught:
        load_dataset(folder)
    assert caught.value.problems == problems
    for problem in problems:
        assert str(problem) in str(caught.value)


def test_problem_names_file_line_and_field(make_cohort):
    twice = append("anna-jansen,Anna Tweede,participant,,,,P09,ja,nee,")
    folder = make_cohort(**{"people.csv": twice})
    (problem,) = check_dataset(folder)
    line = line_of(folder / "people.csv", "Anna Tweede")
    assert str(problem).startswith(f"people.csv, line {line}, field 'id': ")
    assert problem.fix  # says how to fix it


def test_a_missing_folder_is_one_problem(tmp_path):
    (problem,) = check_dataset(tmp_path / "geen-cohort")
    assert problem.file == str(tmp_path / "geen-cohort")
    assert "not a folder" in problem.message


def test_a_valid_folder_into_a_store_that_holds_a_cohort_changes_nothing(
    make_cohort, existing_store
):
    before = snapshot(existing_store)
    store = Store(existing_store)
    try:
        with pytest.raises(StoreError, match="already holds a cohort"):
            store.load_dataset(load_dataset(make_cohort()))
    finally:
        store.close()
    assert snapshot(existing_store)[1] == before[1]


# -- one problem does not hide another, nor floods the others -------------------------------


def test_problems_in_every_file_are_reported_at_once_and_once(make_cohort):
    folder = make_cohort(
        **{
            "people.csv": replace("pseudonym,", ""),  # no people can be read
            "cohort.yaml": append("sponsor: A&O fonds"),
            "programme.csv": lambda t: t.replace("2024-02-29", "2024-02-30").replace(
                "vr-actieplannen,2024-03-01", "vr-actieplannen,2024-03-04"
            ),
            "codebook.csv": replace("samen-werken,theme", "samen-werken,thema"),
            "boards.csv": replace("Kick-off,kickoff", "Kick-off,aftrap"),
            "plans.yaml": replace("due: week 10", "due: week 60"),
        }
    )
    expected = {
        ("people.csv", 1, "pseudonym"),
        ("cohort.yaml", line_of(folder / "cohort.yaml", "sponsor"), "sponsor"),
        ("programme.csv", line_of(folder / "programme.csv", "2024-02-30"), "date"),
        ("programme.csv", line_of(folder / "programme.csv", "2024-03-04"), "date"),
        ("codebook.csv", line_of(folder / "codebook.csv", "thema"), "category"),
        ("boards.csv", line_of(folder / "boards.csv", "aftrap"), "kind"),
        ("plans.yaml", line_of(folder / "plans.yaml", "week 60"), "due"),
    }
    problems = check_dataset(folder)
    # no "not a person", "not a code" or "not a board" for what the broken rows would define
    assert sorted((p.file, p.line, p.field) for p in problems) == sorted(expected)
    assert "outside the week" in str(problems)  # cohort.yaml's unknown field hides no date check


# A broken row, or a file that cannot be read: its problem is listed once, the rows that refer
# to what it defines are not reported as well. (edit, the file whose problems are expected)
def _latin1(text: str) -> bytes:
    return text.encode("cp1252", "replace")


BROKEN_ROWS = [  # (name, the one file with problems, its edit)
    ("person with a bad role", "people.csv", replace("Jansen,participant", "Jansen,baas")),
    ("person row too long", "people.csv", replace("Ooststad,gemeentesecretaris", "Ooststad,a,b")),
    ("code with a bad colour", "codebook.csv", replace("Samen werken,,", "Samen werken,groen,")),
    ("board of an unknown kind", "boards.csv", replace("Kick-off,kickoff", "Kick-off,aftrap")),
    ("note of an unknown category", "notes.csv", replace("success_factor,anna", "succes,anna")),
    ("interview with a bad status", "interviews.csv", replace("27,held", "27,ja")),
    ("transcript not UTF-8", "transcripts/bram-de-vries.md", _latin1),
    ("people.csv without a column", "people.csv", replace(",role,", ",")),
    ("codebook.csv not UTF-8", "codebook.csv", _latin1),
    (  # anna-jansen keeps two codings: the notes' anna-jansen:3 is then not checked
        "two codings whose rows notes count",
        "codings.csv",
        lambda t: t.replace("De oude regels", "Niet").replace("Dat scheelde", "Ook niet"),
    ),
]


@pytest.mark.parametrize(
    "file, edit", [(f, e) for _, f, e in BROKEN_ROWS], ids=[n for n, _, _ in BROKEN_ROWS]
)
def test_a_broken_row_is_reported_once_not_where_it_is_referred_to(make_cohort, file, edit):
    problems = check_dataset(make_cohort(**{file: edit}))
    assert problems and {p.file for p in problems} == {file}, "\n".join(map(str, problems))
    assert len(problems) <= 2


def test_an_empty_people_csv_is_readable_so_references_to_it_are_reported(make_cohort):
    folder = make_cohort(**{"people.csv": "id,name,role,pseudonym\n"})
    problems = check_dataset(folder)
    assert {p.file for p in problems} == {"interviews.csv", "notes.csv", "votes.csv", "plans.yaml"}
    assert all("is not a person in people.csv" in p.message for p in problems)


def test_a_cohort_that_cannot_be_made_still_has_its_week_checked(make_cohort):
    folder = make_cohort(
        **{
            "cohort.yaml": replace("title: Wij-Werken Week Ooststad", 'title: ""'),
            "programme.csv": replace("vr-actieplannen,2024-03-01", "vr-actieplannen,2024-03-04"),
        }
    )
    problems = check_dataset(folder)
    assert {(p.file, p.field) for p in problems} == {
        ("cohort.yaml", "title"),
        ("programme.csv", "date"),
    }
    assert "outside the week 2024-02-26..2024-03-01" in str(problems)
