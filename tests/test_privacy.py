"""Privacy end to end: a cohort whose texts name people in every form, run pseudonymised.

The fixture (tests/fixtures/privacy) names its people as full names, first names, surnames with
and without tussenvoegsel, initials ("J. Seetsen", "JS", "JvdM"), possessives ("Gerda's",
"Gerda’s"), a hyphenated first name ("Evert-Jan"), in capitals and without accents, in spelling
variants ("Heckmans", "Kuster"), and holds e-mail addresses, phone numbers, a postcode, an IBAN
and a valid and an invalid BSN, and one person the cohort does not list (deduce must find him).
`ww run --pseudonymise` and a pseudonymised xlsx export must show none of it; "Echt" (a place,
on the cohort's never_replace list) and the invalid BSN stay. Also `ww privacy`, which lists
what would be replaced, per file and line.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from wwlib.app.cli import main
from wwlib.app.runner import NOTEBOOKS, run_cohort
from wwlib.cohorts.privacy import findings_table, review
from wwlib.exchange import export_xlsx
from wwlib.outputs.report import plotly_js

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "privacy"
pytestmark = pytest.mark.slow

# every name form the fixture's texts use, found case-insensitively as a whole word
NAME_FORMS = (
    "Evert-Jan", "Evert Jan", "Evert", "Hasselt", "John", "Seetsen", "Joost", "Meulen", "Gerda",
    "Smeets", "Naïma", "Naima", "Bakkali", "Jos", "Kusters", "Kuster", "Marcel", "Heckman",
    "Heckmans", "Sanne", "Henk", "Visser", "Femke", "Dijkstra",
    "Kees", "Kortman",  # not in the cohort's list: deduce finds him
)  # fmt: skip
# forms that are names only in their own case ("JS" as a token), and what else identifies
EXACT_FORMS = ("JS", "JvdM", "J. Seetsen", "H. Visser")
IDENTIFYING = (
    "seetsen@", "06-12345678", "6 12345678", "12 34 56 78", "043-1234567", "6101 AB",
    "NL91ABNA0417164300", "111222333",
)  # fmt: skip


def visible_text(raw: str) -> str:
    """A file's text as a reader could find a name in it: unescaped, without plotly.js."""
    raw = raw.replace(plotly_js(), "")
    raw = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), raw)
    return html.unescape(raw.replace("\\n", "\n").replace('\\"', '"'))


