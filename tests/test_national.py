"""`ww export parquet` and `ww national` (wwlib/outputs/parquet.py, wwlib/outputs/national.py).

The bundled cohorts and a copy of Lindeveen under another id and municipality are loaded as
`ww init` loads them, exported once per module, and read by DuckDB into the national report.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from wwlib import analysis
from wwlib.app.cli import main
from wwlib.cohorts.home import init_cohort
from wwlib.core.errors import FileError, WorkbookError
from wwlib.folder.dataset import load_dataset
from wwlib.outputs import parquet
from wwlib.outputs.national import national_report
from wwlib.store import Store

DATA = Path(__file__).resolve().parents[1] / "data"
AS_OF = dt.date(2026, 12, 4)
COHORTS = ("lindeveen-2026", "limburg-2020", "brammert-2027")


def _brammert(folder: Path) -> Path:
    """Lindeveen's week again, as if held in Brammert: the same themes in a second place."""
    shutil.copytree(DATA / "lindeveen-2026", folder)
    yaml = folder / "cohort.yaml"
    text = yaml.read_text(encoding="utf-8")
    text = text.replace("id: lindeveen-2026", "id: brammert-2027", 1)
    yaml.write_text(text.replace("municipalities: [Lindeveen]", "municipalities: [Brammert]", 1))
    return folder


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """Every cohort in a store made as `ww init` makes it, exported into one folder O."""
    root = tmp_path_factory.mktemp("national")
    folders = {c: DATA / c for c in COHORTS[:2]}
    folders["brammert-2027"] = _brammert(root / "brammert-2027")
    out = root / "O"
    stores = {}
    for cohort, folder in folders.items():
        stores[cohort] = init_cohort(folder, root / "stores" / f"{cohort}.sqlite")
        parquet.export_parquet(folder, out, store=stores[cohort], as_of=AS_OF)
    report = root / "N"
    national_report([out], report)
    return {"root": root, "out": out, "stores": stores, "report": report, "folders": folders}


def _names() -> list[tuple[str, bool]]:
    """Every name form to look for: (form, whether case matters); full names, surnames and ids
    in any case, first names as written (a word like 'bas' is not Bas)."""
    forms = []
    for cohort in COHORTS[:2]:
        dataset = load_dataset(DATA / cohort)
        for person in dataset.people:
            forms += [(person.name, False), (person.id, False), (person.name.split()[-1], False)]
            forms.append((person.name.split()[0], True))
        forms += [(name, True) for name in dataset.cohort.mentioned_names]
    return forms


def _named(text: str) -> list[str]:
    found = []
    for form, case in _names():
        flags = 0 if case else re.IGNORECASE
        if re.search(rf"(?<!\w){re.escape(form)}(?!\w)", text, flags):
            found.append(form)
    return found


def _parquet_text(folder: Path) -> str:
    """Every value, column name and metadata of every Parquet file in a folder, as text."""
    parts = [(folder / parquet.MANIFEST).read_text(encoding="utf-8")]
    for path in sorted(folder.glob("*.parquet")):
        table = pq.read_table(path)
        parts += [str(table.schema.metadata), table.to_pandas().to_csv()]
    return "\n".join(parts)


def _xlsx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "\n".join(archive.read(n).decode("utf-8") for n in archive.namelist())


