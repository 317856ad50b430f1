"""A figure's text alternative, for who cannot see it: a sentence that says what it shows
(`alt_text`: its title, its axes, its series) and its data as a table (`figure_data`). The
report puts both under each chart; the Word report gives the sentence as an image's alt text.

The table says what the figure shows, never where plotly draws it: a category axis placed on
rows 0..n-1 is given by the names its ticks show, a heatmap's rows and columns likewise, and
a figure whose coordinates mean nothing to a reader (a network, a timeline, a road) carries
its own table in `layout.meta["table"]` (`base.keep_table`).
"""

from __future__ import annotations

import html
import re
from numbers import Number

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
    """A figure's data as a table: its own table when it keeps one, else a heatmap's matrix,
    else each trace's points by the names on the category axis; decimals rounded to
    DECIMALS, and with `lang` the table is marked to be shown in that language."""
    table = _figure_data(fig)
    for column in table.columns:
        if pd.api.types.is_float_dtype(table[column]):
            table[column] = table[column].round(DECIMALS)
    if lang:
        table.attrs["lang"] = lang
    return table


def _figure_data(fig: go.Figure) -> pd.DataFrame:
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    if meta.get("table"):
        own = meta["table"]
        rows = [[_plain(v) if isinstance(v, str) else v for v in r] for r in own["rows"]]
        return pd.DataFrame(rows, columns=[_plain(c) for c in own["columns"]])
    for trace in fig.data:
        if trace.type == "heatmap" and trace.z is not None:
            rows = _shown(fig, "y", trace.y)
            columns = _shown(fig, "x", trace.x)
            return pd.DataFrame([list(r) for r in trace.z], index=rows, columns=columns)
    return _points(fig)


def _points(fig: go.Figure) -> pd.DataFrame:
    """Each trace's points as (series, category, value): wide, one column per series, when
    every series has a value for the same categories; else one row per point."""
    points, seen = [], {}
    category_title, value_title = "", ""
    for trace in fig.data:
        if trace.x is None or trace.y is None or trace.hoverinfo == "skip":
            continue
        across = trace.type == "bar" and trace.orientation == "h"
        category_axis, value_axis = ("y", "x") if across else ("x", "y")
        place = trace[f"{category_axis}axis"] or category_axis
        category_title = category_title or _title(fig, place)
        value_title = value_title or _title(fig, trace[f"{value_axis}axis"] or value_axis)
        places = list(trace[category_axis])
        names = _shown(fig, place, places)
        for position, name, value in zip(places, names, trace[value_axis], strict=False):
            seen.setdefault(name, _order(position, len(seen)))
            points.append((_plain(trace.name or ""), name, value))
    if not points:
        return pd.DataFrame(columns=["", category_title or "x", value_title or "y"])
    series = list(dict.fromkeys(s for s, _, _ in points))
    categories = sorted(seen, key=seen.get)
    per_series = {s: [c for t, c, _ in points if t == s] for s in series}
    if len(series) > 1 and all(sorted(c) == sorted(categories) for c in per_series.values()):
        values = {(s, c): v for s, c, v in points}
        wide = {category_title: categories}
        wide.update({s: [values[s, c] for c in categories] for s in series})
        return pd.DataFrame(wide)
    points.sort(key=lambda p: seen[p[1]])
    table = pd.DataFrame(points, columns=["", category_title, value_title])
    if all(s in ("", c) for s, c, _ in points):  # the series only repeat the category
        table = table.drop(columns="")
    return table


def _shown(fig: go.Figure, axis: str, values) -> list[str] | None:
    """`values` on `axis` ('x', 'y', 'y2') as the figure names them: by the full names the
    figure keeps (`base.keep_names`), else through the axis' tickvals → ticktext."""
    if values is None:
        return None
    values = list(values)
    layout_axis = fig.layout[_layout_name(axis)]
    ticks = list(layout_axis.tickvals) if layout_axis.tickvals is not None else []
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    texts = (meta.get("names") or {}).get(axis) or layout_axis.ticktext
    if not ticks or texts is None:
        return [_plain(v) for v in values]
    named = {_key(t): _plain(n) for t, n in zip(ticks, texts, strict=False)}
    return [named.get(_key(v), _plain(v)) for v in values]


def _layout_name(axis: str) -> str:
    """'x' → 'xaxis', 'y2' → 'yaxis2'."""
    return f"{axis[0]}axis{axis[1:]}"


def _title(fig: go.Figure, axis: str) -> str:
    return fig.layout[_layout_name(axis)].title.text or ""


def _key(value: object) -> object:
    """A tick value to match by: 2, 2.0 and numpy's 2 are one."""
    if isinstance(value, Number) and not isinstance(value, bool):
        return float(value)
    return str(value)


def _order(position: object, appearance: int) -> tuple:
    """Categories in the axis' order: by number on a numbered axis, else as they came."""
    if isinstance(position, Number) and not isinstance(position, bool):
        return (0, float(position), appearance)
    return (1, 0.0, appearance)


def _plain(text: object) -> str:
    """A label as plain text: line breaks as spaces, no tags or colour marks, no escapes."""
    text = re.sub(r"<br\s*/?>", " ", str(text))
    text = html.unescape(re.sub(r"<[^>]*>", "", text)).replace("■", "")
    return " ".join(text.split())