def notebook_text(path: Path) -> str:
    """Every source and output of an executed notebook, and its metadata."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return visible_text(json.dumps(notebook, ensure_ascii=False))


def xlsx_text(path: Path) -> str:
    book = load_workbook(path, read_only=True)
    cells = [
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    book.close()
    return "\n".join([*book.sheetnames, *cells])


def name_hits(text: str) -> list[str]:
    hits = [f for f in NAME_FORMS if re.search(rf"(?<!\w){re.escape(f)}(?!\w)", text, re.I)]
    hits += [f for f in EXACT_FORMS if re.search(rf"(?<!\w){re.escape(f)}(?!\w)", text)]
    return hits + [f for f in IDENTIFYING if f in text]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, str]:
    """One pseudonymised `ww run` of the fixture and a pseudonymised xlsx: {file: text}."""
    base = tmp_path_factory.mktemp("privacy")
    folder = base / "privacy-2025"
    shutil.copytree(FIXTURE, folder)
    store = base / "privacy.sqlite"
    result = run_cohort(folder, base / "out", pseudonymise=True, store=store)
    texts = {"report.html": visible_text(result.report.read_text(encoding="utf-8"))}
    texts |= {path.name: notebook_text(path) for path in result.notebooks}
    xlsx = export_xlsx(folder, base / "analyse.xlsx", store=store, pseudonymise=True)
    texts["analyse.xlsx"] = xlsx_text(xlsx)
    return texts


def test_the_outputs_are_all_there(outputs):
    assert set(outputs) == {"report.html", "analyse.xlsx", *NOTEBOOKS}
    assert "P01" in outputs["report.html"] and "P02" in outputs["analyse.xlsx"]


@pytest.mark.parametrize(
    "name", ["report.html", "analyse.xlsx", *NOTEBOOKS], ids=lambda n: n.split(".")[0]
)
def test_no_output_holds_any_form_of_a_name(outputs, name):
    assert name_hits(outputs[name]) == [], f"{name} still names someone"


def test_what_identifies_no_one_stays(outputs):
    report = outputs["report.html"]
    assert "in Echt" in report  # never_replace: the place stays
    assert "123456789" in report  # fails the 11-proef: not a BSN, left as it is
    assert "[BSN]" in report and "[telefoon]" in report and "[e-mail]" in report
    # deduce's find, which the cohort does not list, on a board and in a transcript
    assert "[naam] van de bank belt terug" in report
    assert "[naam] van de bank belde ook" in outputs["02_interviews.ipynb"]
    assert "Kick-off met P01" in report  # "Evert-Jan" replaced whole
    assert not any("P01-Jan" in text for text in outputs.values())


def test_the_fixture_does_use_every_form(outputs):
    """The search above could fail: the unpseudonymised fixture holds every form it looks for."""
    texts = "\n".join(p.read_text(encoding="utf-8") for p in FIXTURE.rglob("*.*"))
    missing = {*NAME_FORMS, *EXACT_FORMS, *IDENTIFYING} - set(name_hits(texts))
    assert missing == set()


def test_small_groups_are_merged_and_the_single_organisation_is_not_named(outputs):
    report = outputs["report.html"]
    assert "Woonstichting Noord (n=" not in report  # 2 participants
    assert "Echt-Susteren (n=" not in report  # 1 participant
    assert "overig (n=3)" in report and "Gemeente Ooststad (n=5)" in report
    assert "samengevoegd tot 'overig'" in report
    assert "Gemeente Echt-Susteren" not in report  # its one participant, P08, stays unnamed
    assert "overig (n=3)" in outputs["analyse.xlsx"]


def test_review_lists_what_would_be_replaced_per_file_and_line(monkeypatch):
    from wwlib.cohorts import privacy

    # deduce itself runs in the `ww run` above; here a stand-in that finds what it would
    monkeypatch.setattr(privacy, "person_names", lambda texts: {"Kees Kortman", "Stap"})
    findings = review(FIXTURE)
    found = {(f.file, f.line, f.text, f.by) for f in findings if f.replaced}
    assert ("transcripts/p01.md", 1, "Evert-Jan", "P01") in found
    assert ("transcripts/p04.md", 3, "Kuster", "P06") in found
    assert ("transcripts/p03.md", 3, "6101 AB 12", "[postcode]") in found
    assert ("transcripts/p05.md", 3, "Henk Visser", "NN") in found
    assert ("transcripts/p01.md", 7, "Kees Kortman", "[naam]") in found
    unsure = {(f.file, f.text, f.kind) for f in findings if not f.replaced}
    assert ("transcripts/p04.md", "123456789", "bsn") in unsure
    assert ("transcripts/p03.md", "Echt", "kept") in unsure
    assert not any(f.file == "people.csv" or "-" in f.text and f.text.islower() for f in findings)
    table = findings_table(findings).splitlines()
    assert table[0].split("\t") == ["bestand", "regel", "actie", "gevonden", "wordt / waarom"]
    assert "transcripts/p01.md\t1\tvervangen\tEvert-Jan\tP01" in table


def test_ww_privacy_prints_a_table_and_succeeds(capsys):
    assert main(["privacy", str(FIXTURE), "--no-deduce", "--lang", "en"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0] == "file\tline\taction\tfound\tbecomes / why"
    assert "transcripts/p02.md\t3\treplace\tjohn.seetsen@ooststad.nl\t[e-mail]" in lines
    assert "replacements" in captured.err and "to check" in captured.err


def test_ww_privacy_names_a_broken_folder(tmp_path, capsys):
    folder = tmp_path / "kapot"
    shutil.copytree(FIXTURE, folder)
    (folder / "people.csv").write_text("id,name\n", encoding="utf-8")
    assert main(["privacy", str(folder), "--no-deduce"]) == 1
    assert "people.csv" in capsys.readouterr().err


# -- cohort.yaml's privacy fields ---------------------------------------------------------------


def test_the_privacy_fields_go_from_folder_to_store_and_back(tmp_path):
    from wwlib.folder.dataset import load_dataset
    from wwlib.folder.write import write_cohort_folder
    from wwlib.store import Store

    cohort = load_dataset(FIXTURE).cohort
    assert (cohort.never_replace, cohort.min_group) == (("Echt",), 3)
    with Store(tmp_path / "s.sqlite", create=True) as store:
        store.load_dataset(load_dataset(FIXTURE))
        assert store.cohort() == cohort
        written = write_cohort_folder(store, tmp_path / "back")
    text = (written / "cohort.yaml").read_text(encoding="utf-8")
    assert "never_replace:\n- Echt\n" in text and "min_group" not in text  # 3 is the default
    assert load_dataset(written).cohort == cohort


@pytest.mark.parametrize(
    "line, problem",
    [
        ("min_group: drie", "field 'min_group': must be a whole number of people"),
        ("min_group: 0", "field 'min_group': must be between 1 and 100"),
        ("never_replace: {Echt: ja}", "field 'never_replace': must be a list of words"),
    ],
)
def test_a_wrong_privacy_field_is_named_with_its_line(tmp_path, line, problem):
    from wwlib.folder.dataset import check_dataset

    folder = tmp_path / "privacy-2025"
    shutil.copytree(FIXTURE, folder)
    yaml = (folder / "cohort.yaml").read_text(encoding="utf-8").replace("min_group: 3", line)
    (folder / "cohort.yaml").write_text(yaml.replace("never_replace: [Echt]\n", ""), "utf-8")
    found = [str(p) for p in check_dataset(folder)]
    assert len(found) == 1 and problem in found[0] and "cohort.yaml, line" in found[0]


def test_a_new_cohort_folder_explains_the_privacy_fields(tmp_path):
    from wwlib.folder.scaffold import new_cohort

    folder = new_cohort(tmp_path / "nieuw", "Week Nieuw", ["Nieuwstad"], "2027-03-08")
    text = (folder / "cohort.yaml").read_text(encoding="utf-8")
    assert "# never_replace: [Echt]" in text and "# min_group: 3" in text


# -- deduce's finds, kept in the store ----------------------------------------------------------


def test_deduce_runs_once_per_state_of_the_texts_and_never_in_a_dashboard(tmp_path, monkeypatch):
    from wwlib.cohorts import privacy
    from wwlib.folder.dataset import load_dataset
    from wwlib.store import Store

    calls = []

    def fake_deduce(texts):
        calls.append(len(texts))
        return {"Kees Kortman", "Gerda Smeets", "Stap"}

    monkeypatch.setattr(privacy, "person_names", fake_deduce)
    with Store(tmp_path / "s.sqlite", create=True) as store:
        store.load_dataset(load_dataset(FIXTURE))
        assert privacy.pseudonymiser(store, True).unlisted == set()  # a dashboard: no scan
        first = privacy.pseudonymiser(store, True, scan=True)
        again = privacy.pseudonymiser(store, True, scan=True)
        shown = privacy.pseudonymiser(store, True)  # a dashboard uses what was kept
        assert len(calls) == 1
        assert first.unlisted == again.unlisted == shown.unlisted == {"Kees Kortman"}
        assert shown.text("Kees Kortman belde") == "[naam] belde"
        kept = [row for row in store._con.execute("SELECT names FROM name_scan")]
        assert kept == [('["Kees Kortman", "Stap"]',)]  # the listed name is not kept twice
        store.add_note("flap-kick-off", "Nog een briefje", "other")
        privacy.pseudonymiser(store, True, scan=True)
        assert len(calls) == 2  # new texts, a new scan
        assert privacy.pseudonymiser(store, False, scan=True).unlisted == set()
        assert len(calls) == 2  # not pseudonymised: deduce is not needed
