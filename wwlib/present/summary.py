"""The executive summary: the week on one page, what the `summary` section shows first.

The research question, what the group found (the codes named by most participants, the ideas
and dots of Thursday), the prioritised themes each with its plan's goal and its strongest
quote, and the integration plan's next tasks: who does what, and when. Every text as the
workbook's pseudonymiser shows it; every sentence from the catalogue (`summary.*`).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from wwlib import analysis
from wwlib.core.dates import as_date
from wwlib.present import look
from wwlib.present.act import FINISHED
from wwlib.present.tables import labelled
from wwlib.present.views import due_texts, task_frame
from wwlib.present.workbook import Workbook

TOP_CODES = 3  # codes named in "what the group found"
NEXT_TASKS = 6  # the integration plan's tasks the summary lists


def question(wb: Workbook) -> str:
    """The research question as recorded ('' if none)."""
    return wb.pseudonyms.text(wb.cohort.research_question or "").strip()


def found(wb: Workbook) -> tuple[str, ...]:
    """What the group found, in a sentence or two: the codes most participants named, then
    the ideas on the boards and the dots ('()' before any coding)."""
    codings = wb.store.codings()
    if codings.empty:
        return ()
    counted = analysis.code_frequencies(codings, wb.store.codes())
    themes = counted[counted["category"] == "theme"]
    top = (themes if not themes.empty else counted).sort_values(
        "participants", ascending=False, kind="stable"
    )
    top = top[top["participants"] > 0].head(TOP_CODES)
    codes = [
        wb.labels.count("summary.code_count", int(n), code=wb.pseudonyms.text(name))
        for name, n in zip(top["name"], top["participants"], strict=True)
    ]
    interviews = int(codings["interview"].nunique())
    said = [wb.labels.count("summary.interviews", interviews, codes=", ".join(codes))]
    ideas = _ideas(wb)
    if ideas:
        dots = int(wb.store.votes()["dots"].sum()) if not wb.store.votes().empty else 0
        said.append(
            wb.labels.count("summary.boards", ideas) + wb.labels.count("summary.dots", dots)
        )
    return tuple(said)


def themes(wb: Workbook) -> list[dict]:
    """Per prioritised theme: its name, its plan's goal ('' if none) and its strongest quote
    with who said it (both '' if none may be shown)."""
    names = wb.store.codes().set_index("id")["name"]
    plans = wb.store.plans().query("kind == 'theme'")
    goals = dict(zip(plans["theme"], plans["goal"], strict=True))
    shown = []
    for theme in wb.cohort.prioritised_themes:
        groups = look.quote_groups(wb, theme) if theme in names.index else []
        quote, who = groups[0][1][0] if groups and groups[0][1] else ("", "")
        goal = goals.get(theme)
        shown.append(
            {
                "name": wb.pseudonyms.text(names.get(theme, theme)),
                "goal": wb.pseudonyms.text(goal) if isinstance(goal, str) else "",
                "quote": quote,
                "who": who,
            }
        )
    return shown


def next_tasks(wb: Workbook) -> tuple[pd.DataFrame, int]:
    """The integration plan's open tasks, soonest first (undated last): the first
    `NEXT_TASKS` as task, owners, due; and how many more there are."""
    plans = wb.store.plans()
    integration = set(plans.loc[plans["kind"] == "integration", "id"])
    tasks = task_frame(wb)
    tasks = tasks[tasks["plan"].isin(integration) & ~tasks["status"].isin(FINISHED)]
    days = [as_date(d) or dt.date.max for d in tasks["due_date"]]
    tasks = tasks.assign(_day=days).sort_values(["_day", "step", "number"], kind="stable")
    first = tasks.head(NEXT_TASKS)
    table = labelled(
        wb, {"task": first["title"], "owners": first["owners"], "due": due_texts(wb, first)}
    )
    return table, len(tasks) - len(first)


def _ideas(wb: Workbook) -> int:
    """How many notes the ideas and theme boards hold."""
    boards = wb.store.boards()
    thinking = boards.loc[boards["kind"].isin(["ideas", "theme"]), "id"]
    notes = wb.store.notes()
    return int(notes["board"].isin(set(thinking)).sum()) if not notes.empty else 0
