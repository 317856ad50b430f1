"""The Act phase's figure: a Road to Progress plan drawn as a road from today to the goal."""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from wwlib.core.dates import as_date, due_words
from wwlib.core.duedate import DueDate
from wwlib.core.labels import Labels
from wwlib.figures.base import (
    TICKS,
    add_note,
    cut,
    date_axis,
    empty_figure,
    keep_table,
    new_figure,
    short,
    wrap,
)

ROAD_COLOUR = "#a6a6a6"
MILESTONE_COLOUR = "#1f4e79"
FEEDBACK_COLOUR = "#f0ad4e"
OVERDUE_COLOUR = "#b00020"
GOAL_COLOUR = "#2e7d32"
UNFINISHED = ("open", "in_progress")


def road_chart(
    plan: Mapping | pd.Series,
    steps: pd.DataFrame,
    tasks: pd.DataFrame,
    labels: Labels,
    today: dt.date | None = None,
) -> go.Figure:
    """A plan as a road from today ("Nu") to its goal (a flag), its steps as numbered milestones.

    `plan` is a row of `store.plans()` (id, title, goal, current); `steps` and `tasks` are
    `store.steps()` and `store.tasks()` (or `views.task_frame`), of this plan or of all plans.
    A step stands at the latest first day of its tasks' due dates; steps without one are spread
    evenly in order between their neighbours (all of them, when no step has a date). Open tasks
    whose due period has passed are red marks on the road. Text passed in is escaped here.
    """
    today = today or dt.date.today()
    steps = _of_plan(steps, plan["id"]).sort_values("number").reset_index(drop=True)
    tasks = _of_plan(tasks, plan["id"])
    if steps.empty:
        return _titled(empty_figure(labels, "fig.road", "fig.road.empty"), plan, labels)
    dues = _step_dues(steps, tasks)
    dated = any(d is not None for d in dues)
    late = [d.first_day.toordinal() for d in _dues(tasks[overdue(tasks, today)])]
    places, start, goal = _places(dues, today, late) if dated else _order_places(len(steps))
    at = _date_x if dated else float
    fig = _titled(new_figure(labels, "fig.road", height=540), plan, labels)
    _road(fig, at(start), at(goal))
    now = float(today.toordinal()) if dated else 0.0
    _now(fig, at(now), plan.get("current", ""), labels)
    above = _sides(places, now, goal)
    _milestones(fig, steps, [at(p) for p in places], above, dues, tasks, today, labels)
    _overdue_marks(fig, tasks, today, labels)
    _goal(fig, at(goal), plan.get("goal", ""), labels)
    pad = (goal - start) * 0.1
    _x_axis(fig, start - pad, goal + pad, dated, labels)
    if dated and not all(dues):
        add_note(fig, labels("fig.road.undated_note"))
    fig.update_yaxes(visible=False, range=[-1.15, 1.25], fixedrange=True)
    _road_table(fig, plan, steps, dues, tasks, today, labels)
    return fig.update_layout(showlegend=True, plot_bgcolor="#ffffff")


def _road_table(fig, plan, steps, dues, tasks, today: dt.date, labels: Labels) -> None:
    """The road's data for its text alternative: now, each step with when and its tasks (how
    many overdue), the goal."""
    late = overdue(tasks, today)
    rows = [[labels("fig.road.now"), _one_line(plan.get("current", "")), "", ""]]
    for step, due in zip(steps.itertuples(), dues, strict=True):
        own = tasks[tasks["step"] == step.number]
        kind = labels("fig.road.feedback") if step.feedback else labels("fig.road.step")
        rows.append(
            [
                f"{kind} {step.number}",
                _one_line(step.title),
                due_words(due.kind, due.first_day, labels) if due else labels("fig.tasks.no_date"),
                labels("fig.road.tasks", n=len(own), late=int(late[own.index].sum())),
            ]
        )
    rows.append([labels("fig.road.goal"), _one_line(plan.get("goal", "")), "", ""])
    where, what, tasks = (labels(f"fig.road.data.{c}") for c in ("where", "what", "tasks"))
    keep_table(fig, [where, what, labels("view.col.due"), tasks], rows)


def _one_line(text: object) -> str:
    return " ".join(str(text or "").split())


# -- where the steps stand -------------------------------------------------------------------


def _of_plan(frame: pd.DataFrame, plan_id: str) -> pd.DataFrame:
    """The rows of one plan (a frame without a `plan` column is taken as one plan's)."""
    return frame[frame["plan"] == plan_id] if "plan" in frame.columns else frame


def _step_dues(steps: pd.DataFrame, tasks: pd.DataFrame) -> list[DueDate | None]:
    """Per step the latest due date of its tasks that are not cancelled (None: no date)."""
    dues = []
    for number in steps["number"]:
        own = [d for d in _dues(tasks[tasks["step"] == number], skip_cancelled=True) if d]
        dues.append(max(own, key=lambda d: d.first_day) if own else None)
    return dues


