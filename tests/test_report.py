"""wwlib.outputs.report: one self-contained, escaped, pseudonymised, reproducible HTML report."""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from wwlib import open_workbook
from wwlib.core.labels import Labels
from wwlib.core.pseudonym import Pseudonymiser
from wwlib.folder.dataset import load_dataset
from wwlib.outputs.report import build_report, plotly_js, write_report
from wwlib.present.workbook import Workbook
from wwlib.store import Store

DATA = Path(__file__).resolve().parents[1] / "data"
MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
WHEN = dt.datetime(2026, 3, 13, 16, 30)
PLOTLY_JS = plotly_js()


def workbook(store, pseudonymise: bool = False, lang: str = "nl") -> Workbook:
    return Workbook(store, Labels(lang), Pseudonymiser(store.people(), pseudonymise), lang,
                    pseudonymise)  # fmt: skip


def outside_plotly(report: str) -> str:
    """The report without the embedded plotly.js (which names URLs it never loads)."""
    assert report.count(PLOTLY_JS) == 1
    return report.replace(PLOTLY_JS, "")


class ResourceFinder(HTMLParser):
    """Collects every URL a browser would fetch: src, link href, CSS url() and @import."""

    def __init__(self):
        super().__init__()
        self.fetched: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("src"):
            self.fetched.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.fetched.append(attrs["href"])
        self.fetched += re.findall(r"url\(([^)]*)\)", attrs.get("style") or "")
        self._in_style = tag == "style"

    def handle_data(self, data):
        if self._in_style:
            self.fetched += re.findall(r"url\(([^)]*)\)|@import\s+([^;]+)", data)


COHORTS = ["mini_store", "limburg_store", "lindeveen"]
SOURCES = {"mini_store": MINI, "limburg_store": DATA / "limburg-2020"}  # as conftest.py loads them


@pytest.fixture(scope="module")
def built(tmp_path_factory, lindeveen):
    """`built(cohort, pseudonymise=False)`: the report `workbook(store, pseudonymise)` builds at
    WHEN of the cohort as its fixture loads it, built once per module for the tests that only
    read it (the stores are loaded once too, and changed by none)."""
    root, stores, reports = tmp_path_factory.mktemp("built"), {"lindeveen": lindeveen}, {}

    def report(cohort: str, pseudonymise: bool = False) -> str:
        if cohort not in stores:
            folder = SOURCES[cohort]
            stores[cohort] = Store(root / f"{cohort}.sqlite", actor="tester", create=True)
            stores[cohort].load_dataset(load_dataset(folder), source=str(folder))
        if (cohort, pseudonymise) not in reports:
            reports[cohort, pseudonymise] = build_report(
                workbook(stores[cohort], pseudonymise), WHEN
            )
        return reports[cohort, pseudonymise]

    yield report
    for cohort, store in stores.items():
        if cohort != "lindeveen":
            store.close()


# -- self-contained and reproducible ------------------------------------------------------------


@pytest.mark.parametrize("cohort", COHORTS)
def test_report_opens_offline(cohort, built):
    report = built(cohort)
    rest = outside_plotly(report)
    finder = ResourceFinder()
    finder.feed(rest)
    assert finder.fetched == []
    assert not re.search(r"<script[^>]*\bsrc=", rest)
    assert not re.search(r"<link\b", rest)
    assert "<script" in rest and "Plotly.newPlot" in rest  # figures are drawn inline


@pytest.mark.parametrize(
    "page",
    [
        '<script src="https://cdn.plot.ly/plotly.min.js"></script>',
        '<link rel="stylesheet" href="https://fonts.example/x.css">',
        "<style>@import 'https://fonts.example/x.css';</style>",
        "<style>body { background: url(https://example.org/a.png) }</style>",
        '<div style="background: url(//example.org/a.png)"></div>',
    ],
)
def test_the_offline_check_finds_remote_files(page):
    finder = ResourceFinder()
    finder.feed(page)
    assert finder.fetched


@pytest.mark.parametrize("cohort", COHORTS)
def test_two_builds_differ_only_in_the_generation_date(cohort, request):
    wb = workbook(request.getfixturevalue(cohort))
    first = build_report(wb, WHEN)
    assert build_report(wb, WHEN) == first
    later = build_report(wb, dt.datetime(2027, 1, 2, 9, 5))
    assert later != first
    assert later.replace("zaterdag 2 januari 2027 om 09:05", "vrijdag 13 maart 2026 om 16:30") == (
        first
    )


def test_figure_ids_are_fixed(built):
    report = built("mini_store")
    for div_id in ["ww-programme", "ww-interviews", "ww-freq", "ww-who", "ww-votes", "ww-tasks"]:
        assert report.count(f'id="{div_id}"') == 1


@pytest.mark.parametrize("cohort", COHORTS)
def test_report_size(cohort, request, tmp_path):
    path = write_report(workbook(request.getfixturevalue(cohort)), tmp_path / "r.html", WHEN)
    size = path.stat().st_size
    assert len(PLOTLY_JS) < size < len(PLOTLY_JS) + 600_000


# -- escaping and names -------------------------------------------------------------------------


def test_user_text_is_escaped(mini_store):
    mini_store.add_note("flap-kick-off", "<script>alert(1)</script>", author="anna-jansen")
    mini_store.add_note("flap-kick-off", 'Kosten & "baten" <b>vet</b>', cluster="<i>x</i>")
    report = build_report(workbook(mini_store), WHEN)
    assert "<script>alert(1)" not in report
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report
    assert "<b>vet</b>" not in report and "&lt;b&gt;vet&lt;/b&gt;" in report
    assert "&lt;i&gt;x&lt;/i&gt;" in report


