"""The week's own figures: programme, interviews, frequencies, who said what, votes, tasks."""

from __future__ import annotations

import datetime as dt
import html

import pandas as pd
import plotly.graph_objects as go

from wwlib.analysis import DAY_END, DAY_START, INTERVIEW_STATUS_ORDER, session_slots
from wwlib.core.dates import as_date, due_words, long_date
from wwlib.core.duedate import DueDate
from wwlib.core.labels import Labels
from wwlib.figures.base import (
    INTERVIEW_COLOURS,
    PHASE_COLOURS,
    STATUS_COLOURS,
    TICKS,
    add_note,
    category_bars,
    category_mark,
    cut,
    date_axis,
    empty_figure,
    integer_step,
    keep_names,
    keep_table,
    new_figure,
    row_axis,
    short,
    wrap,
)

# -- programme --------------------------------------------------------------------------


def programme_timeline(sessions: pd.DataFrame, labels: Labels) -> go.Figure:
    """The week Monday to Friday as a timeline: one row per session, coloured by phase."""
    if sessions.empty:
        return empty_figure(labels, "fig.programme", "fig.programme.empty")
    slots = session_slots(sessions.reset_index(drop=True)).sort_index()
    first, last = as_date(slots["date"].min()), as_date(slots["date"].max())
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    low = min(DAY_START, slots["start_hour"].min())
    high = max(DAY_END, slots["end_hour"].max())
    index = [days.index(as_date(d)) for d in slots["date"]]
    x0 = [i + (h - low) / (high - low) for i, h in zip(index, slots["start_hour"], strict=True)]
    x1 = [i + (h - low) / (high - low) for i, h in zip(index, slots["end_hour"], strict=True)]
    fig = new_figure(labels, "fig.programme", height=280 + 48 * len(slots))
    for phase, colour in PHASE_COLOURS.items():
        rows = [i for i, p in enumerate(slots["phase"]) if p == phase]
        fig.add_bar(
            orientation="h",
            y=rows,
            base=[x0[i] for i in rows],
            x=[x1[i] - x0[i] for i in rows],
            name=labels(f"phase.{phase}"),
            marker={
                "color": colour,
                "pattern": {"shape": ["/" if slots["estimated"].iloc[i] else "" for i in rows]},
            },
            text=[_session_time(slots.iloc[i]) for i in rows],
            textposition="outside",
            cliponaxis=False,
            textfont={"size": TICKS},
            hovertext=[_session_hover(slots.iloc[i], labels) for i in rows],
            hoverinfo="text",
        )
    row_axis(fig, [wrap(a, 40) for a in slots["activity"]])
    fig.update_xaxes(
        range=[0, len(days)],
        tickvals=[i + 0.5 for i in range(len(days))],
        ticktext=[_day_tick(d, labels) for d in days],
        showgrid=False,
    )
    for i in range(1, len(days)):
        fig.add_vline(x=i, line={"color": "#999999", "width": 1})
    if slots["estimated"].any():
        add_note(fig, labels("fig.programme.estimated_note"))
    _programme_table(fig, slots, labels)
    return fig.update_layout(barmode="overlay")


def _programme_table(fig: go.Figure, slots: pd.DataFrame, labels: Labels) -> None:
    """The programme's data for its text alternative: day, time, phase and activity."""
    columns = [labels(f"view.col.{c}") for c in ("day", "time", "phase", "activity")]
    rows = [
        [
            long_date(s["date"], labels, year=False),
            _session_time(s) or labels("fig.programme.estimated"),
            labels(f"phase.{s['phase']}"),
            " ".join(str(s["activity"]).split()),
        ]
        for _, s in slots.iterrows()
    ]
    keep_table(fig, columns, rows)


# -- interviews and coding ------------------------------------------------------------------


def interview_status_chart(statuses: pd.DataFrame, labels: Labels) -> go.Figure:
    """How many participants have an interview planned, held, coded, or none at all.

    `statuses` is `analysis.interview_statuses(...)`.
    """
    if statuses.empty:
        return empty_figure(labels, "fig.interviews", "fig.interviews.empty")
    counts = statuses["status"].value_counts()
    if counts.get("none", 0) == len(statuses):
        return empty_figure(labels, "fig.interviews", "fig.interviews.none", n=len(statuses))
    fig = new_figure(labels, "fig.interviews", height=360)
    for status in INTERVIEW_STATUS_ORDER:
        fig.add_bar(
            orientation="h",
            y=[labels(f"interview.{status}")],
            x=[int(counts.get(status, 0))],
            name=labels(f"interview.{status}"),
            marker_color=INTERVIEW_COLOURS[status],
            text=[int(counts.get(status, 0))],
            textposition="auto",
            showlegend=False,
        )
    fig.update_yaxes(autorange="reversed")
    return fig.update_xaxes(dtick=1, rangemode="tozero")


