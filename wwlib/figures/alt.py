"""A figure's text alternative, for who cannot see it: a sentence that says what it shows
(`alt_text`: its title, its axes, its series) and its data as a table (`figure_data`). The
report puts both under each chart; the Word report gives the sentence as an image's alt text.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from wwlib.core.control_chars import printable


def alt_text(labels, fig: go.Figure, section: str) -> str:
    """What a figure shows, for who cannot see it: its title, its axes, its series."""
    layout = fig.layout
    title = layout.title.text or section
    x, y = layout.xaxis.title.text or "", layout.yaxis.title.text or ""
    said = labels("figure.alt", title=title, section=section)
    if x and y:
        said += " " + labels("figure.axes", x=x, y=y)
    series = list(dict.fromkeys(t.name for t in fig.data if t.name))
    if series:
        names = ", ".join(series[:8]) + (", …" if len(series) > 8 else "")
        said += " " + labels("figure.series", names=names)
    return printable(said)


DECIMALS = 2  # a figure's data as a reader needs it, not as the computer holds it


def figure_data(fig: go.Figure, lang: str | None = None) -> pd.DataFrame:
    """A figure's data as a table: a heatmap's matrix, else each trace's points; decimals
    rounded to DECIMALS, and with `lang` the table is marked to be shown in that language."""
    table = _figure_data(fig)
    for column in table.columns:
        if pd.api.types.is_float_dtype(table[column]):
            table[column] = table[column].round(DECIMALS)
    if lang:
        table.attrs["lang"] = lang
    return table


def _figure_data(fig: go.Figure) -> pd.DataFrame:
    for trace in fig.data:
        if trace.type == "heatmap" and trace.z is not None:
            rows = [str(v) for v in trace.y] if trace.y is not None else None
            columns = [str(v) for v in trace.x] if trace.x is not None else None
            return pd.DataFrame([list(r) for r in trace.z], index=rows, columns=columns)
    x = fig.layout.xaxis.title.text or "x"
    y = fig.layout.yaxis.title.text or "y"
    rows = [
        (trace.name or "", a, b)
        for trace in fig.data
        if trace.x is not None and trace.y is not None
        for a, b in zip(trace.x, trace.y, strict=False)
    ]
    return pd.DataFrame(rows, columns=["", x, y])
