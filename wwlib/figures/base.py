"""The week's figure style and the helpers every figure module shares.

Figures of the week are plotly `Figure`s: functions take DataFrames and a `Labels`, return a figure.

No display and no I/O here. Every figure has a title and axis titles from the label catalogue,
fonts of at least 14 px for projection, and an empty state: with no data it returns a figure
whose annotation says so, never an empty chart or an exception. Text from people (notes,
task titles) is HTML-escaped, because plotly reads a few HTML tags in labels.
"""

from __future__ import annotations

import datetime as dt
import html
import textwrap

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from wwlib.analysis import (
    CATEGORY_ORDER,
)
from wwlib.core.dates import long_date
from wwlib.core.labels import SEPARATORS, Labels
from wwlib.core.model import category_colour

FONT = 16
TICKS = 14
PHASE_COLOURS = {"look": "#5b9bd5", "think": "#f4b183", "act": "#e06666"}
STATUS_COLOURS = {
    "open": "#5b8db8",
    "in_progress": "#f0ad4e",
    "done": "#5cb85c",
    "cancelled": "#b0b0b0",
}
INTERVIEW_COLOURS = {"coded": "#2e7d32", "held": "#81c784", "planned": "#90caf9", "none": "#cfcfcf"}


def _week_template() -> go.layout.Template:
    """The week's look, built once per process: plotly_white with projection-sized fonts.

    Built at import on purpose: plotly loads its templates and layout validators on the first
    figure (about 0.15 s), and every phase notebook draws one; here that cost is paid once,
    with the other imports, instead of inside the first figure cell.

    Only plotly_white's layout and the defaults of the trace types the week draws (bar,
    heatmap, scatter) are kept: each figure copies its template, and plotly_white's defaults
    for all 24 trace types made that copy cost 15-19 ms per figure, against 4 ms now.
    """
    white = pio.templates["plotly_white"]
    template = go.layout.Template(layout=white.layout)
    for kind in TRACE_KINDS:
        template.data[kind] = white.data[kind]
    template.layout.font = {"size": FONT}
    template.layout.hoverlabel = {"font": {"size": TICKS}}
    template.layout.legend = {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0}
    return template


TRACE_KINDS = ("bar", "heatmap", "scatter")
TEMPLATE = _week_template()


# -- helpers --------------------------------------------------------------------------------


def new_figure(labels: Labels, key: str, height: int) -> go.Figure:
    """An empty figure with the week's look: title, axis titles, large fonts, legend on top,
    numbers on axes and in hovers written as `labels.lang` writes them (0,5 in Dutch)."""
    fig = go.Figure()
    fig.update_layout(
        template=TEMPLATE,
        height=height,
        font={"size": FONT},
        hoverlabel={"font": {"size": TICKS}},
        title={"text": labels(f"{key}.title"), "font": {"size": 22}},
        margin={"t": 110, "l": 20, "r": 30, "b": 80},
        separators=separators(labels.lang),
    )
    fig.update_xaxes(title={"text": labels(f"{key}.x")}, tickfont={"size": TICKS}, automargin=True)
    fig.update_yaxes(title={"text": labels(f"{key}.y")}, tickfont={"size": TICKS}, automargin=True)
    return fig


def separators(lang: str) -> str:
    """plotly's `separators` for `lang` (decimal, then thousands): ticks and hovers as it writes."""
    thousands, decimal = SEPARATORS[lang]
    return decimal + thousands


def empty_figure(labels: Labels, key: str, message: str, **values: object) -> go.Figure:
    """The empty state: the figure's title and a clear message in its middle.

    The message is also kept in `layout.meta`, so that a notebook or the report can show it
    as a sentence instead of the empty frame (`empty_message`).
    """
    fig = new_figure(labels, key, height=320)
    text = labels(message, **values)
    fig.update_layout(meta={"empty": text})
    _grey_text(fig, text, 20, x=0.5, y=0.5)
    fig.update_xaxes(visible=False)
    return fig.update_yaxes(visible=False)


def empty_message(fig: object) -> str:
    """The message of an empty-state figure (`empty_figure`); '' for a figure with data."""
    meta = fig.layout.meta if isinstance(fig, go.Figure) else None
    return str(meta.get("empty", "")) if isinstance(meta, dict) else ""


def keep(fig: go.Figure, **values: object) -> go.Figure:
    """`values` kept in the figure's `layout.meta` beside what is there (e.g. `empty`)."""
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    return fig.update_layout(meta={**meta, **values})


def keep_table(fig: go.Figure, columns: list[str], rows: list[list]) -> go.Figure:
    """The figure's data as a reader needs it, for its text alternative (`alt.figure_data`):
    for a figure whose coordinates mean nothing to a reader (a network, a timeline). Text is
    kept escaped, as in the figure's labels."""
    rows = [[_escaped(v) for v in row] for row in rows]
    return keep(fig, table={"columns": [_escaped(c) for c in columns], "rows": rows})


def keep_names(fig: go.Figure, **axes: list[str]) -> go.Figure:
    """The full names of an axis' ticks (`x=[...]`, in tickvals' order), for the figure's data
    table when its tick labels are cut short."""
    return keep(fig, names={axis: [_escaped(str(n)) for n in ns] for axis, ns in axes.items()})


