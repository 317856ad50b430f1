"""A report that reads well, and a light one (issue 14, parts 4 and 5): the summary first, a
quote per theme in view, the roads drawn, no table or chart that says nothing, text left and
numbers right, a plan's goal once; and under 2 MB with the cartesian plotly.js bundle."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest
from a11y_helpers import axe_serious
from browser_helpers import chromium_page
from markupsafe import escape
from shared_runs import REPORT_WHEN

from wwlib.app.cli import main
from wwlib.cohorts.home import init_cohort
from wwlib.core.labels import Labels
from wwlib.core.pseudonym import Pseudonymiser
from wwlib.folder.scaffold import new_cohort
from wwlib.outputs.report import CARTESIAN_TRACES, build_report, plotly_js, write_report
from wwlib.present import look, render, summary
from wwlib.present.missing import missing
from wwlib.present.quiet import figure_says_nothing, quiet_table
from wwlib.present.sections import build
from wwlib.present.workbook import Workbook
from wwlib.store import Store

WHEN = dt.datetime(2026, 3, 13, 16, 30)
NL = Labels("nl")
DETAILS = re.compile(r"<details\b.*?</details>", re.S)
NEW_PLOT = re.compile(r'Plotly\.newPlot\(\s*"([^"]+)",\s*')


def workbook(store: Store, lang: str = "nl") -> Workbook:
    names = Pseudonymiser(store.people(), False, store.cohort().mentioned_names)
    return Workbook(store, Labels(lang), names, lang, False, interactive=False)


def chapter(report: str, anchor: str) -> str:
    """The report's `<section id=anchor>`, up to the next chapter (or the footer)."""
    start = report.index(f'<section id="{anchor}"')
    ends = [report.find(e, start + 1) for e in ("\n<section id=", "\n<footer>")]
    return report[start : min(e for e in ends if e > 0)]


@pytest.fixture(scope="module")
def lindeveen_report(lindeveen_reports):
    """The report of `workbook(lindeveen)` at WHEN, built once per session (conftest.py)."""
    assert WHEN == REPORT_WHEN
    return lindeveen_reports["nl"]


@pytest.fixture(scope="module")
def early(tmp_path_factory):
    """A fresh `ww new` cohort on Wednesday evening: people, interviews planned, a codebook,
    a shortlist with its theme boards; nothing coded, no notes, no votes."""
    root = tmp_path_factory.mktemp("early")
    folder = new_cohort(root / "heidevaart-2027", "Heidevaart", ["Heidevaart"], "2027-03-08")
    store_path = init_cohort(folder, root / "s.sqlite")
    people = folder / "people.csv"
    header = people.read_text(encoding="utf-8").splitlines()[0].split(",")
    rows = [
        {"id": p, "name": n, "role": "participant", "organisation": o, "pseudonym": f"P0{i}"}
        for i, (p, n, o) in enumerate(
            [("lotte-verbeek", "Lotte Verbeek", "Gemeente"), ("wim-mol", "Wim Mol", "Welzijn")],
            start=1,
        )
    ]
    rows.append({"id": "ellen-de-graaf", "name": "Ellen de Graaf", "role": "facilitator",
                 "organisation": "Bureau Kompas", "pseudonym": "F01"})  # fmt: skip
    with people.open("a", encoding="utf-8") as file:
        for row in rows:
            values = {"consent_named": "ja", "consent_date": "2027-03-01", **row}
            file.write(",".join(values.get(c, "") for c in header) + "\n")
    with (folder / "interviews.csv").open("a", encoding="utf-8") as file:
        for person in ("lotte-verbeek", "wim-mol"):
            file.write(f"{person},ellen-de-graaf,2027-03-09,planned,\n")
    with (folder / "codebook.csv").open("a", encoding="utf-8") as file:
        file.write("samen-werken,theme,Samen werken,,,\nwerkdruk,theme,Werkdruk,,,\n")
    assert main(["update", str(folder), "--store", str(store_path)]) == 0
    with Store(store_path) as store:
        store.set_shortlist(["samen-werken", "werkdruk"])
        store.ensure_theme_boards()
        yield store


# -- the executive summary ----------------------------------------------------------------------


