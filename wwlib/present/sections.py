"""The sections of the week: what a notebook, a panel's static view and the report show of one
part of the week, each built once from a `Workbook`.

A `Section` is a heading and its explanation from the catalogue (`section.<key>.title`, `.text`),
the one sentence that says what it lacks (`wwlib.present.missing`; then it shows nothing else)
and its parts in the order they are shown: tables (DataFrames), figures (Plotly) and HTML
fragments. `build(wb, key)` makes one through the function registered under its key in
`SECTIONS`; `wwlib.present.render` turns it into HTML for every page alike, so a new section
is written once, here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace

import pandas as pd

from wwlib import analysis, figures
from wwlib.figures.alt import alt_text, figure_data
from wwlib.present import act, look, render, summary, views
from wwlib.present.boards import board
from wwlib.present.evidence import evidence_trails, render_trail
from wwlib.present.missing import missing
from wwlib.present.section import (
    Part,
    Section,
    chart_and_table,
    figure_part,
    make_section,
    needing,
    table_part,
    table_section,
    words_section,
)
from wwlib.present.workbook import Workbook

__all__ = ["SECTIONS", "Part", "Section", "build"]


def build(wb: Workbook, key: str, **options: object) -> Section:
    """The section `key` of this workbook (`options` as its builder takes them), built once per
    state of the store: a notebook's heading cell and its part cells show the same object."""
    if key not in SECTIONS:
        raise KeyError(f"no section '{key}'; the sections are {', '.join(SECTIONS)}")
    count = wb.store.change_count()
    cached = getattr(wb, "_sections", None)
    if cached is None or cached[0] != count:
        cached = wb._sections = (count, {})
    wanted = (key, tuple(sorted(options.items())))
    if wanted not in cached[1]:
        cached[1][wanted] = _with_alternatives(wb, SECTIONS[key](wb, **options))
    return cached[1][wanted]


def _with_alternatives(wb: Workbook, section: Section) -> Section:
    """Every drawn figure of the section with its text alternative (WCAG 1.1.1): a sentence
    that says what it shows, and its data as a table one click away."""
    heading = wb.labels("figure.data")
    parts = tuple(
        replace(
            p,
            alt=alt_text(wb.labels, p.content, p.heading or section.title),
            alt_data=heading,
            alt_table=figure_data(p.content, wb.lang),
        )
        if p.is_figure and not p.missing
        else p
        for p in section.parts
    )
    return replace(section, parts=parts)


# -- Monday and Tuesday ---------------------------------------------------------------------


def kickoff(wb: Workbook) -> Section:
    """Who takes part, and the week's programme as a timeline."""
    return make_section(
        wb,
        "kickoff",
        parts=lambda: (
            needing(wb, "people", "people", lambda: _people(wb)),
            needing(wb, "programme", "programme", lambda: _programme(wb)),
        ),
    )


def _people(wb: Workbook) -> Part:
    return Part("people", views.people_table(wb), note=views.people_note(wb))


def _programme(wb: Workbook) -> Part:
    timeline = figures.programme_timeline(views.session_frame(wb), wb.labels)
    return figure_part(wb, "programme", timeline, "ww-programme")


def interviews(wb: Workbook) -> Section:
    """Where every participant's interview stands, as a chart and a table."""
    statuses = analysis.interview_statuses(wb.store.interviews(), wb.store.people())
    chart = figures.interview_status_chart
    return chart_and_table(
        wb,
        "interviews",
        "interviews",
        lambda: chart(statuses, wb.labels),
        lambda: views.interview_status(wb),
        "ww-interviews",
    )


def guide(wb: Workbook) -> Section:
    """The interview guide's questions, in order."""
    questions = tuple(wb.pseudonyms.text(q) for q in wb.store.interview_guide())
    return make_section(wb, "guide", missing(wb, "guide"), lambda: (Part("questions", questions),))


def codebook(wb: Workbook) -> Section:
    """The codebook: category, code, description."""
    return table_section(wb, "codebook", "codebook", lambda: views.codebook_table(wb))


def transcript(wb: Workbook, interview: str = "") -> Section:
    """An interview's transcript turn by turn with its codes (default: the first one)."""
    chosen = interview or wb.first_interview()
    table = views.transcript_with_codings
    return table_section(wb, "transcript", "transcripts", lambda: table(wb, chosen))


# -- Wednesday ------------------------------------------------------------------------------


def frequencies(wb: Workbook) -> Section:
    """How often each code came up: a chart and a table."""
    counted = analysis.code_frequencies
    return chart_and_table(
        wb,
        "frequencies",
        "codings",
        lambda: figures.frequency_chart(counted(wb.store.codings(), wb.store.codes()), wb.labels),
        lambda: views.frequency_table(wb),
        "ww-freq",
    )


def quotes(wb: Workbook) -> Section:
    """Every code's strongest quotes, each code one click away."""
    return make_section(wb, "quotes", missing(wb, "codings"), lambda: (_quotes(wb),))


