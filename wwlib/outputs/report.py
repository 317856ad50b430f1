"""The final report ("eindrapportage"): one self-contained HTML file per cohort.

plotly.js is embedded once, inline; every figure is a div with a fixed id, so two builds from
the same store differ only in the generation date. The template autoescapes: everything from
the store is shown as text. Names are shown as the workbook's pseudonymiser decides.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from importlib import metadata
from pathlib import Path

import jinja2
import pandas as pd
import plotly.graph_objects as go
from markupsafe import Markup
from plotly.offline import get_plotlyjs

from wwlib import analysis, figures
from wwlib.core.model import PlanKind, Role, category_colour
from wwlib.figures.base import empty_message
from wwlib.present import look as look_day
from wwlib.present import views
from wwlib.present.evidence import EvidenceTrail, evidence_trails, render_trail
from wwlib.present.missing import missing, sentence, text_html
from wwlib.present.report_method import method_paragraphs
from wwlib.present.workbook import Workbook

FIGURE_CONFIG = {"displaylogo": False, "responsive": True}
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
        plotly_js=Markup(get_plotlyjs()),
        generated=wb.labels(
            "report.generated",
            date=views.long_date(generated.date(), wb.labels),
            time=generated.strftime("%H:%M"),
        ),
        version=_version(),
        intro=_intro(wb),
        look=_look(wb),
        think=_think(wb),
        plans=[_plan(wb, p, trails) for p in _plans(wb, PlanKind.THEME)],
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
        "dates": _date_range(cohort.start, cohort.end, wb),
        "municipalities": _joined(list(cohort.municipalities), wb),
        "question": wb.pseudonyms.text(cohort.research_question),
        "source": wb.pseudonyms.text(cohort.source),
        "pseudonymised": wb.pseudonymise,
        "some_hidden": not people["consent_named"].all(),
        "people": {role.value: _people(wb, people, role) for role in Role},
        "programme": _table(views.programme_table(wb)),
        "method": method_paragraphs(wb.store, wb.labels, wb.pseudonyms.text(cohort.title)),
        "timeline": _figure(
            figures.programme_timeline(views.session_frame(wb), wb.labels), "ww-programme"
        ),
    }


def _look(wb: Workbook) -> dict:
    """Interviews, codebook, frequencies and who said what, or why they are absent."""
    store = wb.store
    statuses = analysis.interview_statuses(store.interviews(), store.people())
    has_interviews = bool((statuses["status"] != "none").any())
    has_codings = not store.codings().empty
    codes = store.codes()
    look = {
        "has_interviews": has_interviews,
        "has_codings": has_codings,
        "codebook": _table(_codebook(wb, codes)) if not codes.empty else None,
    }
    if has_interviews:
        look["interviews"] = _table(views.interview_status(wb))
        look["interview_chart"] = _figure(
            figures.interview_status_chart(statuses, wb.labels), "ww-interviews"
        )
    if has_codings:
        freq = analysis.code_frequencies(store.codings(), codes)
        look["frequencies"] = _table(views.frequency_table(wb))
        look["frequency_chart"] = _figure(figures.frequency_chart(freq, wb.labels), "ww-freq")
        look["who_chart"] = _figure(look_day.who_said_what_heatmap(wb), "ww-who")
        look["analysis"] = _analysis(wb)
    return look


def _analysis(wb: Workbook) -> list[dict]:
    """The analysis day's sections after who said what: quotes, connection, ..., shortlist."""
    from wwlib.present.html_parts import quotes_html, shortlist_html

    # the part of the week (`wwlib.present.missing`) each section shows
    needs = {"quotes": "codings", "saturation": "codings", "comparison": "codings"}
    parts = [
        ("quotes", [], None, quotes_html(wb)),
        (
            "cooccurrence",
            [look_day.cooccurrence_heatmap(wb, "fragment"), look_day.cooccurrence_network(wb)],
            look_day.cooccurrence_table(wb, "participant"),
            None,
        ),
        ("obstacles", [], look_day.obstacles_table(wb), None),
        ("saturation", [look_day.saturation_chart(wb)], look_day.saturation_table(wb), None),
        ("comparison", [look_day.comparison_chart(wb)], look_day.comparison_table(wb), None),
        ("agreement", [look_day.agreement_chart(wb)], look_day.agreement_summary_table(wb), None),
        ("shortlist", [], None, shortlist_html(wb)),
    ]
    shown = []
    for key, figs, table, html in parts:
        lacks = _missing(wb, needs.get(key, key))
        if lacks:  # the sentence instead of empty figures and tables
            figs, table, html = [], None, None
        shown.append(
            {
                "title": wb.labels(f"section.{key}.title"),
                "text": wb.labels(f"section.{key}.text"),
                "missing": lacks,
                "figures": [_figure(f, f"ww-{key}-{i}") for i, f in enumerate(figs)],
                "table": _table(table) if table is not None and not table.empty else None,
                "quotes": Markup(html) if html else None,
            }
        )
    return shown


