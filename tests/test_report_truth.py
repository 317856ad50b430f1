"""The report tells the truth of the state: each board once, numbers as the language writes
them (in the report, its figures and the notebooks' tables)."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from html.parser import HTMLParser

import pandas as pd
import pytest
from shared_runs import REPORT_WHEN

from wwlib.core.labels import Labels
from wwlib.core.pseudonym import Pseudonymiser
from wwlib.outputs.report import build_report, plotly_js, workbook_version
from wwlib.present import display, look, tables, views
from wwlib.present.workbook import Workbook

WHEN = dt.datetime(2026, 3, 13, 16, 30)
assert WHEN == REPORT_WHEN  # lindeveen_reports (conftest.py) are generated then
PLOTLY_JS = plotly_js()
COHORTS = ["limburg_store", "lindeveen"]


def workbook(store, lang: str = "nl") -> Workbook:
    names = Pseudonymiser(store.people(), False, store.cohort().mentioned_names)
    return Workbook(store, Labels(lang), names, lang, False, interactive=False)


# -- each board once ----------------------------------------------------------------------------


@pytest.mark.parametrize("cohort", COHORTS)
def test_each_board_s_notes_appear_once_in_its_appendix(cohort, request):
    store = request.getfixturevalue(cohort)
    report = build_report(workbook(store), WHEN)
    cards = re.findall(r'<span class="note-text">([^<]*)</span>', report)
    assert len(cards) == len(store.notes())
    assert sorted(html.unescape(c) for c in cards) == sorted(
        views.note_frame(workbook(store))["text"]
    )
    appendix = report[report.index('id="bijlagen"') :]
    assert len(re.findall(r'<span class="note-text">', appendix)) == len(cards)
    for board in store.boards().itertuples():
        assert report.count(f'id="flap-{board.number}"') == 1


@pytest.mark.parametrize(("cohort", "lang", "see"), [
    ("limburg_store", "nl", "zie flap"), ("lindeveen", "nl", "zie flap"),
    ("lindeveen", "en", "see board"),
])  # fmt: skip
def test_the_think_chapter_links_each_board_to_its_appendix(cohort, lang, see, request):
    store = request.getfixturevalue(cohort)
    report = build_report(workbook(store, lang), WHEN)
    think = report[report.index('id="think"') : report.index('id="act"')]
    assert 'class="note"' not in think
    boards = store.boards().query("kind in ['ideas', 'theme']")
    assert len(boards) >= 5
    for number in boards["number"]:
        assert f'<a href="#flap-{number}">{see} {number}</a>' in think
        assert f'id="flap-{number}"' in report[report.index('id="bijlagen"') :]
    if cohort == "lindeveen":
        first = boards.iloc[0]
        words = "geeltjes" if lang == "nl" else "notes"
        assert f'{first["notes"]} {words} (<a href="#flap-{first["number"]}">' in think


# -- numbers ------------------------------------------------------------------------------------


class VisibleText(HTMLParser):
    """The text a reader sees: everything outside <script> and <style>, one piece per element."""

    def __init__(self):
        super().__init__()
        self.pieces: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        self._hidden += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._hidden -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.pieces.append(data)


def visible_text(report: str) -> str:
    parser = VisibleText()
    parser.feed(report.replace(f"wwlib {workbook_version()}", "wwlib"))  # the version is no number
    return "\n".join(parser.pieces)


# A number in the text: digits with points or commas between them, not part of a word or code
# ("P04", "lindeveen-2026") and not a time ("16:30"); a point or comma after it ends a sentence.
NUMBER = re.compile(r"(?<![\w.,:\-])\d+(?:[.,]\d+)*(?![\w:\-])")
DUTCH = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?")  # 12.629,5 · 0,83 · 35
ENGLISH = re.compile(r"[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")  # 12,629.5 · 0.83


def numbers(text: str) -> list[str]:
    return NUMBER.findall(text)


def test_the_number_pattern_sees_decimals_and_leaves_codes_and_times():
    text = "P04 zei om 16:30 in lindeveen-2026: 0.83 en 0,83, 12.629 tekens en 35 taken."
    assert numbers(text) == ["0.83", "0,83", "12.629", "35"]


def test_dutch_report_writes_decimal_commas(lindeveen_reports):
    text = visible_text(lindeveen_reports["nl"])
    found = numbers(text)
    assert [n for n in found if not DUTCH.fullmatch(n)] == []
    assert "0,82" in found and "99,5" in found and "12.629" in found  # agreement, characters
    assert "1,00" in found  # the co-occurrence table's Jaccard


def test_english_report_writes_decimal_points(lindeveen_reports):
    found = numbers(visible_text(lindeveen_reports["en"]))
    assert [n for n in found if not ENGLISH.fullmatch(n)] == []
    assert "0.82" in found and "99.5" in found and "12,629" in found and "1.00" in found


def figures_of(report: str) -> list[tuple[str, list, dict]]:
    """Every figure of the report as (div id, data, layout), read from its Plotly.newPlot."""
    decoder, found = json.JSONDecoder(), []
    rest = report.replace(PLOTLY_JS, "")
    for call in re.finditer(r'Plotly\.newPlot\(\s*"([^"]+)",\s*', rest):
        data, end = decoder.raw_decode(rest, call.end())
        layout, _ = decoder.raw_decode(rest, re.compile(r"\s*,\s*").match(rest, end).end())
        found.append((call.group(1), data, layout))
    return found


def texts_in(value, key: str = "") -> list[str]:
    """The strings a figure shows (titles, ticks, hovers, notes), not its colours or template."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [
            t
            for k, v in value.items()
            if k != "template" and "color" not in k
            for t in texts_in(v, k)
        ]
    if isinstance(value, list):
        return [t for v in value for t in texts_in(v, key)]
    return []


