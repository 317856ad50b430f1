"""wwlib.figures: titles and axes from the catalogue, readable fonts, data, empty states."""

from __future__ import annotations

import datetime as dt

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