def test_the_summary_comes_first_with_question_themes_and_next_steps(lindeveen, lindeveen_report):
    wb = workbook(lindeveen)
    report = lindeveen_report
    assert (
        report.index('id="samenvatting"') < report.index("<nav>") < report.index('id="inleiding"')
    )
    shown = chapter(report, "samenvatting")
    assert "<h2>Samenvatting</h2>" in shown
    assert render.escape(wb.cohort.research_question.strip(), quote=False) in shown
    names = lindeveen.codes().set_index("id")["name"]
    themes = re.findall(r'<strong class="ww-summary-theme">([^<]*)</strong>', shown)
    assert themes == [str(escape(names[t])) for t in wb.cohort.prioritised_themes]
    assert len(themes) >= 4
    tasks, more = summary.next_tasks(wb)
    assert 0 < len(tasks) <= summary.NEXT_TASKS
    assert render.table_html(tasks) in shown  # who does what, and when
    plans = lindeveen.plans()
    tasks_ = lindeveen.tasks()
    integration = plans.loc[plans["kind"] == "integration", "id"]
    first = tasks_[tasks_["plan"].isin(integration) & (tasks_["status"] != "done")]
    assert set(tasks.iloc[:, 0]) <= set(first["title"])
    assert "Volgende stappen" in shown and "Wat de groep vond" in shown


def test_a_new_cohort_s_summary_says_what_it_lacks(early):
    section = build(workbook(early), "summary")
    lacking = {p.name: p.missing for p in section.parts}
    assert lacking["found"] == missing(workbook(early), "codings") == NL("missing.transcripts")
    assert lacking["themes"] and lacking["next"]
    assert "ww-summary-themes" not in section.html()


# -- quotes, roads, plans -----------------------------------------------------------------------


def test_the_strongest_quote_of_every_theme_is_in_view(lindeveen, lindeveen_report):
    wb = workbook(lindeveen)
    unfolded = DETAILS.sub("", lindeveen_report)
    quotes = chapter(unfolded, "look")
    for theme in wb.cohort.prioritised_themes:
        strongest, _who = look.quote_groups(wb, theme)[0][1][0]
        assert str(escape(strongest)) in chapter(unfolded, "samenvatting"), theme
        assert str(escape(strongest)) in quotes, theme
    codes = look.quote_groups(wb)
    assert quotes.count('<blockquote class="ww-quote">') >= len(codes)


def test_every_theme_plan_is_drawn_as_its_road(lindeveen, lindeveen_report):
    plans = lindeveen.plans().query("kind == 'theme'")
    with_steps = set(lindeveen.steps()["plan"])
    act = chapter(lindeveen_report, "act")
    drawn = re.findall(r'id="ww-road-([a-z0-9-]+)"', act)
    assert drawn == [p for p in plans["id"] if p in with_steps] and drawn
    section = build(workbook(lindeveen), "plans")
    assert [p.name for p in section.parts if p.is_figure] == [f"road-{p}" for p in plans["id"]]


def test_a_plans_table_states_each_goal_once(lindeveen):
    table = build(workbook(lindeveen), "plans").part("table").content
    goals = table[NL("view.col.goal")]
    plans = lindeveen.plans().query("kind == 'theme'")
    assert [g for g in goals if g] == [g for g in plans["goal"]]
    assert len(table) > len(plans)  # more task rows than plans: the goal is not on every row
    shown = render.table_html(table)
    for goal in plans["goal"]:
        assert shown.count(str(escape(goal))) == 1


# -- nothing that says nothing ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frame", "kept", "sentence"),
    [
        (pd.DataFrame({"code": [], "n": []}), None, "quiet.table.empty"),
        (
            pd.DataFrame({"code": ["a", "b"], "n": [0, 0], "m": [0.0, 0.0]}),
            None,
            "quiet.table.zero",
        ),
        (pd.DataFrame({"code": ["a"], "who": ["x"], "n": [0], "m": [2]}), ["code", "who", "m"], ""),
        (pd.DataFrame({"code": ["a"], "n": [1]}), ["code", "n"], ""),
    ],
)
def test_a_table_that_says_nothing_is_a_sentence(frame, kept, sentence):
    shown, lacking, note = quiet_table(frame, NL)
    assert (None if shown is None else list(shown.columns)) == kept
    assert lacking == (NL(sentence) if sentence else "")
    assert ("Weggelaten" in note) == (kept is not None and len(kept) < frame.shape[1])