@pytest.mark.parametrize(
    ("lang", "separators", "decimal"),
    [("nl", ",.", DUTCH), ("en", ".,", ENGLISH)],
    ids=["nl", "en"],
)
def test_figures_write_numbers_as_the_language_does(lindeveen_reports, lang, separators, decimal):
    figures = figures_of(lindeveen_reports[lang])
    assert len(figures) >= 10
    shown = []
    for div, data, layout in figures:
        assert layout["separators"] == separators, div
        shown += [n for t in texts_in([data, layout]) for n in numbers(html.unescape(t))]
    assert [n for n in shown if not decimal.fullmatch(n)] == []
    assert ("0,82" if lang == "nl" else "0.82") in shown  # the agreement figure's note


# -- the notebooks' tables ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "kappa", "characters"), [("nl", "0,82", "12.629"), ("en", "0.82", "12,629")]
)
def test_notebook_tables_write_numbers_in_the_workbook_s_language(
    lindeveen, lang, kappa, characters
):
    shown = display.table(look.agreement_summary_table(workbook(lindeveen, lang))).data
    assert f'<td class="ww-num">{kappa}</td>' in shown
    assert f'<td class="ww-num">{characters}</td>' in shown


def test_shown_numbers_gives_a_column_one_number_of_decimals():
    frame = pd.DataFrame({"code": ["a", "b", "c"], "jaccard": [1.0, 0.86, 0.8], "n": [3, 12629, 1]})
    frame.attrs["lang"] = "nl"
    shown = tables.shown_numbers(frame)
    assert shown["jaccard"].tolist() == ["1,00", "0,86", "0,80"]
    assert shown["n"].tolist() == ["3", "12.629", "1"]
    assert shown["code"].tolist() == ["a", "b", "c"]
    assert frame["jaccard"].tolist() == [1.0, 0.86, 0.8]  # the values themselves stay numbers
    assert tables.shown_numbers(frame, "en")["jaccard"].tolist() == ["1.00", "0.86", "0.80"]


def test_shown_numbers_leaves_missing_values_booleans_and_unknown_languages():
    frame = pd.DataFrame({"x": [0.5, None], "ok": [True, False], "mixed": [0.25, "tekst"]})
    shown = tables.shown_numbers(frame, "nl")
    assert shown["x"].iloc[0] == "0,5" and pd.isna(shown["x"].iloc[1])
    assert shown["ok"].tolist() == [True, False] and shown["mixed"].tolist() == ["0,25", "tekst"]
    assert tables.shown_numbers(frame) is frame  # a table of no known language stays as it is


# -- the method section and the interview chart agree ----------------------------------------


def test_the_method_calls_coded_what_the_interview_chart_calls_coded(mini_store):
    from wwlib import analysis
    from wwlib.figures import interview_status_chart
    from wwlib.figures.alt import figure_data
    from wwlib.present.report_method import describe_week, week_facts

    # anna's interview is coded, bram's held with codings on it, chloe's planned
    statuses = analysis.interview_statuses(mini_store.interviews(), mini_store.people())
    chart = figure_data(interview_status_chart(statuses, Labels("nl"))).set_index("Status")
    coded = int(chart.loc["gecodeerd", "Aantal deelnemers"])
    assert coded == 1 and mini_store.codings()["interview"].nunique() == 2
    text = " ".join(p["text"] for p in describe_week(week_facts(mini_store), Labels("nl"), "W"))
    assert f"Daarvan is er {coded} gecodeerd" in text
    assert "Bij 1 interview is het coderen begonnen, maar het staat nog niet als gecodeerd." in text
    assert "De analyse laat zien" in text
