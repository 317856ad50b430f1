"""Friday and the weeks after: where every task stands, per owner, against a date.

`analysis`-style pure functions (`follow_up_states`) and workbook-level tables for the
notebooks and the report. A task is *overdue* when it is not done or cancelled and the last
day of its due period (a week's Sunday, a month's last day) lies before `today`; *due soon*
when that period starts within `soon` days; *later* after that; *no date* without one.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from wwlib.core.dates import as_date
from wwlib.core.duedate import DueDate
from wwlib.core.model import ALL_PARTICIPANTS
from wwlib.figures.act import road_chart
from wwlib.present.tables import labelled, labels_of
from wwlib.present.views import due_texts, task_frame
from wwlib.present.workbook import Workbook

STATES = ("overdue", "soon", "later", "no_date", "done")
FINISHED = {"done", "cancelled"}
PLAN_TEXTS = ("title", "goal", "current")


def plan_road(wb: Workbook, plan_id: str, today: dt.date | None = None) -> go.Figure:
    """`figures.road_chart` of one plan, names shown as the workbook's pseudonymiser says: the
    road the plan editor draws and the report and the `plans` section show."""
    show = wb.pseudonyms.text
    plan = wb.store.plans().set_index("id").loc[plan_id]
    plan = pd.Series({"id": plan_id, **{k: show(plan[k]) for k in PLAN_TEXTS}})
    steps = _of_plan(wb.store.steps(), plan_id)
    steps = steps.assign(title=[show(t) for t in steps["title"]])
    return road_chart(plan, steps, _of_plan(task_frame(wb), plan_id), wb.labels, today)


def _of_plan(frame: pd.DataFrame, plan_id: str) -> pd.DataFrame:
    return frame[frame["plan"] == plan_id]


def follow_up_states(tasks: pd.DataFrame, today: dt.date, soon: int = 14) -> pd.Series:
    """Each task's state on `today`: overdue, soon, later, no_date or done (see the module)."""
    states = []
    for kind, first, status in zip(
        tasks["due_kind"], tasks["due_date"], tasks["status"], strict=True
    ):
        day = as_date(first)
        if status in FINISHED:
            states.append("done")
        elif day is None:
            states.append("no_date")
        elif DueDate("", kind or "date", day).last_day < today:
            states.append("overdue")
        elif (day - today).days <= soon:
            states.append("soon")
        else:
            states.append("later")
    return pd.Series(states, index=tasks.index, dtype=object)


def follow_up_table(wb: Workbook, today: dt.date | None = None, soon: int = 14) -> pd.DataFrame:
    """Every task by state (overdue first), then due date: state, task, plan, owners, due."""
    today = today or dt.date.today()
    tasks = task_frame(wb)
    tasks = tasks.assign(
        state=follow_up_states(tasks, today, soon),
        _day=[as_date(d) or dt.date.max for d in tasks["due_date"]],
    )
    tasks["_rank"] = tasks["state"].map({s: i for i, s in enumerate(STATES)})
    tasks = tasks.sort_values(["_rank", "_day"], kind="stable")
    return labelled(
        wb,
        {
            "state": labels_of(wb, "act.state", tasks["state"]),
            "task": tasks["title"],
            "plan": tasks["plan_title"],
            "owners": tasks["owners"],
            "due": due_texts(wb, tasks),
            "status": labels_of(wb, "status", tasks["status"]),
        },
    )


def tasks_by_owner(wb: Workbook) -> pd.DataFrame:
    """One row per owner and task, owners in people order: who does what, by when."""
    store = wb.store
    tasks = store.tasks()
    frame = task_frame(wb).set_index("id")
    people = store.people()
    participants = people.loc[people["role"] == "participant", "id"].tolist()
    order = {p: i for i, p in enumerate(people["id"])}
    rows = []
    for task, owners, note in zip(tasks["id"], tasks["owners"], tasks["owner_note"], strict=True):
        named = [p for o in owners for p in (participants if o == ALL_PARTICIPANTS else [o])]
        for owner in dict.fromkeys(named):
            rows.append((order.get(owner, len(order)), wb.pseudonyms.name(owner), task))
        if not named:
            shown = wb.pseudonyms.text(note) if note else wb.labels("act.no_owner")
            rows.append((len(order) + 1, shown, task))
    rows.sort(key=lambda r: (r[0], r[1], as_date(frame.loc[r[2], "due_date"]) or dt.date.max))
    return labelled(
        wb,
        {
            "owner": [r[1] for r in rows],
            "task": [frame.loc[r[2], "title"] for r in rows],
            "plan": [frame.loc[r[2], "plan_title"] for r in rows],
            "due": [frame.loc[r[2], "due_text"] for r in rows],
            "status": [wb.labels(f"status.{frame.loc[r[2], 'status']}") for r in rows],
        },
    )