def test_a_chart_of_zeros_says_nothing():
    zeros = go.Figure(go.Bar(x=["a", "b"], y=[0, 0]))
    assert figure_says_nothing(zeros)
    assert not figure_says_nothing(go.Figure(go.Bar(x=["a", "b"], y=[0, 2])))
    assert figure_says_nothing(go.Figure(go.Heatmap(z=[[0, None], [0, 0]])))
    assert not figure_says_nothing(go.Figure(go.Scatter(x=[0, 0], y=[0, 0])))  # a road at 0


def test_an_early_report_shows_no_table_of_zeros(early):
    report = build_report(workbook(early), WHEN)
    interviews = build(workbook(early), "interviews").part("table")
    assert NL("view.col.codings") not in interviews.content.columns
    assert NL.count("quiet.table.zero_columns", 1, columns=NL("view.col.codings")) in report
    priorities = build(workbook(early), "priorities").part("dots")
    assert priorities.content is None and priorities.missing == missing(workbook(early), "votes")
    shown = build(workbook(early), "priorities").html(3)
    assert shown in chapter(report, "think") and "<table" not in shown
    assert render.sentence_html(priorities.missing) in shown


def test_a_nearly_empty_cooccurrence_matrix_is_a_sentence(lindeveen):
    part = build(workbook(lindeveen), "cooccurrence").part("heatmap")
    assert part.missing.startswith("Maar ") and "465 mogelijke paren" in part.missing


# -- alignment ----------------------------------------------------------------------------------


def test_text_is_left_and_numbers_right_aligned(lindeveen, lindeveen_report):
    table = build(workbook(lindeveen), "frequencies").part("table").content
    shown = render.table_html(table)
    heads = re.findall(r'<th class="(ww-[a-z]+)">([^<]*)</th>', shown)
    for kind, name in heads:
        numeric = pd.api.types.is_numeric_dtype(table[name])
        assert kind == ("ww-num" if numeric else "ww-text"), name
    assert {k for k, _ in heads} == {"ww-num", "ww-text"}
    assert re.search(r'<td class="ww-num">\d+</td>', shown)
    assert ".ww-table .ww-num{text-align:right" in lindeveen_report
    assert ".ww-table .ww-text{text-align:left}" in lindeveen_report
    assert "<td>" not in lindeveen_report.replace(plotly_js(), "")  # every cell says its kind


# -- a lighter report ---------------------------------------------------------------------------


def test_the_lindeveen_report_is_under_2_mb(lindeveen, tmp_path):
    path = write_report(workbook(lindeveen), tmp_path / "report.html", WHEN)
    assert path.stat().st_size < 2_000_000
    assert plotly_js().startswith("/**\n* plotly.js (cartesian - minified) v")


def test_every_trace_the_report_draws_is_in_the_cartesian_bundle(lindeveen_report):
    decoder, types = json.JSONDecoder(), set()
    for match in NEW_PLOT.finditer(lindeveen_report):
        data, _end = decoder.raw_decode(lindeveen_report, match.end())
        types |= {trace.get("type", "scatter") for trace in data}
    assert {"bar", "heatmap", "scatter"} <= types
    assert types <= CARTESIAN_TRACES


@pytest.mark.browser
def test_every_figure_is_drawn_in_the_browser(lindeveen, tmp_path):
    path = write_report(workbook(lindeveen), tmp_path / "report.html", WHEN)
    ids = NEW_PLOT.findall(path.read_text(encoding="utf-8"))
    assert len(ids) >= 12
    errors: list[str] = []
    with chromium_page() as page:
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(Path(path).as_uri())
        page.wait_for_function(
            "ids => ids.every(i => document.getElementById(i)?.querySelector('.main-svg'))",
            arg=ids,
            timeout=30_000,
        )
        drawn = page.evaluate(
            "ids => ids.filter(i => document.getElementById(i).classList.contains("
            "'js-plotly-plot') && document.getElementById(i).querySelectorAll('.main-svg')"
            ".length > 0)",
            ids,
        )
        plotted = page.evaluate("() => document.querySelectorAll('.js-plotly-plot .trace').length")
        # every drawn chart has its text alternative: a caption and its data as a table
        alternatives = page.evaluate(
            "ids => ids.filter(i => { const f = document.getElementById(i).closest('figure');"
            " return f && f.querySelector('figcaption').textContent.trim() &&"
            " f.querySelector('details table tbody tr'); })",
            ids,
        )
        violations = axe_serious(page)
    assert drawn == ids
    assert plotted >= len(ids)
    assert errors == []
    assert alternatives == ids
    assert violations == []  # no serious or critical WCAG A/AA violation in the report
