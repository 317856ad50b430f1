"""Small pieces of HTML shared by the panels' static views and the report: escaping, a table
of escaped cells, and the analysis day's quotes and shortlist. No widgets here: building the
report must not import ipywidgets."""

from __future__ import annotations

import html

from wwlib.present import look
from wwlib.present.missing import empty_html, missing
from wwlib.present.workbook import Workbook


def escape(text: object) -> str:
    """Text made safe to put inside HTML (quotes too, for attributes)."""
    return html.escape("" if text is None else str(text), quote=True)


def snippet(text: str, width: int = 60) -> str:
    """The start of a text on one line, for a dropdown option."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


TABLE_CSS = (
    "<style>.ww-table{border-collapse:collapse}.ww-table td,.ww-table th{padding:0.1em 0.6em;"
    "text-align:left;vertical-align:top;line-height:1.4}</style>"
)


def table(rows: list[list[str]], head: list[str] | None = None) -> str:
    """An HTML table of cells that are already escaped HTML."""
    header = "<tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr>" if head else ""
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'{TABLE_CSS}<table class="ww-table">{header}{body}</table>'


def shortlist_html(wb: Workbook) -> str:
    """The shortlist and focus groups as tables (what is missing instead of an empty one)."""
    lacking = missing(wb, "shortlist")
    parts = [empty_html(lacking)] if lacking else []
    frames = (look.focus_groups_table(wb),) if lacking else ()
    for frame in frames or (look.shortlist_table(wb), look.focus_groups_table(wb)):
        rows = [[escape(v) for v in row] for row in frame.astype(str).to_numpy().tolist()]
        parts.append(table(rows, [escape(c) for c in frame.columns]))
    return "".join(parts)


def quotes_html(wb: Workbook) -> str:
    """Every code's strongest quotes, each code in a `<details>` element: one click away."""
    quotes = look.quotes_table(wb)
    if quotes.empty:
        return empty_html(missing(wb, "codings") or wb.labels("ui.quotes.none"))
    code, who, text = quotes.columns[0], quotes.columns[2], quotes.columns[3]
    parts = []
    for name, rows in quotes.groupby(code, sort=False):
        items = "".join(
            f"<li>“{escape(q)}” — {escape(p)}</li>"
            for p, q in zip(rows[who], rows[text], strict=True)
        )
        parts.append(f"<details><summary>{escape(name)}</summary><ul>{items}</ul></details>")
    return "".join(parts)
