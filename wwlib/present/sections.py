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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import pandas as pd
import plotly.graph_objects as go
from markupsafe import Markup

from wwlib import analysis, figures
from wwlib.figures.alt import alt_text, figure_data
from wwlib.figures.base import empty_message
from wwlib.present import act, look, quiet, render, summary, views
from wwlib.present.boards import board
from wwlib.present.evidence import evidence_trails, render_trail
from wwlib.present.missing import missing
from wwlib.present.workbook import Workbook

Content = pd.DataFrame | go.Figure | Markup | tuple[str, ...] | None
FigureHTML = Callable[[go.Figure, str], Markup]  # a figure and its id as HTML


@dataclass(frozen=True, eq=False)  # equal when the same: a DataFrame has no truth value
class Part:
    """One thing a section shows: a table, a figure, an HTML fragment or a numbered list of
    texts; or, instead, the sentence that says what it lacks (`missing`).

    `heading` and `note` stand above it (a voting round: "Stemronde 1" and what it was about);
    `anchor` is the id its figure gets on a page ('' for 'ww-<section>-<n>').
    """

    name: str
    content: Content = None
    missing: str = ""
    heading: str = ""
    note: str = ""
    anchor: str = ""
    alt: str = ""  # a figure's text alternative: what it shows (`build` sets it)
    alt_data: str = ""  # the heading of its data as a table
    alt_table: pd.DataFrame | None = None  # that table

    @property
    def is_figure(self) -> bool:
        return isinstance(self.content, go.Figure)


@dataclass(frozen=True, eq=False)
class Section:
    """A section of the week: heading, explanation, what it lacks ('' when nothing), parts."""

    key: str
    title: str
    text: str
    missing: str = ""
    parts: tuple[Part, ...] = ()

    def part(self, name: str) -> Part:
        """The part called `name`."""
        for part in self.parts:
            if part.name == name:
                return part
        known = ", ".join(p.name for p in self.parts) or "none"
        raise KeyError(f"section '{self.key}' has no part '{name}'; its parts: {known}")

    @property
    def tables(self) -> list[pd.DataFrame]:
        return [p.content for p in self.parts if isinstance(p.content, pd.DataFrame)]

    @property
    def figures(self) -> list[go.Figure]:
        return [p.content for p in self.parts if p.is_figure]

    @property
    def fragments(self) -> list[Markup]:
        return [p.content for p in self.parts if isinstance(p.content, Markup)]

    def html(
        self, level: int = 3, figure: FigureHTML = render.figure_div, aside: str = ""
    ) -> Markup:
        """The whole section as HTML: heading, explanation (and `aside`, a page's own remark),
        then what it lacks or its parts; `figure` draws a figure with its id."""
        return render.section_html(self.view(figure), level, aside)

    def body_html(self) -> Markup:
        """The section without its heading (a notebook shows that above it): what it lacks or
        its parts, styled. What a panel's static view shows."""
        if self.missing:
            return render.empty_html(self.missing)
        shown = Markup("\n").join(render.part_html(self._part_view(p)) for p in self.parts)
        plain = all(p.missing or isinstance(p.content, tuple) for p in self.parts)
        return shown if plain else render.styled(shown)

    def part_html(self, name: str) -> Markup:
        """One part as HTML (a figure as a div without plotly.js)."""
        return render.part_html(self._part_view(self.part(name)))

    def view(self, figure: FigureHTML = render.figure_div) -> dict:
        """What the templates show of the section: its texts and, per part, its HTML."""
        parts = [self._part_view(p, figure) for p in self.parts]
        return {"title": self.title, "text": self.text, "missing": self.missing, "parts": parts}

    def _part_view(self, part: Part, figure: FigureHTML = render.figure_div) -> dict:
        """A part's texts and HTML. A figure's id is its `anchor`, else 'ww-<key>-<n>' (the
        section's n-th figure)."""
        drawn = [p for p in self.parts if p.is_figure]
        anchor = part.anchor or f"ww-{self.key}-{drawn.index(part) if part.is_figure else 0}"
        return {
            "heading": part.heading,
            "note": part.note,
            "missing": part.missing,
            "figure": part.is_figure,
            "html": "" if part.missing else self._content_html(part, anchor, figure),
        }

    def _content_html(self, part: Part, anchor: str, figure: FigureHTML) -> Markup:
        if part.is_figure and part.alt:
            plot = figure(part.content, anchor)
            return render.figure_with_alt(plot, part.alt, part.alt_data, part.alt_table)
        if part.is_figure:
            return figure(part.content, anchor)
        if isinstance(part.content, pd.DataFrame):
            return render.table_html(part.content)
        if isinstance(part.content, tuple):
            return render.items_html(list(part.content), f"ww-{self.key}-{part.name}")
        return Markup(part.content or "")


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


