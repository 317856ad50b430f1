"""figures.road_chart: a plan as a road from today to the goal, its steps as milestones."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import pytest

from wwlib.core.labels import Labels
from wwlib.figures.act import overdue, road_chart

NL, EN = Labels("nl"), Labels("en")
TODAY = dt.date(2026, 11, 20)  # a Friday, a month after the Lindeveen week


def plan_row(store, plan_id: str) -> dict:
    return {"id": plan_id, **store.plans().set_index("id").loc[plan_id].to_dict()}


def draw(store, plan_id: str, labels: Labels = NL, today: dt.date = TODAY, **frames) -> go.Figure:
    steps = frames.get("steps", store.steps())
    tasks = frames.get("tasks", store.tasks())
    return road_chart(plan_row(store, plan_id), steps, tasks, labels, today=today)


def trace(fig: go.Figure, name: str):
    found = [t for t in fig.data if t.name == name]
    assert len(found) == 1, f"one trace named {name!r} expected, got {[t.name for t in fig.data]}"
    return found[0]


def annotations(fig: go.Figure) -> list[str]:
    return [a.text for a in fig.layout.annotations]


def test_steps_stand_at_the_latest_due_date_of_their_tasks(lindeveen):
    fig = draw(lindeveen, "wijkgericht-werken")
    steps = trace(fig, "Stap")
    # step 1: week 44 and 2026-10-16; 2: december 2026, januari 2027; 3: week 47, februari
    # 2027; 4: juni 2027, september 2027 (a week or month from its first day)
    assert list(steps.x) == ["2026-10-26", "2027-01-01", "2027-02-01", "2027-09-01"]
    assert list(steps.text) == ["1", "2", "3", "4"]
    assert list(steps.y) == [0, 0, 0, 0]
    assert fig.layout.xaxis.type == "date"


def test_the_road_runs_from_its_earliest_point_past_now_to_the_goal_flag(lindeveen):
    fig = draw(lindeveen, "wijkgericht-werken")
    road = fig.data[0]
    assert road.mode == "lines" and road.line.width >= 20
    now, goal = trace(fig, "Nu"), trace(fig, "Doel")
    assert list(now.x) == [TODAY.isoformat()] and "Nu" in now.text[0]
    assert road.x[0] == "2026-10-26" < now.x[0]  # step 1 is behind us already
    assert road.x[1] == goal.x[0] > "2027-09-01"  # the flag stands after the last step
    assert goal.marker.symbol == "triangle-right"
    texts = annotations(fig)
    assert any(t.startswith("<b>Doel</b><br>In Lindeveen-Oost") for t in texts)
    assert any(t.startswith("Het hulploket in sporthal") for t in texts)  # current, under Nu
    assert fig.layout.title.text == "Road to Progress: Wijkgericht werken vasthouden en uitbouwen"


@pytest.mark.parametrize(
    ("today", "late"),
    [
        (dt.date(2026, 10, 1), []),
        (dt.date(2026, 11, 1), []),  # week 44 runs to Sunday 1 November: still on time
        (TODAY, ["2026-10-26"]),  # ww-1 (week 44) is in progress and overdue; ww-2 is done
        (dt.date(2026, 11, 23), ["2026-10-26", "2026-11-16"]),  # and ww-5, week 47
    ],
)
def test_open_tasks_past_their_due_period_are_red_marks(lindeveen, today, late):
    fig = draw(lindeveen, "wijkgericht-werken", today=today)
    marks = [t for t in fig.data if t.name == "Te laat (open taak)"]
    assert [list(t.x) for t in marks] == ([late] if late else [])
    if late:
        assert marks[0].marker.color == "#b00020"
        assert "Kernteam voor Lindeveen-Oost" in marks[0].hovertext[0]


def test_overdue_counts_open_and_in_progress_tasks_only(lindeveen):
    tasks = lindeveen.tasks().query("plan == 'wijkgericht-werken'")
    late = overdue(tasks, dt.date(2027, 12, 1))  # after every due date
    assert set(tasks.loc[late, "status"]) <= {"open", "in_progress"}
    assert not late[tasks["id"] == "ww-2"].any()  # done
    assert late.sum() == (tasks["status"] != "done").sum()


def test_the_feedback_moment_is_a_star_of_its_own(lindeveen):
    fig = draw(lindeveen, "integratie")
    feedback = trace(fig, "Terugkoppelmoment")
    assert list(feedback.text) == ["4"] and feedback.marker.symbol == "star"
    assert list(trace(fig, "Stap").text) == ["1", "2", "3"]


def test_steps_without_dates_are_spread_evenly_in_order(lindeveen):
    undated = lindeveen.tasks().assign(due_date=None, due_kind="", due_text="")
    fig = draw(lindeveen, "wijkgericht-werken", tasks=undated)
    assert list(trace(fig, "Stap").x) == [1.0, 2.0, 3.0, 4.0]
    assert list(trace(fig, "Nu").x) == [0.0] and list(trace(fig, "Doel").x) == [5.0]
    assert fig.layout.xaxis.title.text == NL("fig.road.x_order")
    assert fig.layout.xaxis.showticklabels is False
    assert not [t for t in fig.data if t.name == "Te laat (open taak)"]


def test_an_undated_step_stands_between_its_dated_neighbours(lindeveen):
    tasks = lindeveen.tasks()
    tasks.loc[tasks["id"].isin(["ww-3", "ww-4"]), "due_date"] = None  # step 2 loses its dates
    fig = draw(lindeveen, "wijkgericht-werken", tasks=tasks)
    x = list(trace(fig, "Stap").x)
    assert x[0] == "2026-10-26" and x[2:] == ["2027-02-01", "2027-09-01"]
    assert "2026-12-14" <= x[1][:10] <= "2026-12-15"  # halfway from 26 October to 1 February
    assert NL("fig.road.undated_note") in annotations(fig)


def test_cancelled_tasks_do_not_place_a_step(lindeveen):
    tasks = lindeveen.tasks()
    tasks.loc[tasks["id"] == "ww-8", "status"] = "cancelled"  # september 2027
    fig = draw(lindeveen, "wijkgericht-werken", tasks=tasks)
    assert list(trace(fig, "Stap").x)[3] == "2027-06-01"  # juni 2027, ww-7


@pytest.mark.parametrize(
    "plan", ["digitalisering", "samenleving", "nieuwe-manier-van-werken", "leiderschap-tonen",
             "communicatie"],
)  # fmt: skip
def test_limburg_theme_plans_without_steps_show_the_empty_state(limburg_store, plan):
    fig = draw(limburg_store, plan, today=dt.date(2020, 4, 24))
    assert len(fig.data) == 0
    assert annotations(fig) == ["Nog geen stappen in dit plan"]
    title = limburg_store.plans().set_index("id").loc[plan, "title"]
    assert fig.layout.title.text == f"Road to Progress: {title}"


def test_text_from_people_is_escaped_everywhere(lindeveen_copy):
    store = lindeveen_copy
    store.add_step("ruimte-en-leiderschap", "<b>x</b>")
    store.set_plan_text("ruimte-en-leiderschap", goal="<i>doel</i> & meer", title="<u>plan</u>")
    fig = draw(store, "ruimte-en-leiderschap")
    shown = [str(a) for a in annotations(fig)] + [fig.layout.title.text]
    for t in fig.data:
        shown += [str(v) for v in (t.text or ()) + (t.hovertext or ())]
    everything = " ".join(shown)
    assert "&lt;b&gt;x&lt;/b&gt;" in everything and "<b>x</b>" not in everything
    assert "&lt;i&gt;doel&lt;/i&gt; &amp; meer" in everything and "<i>doel" not in everything
    assert "&lt;u&gt;plan&lt;/u&gt;" in fig.layout.title.text


def test_english_labels(lindeveen):
    fig = draw(lindeveen, "integratie", labels=EN)
    assert {t.name for t in fig.data if t.name} == {
        "Now", "Step", "Feedback moment", "Overdue (open task)", "Goal",
    }  # fmt: skip
    assert fig.layout.xaxis.title.text == EN("fig.road.x")
    assert any(t.startswith("<b>Goal</b>") for t in annotations(fig))
    ticks = " ".join(fig.layout.xaxis.ticktext)
    assert "December<br>2026" in ticks and "december" not in ticks
    empty = road_chart(pd.Series({"id": "x", "title": "X"}), lindeveen.steps(),
                       lindeveen.tasks(), EN, today=TODAY)  # fmt: skip
    assert annotations(empty) == ["No steps in this plan yet"]


def test_the_figure_depends_only_on_its_input_and_today(lindeveen):
    first = draw(lindeveen, "vitaliteit-en-werkdruk").to_json()
    assert draw(lindeveen, "vitaliteit-en-werkdruk").to_json() == first
    assert draw(lindeveen, "vitaliteit-en-werkdruk", today=dt.date(2027, 1, 5)).to_json() != first


def test_fonts_are_large_enough_to_project(lindeveen):
    fig = draw(lindeveen, "integratie")
    assert fig.layout.font.size >= 14 and fig.layout.xaxis.tickfont.size >= 14
    assert all(a.font.size >= 14 for a in fig.layout.annotations)
    assert all(t.textfont.size is None or t.textfont.size >= 14 for t in fig.data)


def test_frames_of_one_plan_work_as_well_as_frames_of_all(lindeveen):
    steps, tasks = lindeveen.steps(), lindeveen.tasks()
    own = draw(lindeveen, "integratie", steps=steps[steps["plan"] == "integratie"],
               tasks=tasks[tasks["plan"] == "integratie"])  # fmt: skip
    assert own.to_json() == draw(lindeveen, "integratie").to_json()