def _think(wb: Workbook) -> dict:
    """Idea boards (the ideas board and one per theme), the voting rounds, prioritised themes."""
    names = wb.store.codes().set_index("id")["name"]
    totals = views.vote_totals_frame(wb)
    boards = wb.store.boards()
    # the ideas board(s) first ("ideas" sorts before "theme"), then the theme boards, in order
    ideas = boards[boards["kind"].isin(["ideas", "theme"])].sort_values("kind", kind="stable")
    return {
        "prioritised": [wb.pseudonyms.text(names.get(t, t)) for t in wb.cohort.prioritised_themes],
        "idea_boards": [_board_reference(wb, b) for b in ideas.itertuples()],
        "rounds": _rounds(wb),
        "vote_chart": _figure(figures.vote_chart(totals, wb.labels), "ww-votes")
        if not totals.empty
        else None,
    }


def _rounds(wb: Workbook) -> list[dict]:
    """Every voting round: what it was about and its totals per note.

    Only totals (dots and how many voted) are shown, never who voted for what: that keeps
    anonymous rounds anonymous, and the totals are what the group decided on.
    """
    titles = wb.store.boards().set_index("id")["title"]
    rounds = []
    for r in wb.store.rounds().itertuples():
        board = wb.pseudonyms.text(titles[r.board]) if isinstance(r.board, str) else ""
        votes = views.vote_table(wb, int(r.round))
        if board:  # a round on one board: its title is said once, above the table
            votes = votes.drop(columns=wb.labels("view.col.board"))
        about = wb.labels.count(
            "report.think.round_about",
            int(r.voters),
            board=board or wb.labels("report.think.every_board"),
            budget=wb.labels.count("count.dot", int(r.budget)),
            dots=wb.labels.count("count.dot", int(r.dots)),
        )
        anonymous = f" {wb.labels('report.think.anonymous')}" if r.anonymous else ""
        rounds.append(
            {
                "heading": wb.labels("report.think.round", round=r.round),
                "about": about + anonymous,
                "table": _table(votes) if not votes.empty else None,
            }
        )
    return rounds


def _integration(wb: Workbook, trails: dict[str, EvidenceTrail]) -> dict:
    """The integration plan(s) and the timeline of every task."""
    tasks = views.task_frame(wb)
    return {
        "plans": [_plan(wb, p, trails) for p in _plans(wb, PlanKind.INTEGRATION)],
        "timeline": _figure(figures.task_timeline(tasks, wb.labels), "ww-tasks")
        if not tasks.empty
        else None,
    }


def _boards(wb: Workbook) -> list[dict]:
    """Every board as a numbered appendix, in the store's order."""
    return [_board(wb, b) for b in wb.store.boards().itertuples()]


# -- pieces ---------------------------------------------------------------------------------


def _plans(wb: Workbook, kind: PlanKind) -> list:
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
        "board": _board_of(wb, plan),
    }
    shown["recorded"] = bool(shown["goal"] or shown["current"] or shown["steps"])
    return shown


def _step(wb: Workbook, step, tasks: pd.DataFrame, trails: dict[str, EvidenceTrail]) -> dict:
    """A plan's step with its tasks as a labelled table, each task with its evidence trail."""
    rows = {
        "task": tasks["title"],
        "owners": tasks["owners"],
        "due": [
            views.due_words(k, d, wb.labels) or t
            for k, d, t in zip(tasks["due_kind"], tasks["due_date"], tasks["due_text"], strict=True)
        ],
        "status": [wb.labels(f"status.{s}") for s in tasks["status"]],
        "remark": tasks["note"],
    }
    table = _table(pd.DataFrame({wb.labels(f"view.col.{k}"): list(v) for k, v in rows.items()}))
    table["trails"] = [
        Markup(render_trail(wb, trails[t], TRAIL_FRAGMENTS)) if t in trails else ""
        for t in tasks["id"]
    ]
    return {
        "number": step.number,
        "title": wb.pseudonyms.text(step.title),
        "description": wb.pseudonyms.text(step.description),
        "feedback": bool(step.feedback),
        "tasks": table if not tasks.empty else None,
    }