def spellings(name: str) -> set[str]:
    """A name as it could appear in the file: raw, HTML-escaped or JSON-escaped."""
    return {name, html.escape(name), json.dumps(name)[1:-1]}


@pytest.mark.parametrize("cohort", COHORTS)
def test_pseudonymised_report_names_no_one(cohort, request, built):
    store = request.getfixturevalue(cohort)
    report = built(cohort, pseudonymise=True)
    for name in store.people()["name"]:
        for spelling in spellings(name):
            assert spelling not in report, f"{name} appears in the pseudonymised report"
    assert "P01" in report


def test_named_report_respects_consent(built):
    report = built("mini_store")
    assert "Anna Jansen" in report  # consent: ja
    assert all(s not in report for s in spellings("Bram de Vries"))  # consent: nee
    assert "P02" in report
    assert "Wie geen toestemming gaf" in report


# -- content ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def limburg_report(built):
    return built("limburg_store")


def test_limburg_introduction(limburg_report):
    assert "<title>Eindrapportage — Wij-Werken Week Limburg</title>" in limburg_report
    assert "20–24 april 2020" in limburg_report
    assert "Bergen (L) en Provincie Limburg" in limburg_report
    assert "Evert Jan van Hasselt (7Senses)" in limburg_report
    assert "Daisy Broeders (Gemeente Kerkrade)" in limburg_report
    assert "Met elkaar plannen co-creëren" in limburg_report
    assert 'id="ww-programme"' in limburg_report


def test_limburg_shows_the_missing_interviews_honestly(limburg_report):
    assert "Er zijn geen interviews in de bron van deze week opgenomen" in limburg_report
    assert "Zonder interviews zijn er geen frequenties" in limburg_report
    for absent in ['id="ww-interviews"', 'id="ww-freq"', 'id="ww-who"', 'id="ww-votes"']:
        assert absent not in limburg_report
    assert "Er zijn geen stemmen vastgelegd." in limburg_report


def test_limburg_boards_are_numbered_appendices_in_order(limburg_store, limburg_report):
    appendix = limburg_report[limburg_report.index('id="bijlagen"') :]
    headings = re.findall(r"<h3>(Flap \d+: [^<]*)</h3>", appendix)
    titles = limburg_store.boards()["title"].tolist()
    assert headings == [f"Flap {i}: {t}" for i, t in enumerate(titles, start=1)]
    empty = "De inhoud van deze flap is niet in de bron opgenomen."
    assert appendix.count(empty) == len(titles) == 8


def test_limburg_plans_and_integration(limburg_report):
    act = limburg_report[limburg_report.index('id="act"') : limburg_report.index('id="integratie"')]
    assert act.count("De uitwerking van dit plan (doel, stappen en taken)") == 5
    assert "Zie bijlage Flap 5: De nieuwe manier van samenwerken." in act
    integration = limburg_report[limburg_report.index('id="integratie"') :]
    assert "Bespreken in de verschillende Gremia" in integration
    assert "week 18 (vanaf maandag 27 april)" in integration
    assert "juni 2020 (vanaf de 1e)" in integration
    assert "Geen taken bij deze stap." in integration
    assert 'id="ww-tasks"' in integration


def test_mini_report_has_every_result(built):
    report = built("mini_store")
    for div_id in ["ww-interviews", "ww-freq", "ww-who", "ww-votes", "ww-tasks"]:
        assert f'id="{div_id}"' in report
    assert "Eén werkwijze voor alle afdelingen." in report  # goal
    assert 'class="obstacle">Oude regels' in report
    assert 'class="way">Kleine stappen' in report
    assert "Korte lijnen houden" in report


def test_report_in_english(limburg_store):
    report = build_report(workbook(limburg_store, lang="en"), WHEN)
    assert '<html lang="en">' in report
    assert "Final report" in report and "Board 1: Kick-off" in report
    assert "Generated on Friday 13 March 2026 at 16:30" in report
    assert "Eindrapportage" not in report.replace(PLOTLY_JS, "")


def test_lindeveen_report_shows_the_analysis(lindeveen, built):
    report = built("lindeveen", pseudonymise=True)
    assert report.count("gecodeerd") >= len(lindeveen.interviews())
    assert 'id="ww-who"' in report and 'id="ww-votes"' in report
    assert "De inhoud van deze flap is niet in de bron opgenomen." not in report


def test_write_report_through_open_workbook(tmp_path):
    wb = open_workbook("limburg-2020", data_dir=str(DATA), store=str(tmp_path / "s.sqlite"))
    path = write_report(wb, tmp_path / "out" / "eindrapportage.html", WHEN)
    assert path.read_text(encoding="utf-8") == build_report(wb, WHEN)


def test_building_the_report_imports_no_widgets(tmp_path):
    import subprocess
    import sys

    script = (
        "import datetime as dt, sys\n"
        "from wwlib.outputs.report import build_report\n"
        "from wwlib.present.workbook import opened_workbook\n"
        f"with opened_workbook({str(DATA / 'lindeveen-2026')!r}) as wb:\n"
        "    build_report(wb, dt.datetime(2026, 1, 1))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('ipywidgets', 'wwlib')"
        " and ('ipywidgets' in m or m.startswith('wwlib.ui'))))\n"
    )
    env = {**os.environ, "WW_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
