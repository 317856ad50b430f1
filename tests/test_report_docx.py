"""The final report as Word (wwlib.outputs.report_docx), OpenDocument and PDF/A-2b
(wwlib.outputs.office): one real `ww run --docx --odt --pdf` of the bundled cohort, read back
with python-docx and as zip and PDF bytes, and the same report in English built directly."""

from __future__ import annotations

import datetime as dt
import getpass
import re
import zipfile
from pathlib import Path

import docx
import pandas as pd
import pytest
from docx.oxml.ns import qn

from wwlib.app.cli import main
from wwlib.app.runner import NOTEBOOKS
from wwlib.core.errors import WorkbookError
from wwlib.core.labels import Labels
from wwlib.core.pseudonym import Pseudonymiser
from wwlib.outputs import office
from wwlib.outputs.report import build_report
from wwlib.outputs.report_docx import write_docx
from wwlib.present.workbook import Workbook
from wwlib.store import Store

DATA = Path(__file__).resolve().parents[1] / "data"
LINDEVEEN = DATA / "lindeveen-2026"
WHEN = dt.datetime(2026, 10, 16, 16, 30)
BOARDS = 7  # the bundled cohort's boards, each an appendix


@pytest.fixture(scope="module")
def run(lindeveen_pseudonymised_run) -> Path:
    """`ww run --pseudonymise --docx --odt --pdf` once (conftest.py, shared_runs.py, where it
    also checks that deduce leaves the root logger as it was): its output folder."""
    return lindeveen_pseudonymised_run / "out"


def headings(document) -> list[tuple[int, str]]:
    """(level, text) of every paragraph in a Word heading style."""
    found = []
    for paragraph in document.paragraphs:
        style = paragraph.style.name
        if style.startswith("Heading "):
            found.append((int(style.split()[1]), paragraph.text))
    return found