def _board(wb: Workbook, board) -> dict:
    """A board with its notes grouped by cluster (in the order the clusters first appear)."""
    notes = views.note_frame(wb, board.id)
    dots = wb.store.votes().groupby("note")["dots"].sum()
    clusters: dict[str, list[dict]] = {}
    for note in notes.itertuples():
        clusters.setdefault(note.cluster, []).append(
            {
                "text": note.text,
                "category": wb.labels(f"category.{note.category}"),
                "colour": category_colour(note.category),
                "author": note.author,
                "dots": int(dots.get(note.id, 0)),
            }
        )
    return {
        **_board_reference(wb, board),
        "id": board.id,
        "kind": wb.labels(f"board.{board.kind}"),
        "clusters": list(clusters.items()),
    }


def _board_reference(wb: Workbook, board) -> dict:
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


def _board_of(wb: Workbook, plan) -> str:
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


def _codebook(wb: Workbook, codes: pd.DataFrame) -> pd.DataFrame:
    """The codebook as a labelled table: category, code, description."""
    codes = codes.sort_values("category", key=analysis.category_rank, kind="stable")
    return pd.DataFrame(
        {
            wb.labels("view.col.category"): [wb.labels(f"category.{c}") for c in codes["category"]],
            wb.labels("view.col.code"): [wb.pseudonyms.text(n) for n in codes["name"]],
            wb.labels("view.col.description"): [
                wb.pseudonyms.text(d or "") for d in codes["description"]
            ],
        }
    )


def _people(wb: Workbook, people: pd.DataFrame, role: Role) -> list[str]:
    """'Name (organisation)' for everyone with this role."""
    rows = people[people["role"] == role.value]
    return [
        f"{wb.pseudonyms.name(p.id)} ({wb.pseudonyms.text(p.organisation)})"
        if p.organisation
        else wb.pseudonyms.name(p.id)
        for p in rows.itertuples()
    ]


def _table(df: pd.DataFrame) -> dict:
    """A DataFrame as columns and rows of text for the template, numbers as its language
    writes them (`views.shown_numbers`)."""
    cells = views.shown_numbers(df).astype(object).where(df.notna(), "")
    return {"columns": [str(c) for c in df.columns], "rows": cells.astype(str).values.tolist()}


def _missing(wb: Workbook, part: str, **context: str) -> Markup:
    """What a part of the report lacks and which step of the week fills it ('' if nothing)."""
    return Markup(text_html(missing(wb, part, **context)))


def _lacking(wb: Workbook, need: str) -> Markup:
    """The sentence that says `need` is missing (the caller knows it is)."""
    return Markup(text_html(sentence(wb, need)))


def _figure(fig: go.Figure, div_id: str) -> Markup:
    """A figure as a div with a fixed id, without plotly.js (the page embeds it once); a figure
    without data as its message, never an empty frame."""
    if empty_message(fig):
        return Markup(f'<p class="empty">{text_html(empty_message(fig))}</p>')
    return Markup(
        fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id, config=FIGURE_CONFIG)
    )


def _date_range(start: dt.date, end: dt.date, wb: Workbook) -> str:
    """'20–24 april 2020', '26 februari – 1 maart 2024' or one date."""
    last = views.long_date(end, wb.labels, weekday=False)
    if start == end:
        return last
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{last}"
    same_year = start.year == end.year
    return f"{views.long_date(start, wb.labels, weekday=False, year=not same_year)} – {last}"


def _joined(items: list[str], wb: Workbook) -> str:
    """'A, B en C'."""
    items = [wb.pseudonyms.text(i) for i in items]
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {wb.labels('report.and')} {items[-1]}"


def _environment() -> jinja2.Environment:
    """Jinja2 with autoescape on for every template."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("wwlib.outputs", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def _version() -> str:
    """The installed wwlib's version."""
    try:
        return metadata.version("wwlib")
    except metadata.PackageNotFoundError:
        return "dev"
