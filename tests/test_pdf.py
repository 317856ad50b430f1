"""wwlib.outputs.pdf: the report printed by headless Chromium, and clear errors without it."""

from __future__ import annotations

import datetime as dt
import re
import zlib
from pathlib import Path

import pytest

from wwlib.core.errors import WorkbookError
from wwlib.core.labels import Labels
from wwlib.core.pseudonym import Pseudonymiser
from wwlib.outputs import pdf
from wwlib.outputs.report import write_report
from wwlib.present.workbook import Workbook

WHEN = dt.datetime(2026, 3, 13, 16, 30)
needs_chromium = pytest.mark.skipif(pdf.chromium_path() is None, reason="no Chromium installed")


def program(folder: Path, name: str, script: str) -> Path:
    """An executable shell script standing in for Chromium."""
    path = folder / name
    path.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.fixture
def page(tmp_path) -> Path:
    path = tmp_path / "report.html"
    path.write_text("<!DOCTYPE html><title>x</title><p>Hallo</p>", encoding="utf-8")
    return path


# -- finding Chromium ---------------------------------------------------------------------------


def test_ww_chromium_comes_first(tmp_path, monkeypatch):
    fake = program(tmp_path, "my-chromium", "exit 0")
    monkeypatch.setenv("WW_CHROMIUM", str(fake))
    assert pdf.chromium_path() == str(fake)


def test_chromium_on_the_path(tmp_path, monkeypatch):
    fake = program(tmp_path, "chromium-browser", "exit 0")
    monkeypatch.delenv("WW_CHROMIUM", raising=False)
    monkeypatch.setattr(pdf, "DEBIAN_CHROMIUM", str(tmp_path / "absent"))
    monkeypatch.setenv("PATH", str(tmp_path))
    assert pdf.chromium_path() == str(fake)


def test_no_chromium_at_all(tmp_path, monkeypatch, page):
    monkeypatch.delenv("WW_CHROMIUM", raising=False)
    monkeypatch.setattr(pdf, "DEBIAN_CHROMIUM", str(tmp_path / "absent"))
    monkeypatch.setenv("PATH", str(tmp_path))
    assert pdf.chromium_path() is None
    with pytest.raises(WorkbookError, match="no Chromium .*apt-get install chromium"):
        pdf.write_pdf(page, tmp_path / "r.pdf")
    assert not (tmp_path / "r.pdf").exists()


def test_ww_chromium_pointing_nowhere_is_named(tmp_path, monkeypatch, page):
    monkeypatch.setenv("WW_CHROMIUM", str(tmp_path / "nope"))
    with pytest.raises(WorkbookError, match="WW_CHROMIUM=.*nope is not a program"):
        pdf.write_pdf(page, tmp_path / "r.pdf")


# -- Chromium failing ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "script, message",
    [
        ("echo 'cannot open display' >&2; exit 3", "exit code 3"),
        ("exit 0", "exit code 0"),  # said nothing, wrote nothing
        ("exec sleep 5", "within 0.5 s"),
    ],
)
def test_a_failing_chromium_leaves_no_pdf(tmp_path, monkeypatch, page, script, message):
    monkeypatch.setenv("WW_CHROMIUM", str(program(tmp_path, "chromium", script)))
    with pytest.raises(WorkbookError, match=message):
        pdf.write_pdf(page, tmp_path / "r.pdf", timeout=0.5)
    assert list(tmp_path.glob("*.pdf*")) == []


def test_no_html_to_print(tmp_path):
    with pytest.raises(WorkbookError, match="no report to print"):
        pdf.write_pdf(tmp_path / "missing.html", tmp_path / "r.pdf")


# -- a real PDF ---------------------------------------------------------------------------------


def pages(data: bytes) -> int:
    """How many pages a PDF has: its /Type /Page objects (not /Pages)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))


def title(data: bytes) -> str:
    """The document title in the PDF's metadata (Chromium writes it as UTF-16 hex)."""
    found = re.search(rb"/Title\s*<([0-9A-Fa-f]+)>", data)
    return bytes.fromhex(found.group(1).decode()).decode("utf-16") if found else ""


def streams_text(data: bytes) -> bytes:
    """The PDF's streams inflated where they are Flate-compressed (fonts, pages, metadata)."""
    parts = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            pass
    return b"\n".join(parts)


@needs_chromium
def test_limburg_report_as_pdf(limburg_store, tmp_path):
    names = Pseudonymiser(limburg_store.people(), True, limburg_store.cohort().mentioned_names)
    wb = Workbook(limburg_store, Labels("nl"), names, "nl", True, interactive=False)
    html_path = write_report(wb, tmp_path / "report.html", WHEN)
    written = pdf.write_pdf(html_path, tmp_path / "out" / "report.pdf")
    data = written.read_bytes()
    assert written == tmp_path / "out" / "report.pdf"
    assert data.startswith(b"%PDF-") and pages(data) > 8  # a section or flap per page at least
    assert title(data) == "Eindrapportage — Wij-Werken Week Limburg"
    # the text itself is in subset fonts; the HTML that was printed names no one
    printed = html_path.read_text(encoding="utf-8")
    inflated = streams_text(data)
    for person in list(limburg_store.people()["name"]) + ["Guido Derks"]:
        assert person not in printed and person.encode() not in inflated