def _section(
    wb: Workbook, key: str, lacking: str = "", parts: Callable[[], Iterable[Part]] | None = None
) -> Section:
    """A section whose parts are made only when it lacks nothing (`lacking` is '')."""
    return Section(
        key,
        wb.labels(f"section.{key}.title"),
        wb.labels(f"section.{key}.text"),
        lacking,
        () if lacking or parts is None else tuple(parts()),
    )


def _table_section(wb: Workbook, key: str, need: str, table: Callable[[], pd.DataFrame]) -> Section:
    """A section of one table, made when the cohort holds what it `need`s."""
    return _section(wb, key, missing(wb, need), lambda: (_table(wb, "table", table()),))


def _chart_and_table(
    wb: Workbook,
    key: str,
    need: str,
    chart: Callable[[], go.Figure],
    table: Callable[[], pd.DataFrame],
    anchor: str = "",
) -> Section:
    """A section of a chart above its table, made when the cohort holds what it `need`s."""
    return _section(
        wb,
        key,
        missing(wb, need),
        lambda: (_figure(wb, "chart", chart(), anchor), _table(wb, "table", table())),
    )


def _figure(wb: Workbook, name: str, fig: go.Figure, anchor: str = "") -> Part:
    """A figure, or its own message when it has no data, or the sentence that says all its
    values are 0 (`quiet`): never an empty chart frame."""
    lacking = empty_message(fig)
    if not lacking and quiet.figure_says_nothing(fig):
        lacking = wb.labels("quiet.figure.zero")
    return Part(name, fig, missing=lacking, anchor=anchor)


def _table(wb: Workbook, name: str, table: pd.DataFrame, note: str = "", heading: str = "") -> Part:
    """A table, without its columns of zeros (named in the note); a table that would say
    nothing is the sentence that says so (`quiet.quiet_table`)."""
    shown, lacking, dropped = quiet.quiet_table(table, wb.labels)
    note = " ".join(t for t in (note, dropped) if t)
    return Part(name, shown, missing=lacking, heading=heading, note=note)


def _words(key: str) -> Callable[[Workbook], Section]:
    """The builder of a section of words only: a day's opening, or what a panel does."""
    return lambda wb: _section(wb, key)


def _needing(wb: Workbook, need: str, name: str, make: Callable[[], Part]) -> Part:
    """The part `make` gives, or the sentence for what `need` lacks."""
    lacking = missing(wb, need)
    return Part(name, missing=lacking) if lacking else make()


# -- Monday and Tuesday ---------------------------------------------------------------------


def kickoff(wb: Workbook) -> Section:
    """Who takes part, and the week's programme as a timeline."""
    return _section(
        wb,
        "kickoff",
        parts=lambda: (
            _needing(wb, "people", "people", lambda: _people(wb)),
            _needing(wb, "programme", "programme", lambda: _programme(wb)),
        ),
    )


def _people(wb: Workbook) -> Part:
    return Part("people", views.people_table(wb), note=views.people_note(wb))


def _programme(wb: Workbook) -> Part:
    timeline = figures.programme_timeline(views.session_frame(wb), wb.labels)
    return _figure(wb, "programme", timeline, "ww-programme")


