"""The week's parts as HTML: one Jinja environment, autoescaped, one template of macros.

A notebook cell, a panel's static view and the report show a table, a board of sticky notes, a
sentence that says what is missing, or a whole `Section` through the macros of
`templates/parts.html.j2`, so they show the same HTML. Escaping is the template's (`escape` is
the same rule for the few places that write HTML themselves). No widgets here: building the
report must not import ipywidgets.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

import jinja2
import pandas as pd
from markupsafe import Markup

from wwlib.present.tables import shown_numbers

if TYPE_CHECKING:  # plotly loads only where a figure is shown
    import plotly.graph_objects as go

    from wwlib.core.labels import Labels
    from wwlib.present.boards import Board

TABLE_CSS = (
    ".ww-figure{margin:0.5em 0}.ww-figure-alt{font-size:14px;color:#444;margin:0.3em 0}"
    ".ww-figure-data summary{cursor:pointer;font-size:14px}"
    ".ww-table{border-collapse:collapse;font-size:15px;margin:0.5em 0}"
    ".ww-table th{text-align:left;background:#f2f2f2;padding:4px 8px;vertical-align:bottom}"
    ".ww-table td{padding:4px 8px;vertical-align:top;border-top:1px solid #ddd;"
    "white-space:pre-wrap;max-width:40em}"
    ".ww-table .ww-text{text-align:left}"
    ".ww-table .ww-num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
    ".ww-table tr.ww-detail td{border-top:none;padding-top:0}"
)
BOARD_CSS = (
    ".ww-notes{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:0.6em}"
    ".ww-notes .note{background:#fbfbf5;border:1px solid #ddd;border-left:10px solid #d9d9d9;"
    "padding:0.4em 0.6em;width:15em;box-shadow:1px 1px 3px rgba(0,0,0,0.1)}"
    ".note-text{display:block;white-space:pre-wrap;overflow-wrap:anywhere}"
    ".note-meta{display:block;font-size:0.8em;color:#666;margin-top:0.3em}"
    ".dots{color:#c0392b;letter-spacing:1px}"
)
FIGURE_CONFIG = {"displaylogo": False, "responsive": True}
_CODE = re.compile(r"`([^`]+)`")


def escape(text: object, quote: bool = True) -> str:
    """Text made safe to put inside HTML, quotes too (for attributes) unless `quote` is false;
    None as ''. The templates escape by themselves (autoescape)."""
    return html.escape("" if text is None else str(text), quote=quote)


def sentence_html(text: str) -> Markup:
    """A sentence as HTML: escaped, `commands` shown as code."""
    return Markup(_CODE.sub(r"<code>\1</code>", escape(text, quote=False)))


def empty_html(text: str) -> Markup:
    """A sentence that says what is missing, as a paragraph of its own."""
    return _macro("empty")(text)


def note_html(text: str, kind: str = "ww-static") -> Markup:
    """A remark in italics (by default a static panel's word on where input is given)."""
    return _macro("note")(text, kind)


def heading_html(title: str, text: str, level: int = 4) -> Markup:
    """A heading with a paragraph under it (a panel's title and what it is for)."""
    return _macro("heading")(title, text, level)


def styled(fragment: str) -> Markup:
    """HTML with the tables' and boards' style in front, for a notebook cell or a panel."""
    return Markup(f"<style>{TABLE_CSS}{BOARD_CSS}</style>") + Markup(fragment)


# -- tables ---------------------------------------------------------------------------------


def table_html(df: pd.DataFrame, details: list | None = None) -> Markup:
    """A DataFrame as an escaped `ww-table`: numbers as the table's language writes them
    (`tables.shown_numbers`), a named index as leading columns, column levels as header rows.

    A column of numbers is right-aligned (class `ww-num` on its cells and its own heading),
    any other left-aligned (`ww-text`). A cell that is Markup stays HTML; `details`, one per
    row ('' for none), are shown under their row across the table (the report's evidence
    trail under a task).
    """
    frame = df if isinstance(df.index, pd.RangeIndex) else df.reset_index()
    shown = shown_numbers(frame, df.attrs.get("lang")).astype(object).where(frame.notna(), "")
    rows = [[_cell(v) for v in row] for row in shown.itertuples(index=False, name=None)]
    kinds = [column_kind(frame.iloc[:, i]) for i in range(frame.shape[1])]
    head = _header(list(frame.columns), kinds)
    view = {"head": head, "rows": rows, "kinds": kinds, "details": details or []}
    return _macro("table")(view)


def column_kind(column: pd.Series) -> str:
    """'ww-num' for a column of numbers (empty cells aside), else 'ww-text'."""
    if pd.api.types.is_bool_dtype(column):
        return "ww-text"
    if pd.api.types.is_numeric_dtype(column):
        return "ww-num"
    filled = [v for v in column if not (v is None or v == "" or (isinstance(v, float) and v != v))]
    numbers = [v for v in filled if isinstance(v, int | float) and not isinstance(v, bool)]
    return "ww-num" if filled and len(numbers) == len(filled) else "ww-text"


def _cell(value: object) -> object:
    return value if hasattr(value, "__html__") else str(value)


def _header(columns: list, kinds: list[str]) -> list[list[tuple[str, int, str]]]:
    """Header rows: one per column level, equal neighbours under the same parent joined; a
    heading over one column aligns as its column does (`kinds`), one over several left."""
    keys = [c if isinstance(c, tuple) else (c,) for c in columns]
    rows = []
    for level in range(max((len(k) for k in keys), default=1)):
        spans: list[list] = []
        for key, kind in zip(keys, kinds, strict=True):
            prefix = key[: level + 1]
            if spans and spans[-1][0] == prefix:
                spans[-1][1] += 1
                spans[-1][2] = "ww-text"
            else:
                spans.append([prefix, 1, kind])
        rows.append([("" if p[-1] is None else str(p[-1]), n, k) for p, n, k in spans])
    return rows


# -- figures, boards, sections --------------------------------------------------------------


def figure_div(fig: go.Figure, div_id: str) -> Markup:
    """A figure as a div with a fixed id, without plotly.js (a page embeds it once)."""
    return Markup(
        fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id, config=FIGURE_CONFIG)
    )