def _dues(tasks: pd.DataFrame, skip_cancelled: bool = False) -> list[DueDate | None]:
    """Each task's due date with its precision, from the store's columns."""
    return [
        None
        if (day := as_date(t.due_date)) is None or (skip_cancelled and t.status == "cancelled")
        else DueDate(t.due_text, t.due_kind or "date", day)
        for t in tasks.itertuples()
    ]


def _places(
    dues: list[DueDate | None], today: dt.date, late: list[int]
) -> tuple[list[float], float, float]:
    """Day numbers of the steps, of the road's start and of the goal.

    The road starts at the earliest of today, the steps and the overdue tasks (`late`).
    A run of undated steps is spread between the dated steps (or today, or the goal) around it.
    """
    known = [d.first_day.toordinal() for d in dues if d]
    now = today.toordinal()
    start, last = min(known + late + [now]), max(known + [now])
    trailing = len(dues) - 1 - max(i for i, d in enumerate(dues) if d)
    goal = float(last + math.ceil(max(14.0, (last - start) * 0.12) * (1 + trailing)))
    places: list[float] = [float(d.first_day.toordinal()) if d else 0.0 for d in dues]
    i = 0
    while i < len(dues):
        if dues[i]:
            i += 1
            continue
        end = next((j for j in range(i, len(dues)) if dues[j]), len(dues))
        left = places[i - 1] if i else float(now)
        right = places[end] if end < len(dues) else max(goal, left)
        if end == len(dues):
            left = max(left, float(now))
        for k in range(i, end):
            places[k] = left + (right - left) * (k - i + 1) / (end - i + 1)
        i = end
    return places, float(start), goal


def _sides(places: list[float], now: float, goal: float) -> list[bool]:
    """Per step whether its title goes above the road: on the side with the most room.

    The current situation hangs under "Nu" and the goal stands over the flag, so a step near
    either puts its title on the other side; otherwise titles take turns.
    """
    taken: dict[bool, list[float]] = {True: [goal], False: [now]}
    sides = []
    for i in sorted(range(len(places)), key=lambda i: places[i]):
        room = {side: min(abs(places[i] - p) for p in taken[side]) for side in (True, False)}
        side = room[True] >= room[False] if room[True] != room[False] else len(sides) % 2 == 0
        taken[side].append(places[i])
        sides.append((i, side))
    return [side for _, side in sorted(sides)]


def _order_places(count: int) -> tuple[list[float], float, float]:
    """No dates at all: today at 0, the steps at 1..n, the goal at n + 1."""
    return [float(n) for n in range(1, count + 1)], 0.0, float(count + 1)


def _date_x(day_number: float) -> str:
    """A day number (fractions for steps spread between dates) as plotly's date text."""
    whole = int(day_number)
    if day_number == whole:
        return dt.date.fromordinal(whole).isoformat()
    moment = dt.datetime.fromordinal(whole) + dt.timedelta(days=day_number - whole)
    return moment.isoformat(sep=" ", timespec="minutes")


# -- drawing ---------------------------------------------------------------------------------


def _titled(fig: go.Figure, plan, labels: Labels) -> go.Figure:
    fig.layout.title.text = labels("fig.road.title", plan=short(plan.get("title", ""), 70))
    return fig


def _road(fig: go.Figure, start, goal) -> None:
    """A thick grey road with a dashed white centre line."""
    for width, colour, dash in ((26, ROAD_COLOUR, "solid"), (2, "#ffffff", "dash")):
        fig.add_scatter(
            x=[start, goal],
            y=[0, 0],
            mode="lines",
            line={"width": width, "color": colour, "dash": dash},
            hoverinfo="skip",
            showlegend=False,
        )


def _now(fig: go.Figure, x, current: str, labels: Labels) -> None:
    """ "Nu" where the road starts today, the current situation under it."""
    now = labels("fig.road.now")
    fig.add_scatter(
        x=[x],
        y=[0],
        mode="markers+text",
        marker={"size": 20, "color": "#333333", "line": {"width": 2, "color": "#ffffff"}},
        text=[f"<b>{html.escape(now)}</b>"],
        textposition="top center",
        textfont={"size": TICKS + 2},
        name=now,
        showlegend=False,
        hovertext=[wrap(current or now, 50)],
        hoverinfo="text",
        cliponaxis=False,
    )
    if str(current or "").strip():
        _caption(fig, x, -0.3, wrap(cut(current, 140), 28), "top")