def interviews(wb: Workbook) -> Section:
    """Where every participant's interview stands, as a chart and a table."""
    statuses = analysis.interview_statuses(wb.store.interviews(), wb.store.people())
    chart = figures.interview_status_chart
    return _chart_and_table(
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
    return _section(wb, "guide", missing(wb, "guide"), lambda: (Part("questions", questions),))


def codebook(wb: Workbook) -> Section:
    """The codebook: category, code, description."""
    return _table_section(wb, "codebook", "codebook", lambda: views.codebook_table(wb))


def transcript(wb: Workbook, interview: str = "") -> Section:
    """An interview's transcript turn by turn with its codes (default: the first one)."""
    chosen = interview or wb.first_interview()
    table = views.transcript_with_codings
    return _table_section(wb, "transcript", "transcripts", lambda: table(wb, chosen))


# -- Wednesday ------------------------------------------------------------------------------


def frequencies(wb: Workbook) -> Section:
    """How often each code came up: a chart and a table."""
    counted = analysis.code_frequencies
    return _chart_and_table(
        wb,
        "frequencies",
        "codings",
        lambda: figures.frequency_chart(counted(wb.store.codings(), wb.store.codes()), wb.labels),
        lambda: views.frequency_table(wb),
        "ww-freq",
    )


def quotes(wb: Workbook) -> Section:
    """Every code's strongest quotes, each code one click away."""
    return _section(wb, "quotes", missing(wb, "codings"), lambda: (_quotes(wb),))


def _quotes(wb: Workbook) -> Part:
    """The quotes, under how many were left out for lack of consent (when any were)."""
    groups, left_out = look.quote_groups(wb), look.quotes_left_out(wb)
    if not groups:
        return Part("quotes", missing=left_out or wb.labels("ui.quotes.none"))
    return Part("quotes", render.quotes_html(groups, wb.labels), note=left_out)


def who_said_what(wb: Workbook) -> Section:
    """Who said what, as a clustered heatmap."""
    return _section(
        wb,
        "who_said_what",
        missing(wb, "codings"),
        lambda: (_figure(wb, "heatmap", look.who_said_what_heatmap(wb), "ww-who"),),
    )


def cooccurrence(wb: Workbook) -> Section:
    """Which codes go together: a heatmap, a network and the pairs that go together most."""
    return _section(
        wb,
        "cooccurrence",
        missing(wb, "cooccurrence"),
        lambda: (
            _figure(wb, "heatmap", look.cooccurrence_heatmap(wb, "fragment")),
            _figure(wb, "network", look.cooccurrence_network(wb, "participant")),
            _table(wb, "table", look.cooccurrence_table(wb, "participant")),
        ),
    )


def obstacles(wb: Workbook) -> Section:
    """Each obstacle next to the ways to deal with it."""
    return _table_section(wb, "obstacles", "obstacles", lambda: look.obstacles_table(wb))


def saturation(wb: Workbook) -> Section:
    """New codes per interview: a chart and a table."""
    chart, table = look.saturation_chart, look.saturation_table
    return _chart_and_table(wb, "saturation", "codings", lambda: chart(wb), lambda: table(wb))


def comparison(wb: Workbook, attribute: str = "organisation") -> Section:
    """The codes that differ most between groups of participants (by `attribute`); when
    pseudonymised, what it did with groups too small to show stands above the table."""
    chart, table = look.comparison_chart, look.comparison_table
    return _section(
        wb,
        "comparison",
        missing(wb, "codings"),
        lambda: (
            _figure(wb, "chart", chart(wb, attribute)),
            _table(wb, "table", table(wb, attribute), note=look.small_groups_note(wb, attribute)),
        ),
    )


def agreement(wb: Workbook) -> Section:
    """How much the coders agree: κ per code and the overall figures."""
    chart, table = look.agreement_chart, look.agreement_summary_table
    return _chart_and_table(wb, "agreement", "agreement", lambda: chart(wb), lambda: table(wb))


def shortlist(wb: Workbook) -> Section:
    """The themes carried into Thursday and the focus groups."""
    tables = {"shortlist": look.shortlist_table, "focus_groups": look.focus_groups_table}
    lacking = missing(wb, "shortlist")
    return _section(
        wb, "shortlist", lacking, lambda: [_table(wb, n, t(wb)) for n, t in tables.items()]
    )


# -- Thursday -------------------------------------------------------------------------------


def themes(wb: Workbook) -> Section:
    """A board per shortlisted theme, one after the other."""
    boards = wb.store.theme_boards()["board"]
    return _section(
        wb,
        "themes",
        missing(wb, "theme_boards"),
        lambda: tuple(Part(b, render.board_html(board(wb, b))) for b in boards),
    )


def votes(wb: Workbook) -> Section:
    """The dots: a chart of the totals, then every round with its totals (`views.vote_rounds`:
    never who voted for what)."""
    lacking = missing(wb, "votes") if wb.store.rounds().empty else ""
    return _section(wb, "votes", lacking, lambda: _votes(wb))


def _votes(wb: Workbook) -> list[Part]:
    totals = views.vote_totals_frame(wb)
    chart = _figure(wb, "chart", figures.vote_chart(totals, wb.labels), "ww-votes")
    return ([] if totals.empty else [chart]) + [
        Part(f"round-{number}", None if table.empty else table, heading=heading, note=about)
        for number, heading, about, table in views.vote_rounds(wb)
    ]


def priorities(wb: Workbook) -> Section:
    """The dots each shortlisted theme's ideas received, and the themes the group prioritised."""
    return _section(wb, "priorities", missing(wb, "theme_boards"), lambda: _priorities(wb))


def _priorities(wb: Workbook) -> tuple[Part, Part]:
    names = wb.store.codes().set_index("id")["name"]
    chosen = tuple(wb.pseudonyms.text(names.get(t, t)) for t in wb.cohort.prioritised_themes)
    unvoted = missing(wb, "votes")  # until a vote every count is 0: the sentence says why
    return (
        Part("dots", missing=unvoted)
        if unvoted
        else _table(wb, "dots", views.priorities_table(wb)),
        Part("prioritised", chosen, missing=missing(wb, "prioritised")),
    )


def plans(wb: Workbook) -> Section:
    """Every theme's Road to Progress: goal, steps and tasks as a table, then each plan drawn
    as a road (part `road-<plan id>`, figure id `ww-road-<plan id>`; `act.plan_road`)."""
    themed = wb.store.plans().query("kind == 'theme'")["id"]
    return _section(
        wb,
        "plans",
        missing(wb, "plans"),
        lambda: (
            _table(wb, "table", views.plans_overview(wb, "theme")),
            *(_figure(wb, f"road-{p}", act.plan_road(wb, p), f"ww-road-{p}") for p in themed),
        ),
    )


# -- Friday ---------------------------------------------------------------------------------


def tasks(wb: Workbook) -> Section:
    """Every task of every plan, as a table and on a timeline."""
    timeline = figures.task_timeline
    return _section(
        wb,
        "tasks",
        parts=lambda: (
            _needing(wb, "tasks", "table", lambda: Part("table", views.tasks_table(wb))),
            _needing(
                wb,
                "dated_tasks",
                "timeline",
                lambda: _figure(wb, "timeline", timeline(views.task_frame(wb), wb.labels)),
            ),
        ),
    )


def evidence(wb: Workbook, plan: str | None = None) -> Section:
    """Every task's evidence trail (of one plan, or of all), each one click away."""
    chosen = wb.store.tasks()
    if plan is not None:
        chosen = chosen[chosen["plan"] == plan]
    lacking = missing(wb, "tasks") or ("" if len(chosen) else wb.labels("ui.task.no_tasks"))
    return _section(wb, "evidence", lacking, lambda: _trails(wb, chosen))


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
    return _table_section(wb, "follow_up", "tasks", lambda: table(wb, today))


def by_owner(wb: Workbook) -> Section:
    """Who does what, and when."""
    table = act.tasks_by_owner
    return _table_section(wb, "by_owner", "tasks", lambda: table(wb))


# -- the week on one page -------------------------------------------------------------------


def summary_section(wb: Workbook) -> Section:
    """The executive summary (`wwlib.present.summary`): the question, what the group found,
    the prioritised themes with their goal and strongest quote, and the next steps."""
    return _section(wb, "summary", parts=lambda: _summary(wb))


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
    "coding": _words("coding"),
    "transcript": transcript,
    "analysis": _words("analysis"),
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
    "ideas": _words("ideas"),
    "votes": votes,
    "priorities": priorities,
    "plans": plans,
    "integration": _words("integration"),
    "tasks": tasks,
    "evidence": evidence,
    "follow_up": follow_up,
    "by_owner": by_owner,
    "summary": summary_section,
}
