"""The final report ("eindrapportage"): one self-contained HTML file per cohort.

plotly.js is embedded once, inline: its cartesian bundle (`wwlib.figures.bundle`), which holds
every trace type the figures use (`CARTESIAN_TRACES`) at a third of the full bundle's size;
every figure is a div with a fixed id, so two builds from
the same store differ only in the generation date. The template autoescapes: everything from
the store is shown as text. Names are shown as the workbook's pseudonymiser decides.

The week's sections (`wwlib.present.sections`), tables and boards are the notebooks' own,
rendered by the same macros (`wwlib.present.render`): the report cannot drift from them.
"""

from __future__ import annotations

import datetime as dt
from functools import cache, partial
from importlib import metadata
from pathlib import Path

import jinja2
import pandas as pd
import plotly.graph_objects as go
from markupsafe import Markup

from wwlib import analysis, figures
from wwlib.core.consent import consents
from wwlib.core.model import PlanKind, Role
from wwlib.figures.alt import alt_text, figure_data
from wwlib.figures.base import empty_message
from wwlib.figures.bundle import CARTESIAN_TRACES, plotly_js  # noqa: F401 (read here too)
from wwlib.present import tables, views
from wwlib.present.boards import board
from wwlib.present.evidence import EvidenceTrail, evidence_trails, render_trail
from wwlib.present.missing import missing, sentence
from wwlib.present.render import (
    BOARD_CSS,
    TABLE_CSS,
    board_html,
    empty_html,
    environment,
    figure_div,
    figure_with_alt,
    sentence_html,
    table_html,
)
from wwlib.present.report_method import method_paragraphs
from wwlib.present.sections import build
from wwlib.present.workbook import Workbook

# the analysis day's sections after the codebook, in the order the report shows them
ANALYSIS = (
    "frequencies",
    "who_said_what",
    "quotes",
    "cooccurrence",
    "obstacles",
    "saturation",
    "comparison",
    "agreement",
    "shortlist",
)
TRAIL_FRAGMENTS = 3  # interview fragments shown under "Waarom deze taak?"


def build_report(wb: Workbook, generated: dt.datetime | None = None) -> str:
    """The cohort's final report as one HTML document (labels in `wb.lang`).

    `generated` is the date and time written in the report (default: now).
    """
    generated = generated or dt.datetime.now()
    template = _environment().get_template("report.html.j2")
    trails = evidence_trails(wb.store)
    return template.render(
        t=wb.labels,
        lang=wb.lang,
        plotly_js=Markup(plotly_js()),
        css=Markup(TABLE_CSS + BOARD_CSS),
        generated=wb.labels(
            "report.generated",
            date=views.long_date(generated.date(), wb.labels),
            time=generated.strftime("%H:%M"),
        ),
        version=workbook_version(),
        summary=build(wb, "summary").html(2, _plot),
        intro=_intro(wb),
        look=_look(wb),
        think=_think(wb),
        plans=[_plan(wb, p, trails) for p in plans_of_kind(wb, PlanKind.THEME)],
        integration=_integration(wb, trails),
        boards=_boards(wb),
        missing=partial(_missing, wb),
        lacking=partial(_lacking, wb),
    )


def write_report(wb: Workbook, path: str | Path, generated: dt.datetime | None = None) -> Path:
    """Write the final report to `path` (UTF-8) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(build_report(wb, generated), encoding="utf-8")
    return path


# -- sections -------------------------------------------------------------------------------


def _intro(wb: Workbook) -> dict:
    """Cohort, people, programme and its timeline."""
    cohort, people = wb.cohort, wb.store.people()
    return {
        "title": wb.pseudonyms.text(cohort.title),
        "cohort_id": cohort.id,
        "dates": date_range(cohort.start, cohort.end, wb),
        "municipalities": joined(list(cohort.municipalities), wb),
        "question": wb.pseudonyms.text(cohort.research_question),
        "source": wb.pseudonyms.text(cohort.source),
        "pseudonymised": wb.pseudonymise,
        "some_hidden": not consents(people, "named").all(),
        "people": {role.value: people_of_role(wb, people, role) for role in Role},
        "people_note": views.people_note(wb),
        "programme": table_html(views.programme_table(wb)),
        "method": method_paragraphs(
            wb.store, wb.labels, wb.pseudonyms.text(cohort.title), wb.pseudonyms
        ),
        "timeline": _figure(
            wb, figures.programme_timeline(views.session_frame(wb), wb.labels), "ww-programme"
        ),
    }


def _look(wb: Workbook) -> dict:
    """Interviews, codebook, then the analysis day's sections, or why they are absent."""
    statuses = analysis.interview_statuses(wb.store.interviews(), wb.store.people())
    has_codings = not wb.store.codings().empty
    return {
        "has_interviews": bool((statuses["status"] != "none").any()),
        "has_codings": has_codings,
        "interviews": _section(wb, "interviews"),
        "codebook": _section(wb, "codebook"),
        "analysis": [_section(wb, k) for k in ANALYSIS] if has_codings else [],
    }