def _quotes(wb: Workbook) -> Part:
    """The quotes, under how many were left out for lack of consent (when any were)."""
    groups, left_out = look.quote_groups(wb), look.quotes_left_out(wb)
    if not groups:
        return Part("quotes", missing=left_out or wb.labels("ui.quotes.none"))
    return Part("quotes", render.quotes_html(groups, wb.labels), note=left_out)


def who_said_what(wb: Workbook) -> Section:
    """Who said what, as a clustered heatmap."""
    return make_section(
        wb,
        "who_said_what",
        missing(wb, "codings"),
        lambda: (figure_part(wb, "heatmap", look.who_said_what_heatmap(wb), "ww-who"),),
    )


def cooccurrence(wb: Workbook) -> Section:
    """Which codes go together: a heatmap, a network and the pairs that go together most."""
    return make_section(
        wb,
        "cooccurrence",
        missing(wb, "cooccurrence"),
        lambda: (
            figure_part(wb, "heatmap", look.cooccurrence_heatmap(wb, "fragment")),
            figure_part(wb, "network", look.cooccurrence_network(wb, "participant")),
            table_part(wb, "table", look.cooccurrence_table(wb, "participant")),
        ),
    )


def obstacles(wb: Workbook) -> Section:
    """Each obstacle next to the ways to deal with it."""
    return table_section(wb, "obstacles", "obstacles", lambda: look.obstacles_table(wb))


def saturation(wb: Workbook) -> Section:
    """New codes per interview: a chart and a table."""
    chart, table = look.saturation_chart, look.saturation_table
    return chart_and_table(wb, "saturation", "codings", lambda: chart(wb), lambda: table(wb))


def comparison(wb: Workbook, attribute: str = "organisation") -> Section:
    """The codes that differ most between groups of participants (by `attribute`); when
    pseudonymised, what it did with groups too small to show stands above the table."""
    chart, table = look.comparison_chart, look.comparison_table
    return make_section(
        wb,
        "comparison",
        missing(wb, "codings"),
        lambda: (
            figure_part(wb, "chart", chart(wb, attribute)),
            table_part(
                wb, "table", table(wb, attribute), note=look.small_groups_note(wb, attribute)
            ),
        ),
    )


def agreement(wb: Workbook) -> Section:
    """How much the coders agree: κ per code and the overall figures."""
    chart, table = look.agreement_chart, look.agreement_summary_table
    return chart_and_table(wb, "agreement", "agreement", lambda: chart(wb), lambda: table(wb))


def shortlist(wb: Workbook) -> Section:
    """The themes carried into Thursday and the focus groups."""
    tables = {"shortlist": look.shortlist_table, "focus_groups": look.focus_groups_table}
    lacking = missing(wb, "shortlist")
    return make_section(
        wb, "shortlist", lacking, lambda: [table_part(wb, n, t(wb)) for n, t in tables.items()]
    )


# -- Thursday -------------------------------------------------------------------------------


def themes(wb: Workbook) -> Section:
    """A board per shortlisted theme, one after the other."""
    boards = wb.store.theme_boards()["board"]
    return make_section(
        wb,
        "themes",
        missing(wb, "theme_boards"),
        lambda: tuple(Part(b, render.board_html(board(wb, b))) for b in boards),
    )


def votes(wb: Workbook) -> Section:
    """The dots: a chart of the totals, then every round with its totals (`views.vote_rounds`:
    never who voted for what)."""
    lacking = missing(wb, "votes") if wb.store.rounds().empty else ""
    return make_section(wb, "votes", lacking, lambda: _votes(wb))


def _votes(wb: Workbook) -> list[Part]:
    totals = views.vote_totals_frame(wb)
    chart = figure_part(wb, "chart", figures.vote_chart(totals, wb.labels), "ww-votes")
    return ([] if totals.empty else [chart]) + [
        Part(f"round-{number}", None if table.empty else table, heading=heading, note=about)
        for number, heading, about, table in views.vote_rounds(wb)
    ]


def priorities(wb: Workbook) -> Section:
    """The dots each shortlisted theme's ideas received, and the themes the group prioritised."""
    return make_section(wb, "priorities", missing(wb, "theme_boards"), lambda: _priorities(wb))


def _priorities(wb: Workbook) -> tuple[Part, Part]:
    names = wb.store.codes().set_index("id")["name"]
    chosen = tuple(wb.pseudonyms.text(names.get(t, t)) for t in wb.cohort.prioritised_themes)
    unvoted = missing(wb, "votes")  # until a vote every count is 0: the sentence says why
    return (
        Part("dots", missing=unvoted)
        if unvoted
        else table_part(wb, "dots", views.priorities_table(wb)),
        Part("prioritised", chosen, missing=missing(wb, "prioritised")),
    )