def _milestones(fig, steps, xs, above, dues, tasks, today, labels) -> None:
    """One numbered marker per step; the feedback moment a star; titles above and below."""
    late = overdue(tasks, today)
    hover = []
    for step, due in zip(steps.itertuples(), dues, strict=True):
        own = tasks[tasks["step"] == step.number]
        when = due_words(due.kind, due.first_day, labels) if due else labels("fig.tasks.no_date")
        counts = labels("fig.road.tasks", n=len(own), late=int(late[own.index].sum()))
        hover.append(
            f"{html.escape(labels('fig.road.step'))} {step.number}: {wrap(step.title, 50)}"
            f"<br>{html.escape(when)}<br>{html.escape(counts)}"
        )
    feedback = [bool(f) for f in steps["feedback"]]
    for is_feedback, key, colour, symbol in (
        (False, "fig.road.step", MILESTONE_COLOUR, "circle"),
        (True, "fig.road.feedback", FEEDBACK_COLOUR, "star"),
    ):
        rows = [i for i, f in enumerate(feedback) if f == is_feedback]
        if not rows:
            continue
        fig.add_scatter(
            x=[xs[i] for i in rows],
            y=[0] * len(rows),
            mode="markers+text",
            marker={"size": 34 if is_feedback else 30, "color": colour, "symbol": symbol,
                    "line": {"width": 2, "color": "#ffffff"}},
            text=[str(steps["number"].iloc[i]) for i in rows],
            textposition="middle center",
            textfont={"size": TICKS, "color": "#333333" if is_feedback else "#ffffff"},
            name=labels(key),
            hovertext=[hover[i] for i in rows],
            hoverinfo="text",
            cliponaxis=False,
        )  # fmt: skip
    for i, title in enumerate(steps["title"]):
        text = f"<b>{steps['number'].iloc[i]}.</b> {wrap(cut(title, 80), 22)}"
        _caption(fig, xs[i], 0.3 if above[i] else -0.3, text, "bottom" if above[i] else "top")


def overdue(tasks: pd.DataFrame, today: dt.date) -> pd.Series:
    """Per task (by index) whether it is open or in progress after its due period ended.

    `tasks` has the columns due_text, due_kind, due_date and status of `store.tasks()`.
    """
    dues = _dues(tasks)
    return pd.Series(
        [bool(d) and s in UNFINISHED and d.last_day < today
         for d, s in zip(dues, tasks["status"], strict=True)],
        index=tasks.index,
        dtype=bool,
    )  # fmt: skip


def _overdue_marks(fig: go.Figure, tasks: pd.DataFrame, today: dt.date, labels: Labels) -> None:
    """A red mark on the road at the due date of every open task that is overdue."""
    late = tasks[overdue(tasks, today)]
    if late.empty:
        return
    dues = _dues(late)
    fig.add_scatter(
        x=[d.first_day.isoformat() for d in dues],
        y=[-0.16] * len(late),  # on the road's edge, so a milestone there stays readable
        mode="markers",
        marker={"size": 15, "color": OVERDUE_COLOUR, "symbol": "x",
                "line": {"width": 1, "color": "#ffffff"}},
        name=labels("fig.road.overdue"),
        hovertext=[
            f"{wrap(t.title, 50)}<br>{html.escape(due_words(d.kind, d.first_day, labels))}"
            for t, d in zip(late.itertuples(), dues, strict=True)
        ],
        hoverinfo="text",
        cliponaxis=False,
    )  # fmt: skip


def _goal(fig: go.Figure, x, goal: str, labels: Labels) -> None:
    """A flag at the end of the road: a pole, a green pennant, the goal above it."""
    fig.add_scatter(
        x=[x, x],
        y=[0, 0.62],
        mode="lines",
        line={"width": 3, "color": "#333333"},
        hoverinfo="skip",
        showlegend=False,
    )
    name = labels("fig.road.goal")
    fig.add_scatter(
        x=[x],
        y=[0.55],
        mode="markers",
        marker={"size": 26, "color": GOAL_COLOUR, "symbol": "triangle-right"},
        name=name,
        showlegend=False,
        hovertext=[wrap(goal or name, 50)],
        hoverinfo="text",
        cliponaxis=False,
    )
    text = f"<b>{html.escape(name)}</b>"
    if str(goal or "").strip():
        text += "<br>" + wrap(cut(goal, 140), 28)
    _caption(fig, x, 0.68, text, "bottom")


def _caption(fig: go.Figure, x, y: float, text: str, anchor: str) -> None:
    """Text (already escaped) at a point of the road, hanging from it or standing on it."""
    fig.add_annotation(
        x=x,
        y=y,
        text=text,
        showarrow=False,
        yanchor=anchor,
        font={"size": TICKS},
        align="center",
    )


def _x_axis(fig: go.Figure, low: float, high: float, dated: bool, labels: Labels) -> None:
    """Dates with Dutch (or English) ticks, or no ticks at all when the steps are in order."""
    if not dated:
        fig.update_xaxes(
            range=[low, high],
            showticklabels=False,
            showgrid=False,
            zeroline=False,
            title={"text": labels("fig.road.x_order")},
        )
        return
    start, end = dt.date.fromordinal(int(low)), dt.date.fromordinal(int(high) + 1)
    date_axis(fig, start, end, labels, showgrid=True, gridcolor="#eeeeee")
