"""wwlib.figures: titles and axes from the catalogue, readable fonts, data, empty states."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import plotly.graph_objects as go
import pytest

from wwlib import analysis, figures
from wwlib.core.labels import Labels
from wwlib.core.model import category_colour
from wwlib.core.pseudonym import Pseudonymiser
from wwlib.present import views
from wwlib.present.workbook import Workbook

NL, EN = Labels("nl"), Labels("en")
DAY_MS = 24 * 3600 * 1000


def workbook(store, pseudonymise: bool = False, lang: str = "nl") -> Workbook:
    return Workbook(store, Labels(lang), Pseudonymiser(store.people(), pseudonymise), lang,
                    pseudonymise)  # fmt: skip


def annotations(fig: go.Figure) -> list[str]:
    return [a.text for a in fig.layout.annotations]


def all_figures(store, labels: Labels) -> dict[str, go.Figure]:
    wb = workbook(store, lang=labels.lang)
    return {
        "programme": figures.programme_timeline(views.session_frame(wb), labels),
        "interviews": figures.interview_status_chart(
            analysis.interview_statuses(store.interviews(), store.people()), labels
        ),
        "frequencies": figures.frequency_chart(
            analysis.code_frequencies(store.codings(), store.codes()), labels
        ),
        "who": figures.who_said_what_heatmap(views.who_said_what_matrix(wb), labels),
        "votes": figures.vote_chart(views.vote_totals_frame(wb), labels),
        "tasks": figures.task_timeline(views.task_frame(wb), labels),
    }


@pytest.mark.parametrize("cohort", ["mini_store", "limburg_store"])
@pytest.mark.parametrize("labels", [NL, EN], ids=["nl", "en"])
def test_every_figure_has_title_axes_and_large_fonts(cohort, labels, request):
    for key, fig in all_figures(request.getfixturevalue(cohort), labels).items():
        prefix = "fig.who" if key == "who" else f"fig.{key}"
        assert fig.layout.title.text == labels(f"{prefix}.title")
        assert fig.layout.xaxis.title.text == labels(f"{prefix}.x")
        assert fig.layout.yaxis.title.text == labels(f"{prefix}.y")
        assert fig.layout.font.size >= 14
        assert fig.layout.xaxis.tickfont.size >= 14 and fig.layout.yaxis.tickfont.size >= 14
        assert fig.layout.height >= 300


def test_mini_figures_have_data(mini_store):
    figs = all_figures(mini_store, NL)
    assert all(len(fig.data) > 0 for fig in figs.values())
    assert all(annotations(fig) == [] for k, fig in figs.items() if k != "programme")


@pytest.mark.parametrize(
    "key, message",
    [
        ("interviews", "Geen interviews in de bron (9 deelnemers)"),
        ("frequencies", "Nog geen codering"),
        ("who", "Nog geen codering"),
        ("votes", "Nog geen stemmen"),
    ],
)
def test_limburg_shows_its_empty_states(limburg_store, key, message):
    fig = all_figures(limburg_store, NL)[key]
    assert annotations(fig) == [message]
    assert len(fig.data) == 0
    assert fig.layout.title.text  # the title stays


EMPTY = pd.DataFrame()


@pytest.mark.parametrize(
    "make, data, message",
    [
        (
            figures.programme_timeline,
            pd.DataFrame(columns=["id", "date", "start", "end", "phase", "activity"]),
            "Nog geen sessies in het programma",
        ),
        (figures.interview_status_chart, pd.DataFrame(columns=["status"]), "Nog geen deelnemers"),
        (figures.frequency_chart, pd.DataFrame(columns=["fragments"]), "Nog geen codering"),
        (figures.who_said_what_heatmap, EMPTY, "Nog geen codering"),
        (figures.vote_chart, pd.DataFrame(columns=["dots"]), "Nog geen stemmen"),
        (figures.task_timeline, pd.DataFrame(columns=["due_date"]), "Nog geen taken"),
    ],
)
def test_empty_data_gives_an_annotated_figure(make, data, message):
    fig = make(data, NL)
    assert annotations(fig) == [message]
    assert not fig.layout.xaxis.visible and not fig.layout.yaxis.visible


def test_empty_state_in_english():
    fig = figures.vote_chart(pd.DataFrame(columns=["dots"]), EN)
    assert annotations(fig) == ["No votes yet"]
    assert fig.layout.title.text == "Dots per note"


# -- programme --------------------------------------------------------------------------------


def test_programme_timeline_places_sessions_by_day_and_time(mini_store):
    fig = figures.programme_timeline(mini_store.sessions(), NL)
    look = next(t for t in fig.data if t.name == "Look")
    # Monday 09:00–10:30 on a 09–17 day is [0, 1.5/8); Tuesday spans the whole day [1, 2)
    assert list(look.base) == pytest.approx([0.0, 1.0])
    assert list(look.x) == pytest.approx([1.5 / 8, 1.0])
    assert list(look.marker.pattern.shape) == ["", "/"]  # Tuesday had no times
    assert list(look.text) == ["09:00–10:30", ""]
    assert list(fig.layout.xaxis.ticktext)[2] == "woensdag<br>28 februari"  # a day without sessions
    assert [t.marker.color for t in fig.data] == list(figures.PHASE_COLOURS.values())


def test_programme_timeline_of_limburg_spreads_untimed_sessions(limburg_store):
    fig = figures.programme_timeline(limburg_store.sessions(), NL)
    bars = sum(len(t.y) for t in fig.data)
    assert bars == 12
    assert all(shape == "/" for t in fig.data for shape in t.marker.pattern.shape)
    assert annotations(fig) == [NL("fig.programme.estimated_note")]
    assert list(fig.layout.yaxis.ticktext)[0] == "Kick-off"
    assert len(fig.layout.xaxis.tickvals) == 5  # Monday to Friday


# -- interviews, frequencies, who said what --------------------------------------------------


def test_interview_status_chart_counts(mini_store):
    statuses = analysis.interview_statuses(mini_store.interviews(), mini_store.people())
    fig = figures.interview_status_chart(statuses, NL)
    counts = {t.name: t.x[0] for t in fig.data}
    assert counts == {"gecodeerd": 1, "gehouden": 1, "gepland": 1, "geen interview": 0}


def test_frequency_chart_colours_bars_by_category(mini_store):
    freq = analysis.code_frequencies(mini_store.codings(), mini_store.codes())
    fig = figures.frequency_chart(freq, NL)
    by_name = {t.name: t for t in fig.data}
    assert list(by_name) == [
        "succesfactor",
        "thema",
        "idee of behoefte",
        "belemmering",
        "manier om ermee om te gaan",
    ]
    assert by_name["thema"].marker.color == category_colour("theme") == "#5cb85c"
    assert by_name["belemmering"].marker.color == category_colour("obstacle")
    assert by_name["manier om ermee om te gaan"].marker.color == category_colour("way_to_deal")
    assert list(by_name["succesfactor"].x) == [2]
    assert list(fig.layout.yaxis.ticktext)[0] == "Korte lijnen"


def test_who_said_what_heatmap_shows_the_matrix(mini_store):
    matrix = views.who_said_what_matrix(workbook(mini_store, True))
    fig = figures.who_said_what_heatmap(matrix, NL)
    heat = fig.data[0]
    assert [list(row) for row in heat.z] == matrix.to_numpy().tolist()
    assert list(fig.layout.yaxis.ticktext) == ["P01", "P02", "P03"]
    assert category_colour("theme") in fig.layout.xaxis.ticktext[1]
    assert fig.layout.xaxis.ticktext[1].endswith("Samen werken")
    assert list(heat.text[2]) == [""] * 5  # zeros stay blank
    assert list(heat.text[0]) == ["2", "1", "", "1", ""]


def test_heatmap_of_a_plain_matrix():
    matrix = pd.DataFrame({"a": [1, 0], "b": [0, 2]}, index=["x", "y"])
    fig = figures.who_said_what_heatmap(matrix, NL)
    assert list(fig.layout.xaxis.ticktext) == ["a", "b"]


# -- votes ------------------------------------------------------------------------------------


def test_vote_chart_escapes_note_text():
    totals = pd.DataFrame(
        {
            "note": ["n1", "n2"],
            "board": ["b", "b"],
            "text": ["<script>alert(1)</script>", "Gewoon"],
            "category": ["idea_or_need", "other"],
            "dots": [3, 1],
            "voters": [2, 1],
            "rank": [1, 2],
        }
    )
    fig = figures.vote_chart(totals, NL)
    assert fig.layout.yaxis.ticktext[0] == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert [t.name for t in fig.data] == ["idee of behoefte", "overig"]
    assert list(fig.data[0].x) == [3] and list(fig.data[0].customdata) == [2]


# -- tasks ------------------------------------------------------------------------------------


def test_task_timeline_of_limburg_lists_undated_tasks_apart(limburg_store):
    tasks = views.task_frame(workbook(limburg_store))
    fig = figures.task_timeline(tasks, NL)
    assert len(fig.layout.yaxis.ticktext) == 13  # every task has a row
    undated = next(t for t in fig.data if isinstance(t, go.Scatter) and t.mode == "text")
    assert list(undated.text) == ["zonder datum"] * 9
    assert annotations(fig) == ["9 van de 13 taken hebben geen datum; zij staan onderaan"]
    bars = next(t for t in fig.data if isinstance(t, go.Bar))
    spans = dict(zip(bars.base, (x / DAY_MS for x in bars.x), strict=True))
    assert spans == {"2020-04-24": 1, "2020-04-27": 7, "2020-06-01": 30}  # date, week 18, juni


def test_task_timeline_hover_says_when_a_week_starts(limburg_store):
    fig = figures.task_timeline(views.task_frame(workbook(limburg_store)), NL)
    bars = next(t for t in fig.data if isinstance(t, go.Bar))
    assert any("week 18 (vanaf maandag 27 april)" in h for h in bars.hovertext)


def _tasks(*dues):
    return pd.DataFrame(
        {
            "title": [f"Taak {i}" for i in range(len(dues))],
            "owners": ["P01"] * len(dues),
            "due_text": [d[0] for d in dues],
            "due_kind": [d[1] for d in dues],
            "due_date": [d[2] for d in dues],
            "status": ["open"] * len(dues),
        }
    )


def test_task_timeline_sorts_by_first_day_and_colours_by_status():
    tasks = _tasks(("juni 2020", "month", "2020-06-01"), ("24 april", "date", "2020-04-24"))
    tasks.loc[1, "status"] = "done"
    fig = figures.task_timeline(tasks, NL)
    assert list(fig.layout.yaxis.ticktext) == ["Taak 1", "Taak 0"]
    bars = {t.name: t for t in fig.data if isinstance(t, go.Bar)}
    assert bars["klaar"].marker.color == figures.STATUS_COLOURS["done"]
    assert list(bars["open"].y) == [1]


def test_task_timeline_with_only_undated_tasks_says_so():
    fig = figures.task_timeline(_tasks(("", "", None), ("", "", None)), NL)
    assert annotations(fig) == ["Geen van de 2 taken heeft een datum; zie de takenlijst"]


@pytest.mark.parametrize(
    "start, end, first_tick, count",
    [
        (dt.date(2020, 4, 21), dt.date(2020, 7, 5), "20 april", 12),  # weekly up to 12 weeks
        (dt.date(2026, 10, 20), dt.date(2027, 10, 1), "november<br>2026", 6),  # every 2nd month
    ],
)
def test_task_timeline_ticks(start, end, first_tick, count):
    tasks = _tasks(("a", "date", start.isoformat()), ("b", "date", end.isoformat()))
    fig = figures.task_timeline(tasks, NL)
    assert fig.layout.xaxis.ticktext[0] == first_tick
    assert len(fig.layout.xaxis.tickvals) == count


# -- a figure's data as a table: what it shows, never where plotly draws it ----------------


def test_a_figures_data_table_names_its_rows_as_the_figure_does(mini_store):
    from wwlib.figures.alt import figure_data

    figs = all_figures(mini_store, NL)
    freq = analysis.code_frequencies(mini_store.codings(), mini_store.codes())
    table = figure_data(figs["frequencies"])
    assert table["Code"].tolist() == freq["name"].tolist()  # not the rows 0..n-1
    assert table["Aantal fragmenten"].tolist() == freq["fragments"].tolist()
    assert table[""].tolist() == [NL(f"category.{c}") for c in freq["category"]]
    who = figure_data(figs["who"])
    matrix = views.who_said_what_matrix(workbook(mini_store))
    assert who.index.tolist() == matrix.index.tolist()
    assert who.columns.tolist() == [name for _, name in matrix.columns]
    statuses = figure_data(figs["interviews"])
    assert statuses.columns.tolist() == ["Status", "Aantal deelnemers"]  # the series only repeat
    assert statuses["Status"].tolist()[:3] == ["gecodeerd", "gehouden", "gepland"]


def test_a_timelines_data_table_gives_dates_and_phases(mini_store):
    from wwlib.figures.alt import figure_data

    figs = all_figures(mini_store, NL)
    programme = figure_data(figs["programme"])
    assert programme.columns.tolist() == ["Dag", "Tijd", "Fase", "Activiteit"]
    sessions = views.session_frame(workbook(mini_store))
    assert set(programme["Activiteit"]) == set(sessions["activity"])
    assert set(programme["Fase"]) <= {"Look", "Think", "Act"}
    assert all(re.match(r"[a-z]+dag \d+ [a-z]+$", day) for day in programme["Dag"])
    tasks = figure_data(figs["tasks"])
    assert tasks.columns.tolist() == ["Taak", "Status", "Wanneer", "Eigenaar(s)"]
    assert set(tasks["Taak"]) == set(views.task_frame(workbook(mini_store))["title"])


def test_a_networks_data_table_names_codes_and_pairs_not_coordinates(mini_store):
    from wwlib.figures.alt import figure_data

    codings, codes = mini_store.codings(), mini_store.codes()
    names = dict(zip(codes["id"], codes["name"], strict=True))
    pairs = analysis.cooccurrence(codings, "participant")
    freq = analysis.code_frequencies(codings, codes)
    fig = figures.cooccurrence_network(pairs, freq, names, NL, "participant", min_jaccard=0)
    table = figure_data(fig)
    assert table.columns.tolist() == ["Code", "Soort", "Samen", "Jaccard (c-coëfficiënt)"]
    used = freq[freq["fragments"] > 0]
    assert set(table["Code"].head(len(used))) == {names[c] for c in used["code"]}
    edges = table["Code"].iloc[len(used) :].tolist()
    assert edges and all(" — " in e for e in edges)
    drawn = zip(pairs["code_a"], pairs["code_b"], strict=True)
    assert {f"{names[a]} — {names[b]}" for a, b in drawn} == set(edges)
    assert table["Jaccard (c-coëfficiënt)"].dropna().between(0, 1).all()


def test_a_figures_own_table_is_escaped_in_the_page_and_plain_in_the_table():
    from wwlib.figures.alt import figure_data

    sessions = pd.DataFrame(
        [("s1", "2024-02-26", "09:00", "10:00", "look", "<b>Kick-off</b> & koffie")],
        columns=["id", "date", "start", "end", "phase", "activity"],
    )
    fig = figures.programme_timeline(sessions, NL)
    assert "<b>" not in fig.to_json()  # plotly's page script holds the table too
    assert figure_data(fig)["Activiteit"].tolist() == ["<b>Kick-off</b> & koffie"]


def test_an_agreement_chart_of_kappa_0_is_a_finding_not_an_empty_chart():
    from wwlib.analysis.agreement import CODE_COLUMNS, SUMMARY_COLUMNS
    from wwlib.present import quiet

    row = ("f", "g", "a", "theme", 1, 100, 0, 10, 10, 80, 0.8, 0.0)  # κ 0: chance agreement
    per_code = pd.DataFrame([row], columns=CODE_COLUMNS)
    summary = pd.DataFrame([("f", "g", 1, 100, 1, 0.8, 0.0, -0.1)], columns=SUMMARY_COLUMNS)
    fig = figures.agreement_chart(per_code, summary, {}, NL)
    assert not quiet.figure_says_nothing(fig)
    zeros = figures.frequency_chart(
        pd.DataFrame(
            {"code": ["a"], "name": ["A"], "category": ["theme"], "fragments": [1],
             "participants": [0]}
        ),
        NL,
    )  # fmt: skip
    zeros.data[0].x = [0]
    assert quiet.figure_says_nothing(zeros)  # a count of 0 still says nothing