def _escaped(value: object) -> object:
    """Text escaped as plotly's labels are (the page's script holds it); numbers as they are."""
    return html.escape(value, quote=False) if isinstance(value, str) else value


def add_note(fig: go.Figure, text: str) -> None:
    """A small explanatory line under the plot, below the x-axis title."""
    _grey_text(fig, text, TICKS, x=0, y=0, yanchor="top", xanchor="left", yshift=-100)
    fig.update_layout(margin={"b": 140})


def _grey_text(fig: go.Figure, text: str, size: int, **place: object) -> None:
    """Grey text placed on the figure's paper (`place`: x and y from 0 to 1, anchors, shift)."""
    fig.add_annotation(
        text=text,
        xref="paper",
        yref="paper",
        showarrow=False,
        font={"size": size, "color": "#555555"},
        **place,
    )


def category_bars(fig, frame, value: str, extra: str, hover: str, labels: Labels) -> None:
    """Horizontal bars of `value` on rows 0..n-1, one trace per category in its colour.

    `hover` is a plotly hover template; a `hover` column of `frame`, when there is one, is each
    bar's `%{hovertext}` (words that agree with their count: "1 fragment", "2 fragmenten").
    """
    for category in present_categories(frame["category"]):
        rows = frame.index[frame["category"] == category].tolist()
        fig.add_bar(
            orientation="h",
            y=rows,
            x=frame.loc[rows, value],
            text=frame.loc[rows, value],
            textposition="outside",
            name=labels(f"category.{category}"),
            marker_color=category_colour(category),
            customdata=frame.loc[rows, extra],
            hovertext=frame.loc[rows, "hover"] if "hover" in frame.columns else None,
            hovertemplate=hover + "<extra></extra>",
        )


def row_axis(fig: go.Figure, ticktext: list[str]) -> None:
    """One y row per item, labelled with `ticktext`, the first on top."""
    fig.update_yaxes(tickvals=list(range(len(ticktext))), ticktext=ticktext, autorange="reversed")


def integer_step(maximum: int) -> int | None:
    """Ticks at every whole number for small counts (plotly would show 0.5); auto otherwise."""
    return 1 if maximum <= 10 else None


def present_categories(categories: pd.Series) -> list[str]:
    """The categories present, in the week's order."""
    present = set(categories)
    return [c for c in CATEGORY_ORDER if c in present] + sorted(present - set(CATEGORY_ORDER))


def cut(text: object, width: int) -> str:
    """Text on one line, cut to `width` characters with an ellipsis."""
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def short(text: object, width: int) -> str:
    """Escaped text cut to `width` characters."""
    return html.escape(cut(text, width), quote=False)


def wrap(text: object, width: int) -> str:
    """Escaped text wrapped onto lines of about `width` characters."""
    lines = textwrap.wrap(" ".join(str(text).split()), width) or [""]
    return "<br>".join(html.escape(line, quote=False) for line in lines)


def date_ticks(start: dt.date, end: dt.date) -> list[dt.date]:
    """Mondays for a span up to 12 weeks, else the first of the month (at most about 8)."""
    if (end - start).days <= 84:
        monday = start + dt.timedelta(days=-start.weekday() % 7)
        return [monday + dt.timedelta(weeks=w) for w in range((end - monday).days // 7 + 1)]
    months, day = [], start.replace(day=1)
    while day <= end:
        if day >= start:
            months.append(day)
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months[:: -(-len(months) // 8)]


def date_tick(day: dt.date, start: dt.date, end: dt.date, labels: Labels) -> str:
    """'27 april' for weekly ticks, 'juni<br>2020' for monthly ones."""
    if (end - start).days <= 84:
        return long_date(day, labels, weekday=False, year=False)
    return f"{labels(f'view.month.{day.month}')}<br>{day.year}"


def date_axis(fig: go.Figure, start: dt.date, end: dt.date, labels: Labels, **options) -> go.Figure:
    """A date x-axis from `start` to `end` with readable ticks (`date_ticks`, `date_tick`)."""
    ticks = date_ticks(start, end)
    return fig.update_xaxes(
        type="date",
        range=[start.isoformat(), end.isoformat()],
        tickvals=[t.isoformat() for t in ticks],
        ticktext=[date_tick(t, start, end, labels) for t in ticks],
        tickangle=0,
        **options,
    )


def titled(fig: go.Figure, labels: Labels, key: str, **values: object) -> go.Figure:
    """The title filled with `values`."""
    if values:
        fig.update_layout(title_text=labels(f"{key}.title", **values))
    return fig


def category_mark(category: object) -> str:
    """A square in the category's colour, to put before a code's name."""
    return f"<span style='color:{category_colour(str(category))}'>■</span> "


def number(value: float, labels: Labels, digits: int) -> str:
    """A number with `digits` decimals and thousands grouped: 12.629,5 in Dutch."""
    return labels.number(value, digits)


def percent(share: float, labels: Labels) -> str:
    """A share of 0–1 as a percentage with one decimal: '99,5 %'."""
    return labels.percent(share, 1)
