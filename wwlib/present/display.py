"""Showing the week's sections in a notebook or Voila dashboard.

`section(wb, key)` shows a section's heading and explanation; `part(wb, key, name)` gives one of
its parts and `parts(wb, key)` shows them all: the same `Section` (`wwlib.present.sections`)
and the same HTML (`wwlib.present.render`) as the panels' static views and the report.
"""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML, Markdown, display
from markupsafe import Markup

from wwlib.present import chart, render
from wwlib.present.sections import build
from wwlib.present.workbook import Workbook


def heading(wb: Workbook, key: str, level: int = 2, **values: object) -> Markdown:
    """A heading and a short narrative from the catalogue (`section.<key>.title` / `.text`).

    `values` fill `{placeholders}` in the text.
    """
    title = wb.labels(f"section.{key}.title")
    return _markdown(title, wb.labels(f"section.{key}.text", **values), level)


def section(wb: Workbook, key: str, level: int = 2, **options: object) -> None:
    """Show a section's heading and explanation (`options` as its builder takes them).

    Shown, not returned: a notebook cell shows only its last expression, and a section shares
    its cell with the part or panel that follows it.
    """
    shown = build(wb, key, **options)
    display(_markdown(shown.title, shown.text, level))


def part(wb: Workbook, key: str, name: str, **options: object) -> object:
    """One part of a section: a figure (shown) with its caption and data table, or its table
    or fragment as HTML; the sentence that says what the section (or the part) lacks and
    which step of the week fills it instead."""
    shown = build(wb, key, **options)
    if shown.missing:
        return HTML(render.empty_html(shown.missing))
    chosen = shown.part(name)
    if chosen.is_figure and not chosen.missing:
        # the chart, then its text alternative: what it shows, and its data as a table
        display(chart.shown(chosen.content))
        alt = render.figure_with_alt(Markup(""), chosen.alt, chosen.alt_data, chosen.alt_table)
        return HTML(render.styled(alt))
    return HTML(render.styled(shown.part_html(name)))


def parts(wb: Workbook, key: str, **options: object) -> None:
    """Show every part of a section in order (or the sentence that says what it lacks)."""
    shown = build(wb, key, **options)
    if shown.missing or not shown.parts:
        display(HTML(shown.body_html()))
        return
    for each in shown.parts:
        display(part(wb, key, each.name, **options))


def table(df: pd.DataFrame, empty: str = "—") -> HTML:
    """A DataFrame as a styled HTML table (`render.table_html`): every cell and header escaped,
    numbers as the table's language writes them; an empty one as `empty`."""
    if df.empty:
        return HTML(render.empty_html(empty))
    return HTML(render.styled(render.table_html(df)))


def _markdown(title: str, text: str, level: int) -> Markdown:
    """A Markdown heading and paragraph that show their text as written (no HTML, no emphasis
    from stray * or _)."""
    shown = []
    for line in (title, text):
        escaped = render.escape(line, quote=False)
        for char in "\\`*_[]#":
            escaped = escaped.replace(char, "\\" + char)
        shown.append(escaped)
    return Markdown(f"{'#' * level} {shown[0]}\n\n{shown[1]}")