def _rows(html: str, section: str) -> list[list[str]]:
    """The body rows of a section's table in the national HTML, cells as text."""
    part = html.split(f'<section id="{section}"', 1)[1].split("</section>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", part.split("<tbody>", 1)[1], re.S)
    return [
        [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", r)] for r in rows
    ]


# -- the export ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(parquet.SCHEMA))
def test_every_file_has_the_documented_schema_and_version(made, name):
    for cohort in COHORTS:
        schema = pq.read_schema(made["out"] / cohort / f"{name}.parquet")
        expected = parquet.arrow_schema(name)
        assert [(f.name, f.type) for f in schema] == [(f.name, f.type) for f in expected]
        assert schema.metadata[parquet.METADATA_KEY] == str(parquet.SCHEMA_VERSION).encode()
    documented = (Path(__file__).resolve().parents[1] / "docs" / "parquet-schema.md").read_text()
    for column, _ in parquet.SCHEMA[name]:
        assert f"| `{column}` |" in documented.split(f"## {name}.parquet", 1)[1].split("\n## ")[0]


def test_the_manifest_says_cohort_version_and_counts(made):
    manifest = json.loads((made["out"] / "lindeveen-2026" / "manifest.json").read_text())
    with Store(made["stores"]["lindeveen-2026"]) as store:
        codings, tasks = len(store.codings()), len(store.tasks())
    assert manifest["schema_version"] == parquet.SCHEMA_VERSION
    assert (manifest["cohort"], manifest["municipalities"]) == ("lindeveen-2026", ["Lindeveen"])
    assert manifest["counts"]["codings"] == codings == 183
    assert manifest["rows"]["tasks"] == tasks


def test_no_name_is_in_any_export_or_the_national_report(made):
    assert _names(), "the fixture lists names to look for"
    for cohort in COHORTS:
        assert _named(_parquet_text(made["out"] / cohort)) == [], cohort
        for path in (made["out"] / cohort).iterdir():
            raw = path.read_bytes()
            assert b"Verhoeven" not in raw and b"Derks" not in raw, path
    assert _named((made["report"] / "national.html").read_text(encoding="utf-8")) == []
    assert _named(_xlsx_text(made["report"] / "national.xlsx")) == []


def test_a_name_in_a_task_title_is_replaced(made):
    titles = pq.read_table(made["out"] / "limburg-2020" / "tasks.parquet").column("title")
    assert "Voorbereiding gesprek alle gemeentesecretarissen, met NN" in titles.to_pylist()


def test_counts_match_the_store_and_the_analysis(made):
    with Store(made["stores"]["lindeveen-2026"]) as store:
        tables = analysis.all_tables(
            store.codings(), store.codes(), store.people(), store.interviews()
        )
        people = store.people()
    codes = pq.read_table(made["out"] / "lindeveen-2026" / "codes.parquet").to_pandas()
    expected = tables["code_frequencies"].set_index("code")["fragments"]
    assert codes.set_index("code")["fragments"].to_dict() == expected.to_dict()
    per_interview = pq.read_table(made["out"] / "lindeveen-2026" / "interview_codes.parquet")
    frame = per_interview.to_pandas()
    assert set(frame["interview"]) == set(people.loc[people["role"] == "participant", "pseudonym"])
    assert frame["fragments"].sum() == tables["who_said_what"]["fragments"].sum()


def test_task_states_are_counted_on_the_day_given(made):
    tasks = pq.read_table(made["out"] / "lindeveen-2026" / "tasks.parquet").to_pandas()
    first = tasks.iloc[0]  # due in week 44 of 2026, in progress: overdue on 4 December
    assert (first["status"], first["state"]) == ("in_progress", "overdue")
    assert set(tasks["state"]) <= set(parquet.STATES)
    assert (tasks["status"] == "done").sum() == (tasks["state"] == "done").sum()


def test_export_refuses_another_cohorts_folder_and_a_foreign_one(made, tmp_path):
    other = tmp_path / "O" / "lindeveen-2026"
    shutil.copytree(made["out"] / "brammert-2027", other)
    (other / "manifest.json").write_text(
        (other / "manifest.json").read_text().replace("brammert-2027", "lindeveen-2026")
    )
    before = {p.name: p.read_bytes() for p in other.iterdir()}
    store = made["stores"]["lindeveen-2026"]
    with pytest.raises(WorkbookError, match="another cohort.*Brammert"):
        parquet.export_parquet(DATA / "lindeveen-2026", tmp_path / "O", store=store)
    assert {p.name: p.read_bytes() for p in other.iterdir()} == before
    foreign = tmp_path / "P" / "lindeveen-2026"
    foreign.mkdir(parents=True)
    (foreign / "notes.txt").write_text("mine")
    with pytest.raises(WorkbookError, match="not a `ww export parquet` folder"):
        parquet.export_parquet(DATA / "lindeveen-2026", tmp_path / "P", store=store)
    assert [p.name for p in foreign.iterdir()] == ["notes.txt"]


# -- the national report ------------------------------------------------------------------


def test_the_report_lists_each_theme_with_its_municipalities(made):
    html = (made["report"] / "national.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<html lang="nl">' in html
    assert "<script" not in html and "http" not in html.split("</head>")[0]
    themes = {row[0]: row for row in _rows(html, "themes")}
    # name, cohorts, share, municipalities, participants, fragments, shortlisted, ...
    assert themes["Wijkgericht werken"][1:4] == ["2", "66,7", "2"]
    assert themes["Samenleving"][1:4] == ["1", "33,3", "8"]  # Limburg's eight
    plans = {row[0]: row for row in _rows(html, "plans")}
    assert plans["Wijkgericht werken"][1:4] == ["2", "2", "16"]  # cohorts, plans, tasks


def test_a_small_group_is_shown_as_less_than_k(made, tmp_path):
    html = (made["report"] / "national.html").read_text(encoding="utf-8")
    codes = {row[0]: row for row in _rows(html, "codes")}
    # Buurtnetwerk: one participant in each of two cohorts, two in all
    assert codes["Buurtnetwerk"][5] == "&lt; 3"
    assert codes["Verkokering"][5] == "16"
    sheet = pd.read_excel(made["report"] / "national.xlsx", sheet_name="Codes")
    assert sheet.set_index("naam").at["Buurtnetwerk", "deelnemers"] == "< 3"
    national_report([made["out"]], tmp_path / "N1", min_group=1)
    shown = _rows((tmp_path / "N1" / "national.html").read_text(encoding="utf-8"), "codes")
    assert {row[0]: row for row in shown}["Buurtnetwerk"][5] == "2"


def test_english_on_request_and_text_escaped(made, tmp_path):
    out = tmp_path / "O"
    shutil.copytree(made["out"], out)
    codes = out / "brammert-2027" / "codes.parquet"
    table = pq.read_table(codes)
    names = table.column("name").to_pylist()
    names[names.index("Buurtnetwerk")] = "<script>alert(1)</script>"
    table = table.set_column(table.schema.get_field_index("name"), "name", [names])
    pq.write_table(table.replace_schema_metadata(pq.read_schema(codes).metadata), codes)
    national_report([out], tmp_path / "N", lang="en")
    html = (tmp_path / "N" / "national.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in html and "Themes across municipalities" in html
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_unknown_schema_version_is_refused_naming_the_folder(made, tmp_path, capsys):
    out = tmp_path / "O"
    shutil.copytree(made["out"], out)
    manifest = out / "limburg-2020" / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"schema_version": 1', '"schema_version": 99'))
    with pytest.raises(FileError, match=r"limburg-2020.*schema version 99 is unknown"):
        national_report([out], tmp_path / "N")
    assert main(["national", str(out / "limburg-2020"), "--out", str(tmp_path / "N")]) == 1
    error = capsys.readouterr().err
    assert (
        error.startswith("ww national: ") and "limburg-2020" in error and "Traceback" not in error
    )
    assert not (tmp_path / "N").exists()


def test_a_folder_that_is_no_export_is_refused(tmp_path, capsys):
    folder = tmp_path / "zomaar"
    folder.mkdir()
    (folder / "tabel.parquet").write_bytes(b"PAR1")
    assert main(["national", str(folder), "--out", str(tmp_path / "N")]) == 1
    error = capsys.readouterr().err
    assert f"{folder}: is not a `ww export parquet` folder (no manifest.json)" in error
    assert not (tmp_path / "N").exists()


def test_the_commands_say_what_they_wrote(made, tmp_path, capsys):
    folder = made["folders"]["limburg-2020"]
    store = str(made["stores"]["limburg-2020"])
    assert main(["export", "parquet", str(folder), str(tmp_path / "O"), "--store", store]) == 0
    said = capsys.readouterr().out
    assert "limburg-2020" in said and "13 tasks" in said and "schema version 1" in said
    assert main(["national", str(tmp_path / "O"), "--out", str(tmp_path / "N")]) == 0
    assert capsys.readouterr().out.split() == [
        str(tmp_path / "N" / "national.html"),
        str(tmp_path / "N" / "national.xlsx"),
    ]


def test_counts_take_the_form_their_number_asks(made, tmp_path):
    one = made["out"] / "limburg-2020"
    national_report([one], tmp_path / "one")
    page = (tmp_path / "one" / "national.html").read_text(encoding="utf-8")
    assert "in 1 cohort en 8 gemeenten<" in page and "1 cohorten" not in page  # Limburg's 8
    three = (made["report"] / "national.html").read_text(encoding="utf-8")
    assert "van 3 cohorten.<" in three