def _think(wb: Workbook) -> dict:
    """Idea boards (the ideas board and one per theme), the voting rounds, prioritised themes."""
    boards = wb.store.boards()
    # the ideas board(s) first ("ideas" sorts before "theme"), then the theme boards, in order
    ideas = boards[boards["kind"].isin(["ideas", "theme"])].sort_values("kind", kind="stable")
    return {
        "idea_boards": [board_reference(wb, b) for b in ideas.itertuples()],
        "votes": _section(wb, "votes", aside=wb.labels("report.think.votes_text")),
        "priorities": _section(wb, "priorities"),
    }


def _integration(wb: Workbook, trails: dict[str, EvidenceTrail]) -> dict:
    """The integration plan(s) and the timeline of every task."""
    tasks = views.task_frame(wb)
    return {
        "plans": [_plan(wb, p, trails) for p in plans_of_kind(wb, PlanKind.INTEGRATION)],
        "timeline": _figure(wb, figures.task_timeline(tasks, wb.labels), "ww-tasks")
        if not tasks.empty
        else None,
    }


def _boards(wb: Workbook) -> list[Markup]:
    """Every board as a numbered appendix, in the store's order (`render.board_html`)."""
    return [board_html(board(wb, b)) for b in wb.store.boards()["id"]]


# -- pieces ---------------------------------------------------------------------------------


def plans_of_kind(wb: Workbook, kind: PlanKind) -> list:
    """The plans of one kind, as rows of `store.plans()`."""
    plans = wb.store.plans()
    return list(plans[plans["kind"] == kind.value].itertuples())


def _plan(wb: Workbook, plan, trails: dict[str, EvidenceTrail]) -> dict:
    """One plan: goal, current situation, steps with tasks, obstacles, helping factors."""
    store, text = wb.store, wb.pseudonyms.text
    steps = store.steps().query("plan == @plan.id")
    tasks = views.task_frame(wb).query("plan == @plan.id")
    obstacles = store.plan_obstacles().query("plan == @plan.id")
    factors = store.plan_factors().query("plan == @plan.id")
    names = store.codes().set_index("id")["name"]
    shown = {
        "id": plan.id,
        "title": text(plan.title),
        "theme": text(names.get(plan.theme, "")) if isinstance(plan.theme, str) else "",
        "goal": text(plan.goal),
        "current": text(plan.current),
        "steps": [
            _step(wb, s, tasks[tasks["step"] == s.number], trails) for s in steps.itertuples()
        ],
        "obstacles": [(text(o.obstacle), text(o.way_to_deal)) for o in obstacles.itertuples()],
        "factors": [text(f) for f in factors["text"]],
        "board": board_of(wb, plan),
    }
    shown["recorded"] = bool(shown["goal"] or shown["current"] or shown["steps"])
    shown["road"] = _road(wb, plan) if shown["steps"] else Markup("")
    return shown


def _road(wb: Workbook, plan) -> Markup:
    """A theme plan drawn as its road: the `plans` section's part, as the notebook shows it
    ('' for the integration plan, which the task timeline draws)."""
    name = f"road-{plan.id}"
    section = build(wb, "plans")
    if plan.kind != PlanKind.THEME.value or name not in {p.name for p in section.parts}:
        return Markup("")
    return section.part_html(name)


def step_tasks(wb: Workbook, tasks: pd.DataFrame) -> pd.DataFrame:
    """A step's tasks as the reports show them: task, owners, due, status, remark."""
    rows = {
        "task": tasks["title"],
        "owners": tasks["owners"],
        "due": views.due_texts(wb, tasks),
        "status": tables.labels_of(wb, "status", tasks["status"]),
        "remark": tasks["note"],
    }
    return tables.labelled(wb, rows)


def _step(wb: Workbook, step, tasks: pd.DataFrame, trails: dict[str, EvidenceTrail]) -> dict:
    """A plan's step with its tasks as a labelled table, each task with its evidence trail."""
    why = [render_trail(wb, trails[t], TRAIL_FRAGMENTS) if t in trails else "" for t in tasks["id"]]
    return {
        "number": step.number,
        "title": wb.pseudonyms.text(step.title),
        "description": wb.pseudonyms.text(step.description),
        "feedback": bool(step.feedback),
        "tasks": table_html(step_tasks(wb, tasks), why) if not tasks.empty else None,
    }