def frequency_chart(freq: pd.DataFrame, labels: Labels) -> go.Figure:
    """Fragments per code as bars, grouped and coloured by category.

    `freq` is `analysis.code_frequencies(...)`.
    """
    return _count_bars(
        freq,
        labels,
        ("fig.frequencies", "fig.empty.codings"),
        {"fragments": "count.fragment", "participants": "count.participant"},
        row_height=36,
        names=lambda rows: [wrap(n, 40) for n in rows["name"]],
    )


def _count_bars(frame, labels: Labels, keys, counts: dict, row_height: int, names) -> go.Figure:
    """A bar per row of the first count of `counts` ({column: count label}), coloured by
    category, both counts in words on hover, `names(frame)` beside the bars; `keys` are the
    figure's and its empty state's."""
    (value, value_label), (extra, extra_label) = counts.items()
    if frame.empty or frame[value].sum() == 0:
        return empty_figure(labels, *keys)
    frame = frame.reset_index(drop=True)
    fig = new_figure(labels, keys[0], height=240 + row_height * len(frame))
    frame["hover"] = [
        f"{labels.count(value_label, int(v))}, {labels.count(extra_label, int(e))}"
        for v, e in zip(frame[value], frame[extra], strict=True)
    ]
    category_bars(fig, frame, value, extra, "%{hovertext}", labels)
    row_axis(fig, names(frame))
    return fig.update_xaxes(rangemode="tozero", dtick=integer_step(frame[value].max()))


def who_said_what_heatmap(matrix: pd.DataFrame, labels: Labels) -> go.Figure:
    """The participant × code matrix as a heatmap; a category colour mark before each code.

    `matrix` is `views.who_said_what_matrix(wb)`: rows are names to show, columns a
    MultiIndex (category, code name) or plain code names.
    """
    if matrix.empty or matrix.to_numpy().sum() == 0:
        return empty_figure(labels, "fig.who", "fig.empty.codings")
    if isinstance(matrix.columns, pd.MultiIndex):
        marks = [category_mark(k) for k, _ in matrix.columns]
        names = [str(c) for _, c in matrix.columns]
    else:
        marks, names = [""] * matrix.shape[1], [str(c) for c in matrix.columns]
    values = matrix.to_numpy()
    fig = new_figure(labels, "fig.who", height=330 + 40 * matrix.shape[0])
    fig.add_heatmap(
        z=values,
        x=list(range(matrix.shape[1])),
        y=list(range(matrix.shape[0])),
        text=[[str(v) if v else "" for v in row] for row in values],
        texttemplate="%{text}",
        textfont={"size": TICKS},
        colorscale=[[0, "#ffffff"], [1, "#1f4e79"]],
        zmin=0,
        colorbar={"title": {"text": labels("fig.who.scale")}, "dtick": integer_step(values.max())},
        customdata=[[f"{short(p, 40)} · {short(n, 60)}" for n in names] for p in matrix.index],
        hovertemplate="%{customdata}: %{z}<extra></extra>",
        xgap=2,
        ygap=2,
    )
    keep_names(fig, x=names, y=[str(p) for p in matrix.index])
    fig.update_xaxes(
        tickvals=list(range(matrix.shape[1])),
        tickangle=-40,
        showgrid=False,
        ticktext=[m + short(n, 30) for m, n in zip(marks, names, strict=True)],
    )
    return fig.update_yaxes(
        tickvals=list(range(matrix.shape[0])),
        autorange="reversed",
        ticktext=[short(str(p), 30) for p in matrix.index],
        showgrid=False,
    )


# -- votes ----------------------------------------------------------------------------------


def vote_chart(totals: pd.DataFrame, labels: Labels) -> go.Figure:
    """Dots per note as bars coloured by the note's category, most dots on top.

    `totals` is `analysis.vote_totals(...)` (or `views.vote_totals_frame(wb)`).
    """
    return _count_bars(
        totals,
        labels,
        ("fig.votes", "fig.votes.empty"),
        {"dots": "count.dot", "voters": "count.voter"},
        row_height=44,
        names=lambda rows: [wrap(cut(t, 80), 50) for t in rows["text"]],
    )


# -- tasks ----------------------------------------------------------------------------------


