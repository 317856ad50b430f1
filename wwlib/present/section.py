"""What a section of the week is: a `Section` of `Part`s, and the few ways the builders in
`wwlib.present.sections` make them (a section of one table, of a chart above its table, of
words only; a figure or a table that says so when it would show nothing)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from markupsafe import Markup

from wwlib.figures.base import empty_message
from wwlib.present import quiet, render
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


def make_section(
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


def table_section(wb: Workbook, key: str, need: str, table: Callable[[], pd.DataFrame]) -> Section:
    """A section of one table, made when the cohort holds what it `need`s."""
    return make_section(wb, key, missing(wb, need), lambda: (table_part(wb, "table", table()),))


def chart_and_table(
    wb: Workbook,
    key: str,
    need: str,
    chart: Callable[[], go.Figure],
    table: Callable[[], pd.DataFrame],
    anchor: str = "",
) -> Section:
    """A section of a chart above its table, made when the cohort holds what it `need`s."""
    return make_section(
        wb,
        key,
        missing(wb, need),
        lambda: (figure_part(wb, "chart", chart(), anchor), table_part(wb, "table", table())),
    )


def figure_part(wb: Workbook, name: str, fig: go.Figure, anchor: str = "") -> Part:
    """A figure, or its own message when it has no data, or the sentence that says all its
    values are 0 (`quiet`): never an empty chart frame."""
    lacking = empty_message(fig)
    if not lacking and quiet.figure_says_nothing(fig):
        lacking = wb.labels("quiet.figure.zero")
    return Part(name, fig, missing=lacking, anchor=anchor)


def table_part(
    wb: Workbook, name: str, table: pd.DataFrame, note: str = "", heading: str = ""
) -> Part:
    """A table, without its columns of zeros (named in the note); a table that would say
    nothing is the sentence that says so (`quiet.quiet_table`)."""
    shown, lacking, dropped = quiet.quiet_table(table, wb.labels)
    note = " ".join(t for t in (note, dropped) if t)
    return Part(name, shown, missing=lacking, heading=heading, note=note)


def words_section(key: str) -> Callable[[Workbook], Section]:
    """The builder of a section of words only: a day's opening, or what a panel does."""
    return lambda wb: make_section(wb, key)


def needing(wb: Workbook, need: str, name: str, make: Callable[[], Part]) -> Part:
    """The part `make` gives, or the sentence for what `need` lacks."""
    lacking = missing(wb, need)
    return Part(name, missing=lacking) if lacking else make()