def board_reference(wb: Workbook, board) -> dict:
    """A board where a chapter names it: heading, how many notes, a link to its appendix.

    Its notes are shown once, in the appendix; the chapter links there ("zie flap 3").
    """
    return {
        "heading": wb.labels(
            "report.appendix.board", number=board.number, title=wb.pseudonyms.text(board.title)
        ),
        "anchor": _anchor(board),
        "summary": wb.labels.count("report.think.board_notes", int(board.notes)),
        "see": wb.labels("report.think.see_board", number=board.number),
    }


def _anchor(board) -> str:
    """The id of a board's appendix in the page: 'flap-3'."""
    return f"flap-{board.number}"


def board_of(wb: Workbook, plan) -> str:
    """The appendix heading of the board that belongs to a plan's theme ('' if none)."""
    boards = wb.store.boards()
    kind = "theme" if plan.kind == PlanKind.THEME.value else "integration"
    match = boards[(boards["kind"] == kind) & ((boards["theme"] == plan.theme) | (kind != "theme"))]
    if match.empty:
        return ""
    first = match.iloc[0]
    return wb.labels(
        "report.appendix.board", number=first["number"], title=wb.pseudonyms.text(first["title"])
    )


def people_of_role(wb: Workbook, people: pd.DataFrame, role: Role) -> list[str]:
    """'Name (organisation)' for everyone with this role; next to a pseudonym, no organisation
    that would point to one person (`views.shown_attribute`)."""
    organisations = dict(
        zip(people["id"], views.shown_attribute(wb, people, "organisation"), strict=True)
    )
    rows = people[people["role"] == role.value]
    return [
        f"{wb.pseudonyms.name(p.id)} ({wb.pseudonyms.text(organisations[p.id])})"
        if organisations[p.id]
        else wb.pseudonyms.name(p.id)
        for p in rows.itertuples()
    ]


def _section(wb: Workbook, key: str, aside: str = "") -> Markup:
    """A section of the week (`wwlib.present.sections`) as the notebooks show it, at level 3."""
    return build(wb, key).html(3, _plot, aside)


def _missing(wb: Workbook, part: str, **context: str) -> Markup:
    """What a part of the report lacks and which step of the week fills it ('' if nothing)."""
    return sentence_html(missing(wb, part, **context))


def _lacking(wb: Workbook, need: str) -> Markup:
    """The sentence that says `need` is missing (the caller knows it is)."""
    return sentence_html(sentence(wb, need))


def _figure(wb: Workbook, fig: go.Figure, div_id: str) -> Markup:
    """A figure as a div with a fixed id (`render.figure_div`) and its text alternative; a
    figure without data as its message, never an empty frame."""
    lacking = empty_message(fig)
    if lacking:
        return empty_html(lacking)
    alt = alt_text(wb.labels, fig, fig.layout.title.text or "")
    data = figure_data(fig, wb.lang)
    return figure_with_alt(figure_div(fig, div_id), alt, wb.labels("figure.data"), data)


def _plot(fig: go.Figure, div_id: str) -> Markup:
    """A section's figure as a div with a fixed id (its section adds the text alternative);
    a figure without data as its message, never an empty frame."""
    lacking = empty_message(fig)
    return empty_html(lacking) if lacking else figure_div(fig, div_id)


def date_range(start: dt.date, end: dt.date, wb: Workbook) -> str:
    """'20–24 april 2020', '26 februari – 1 maart 2024' or one date."""
    last = views.long_date(end, wb.labels, weekday=False)
    if start == end:
        return last
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{last}"
    same_year = start.year == end.year
    return f"{views.long_date(start, wb.labels, weekday=False, year=not same_year)} – {last}"


def joined(items: list[str], wb: Workbook) -> str:
    """'A, B en C'."""
    items = [wb.pseudonyms.text(i) for i in items]
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {wb.labels('report.and')} {items[-1]}"


@cache
def _environment() -> jinja2.Environment:
    """Jinja2 with autoescape on for every template: the report's own and the parts' the
    notebooks show (`wwlib.present.render`)."""
    shared = environment()
    return shared.overlay(
        loader=jinja2.ChoiceLoader(
            [jinja2.PackageLoader("wwlib.outputs", "templates"), shared.loader]
        ),
        keep_trailing_newline=True,
    )


def workbook_version() -> str:
    """The installed wwlib's version."""
    try:
        return metadata.version("wwlib")
    except metadata.PackageNotFoundError:
        return "dev"