def task_timeline(tasks: pd.DataFrame, labels: Labels) -> go.Figure:
    """Tasks by due date, a week or month drawn from its first day; undated tasks at the bottom.

    `tasks` is `views.task_frame(wb)` (title, owners, due_text, due_kind, due_date, status).
    Undated tasks keep a row marked "zonder datum" and a note says how many there are.
    """
    if tasks.empty:
        return empty_figure(labels, "fig.tasks", "fig.tasks.empty")
    tasks = tasks.assign(first_day=[as_date(d) for d in tasks["due_date"]])
    dated = tasks[tasks["first_day"].notna()].sort_values("first_day", kind="stable")
    undated = tasks[tasks["first_day"].isna()]
    if dated.empty:
        return empty_figure(labels, "fig.tasks", "fig.tasks.none_dated", n=len(tasks))
    rows = pd.concat([dated, undated]).reset_index(drop=True)
    dues = [_due(t) for t in rows.itertuples()]
    start = min(d.first_day for d in dues if d) - dt.timedelta(days=3)
    end = max(d.last_day for d in dues if d) + dt.timedelta(days=4)
    fig = new_figure(labels, "fig.tasks", height=280 + 44 * len(rows))
    for status, colour in STATUS_COLOURS.items():
        own = [i for i in range(len(dated)) if rows.loc[i, "status"] == status]
        if own:
            _task_bars(fig, rows, dues, own, labels(f"status.{status}"), colour, labels)
    if len(undated):
        fig.add_scatter(
            x=[start.isoformat()] * len(undated),
            y=list(range(len(dated), len(rows))),
            mode="text",
            text=[labels("fig.tasks.no_date")] * len(undated),
            textposition="middle right",
            textfont={"color": "#777777", "size": TICKS},
            showlegend=False,
            hoverinfo="skip",
        )
        add_note(fig, labels("fig.tasks.undated_note", n=len(undated), total=len(rows)))
    row_axis(fig, [wrap(cut(t, 80), 50) for t in rows["title"]])
    _task_table(fig, rows, dues, labels)
    return date_axis(fig, start, end, labels)


def _task_table(fig: go.Figure, rows: pd.DataFrame, dues: list, labels: Labels) -> None:
    """The timeline's data for its text alternative: each task, its status, when, who."""
    columns = [labels(f"view.col.{c}") for c in ("task", "status", "due", "owners")]
    table = [
        [
            " ".join(str(task.title).split()),
            labels(f"status.{task.status}"),
            due_words(due.kind, due.first_day, labels) if due else labels("fig.tasks.no_date"),
            str(task.owners or ""),
        ]
        for task, due in zip(rows.itertuples(), dues, strict=True)
    ]
    keep_table(fig, columns, table)


# -- helpers --------------------------------------------------------------------------------


def _clock(hour: float) -> str:
    """9.5 as '09:30'."""
    minutes = round(hour * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _session_time(session) -> str:
    """The time written on a session's bar: only recorded times, never estimates."""
    if session["estimated"]:
        return ""
    return f"{_clock(session['start_hour'])}–{_clock(session['end_hour'])}"


def _session_hover(session, labels: Labels) -> str:
    """The hover text of a session: activity, day, time or that none was recorded."""
    when = _session_time(session) or labels("fig.programme.estimated")
    day = long_date(session["date"], labels, year=False)
    return f"{wrap(session['activity'], 50)}<br>{day}, {html.escape(when)}"


def _day_tick(day: dt.date, labels: Labels) -> str:
    """'maandag<br>20 april'."""
    return f"{labels(f'view.weekday.{day.weekday()}')}<br>{long_date(day, labels, False, False)}"


def _due(task) -> DueDate | None:
    """A task's due date with its precision, from the store's columns."""
    if task.first_day is None or pd.isna(task.first_day):
        return None
    return DueDate(task.due_text, task.due_kind or "date", task.first_day)


def _task_bars(fig, rows, dues, indices, name, colour, labels) -> None:
    """One bar per dated task from the first to the last day it is on time."""
    day_ms = 24 * 3600 * 1000
    due, owners = labels("fig.hover.due"), labels("fig.hover.owners")
    hover = [
        f"{wrap(rows.loc[i, 'title'], 50)}<br>{due}: "
        f"{html.escape(due_words(dues[i].kind, dues[i].first_day, labels))}<br>"
        f"{owners}: {html.escape(str(rows.loc[i, 'owners']) or '–')}"
        for i in indices
    ]
    fig.add_bar(
        orientation="h",
        y=indices,
        base=[dues[i].first_day.isoformat() for i in indices],
        x=[((dues[i].last_day - dues[i].first_day).days + 1) * day_ms for i in indices],
        name=name,
        marker_color=colour,
        hovertext=hover,
        hoverinfo="text",
    )
    fig.add_scatter(
        x=[dues[i].first_day.isoformat() for i in indices],
        y=indices,
        mode="markers",
        marker={
            "symbol": "diamond",
            "size": 12,
            "color": colour,
            "line": {"width": 1, "color": "#333333"},
        },
        showlegend=False,
        hovertext=hover,
        hoverinfo="text",
    )