def figure_with_alt(plot: Markup, alt: str, data_label: str, data: pd.DataFrame) -> Markup:
    """A drawn figure with its text alternative: `alt` as its caption, its `data` as a table
    in a `<details>` element headed `data_label`."""
    if not isinstance(data.index, pd.RangeIndex):  # a heatmap's rows: shown as a column
        lang = data.attrs.get("lang")
        data = data.rename_axis("").reset_index()
        data.attrs["lang"] = lang
    return Markup(
        '<figure class="ww-figure">{}<figcaption class="ww-figure-alt">{}</figcaption>'
        '<details class="ww-figure-data"><summary>{}</summary>{}</details></figure>'
    ).format(plot, alt, data_label, table_html(data))


def board_html(board: Board, level: int = 3) -> Markup:
    """A board with its heading and its notes by cluster, each with its dots."""
    return _macro("board")(board, level)


def vote_chart_html(rows: list[dict], head: list[str] | None = None) -> Markup:
    """Notes by dots, each a row {id, text, dots, colour, width (em), who} with a bar in its
    colour; `head` (with a `who` column) for a round that says who voted."""
    return styled(_macro("vote_chart")(rows, head or []))


def trail_html(view: dict) -> Markup:
    """A task's evidence trail (`evidence.render_trail` gives `view`) as a `<details>` block."""
    return _macro("trail")(view)


def items_html(texts: list[str], kind: str = "ww-items") -> Markup:
    """Texts as a numbered list (of class `kind`)."""
    return _macro("items")(texts, kind)


def quotes_html(
    groups: list[tuple[str, list[tuple[str, str]]]], labels: Labels, opened: bool = False
) -> Markup:
    """[(code, [(quote, who), ...]), ...] per code: its strongest quote (the first) shown, the
    others in a `<details>` element one click away (or `opened`)."""
    more = [labels.count("quotes.more", len(said) - 1) for _code, said in groups]
    return _macro("quotes")(groups, more, opened)


def paragraphs_html(texts: list[str], kind: str) -> Markup:
    """Texts as paragraphs in a `div` of class `kind` (`commands` as code)."""
    return _macro("paragraphs")(texts, kind)


def summary_themes_html(themes: list[dict], goal_label: str) -> Markup:
    """The summary's themes (`summary.themes`): name, goal and strongest quote each."""
    return _macro("summary_themes")(themes, goal_label)


def part_html(view: dict) -> Markup:
    """A part of a section (`Section.view` gives `view`): heading and note, then its content
    (`html`) or the sentence for what it lacks (`missing`)."""
    return _macro("part")(view)


def section_html(view: dict, level: int = 3, aside: str = "") -> Markup:
    """A whole section (`Section.view`): heading, explanation (and `aside`, a page's own
    remark), then what it lacks or its parts."""
    return _macro("section")(view, level, aside)


@cache
def environment() -> jinja2.Environment:
    """Jinja2 with autoescape on, the `sentence` filter, and these templates."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("wwlib.present", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["sentence"] = sentence_html
    return env


def _macro(name: str) -> Callable[..., Markup]:
    """A macro of parts.html.j2, its HTML without the whitespace around it."""
    macro = getattr(environment().get_template("parts.html.j2").module, name)
    return lambda *args: macro(*args).strip()
