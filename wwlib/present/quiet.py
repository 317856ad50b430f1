"""Tables and charts that would say nothing, and the one sentence shown in their place.

A table without rows, a count table whose every number is 0, a chart whose bars or cells are
all 0: the notebooks, the panels and the report show a sentence from the catalogue instead
(`quiet.table.empty`, `quiet.table.zero`, `quiet.figure.zero`). A column of zeros in a table
that says something else is left out, and a note under the table names it
(`quiet.table.zero_columns`). The nearly empty co-occurrence matrix is its own figure's
empty state (`wwlib.figures.connection`).
"""

from __future__ import annotations

from numbers import Number

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from wwlib.core.labels import Labels
from wwlib.present.render import column_kind

COUNTED_TRACES = ("bar", "heatmap")  # traces whose values are what the chart says


def zero_columns(table: pd.DataFrame) -> list:
    """The columns of numbers whose every cell is 0 or empty."""
    return [
        column
        for i, column in enumerate(table.columns)
        if column_kind(table.iloc[:, i]) == "ww-num" and not _numbers(table.iloc[:, i]).any()
    ]


def quiet_table(table: pd.DataFrame, labels: Labels) -> tuple[pd.DataFrame | None, str, str]:
    """(the table to show, or None; the sentence shown instead; a note on left-out columns).

    A table says nothing when it has no rows, or when every number in it is 0 and it has no
    more than one column of text (the names of what was counted). Otherwise its columns of
    zeros are left out and the note names them.
    """
    if table.empty:
        return None, labels("quiet.table.empty"), ""
    zeros = zero_columns(table)
    texts = [i for i in range(table.shape[1]) if column_kind(table.iloc[:, i]) == "ww-text"]
    numeric = table.shape[1] - len(texts)
    if zeros and len(zeros) == numeric and len(texts) <= 1:
        return None, labels("quiet.table.zero"), ""
    if not zeros:
        return table, "", ""
    kept = table.drop(columns=zeros)
    kept.attrs = dict(table.attrs)
    named = ", ".join(str(c[-1] if isinstance(c, tuple) else c) for c in zeros)
    return kept, "", labels.count("quiet.table.zero_columns", len(zeros), columns=named)


def figure_says_nothing(fig: go.Figure) -> bool:
    """Whether a chart of counts in bars or cells has only zeros (or blanks) to show.

    A chart of a measure (`meta["measure"]`: Cohen's κ per code) says something at 0 too:
    chance agreement is a finding, not an absence."""
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    if meta.get("measure"):
        return False
    counted = [t for t in fig.data if t.type in COUNTED_TRACES]
    values = [v for t in counted for v in _trace_values(t)]
    return bool(values) and not any(values)


def _trace_values(trace) -> list[float]:
    """The numbers a bar or heatmap trace shows: its z, or its bars' lengths."""
    shown = trace.z if trace.type == "heatmap" else trace.x if trace.orientation == "h" else trace.y
    cells = [] if shown is None else np.asarray(shown, dtype=object).ravel().tolist()
    return [float(v) for v in cells if isinstance(v, Number) and not isinstance(v, bool) and v == v]


def _numbers(column: pd.Series) -> pd.Series:
    """The column as numbers, empty cells as 0."""
    return pd.to_numeric(column.replace("", 0), errors="coerce").fillna(0) != 0
