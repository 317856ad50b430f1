"""Small helpers for showing a section heading or a table in a notebook or Voila dashboard."""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML, Markdown, display

from wwlib.present.views import shown_numbers
from wwlib.present.workbook import Workbook

TABLE_CSS = (
    "<style>.ww-table{border-collapse:collapse;font-size:15px;margin:0.5em 0}"
    ".ww-table th{text-align:left;background:#f2f2f2;padding:4px 8px;vertical-align:bottom}"
    ".ww-table td{padding:4px 8px;vertical-align:top;border-top:1px solid #ddd;"
    "white-space:pre-wrap;max-width:40em}</style>"
)


def heading(wb: Workbook, key: str, level: int = 2, **values: object) -> Markdown:
    """A heading and a short narrative from the catalogue (`section.<key>.title` / `.text`).

    `values` fill `{placeholders}` in the text.
    """
    title = wb.labels(f"section.{key}.title")
    text = wb.labels(f"section.{key}.text", **values)
    return Markdown(f"{'#' * level} {_markdown_escape(title)}\n\n{_markdown_escape(text)}")


def section(wb: Workbook, key: str, level: int = 2, **values: object) -> None:
    """Show a section's heading and narrative (`heading`) at once.

    Shown, not returned: a notebook cell shows only its last expression, and a section shares
    its cell with the panel or table that follows it.
    """
    display(heading(wb, key, level, **values))


def table(df: pd.DataFrame, empty: str = "—", lang: str | None = None) -> HTML:
    """A DataFrame as a styled HTML table; every cell and header is HTML-escaped.

    An empty DataFrame shows `empty` instead of a bare header row. Numbers are written as
    `lang` writes them (default: the language the table was made in, `views.shown_numbers`).
    """
    if df.empty:
        return HTML(f"<p class='ww-empty'><em>{html.escape(empty)}</em></p>")
    # DataFrame.to_html escapes cells and headers itself, and is ten times quicker on first use
    # than a Styler, which builds its Jinja2 environment in every kernel.
    body = shown_numbers(df, lang).to_html(
        escape=True,
        index=not isinstance(df.index, pd.RangeIndex),
        na_rep="",
        border=0,
        classes="ww-table",
    )
    return HTML(TABLE_CSS + body)


def part(wb: Workbook, key: str, content: object, **context: str) -> object:
    """A part of the week: `content` (a DataFrame shown as a table, or a figure), or the one
    sentence that says what the part lacks and which step of the week fills it
    (`wwlib.present.missing`). A figure with no data shows its own message as that sentence:
    never an empty chart frame. `context` names the board or plan the part is about.
    """
    from wwlib.figures.base import empty_message
    from wwlib.present.missing import empty_html, missing

    text = missing(wb, key, **context) or empty_message(content)
    if text:
        return HTML(empty_html(text))
    return table(content) if isinstance(content, pd.DataFrame) else content


def _markdown_escape(text: str) -> str:
    """Text that Markdown shows as written (no HTML, no emphasis from stray * or _)."""
    escaped = html.escape(text, quote=False)
    for char in "\\`*_[]#":
        escaped = escaped.replace(char, "\\" + char)
    return escaped
