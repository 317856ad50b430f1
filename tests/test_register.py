"""`ww export register`: the processing-register entry (AVG article 30) as .docx."""

from __future__ import annotations

import getpass
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import DATA, replace, write_override

from wwlib.app.cli import main
from wwlib.core.labels import Labels
from wwlib.exchange import export_register
from wwlib.outputs.register import FIELDS
from wwlib.store import Store


def copied(tmp_path: Path, cohort: str = "lindeveen-2026") -> Path:
    folder = tmp_path / "data" / cohort
    shutil.copytree(DATA / cohort, folder)
    return folder


def text_of(path: Path) -> tuple[list[str], str]:
    """The entry's article-30 headings, and all its text."""
    document = docx.Document(path)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    return headings, "\n".join(p.text for p in document.paragraphs)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_entry_holds_every_article_30_field_and_the_cohorts_figures(tmp_path, lang):
    folder, store = copied(tmp_path), tmp_path / "s.sqlite"
    path = export_register(folder, tmp_path / "register.docx", store=store, lang=lang)
    headings, text = text_of(path)
    labels = Labels(lang)
    assert headings == [labels(f"register.{field}") for field in FIELDS]
    with Store(store) as opened:
        codings, people = len(opened.codings()), opened.people()
    assert labels.count("register.subjects.participant", 9) in text
    assert labels.count("register.subjects.facilitator", 2) in text
    assert labels.count("register.subjects.mentioned", 3) in text  # Henk, Mirjam, Fatima
    assert labels.count("register.data.codings", codings) in text
    assert labels.count("register.data.transcripts", 9) in text
    assert labels("register.controller.who", municipalities="Lindeveen") in text
    assert labels("register.retention.not_set") in text
    assert labels.count("count.facilitator", 2) in text
    consent = "7 toestemming om met naam" if lang == "nl" else "7 consented to being named"
    assert consent in text
    for name in people["name"]:  # counts and roles, never a person
        assert name not in text


def test_the_entry_says_until_when_the_data_are_kept(tmp_path):
    folder = copied(tmp_path)
    write_override(
        folder / "cohort.yaml",
        replace("end: 2026-10-16\n", "end: 2026-10-16\nretention: 2027-12-31\n"),
    )
    headings, text = text_of(
        export_register(folder, tmp_path / "r.docx", store=tmp_path / "s.sqlite")
    )
    assert "De persoonsgegevens worden bewaard tot vrijdag 31 december 2027" in text
    assert Labels("nl")("register.retention.not_set") not in text


def test_a_week_without_interviews_lists_no_transcripts(tmp_path):
    folder = copied(tmp_path, "limburg-2020")
    _, text = text_of(export_register(folder, tmp_path / "r.docx", store=tmp_path / "s.sqlite"))
    assert "Uitgeschreven interviews" not in text and "Coderingen" not in text
    assert "Gemeente(n): Echt-Susteren, Kerkrade" in text


def test_ww_export_register_writes_the_docx_with_no_path_or_user_name(
    tmp_path, monkeypatch, capsys
):
    folder = copied(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["export", "register", "data/lindeveen-2026", "--lang", "en"]) == 0
    path = tmp_path / "processing-register-lindeveen-2026.docx"
    assert path.is_file() and capsys.readouterr().out.strip().endswith(path.name)
    assert text_of(path)[0][0] == "Controller"
    out = tmp_path / "out" / "verwerkingsregister.docx"
    assert main(["export", "register", str(folder), "--out", str(out)]) == 0
    assert text_of(out)[0][0] == "Verwerkingsverantwoordelijke"
    with zipfile.ZipFile(out) as archive:
        data = b"".join(archive.read(m) for m in archive.namelist())
    for place in {str(tmp_path), str(folder), getpass.getuser()} - {"root"}:
        assert place.encode() not in data


@pytest.mark.parametrize(
    "argv, said",
    [
        (["data/nope"], "is not a folder"),
        (["data/lindeveen-2026", "--out", "register.txt"], "a file name ending in .docx"),
    ],
)
def test_a_missing_cohort_or_a_wrong_file_is_a_clear_error(
    tmp_path, monkeypatch, capsys, argv, said
):
    copied(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["export", "register", *argv]) == 1
    err = capsys.readouterr().err
    assert err.startswith("ww export: ") and said in err and "Traceback" not in err
    assert not list(tmp_path.glob("*.docx")) and not (tmp_path / "register.txt").exists()
