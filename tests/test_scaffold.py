"""A new cohort folder (wwlib/scaffold.py, `ww new`) and comment lines in CSV files (files.py)."""

from __future__ import annotations

import csv
import datetime as dt
import re
import warnings
from pathlib import Path

import pytest
from conftest import line_of, replace

from wwlib.app.cli import main
from wwlib.cohorts.home import init_cohort
from wwlib.core.errors import ScaffoldError, ValidationError, WorkbookError
from wwlib.core.labels import Labels
from wwlib.core.model import SLUG, BoardKind, Category, Phase
from wwlib.folder.dataset import check_dataset, load_dataset
from wwlib.folder.scaffold import PROGRAMME, ScaffoldWarning, new_cohort, open_items
from wwlib.store import Store

TITLE = "Wij-Werken Week Heideveld"
MONDAY = dt.date(2027, 3, 8)
EXAMPLE_ROW = re.compile(r"^# ([a-z0-9][a-z0-9-]*,.*)$")  # a commented example row of a CSV file


def make(root: Path, name: str = "heideveld-2027", lang: str = "nl", **options) -> Path:
    """A new cohort folder under `root`, with no warning expected."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", ScaffoldWarning)
        return new_cohort(
            root / name,
            options.pop("title", TITLE),
            options.pop("municipalities", ["Heideveld"]),
            options.pop("start", "2027-03-08"),
            lang=lang,
            **options,
        )


def tree(root: Path) -> dict[str, bytes]:
    """Every file under `root`, byte for byte, and every folder (as b'')."""
    return {
        str(p.relative_to(root)): (p.read_bytes() if p.is_file() else b"")
        for p in sorted(root.rglob("*"))
    }


def uncomment_examples(folder: Path, name: str) -> None:
    """Turn the commented example rows of a CSV file (as many values as its header) into rows."""
    path = folder / name
    lines = path.read_text("utf-8").splitlines()
    width = len(lines[0].split(","))

    def row(line: str) -> str:
        match = EXAMPLE_ROW.match(line)
        values = next(csv.reader([match[1]])) if match else []
        return match[1] if len(values) == width else line

    path.write_text("".join(row(line) + "\n" for line in lines), "utf-8")


# -- the new folder ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_new_folder_checks_clean_and_holds_the_week(tmp_path, lang):
    folder = make(tmp_path, lang=lang)

    assert check_dataset(folder) == []
    dataset = load_dataset(folder)
    cohort = dataset.cohort
    assert (cohort.id, cohort.title, cohort.municipalities) == (
        "heideveld-2027",
        TITLE,
        ("Heideveld",),
    )
    assert (cohort.start, cohort.end, cohort.language) == (MONDAY, dt.date(2027, 3, 12), lang)
    assert cohort.research_question == ""
    assert dataset.people == [] and dataset.codes == [] and dataset.interviews == []
    assert [b.kind for b in dataset.boards] == ["kickoff", "ideas", "integration"]

    days = {}
    for session in dataset.sessions:
        days.setdefault(session.date.weekday(), set()).add(session.phase)
        assert session.start < session.end
    assert days == {
        0: {Phase.LOOK},
        1: {Phase.LOOK},
        2: {Phase.LOOK},
        3: {Phase.THINK, Phase.ACT},
        4: {Phase.ACT},
    }


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_texts_come_from_the_catalogue_in_the_cohorts_language(tmp_path, lang):
    dataset = load_dataset(make(tmp_path, lang=lang))
    labels, other = Labels(lang), Labels("en" if lang == "nl" else "nl")
    activities = [s.activity for s in dataset.sessions]
    assert activities == [labels(f"scaffold.session.{s[1]}") for s in PROGRAMME]
    assert not set(activities) & {other(f"scaffold.session.{s[1]}") for s in PROGRAMME}
    assert [b.title for b in dataset.boards] == [
        labels(f"scaffold.board.{k}") for k in ("kickoff", "ideas", "integration")
    ]
    readme = (dataset.folder / "README.md").read_text("utf-8")
    assert readme.startswith(f"# {TITLE}\n")
    assert labels("scaffold.readme").split("\n")[-1] in readme
    assert other("scaffold.readme").split("\n")[-1] not in readme


def test_every_file_says_what_to_fill_in_and_the_checklist_names_the_commands(tmp_path):
    folder = make(tmp_path / "data")
    for name in ("cohort.yaml", "people.csv", "codebook.csv", "interviews.csv", "boards.csv"):
        assert "\n# " in (folder / name).read_text("utf-8"), name
    readme = (folder / "README.md").read_text("utf-8")
    for command in ("check", "init", "import transcripts", "save", "update", "run"):
        assert f"`ww {command} data/heideveld-2027" in readme, command
    assert "ww import transcripts" in (folder / "transcripts" / "README.md").read_text("utf-8")
    codebook = (folder / "codebook.csv").read_text("utf-8")
    for category in Category:
        assert f"# {category.value}: " in codebook


def test_files_are_utf8_with_newlines_and_the_same_every_time(tmp_path):
    towns = ["Heideveld", "Brammert", "Oosterzee"]
    first = tree(make(tmp_path / "a", municipalities=towns))
    second = tree(make(tmp_path / "b", municipalities=towns))
    assert first == second
    assert "in Heideveld, Brammert en Oosterzee, van 2027-03-08" in first["README.md"].decode()
    assert set(first) >= {"README.md", "cohort.yaml", "people.csv", "transcripts/README.md"}
    for name, content in first.items():
        assert b"\r" not in content and not content.startswith(b"\xef\xbb\xbf"), name
        content.decode("utf-8")


def test_the_examples_are_valid_rows_once_uncommented(tmp_path):
    folder = make(tmp_path)
    for name in ("people.csv", "codebook.csv", "interviews.csv", "boards.csv"):
        uncomment_examples(folder, name)

    assert check_dataset(folder) == []
    dataset = load_dataset(folder)
    assert [p.role for p in dataset.people] == ["participant", "facilitator"]
    assert [c.category for c in dataset.codes] == [c.value for c in Category]
    assert len(dataset.interviews) == 1
    (theme_board,) = [b for b in dataset.boards if b.kind == BoardKind.THEME]
    assert theme_board.theme in {c.id for c in dataset.codes}


def test_the_commented_interview_guide_is_valid_once_uncommented(tmp_path):
    folder = make(tmp_path)
    path = folder / "cohort.yaml"
    text = path.read_text("utf-8")
    start = text.index("# interview_guide:\n")
    end = text.index("#\n", start)
    path.write_text(text[:start] + text[start:end].replace("# ", "") + text[end:], "utf-8")

    guide = load_dataset(folder).cohort.interview_guide
    assert guide == tuple(Labels("nl")("scaffold.cohort.guide").splitlines())
    assert len(guide) >= 5


def test_titles_and_names_that_yaml_would_misread_are_kept(tmp_path):
    folder = make(
        tmp_path, title="Wij-Werken Week: Heideveld", municipalities=["'s-Hertogenbosch", "Ja"]
    )
    cohort = load_dataset(folder).cohort
    assert cohort.title == "Wij-Werken Week: Heideveld"
    assert cohort.municipalities == ("'s-Hertogenbosch", "Ja")


@pytest.mark.parametrize(
    "name, expected",
    [
        ("heideveld-2027", "heideveld-2027"),
        ("Heideveld 2027", "heideveld-2027"),
        ("Één_wijk", "een-wijk"),
    ],
)
def test_the_id_is_the_folder_name_as_a_slug(tmp_path, name, expected):
    cohort = load_dataset(make(tmp_path, name=name)).cohort
    assert cohort.id == expected and SLUG.match(cohort.id)


def test_id_overrides_the_folder_name(tmp_path):
    assert load_dataset(make(tmp_path, cohort_id="hv-27")).cohort.id == "hv-27"


def test_an_existing_empty_folder_is_used(tmp_path):
    (tmp_path / "heideveld-2027").mkdir()
    assert check_dataset(make(tmp_path)) == []


def test_a_start_that_is_not_a_monday_warns_but_writes(tmp_path):
    with pytest.warns(ScaffoldWarning, match="Wednesday, not a Monday"):
        folder = new_cohort(tmp_path / "hv", TITLE, ["Heideveld"], "2027-03-10")
    cohort = load_dataset(folder).cohort
    assert (cohort.start, cohort.end) == (dt.date(2027, 3, 10), dt.date(2027, 3, 14))
    assert check_dataset(folder) == []


# -- refusals: nothing written ------------------------------------------------------------


@pytest.mark.parametrize(
    "options, error, field",
    [
        ({"start": "8-3-2027"}, ValidationError, "start"),
        ({"start": "2027-02-30"}, ValidationError, "start"),
        ({"title": "   "}, ValidationError, "title"),
        ({"title": ""}, ValidationError, "title"),
        ({"municipalities": []}, ValidationError, "municipality"),
        ({"municipalities": ["Heideveld", " "]}, ValidationError, "municipality"),
        ({"cohort_id": "Heide Veld"}, ValidationError, "id"),
        ({"lang": "de"}, ValidationError, "lang"),
        ({"name": "___"}, ScaffoldError, None),
    ],
)
def test_a_wrong_value_is_refused_and_nothing_is_written(tmp_path, options, error, field):
    root = tmp_path / "root"
    root.mkdir()
    with pytest.raises(error) as caught:
        make(root, **options)
    assert getattr(caught.value, "field", None) == field
    assert list(root.iterdir()) == []


def test_a_folder_that_is_not_empty_is_refused_and_left_as_it_was(tmp_path):
    folder = tmp_path / "heideveld-2027"
    folder.mkdir()
    (folder / "people.csv").write_text("id,name\nmijn,werk\n", "utf-8")
    before = tree(tmp_path)
    with pytest.raises(ScaffoldError, match="not empty"):
        make(tmp_path)
    assert tree(tmp_path) == before


def test_a_file_in_the_way_is_refused(tmp_path):
    (tmp_path / "heideveld-2027").write_text("x", "utf-8")
    with pytest.raises(ScaffoldError, match="is a file"):
        make(tmp_path)


# -- ww new, ww check, ww init ------------------------------------------------------------


def test_ww_new_with_a_relative_folder_from_another_directory(tmp_path, monkeypatch, capsys):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    argv = ["new", "cohorts/heideveld", "--title", TITLE, "--start", "2027-03-08"]
    argv += ["--municipality", "Heideveld", "--municipality", "Brammert", "--lang", "en"]

    assert main(argv) == 0
    folder = elsewhere / "cohorts" / "heideveld"
    assert "people.csv" in capsys.readouterr().out
    cohort = load_dataset(folder).cohort
    assert (cohort.id, cohort.municipalities, cohort.language) == (
        "heideveld",
        ("Heideveld", "Brammert"),
        "en",
    )
    assert main(["check", "cohorts/heideveld"]) == 0
    out = capsys.readouterr().out
    assert "ok" in out and "people.csv has no people yet" in out


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--start", "8 maart"], "'start' must be an ISO date"),
        (["--start", "2027-03-08", "--title", ""], "'title' must be non-empty"),
    ],
)
def test_ww_new_refusals_are_one_message_without_traceback(tmp_path, capsys, extra, message):
    argv = ["new", str(tmp_path / "hv"), "--title", TITLE, "--municipality", "Heideveld", *extra]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("ww new: ") and message in err and "Traceback" not in err
    assert not (tmp_path / "hv").exists()


def test_ww_new_into_a_full_folder_says_so(tmp_path, capsys):
    make(tmp_path)
    argv = ["new", str(tmp_path / "heideveld-2027"), "--title", TITLE]
    argv += ["--municipality", "Heideveld", "--start", "2027-03-08"]
    assert main(argv) == 1
    assert "exists and is not empty" in capsys.readouterr().err


def test_ww_new_prints_the_warning_for_a_start_that_is_not_a_monday(tmp_path, capsys):
    argv = ["new", str(tmp_path / "hv"), "--title", TITLE, "--municipality", "Heideveld"]
    assert main([*argv, "--start", "2027-03-07"]) == 0
    assert "warning: start 2027-03-07 is a Sunday" in capsys.readouterr().err


def test_ww_init_of_a_new_folder_makes_a_store_without_people(tmp_path, ww_home, capsys):
    folder = make(tmp_path)
    assert main(["init", str(folder)]) == 0
    assert "people.csv has no people yet" in capsys.readouterr().out
    path = ww_home / "stores" / "heideveld-2027.sqlite"
    with Store(path) as store:
        assert store.people().empty
        assert len(store.sessions()) == len(PROGRAMME)
        assert list(store.boards()["kind"]) == ["kickoff", "ideas", "integration"]


def test_open_items_are_gone_once_people_and_question_are_there(tmp_path):
    folder = make(tmp_path)
    assert len(open_items(folder)) == 2
    uncomment_examples(folder, "people.csv")
    path = folder / "cohort.yaml"
    path.write_text(
        replace('research_question: ""', "research_question: Wat houden we vast?")(
            path.read_text("utf-8")
        ),
        "utf-8",
    )
    assert open_items(folder) == []
    assert init_cohort(folder).exists()


def test_open_items_of_a_bad_folder_raise_a_workbook_error(tmp_path):
    with pytest.raises(WorkbookError):
        open_items(tmp_path / "geen-cohort")


# -- comment lines in CSV files -----------------------------------------------------------

PEOPLE = "id,name,role,organisation,municipality,function,pseudonym,consent_named\n"


@pytest.mark.parametrize(
    "before, after, middle",
    [
        pytest.param("", "# uitleg\n#\n   # ingesprongen\n", "", id="after the header"),
        pytest.param("# uitleg vooraf\n\n", "", "", id="before the header"),
        pytest.param("", "", '# een "oneven, aanhalingsteken\n', id="odd quote in a comment"),
    ],
)
def test_comment_lines_are_skipped_and_counted_in_line_numbers(make_cohort, before, after, middle):
    def edit(text: str) -> str:
        header, rows = text.split("\n", 1)
        first, rest = rows.split("\n", 1)
        return f"{before}{header}\n{after}{first}\n{middle}{rest}x-bad,X,baas,,,,P9,,,\n"

    folder = make_cohort(**{"people.csv": edit})
    lines = (folder / "people.csv").read_text("utf-8").splitlines()

    (problem,) = check_dataset(folder)
    assert (problem.file, problem.field) == ("people.csv", "role")
    assert problem.line == len(lines) == line_of(folder / "people.csv", "x-bad")
    assert (
        len(
            load_dataset(
                make_cohort(**{"people.csv": lambda t: edit(t)[: -len("x-bad,X,baas,,,,P9,,,\n")]})
            ).people
        )
        == 4
    )


def test_a_missing_column_is_named_at_the_headers_line_after_comments(make_cohort):
    folder = make_cohort(
        **{"programme.csv": lambda t: "# het programma\n" + t.replace("phase,", "")}
    )
    problems = check_dataset(folder)
    assert [(p.file, p.line, p.field) for p in problems] == [("programme.csv", 2, "phase")]


def test_a_line_starting_with_hash_inside_a_quoted_value_is_text(make_cohort):
    folder = make_cohort(
        **{"notes.csv": replace("Korte lijnen houden", '"Korte lijnen\n# houden"')}
    )
    assert check_dataset(folder) == []
    (note,) = [n for n in load_dataset(folder).notes if n.id == "n-korte-lijnen"]
    assert note.text == "Korte lijnen\n# houden"


def test_a_file_of_only_comments_has_no_header(make_cohort):
    folder = make_cohort(**{"codebook.csv": "# nog niets\n"})
    (problem,) = check_dataset(folder)  # the codes it should hold are not reported missing
    assert problem.file == "codebook.csv" and "no header row" in problem.message


def test_a_people_csv_with_only_its_header_checks_but_references_to_people_do_not(make_cohort):
    folder = make_cohort(**{"people.csv": PEOPLE})
    problems = check_dataset(folder)
    assert problems and not [p for p in problems if p.file == "people.csv"]
    assert all("is not a person in people.csv" in p.message for p in problems)