def html_headings(page: str, level: int) -> list[str]:
    """The texts of the HTML report's <hN> headings (tags removed, entities read)."""
    import html

    found = re.findall(rf"<h{level}[^>]*>(.*?)</h{level}>", page, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", h)).strip() for h in found]


def xml_parts(path: Path) -> dict[str, str]:
    """Every XML part of a docx or odt zip, as text."""
    with zipfile.ZipFile(path) as archive:
        return {
            n: archive.read(n).decode("utf-8")
            for n in archive.namelist()
            if n.endswith((".xml", ".rels"))
        }


# -- the run -----------------------------------------------------------------------------------


def test_the_notebooks_and_the_report_name_no_one_and_show_panels_as_html(run):
    """The same run's HTML side: pseudonymised everywhere, and a static run's panels are HTML,
    never widgets nobody can use."""
    with Store(run.parent / "s.sqlite") as store:
        names = list(store.people()["name"])
    texts = {n: (run / n).read_text(encoding="utf-8") for n in ("report.html", *NOTEBOOKS)}
    for name in names:
        for form in (name, name.split()[-1]):
            assert not [n for n, text in texts.items() if form in text], f"{form} in an output"
    assert "P01" in texts["report.html"]
    for name in NOTEBOOKS:
        assert "application/vnd.jupyter.widget-view+json" not in texts[name], name
    assert "ww-table" in texts[NOTEBOOKS[0]] and "ww-board" in texts[NOTEBOOKS[0]]
    assert "ww-static" in texts[NOTEBOOKS[1]]


def test_the_run_writes_every_report(run):
    for name in ("report.html", "report.docx", "report.odt", "report.pdf"):
        assert (run / name).stat().st_size > 10_000, name


def test_chapters_are_the_html_reports_as_word_headings(run):
    document = docx.Document(run / "report.docx")
    page = (run / "report.html").read_text(encoding="utf-8")
    chapters = [t for level, t in headings(document) if level == 1]
    contents = Labels("nl")("report.contents")
    assert chapters == [h for h in html_headings(page, 2) if h != contents]
    shown = [t for _, t in headings(document)]
    for heading in html_headings(page, 3):  # sections, plans, boards: each a Word heading too
        assert any(heading in s for s in shown), heading


def test_the_title_page_contents_field_and_properties(run):
    document = docx.Document(run / "report.docx")
    page = (run / "report.html").read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", page).group(1)
    assert document.core_properties.title == title == "Eindrapportage — Wij-Werken Week Lindeveen"
    assert "Lindeveen" in document.core_properties.subject
    assert "2026" in document.core_properties.subject
    assert document.paragraphs[0].style.name == "Title"
    body = document.element.body.xml
    assert 'TOC \\o "1-2"' in body and "w:updateFields" in document.settings.element.xml


def test_tables_are_word_tables_with_a_repeating_header_row(run):
    document = docx.Document(run / "report.docx")
    assert len(document.tables) > 20
    for table in document.tables:
        header = table.rows[0]._tr.trPr
        assert header is not None and header.find(qn("w:tblHeader")) is not None
    heads = [[c.text for c in t.rows[0].cells] for t in document.tables]
    codebook = document.tables[heads.index(["Soort", "Code", "Omschrijving"])]
    assert len(codebook.rows) > 10


def test_every_figure_is_an_image_with_alt_text(run):
    document = docx.Document(run / "report.docx")
    assert len(document.inline_shapes) >= 8
    for shape in document.inline_shapes:
        alt = shape._inline.docPr.get("descr")
        assert alt and alt.startswith("Grafiek „"), alt


def test_the_boards_are_numbered_appendices(run):
    document = docx.Document(run / "report.docx")
    appendices = [t for level, t in headings(document) if t.startswith("Bijlage ")]
    assert [int(re.match(r"Bijlage (\d+) — Flap \d+:", t).group(1)) for t in appendices] == list(
        range(1, BOARDS + 1)
    )


def test_pseudonymised_and_placeless(run, lindeveen):
    parts = xml_parts(run / "report.docx") | xml_parts(run / "report.odt")
    everything = "\n".join(parts.values())
    for name in lindeveen.people()["name"]:
        assert name not in everything, name
    assert "P01" in parts["word/document.xml"]
    for place in (str(run), str(Path.home()), str(LINDEVEEN), "/tmp/", "/home/"):
        assert place not in everything, place
    user = re.compile(rf"\b{re.escape(getpass.getuser())}\b")
    for name in ("docProps/core.xml", "docProps/app.xml", "meta.xml"):
        if name in parts:
            assert not user.search(parts[name]), name


def test_the_odt_is_opendocument_with_the_same_chapters(run):
    with zipfile.ZipFile(run / "report.odt") as archive:
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.text"
        content = archive.read("content.xml").decode("utf-8")
    assert "1 Inleiding" in content and f"Bijlage {BOARDS} — Flap" in content
    assert content.count("<draw:image") >= 8


def test_the_pdf_is_pdfa_2b_with_its_fonts_embedded(run):
    data = (run / "report.pdf").read_bytes()
    assert data.startswith(b"%PDF-")
    assert office.pdfa_claim(data) == ("2", "B")
    descriptors = len(re.findall(rb"/Type\s*/FontDescriptor", data))
    embedded = len(re.findall(rb"/FontFile[23]?\s", data))
    assert descriptors > 0 and embedded == descriptors


# -- in English, without a browser --------------------------------------------------------------


def test_english_and_figures_as_tables_when_they_cannot_be_drawn(lindeveen, tmp_path, monkeypatch):
    monkeypatch.setenv("WW_CHROMIUM", str(tmp_path / "no-chromium"))
    names = Pseudonymiser(lindeveen.people(), False, lindeveen.cohort().mentioned_names)
    wb = Workbook(lindeveen, Labels("en"), names, "en", False, interactive=False)
    path = write_docx(wb, tmp_path / "report.docx", WHEN)
    document = docx.Document(path)
    chapters = [t for level, t in headings(document) if level == 1]
    page = build_report(wb, WHEN)
    assert chapters == [h for h in html_headings(page, 2) if h != "Contents"]
    assert chapters[:2] == ["Summary", "1 Introduction"]
    assert [t for _, t in headings(document) if t.startswith("Appendix ")][0].startswith(
        "Appendix 1 — Board 1:"
    )
    assert document.core_properties.language == "en-GB"
    assert len(document.inline_shapes) == 0
    why = [p.text for p in document.paragraphs if "could not be drawn on this computer" in p.text]
    assert len(why) >= 10 and "no Chromium" in why[0]
    assert "Ineke Verhoeven" in xml_parts(path)["word/document.xml"]  # not pseudonymised


# -- when LibreOffice cannot ---------------------------------------------------------------------


def test_odt_without_libreoffice_says_why_before_running(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("WW_LIBREOFFICE", str(tmp_path / "nope"))
    argv = ["run", str(LINDEVEEN), "--out", str(tmp_path / "out"), "--odt"]
    assert main(argv + ["--store", str(tmp_path / "s.sqlite")]) == 1
    said = capsys.readouterr().err
    assert "report.odt" in said and f"WW_LIBREOFFICE={tmp_path / 'nope'} is not a program" in said
    assert "Traceback" not in said and not (tmp_path / "out").exists()


def test_a_pdf_that_does_not_claim_pdfa_is_refused(tmp_path, monkeypatch):
    fake = tmp_path / "soffice"
    fake.write_text(
        '#!/bin/sh\nwhile [ $# -gt 0 ]; do [ "$1" = --outdir ] && out=$2; shift; done\n'
        'printf "%%PDF-1.7 plain" > "$out/report.pdf"\n',
        encoding="utf-8",
    )
    fake.chmod(0o755)
    monkeypatch.setenv("WW_LIBREOFFICE", str(fake))
    source = tmp_path / "report.docx"
    docx.Document().save(source)
    with pytest.raises(WorkbookError, match="does not claim PDF/A-2b"):
        office.write_pdfa(source, tmp_path / "out" / "report.pdf")
    assert not (tmp_path / "out" / "report.pdf").exists()


@pytest.mark.parametrize(
    "data, claim",
    [
        (b"<pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>", ("2", "B")),
        (b'pdfaid:part="1" pdfaid:conformance="A"', ("1", "A")),
        (b"%PDF-1.7 no metadata", None),
    ],
)
def test_pdfa_claim(data, claim):
    assert office.pdfa_claim(data) == claim


def test_figure_data_of_a_heatmap_is_its_matrix():
    import plotly.graph_objects as go

    from wwlib.figures.alt import figure_data

    fig = go.Figure(go.Heatmap(z=[[1, 2], [3, 4]], x=["a", "b"], y=["p", "q"]))
    assert figure_data(fig).equals(
        pd.DataFrame([[1, 2], [3, 4]], index=["p", "q"], columns=["a", "b"])
    )