def plans(wb: Workbook) -> Section:
    """Every theme's Road to Progress: goal, steps and tasks as a table, then each plan drawn
    as a road (part `road-<plan id>`, figure id `ww-road-<plan id>`; `act.plan_road`)."""
    themed = wb.store.plans().query("kind == 'theme'")["id"]
    return make_section(
        wb,
        "plans",
        missing(wb, "plans"),
        lambda: (
            table_part(wb, "table", views.plans_overview(wb, "theme")),
            *(figure_part(wb, f"road-{p}", act.plan_road(wb, p), f"ww-road-{p}") for p in themed),
        ),
    )


# -- Friday ---------------------------------------------------------------------------------


def tasks(wb: Workbook) -> Section:
    """Every task of every plan, as a table and on a timeline."""
    timeline = figures.task_timeline
    return make_section(
        wb,
        "tasks",
        parts=lambda: (
            needing(wb, "tasks", "table", lambda: Part("table", views.tasks_table(wb))),
            needing(
                wb,
                "dated_tasks",
                "timeline",
                lambda: figure_part(wb, "timeline", timeline(views.task_frame(wb), wb.labels)),
            ),
        ),
    )


def evidence(wb: Workbook, plan: str | None = None) -> Section:
    """Every task's evidence trail (of one plan, or of all), each one click away."""
    chosen = wb.store.tasks()
    if plan is not None:
        chosen = chosen[chosen["plan"] == plan]
    lacking = missing(wb, "tasks") or ("" if len(chosen) else wb.labels("ui.task.no_tasks"))
    return make_section(wb, "evidence", lacking, lambda: _trails(wb, chosen))


def _trails(wb: Workbook, chosen: pd.DataFrame) -> list[Part]:
    trails = evidence_trails(wb.store)
    return [
        Part(
            t.id,
            render_trail(wb, trails[t.id], fragments=3),
            heading=f"{t.step}.{t.number} {wb.pseudonyms.text(t.title)}",
        )
        for t in chosen.itertuples()
    ]


def follow_up(wb: Workbook, today: dt.date | None = None) -> Section:
    """Where every task stands on `today` (default: the day it is shown)."""
    table = act.follow_up_table
    return table_section(wb, "follow_up", "tasks", lambda: table(wb, today))


def by_owner(wb: Workbook) -> Section:
    """Who does what, and when."""
    table = act.tasks_by_owner
    return table_section(wb, "by_owner", "tasks", lambda: table(wb))


# -- the week on one page -------------------------------------------------------------------


def summary_section(wb: Workbook) -> Section:
    """The executive summary (`wwlib.present.summary`): the question, what the group found,
    the prioritised themes with their goal and strongest quote, and the next steps."""
    return make_section(wb, "summary", parts=lambda: _summary(wb))


def _summary(wb: Workbook) -> tuple[Part, ...]:
    label, asked, said = wb.labels, summary.question(wb), summary.found(wb)
    chosen = summary.themes(wb)
    tasks, more = summary.next_tasks(wb)
    no_tasks = missing(wb, "integration_plan") or ("" if len(tasks) else label("ui.task.no_tasks"))
    heading = {k: label(f"summary.{k}") for k in ("question", "found", "themes", "next")}
    return (
        Part(
            "question",
            render.paragraphs_html([asked], "ww-summary-question"),
            missing="" if asked else label("summary.no_question"),
            heading=heading["question"],
        ),
        Part(
            "found",
            render.paragraphs_html(list(said), "ww-summary-found"),
            missing="" if said else missing(wb, "codings"),
            heading=heading["found"],
        ),
        Part(
            "themes",
            render.summary_themes_html(chosen, label("summary.theme_goal")),
            missing="" if chosen else missing(wb, "prioritised"),
            heading=heading["themes"],
        ),
        Part(
            "next",
            tasks,
            missing=no_tasks,
            heading=heading["next"],
            note=label.count("summary.next_intro", len(tasks))
            + (" " + label.count("summary.next_more", more) if more else ""),
        ),
    )


# key -> the function that builds it, in the order of the week
SECTIONS: dict[str, Callable[..., Section]] = {
    "kickoff": kickoff,
    "interviews": interviews,
    "guide": guide,
    "codebook": codebook,
    "coding": words_section("coding"),
    "transcript": transcript,
    "analysis": words_section("analysis"),
    "frequencies": frequencies,
    "quotes": quotes,
    "who_said_what": who_said_what,
    "cooccurrence": cooccurrence,
    "obstacles": obstacles,
    "saturation": saturation,
    "comparison": comparison,
    "agreement": agreement,
    "shortlist": shortlist,
    "themes": themes,
    "ideas": words_section("ideas"),
    "votes": votes,
    "priorities": priorities,
    "plans": plans,
    "integration": words_section("integration"),
    "tasks": tasks,
    "evidence": evidence,
    "follow_up": follow_up,
    "by_owner": by_owner,
    "summary": summary_section,
}
