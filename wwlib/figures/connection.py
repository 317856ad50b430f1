"""The analysis day's figures of connection: which codes go together, as matrix and network.

Each function takes the analysis frames of one cohort, a `names` mapping from code ids to the
text to show, and a `Labels`. Decimals follow the language: 0,44 in Dutch, 0.44 in English.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from wwlib.analysis.connection import UNITS
from wwlib.core.labels import Labels
from wwlib.core.model import category_colour
from wwlib.figures.base import (
    TICKS,
    add_note,
    category_mark,
    empty_figure,
    keep_names,
    keep_table,
    new_figure,
    number,
    present_categories,
    row_axis,
    short,
    titled,
)

HEAT_COLOURS = [[0, "#ffffff"], [1, "#1f4e79"]]
EDGE_COLOUR = "rgba(90, 90, 90, 0.45)"
COUNTED = {"fragment": "fragments", "participant": "participants"}  # frequencies' columns
COUNT_LABELS = {"fragments": "count.fragment", "participants": "count.participant"}
MIN_FILLED = 0.1  # the share of code pairs that must occur together for a matrix to be drawn

# -- co-occurrence --------------------------------------------------------------------------


def cooccurrence_heatmap(
    matrix: pd.DataFrame,
    frequencies: pd.DataFrame,
    names: Mapping[str, str],
    labels: Labels,
    unit: str = "fragment",
) -> go.Figure:
    """The Jaccard matrix of co-occurring codes as a heatmap, 0 white to 1 dark blue.

    `matrix` is `analysis.cooccurrence_matrix(pairs, frequencies)` (codes used, NaN diagonal),
    `frequencies` is `analysis.code_frequencies(...)`: it gives each code's category (a colour
    mark before its name) and its count of `unit`s for the hover. Pairs never together stay
    blank; when fewer than `MIN_FILLED` of all pairs go together, the matrix would be nearly
    all blank, and the figure is an empty state whose message says how few pairs there are.
    """
    key, where = "fig.look.cooccurrence", _unit_words(unit, labels)
    if matrix.empty:
        return _empty(labels, key, where, "fig.empty.codings")
    values = matrix.to_numpy(dtype=float)
    if np.nansum(values) == 0:
        return _empty(labels, key, where, f"{key}.none", unit=where)
    pairs = int((np.nan_to_num(values) > 0).sum()) // 2
    possible = len(values) * (len(values) - 1) // 2
    if pairs < MIN_FILLED * possible:  # a matrix of blank cells says nothing: say so instead
        sparse = {"unit": where, "pairs": pairs, "possible": possible}
        return _empty(labels, key, where, f"{key}.sparse", **sparse)
    codes = [str(c) for c in matrix.index]
    info = frequencies.set_index("code")
    fig = titled(new_figure(labels, key, height=380 + 30 * len(codes)), labels, key, unit=where)
    fig.add_heatmap(
        z=values,
        x=list(range(len(codes))),
        y=list(range(len(codes))),
        text=[[number(v, labels, 2) if v > 0 else "" for v in row] for row in values],
        texttemplate="%{text}",
        textfont={"size": TICKS},
        colorscale=HEAT_COLOURS,
        zmin=0,
        zmax=1,
        colorbar={"title": {"text": labels(f"{key}.scale")}},
        customdata=_cell_hovers(_counted(codes, info, unit, names, labels), values, labels),
        hovertemplate="%{customdata}<extra></extra>",
        hoverongaps=False,
        xgap=2,
        ygap=2,
    )
    shown = [short(names.get(c, c), 30) for c in codes]
    ticks = [category_mark(info["category"].get(c)) + n for c, n in zip(codes, shown, strict=True)]
    fig.update_xaxes(tickvals=list(range(len(codes))), ticktext=ticks, tickangle=-40)
    row_axis(fig, ticks)
    full = [names.get(c, c) for c in codes]
    keep_names(fig, x=full, y=full)
    fig.update_layout(xaxis_showgrid=False, yaxis_showgrid=False)
    add_note(fig, labels(f"{key}.note"))
    # below the slanted names: a 14 px name at 40° reaches about 4.5 px down per character
    drop = 4.5 * max(len(html.unescape(n)) for n in shown) + 60
    fig.layout.annotations[-1].yshift = -drop
    return fig.update_layout(margin={"b": drop + 30})


def _cell_hovers(counted: list[str], values: np.ndarray, labels: Labels) -> list[list[str]]:
    """Per cell: both codes with their counts, and the Jaccard index."""
    return [
        [f"{a}<br>{b}<br>Jaccard {number(v, labels, 2)}" for b, v in zip(counted, row, strict=True)]
        for a, row in zip(counted, np.nan_to_num(values), strict=True)
    ]


def cooccurrence_network(
    pairs: pd.DataFrame,
    frequencies: pd.DataFrame,
    names: Mapping[str, str],
    labels: Labels,
    unit: str = "fragment",
    min_jaccard: float = 0.2,
    max_edges: int = 40,
) -> go.Figure:
    """Codes as a network: a line between two codes that often occur together.

    `pairs` is `analysis.cooccurrence(codings, unit)`, `frequencies` is
    `analysis.code_frequencies(...)`. The codes used sit on a circle, grouped by category in
    the week's order, so the same data always gives the same picture; a node's area follows
    its fragments. Only pairs with Jaccard ≥ `min_jaccard` are drawn, the strongest
    `max_edges`, each line as wide as its Jaccard.
    """
    key, where = "fig.look.network", _unit_words(unit, labels)
    nodes = frequencies[frequencies["fragments"] > 0]
    if nodes.empty:
        return _empty(labels, key, where, "fig.empty.codings")
    threshold = number(min_jaccard, labels, 2)
    used = set(nodes["code"])
    strong = pairs[
        pairs["code_a"].isin(used) & pairs["code_b"].isin(used) & (pairs["jaccard"] >= min_jaccard)
    ]
    if strong.empty:
        return _empty(labels, key, where, f"{key}.none", threshold=threshold)
    edges = strong.sort_values(["jaccard", "both"], ascending=False, kind="stable")
    edges = edges.head(max_edges)
    nodes = _on_circle(nodes)
    fig = titled(new_figure(labels, key, height=600 + 8 * len(nodes)), labels, key, unit=where)
    _edges(fig, edges, nodes.set_index("code"), unit, names, labels)
    _nodes(fig, nodes, names, labels)
    _network_table(fig, nodes, edges, names, labels)
    fig.update_xaxes(visible=False, range=[-1.8, 1.8])
    fig.update_yaxes(visible=False, range=[-1.0, 1.0], scaleanchor="x")
    pairs = labels.count("count.pair", len(strong))
    note = labels.count(f"{key}.note", len(edges), pairs=pairs, threshold=threshold)
    add_note(fig, note)
    return fig


def _on_circle(nodes: pd.DataFrame) -> pd.DataFrame:
    """Nodes in category order with x, y on two arcs of the unit circle, clockwise.

    The arcs run from 60° above to 60° below the horizontal on the right, then back up on the
    left: the top and bottom stay free, so every name can be written level beside its node
    without running into its neighbour's. One empty place after each category keeps the
    groups apart.
    """
    order = present_categories(nodes["category"])
    nodes = nodes.assign(_cat=nodes["category"].map(order.index))
    nodes = nodes.sort_values("_cat", kind="stable").drop(columns="_cat")
    places = nodes["category"].map(order.index).to_numpy() + np.arange(len(nodes))
    share = places / max(places[-1], 1)  # 0 at the first node, 1 at the last
    degrees = 60 - 240 * share - 60 * (share > 0.5)  # skip the 60° at the bottom
    angles = np.radians(degrees)
    return nodes.assign(x=np.cos(angles), y=np.sin(angles)).reset_index(drop=True)


def _edges(fig, edges, nodes, unit, names, labels) -> None:
    """One line per pair (a line's width is one per trace), and a hover point at its middle."""
    middles_x, middles_y, hovers = [], [], []
    together, counted = labels("fig.look.network.together"), COUNT_LABELS[COUNTED[unit]]
    for pair in edges.itertuples():
        a, b = nodes.loc[pair.code_a], nodes.loc[pair.code_b]
        fig.add_scatter(
            x=[a["x"], b["x"]],
            y=[a["y"], b["y"]],
            mode="lines",
            line={"width": 1 + 11 * pair.jaccard, "color": EDGE_COLOUR},
            hoverinfo="skip",
            showlegend=False,
        )
        middles_x.append((a["x"] + b["x"]) / 2)
        middles_y.append((a["y"] + b["y"]) / 2)
        hovers.append(
            f"{short(names.get(pair.code_a, pair.code_a), 40)} – "
            f"{short(names.get(pair.code_b, pair.code_b), 40)}<br>"
            f"Jaccard {number(pair.jaccard, labels, 2)}, "
            f"{labels.count(counted, int(pair.both))} {together}"
        )
    fig.add_scatter(
        x=middles_x,
        y=middles_y,
        mode="markers",
        marker={"size": 12, "opacity": 0},
        hovertext=hovers,
        hoverinfo="text",
        showlegend=False,
    )


def _network_table(fig, nodes, edges, names, labels: Labels) -> None:
    """The network's data for its text alternative: its codes by name and category, then its
    lines as 'code A — code B' with how often they go together and their Jaccard index."""
    columns = [labels(f"view.col.{c}") for c in ("code", "category", "both", "jaccard")]
    rows = [
        [
            names.get(n.code, n.code),
            labels.get(f"category.{n.category}", str(n.category)),
            None,
            None,
        ]
        for n in nodes.itertuples()
    ]
    rows += [
        [
            f"{names.get(e.code_a, e.code_a)} — {names.get(e.code_b, e.code_b)}",
            "",
            int(e.both),
            round(float(e.jaccard), 2),
        ]
        for e in edges.itertuples()
    ]
    keep_table(fig, columns, rows)


def _nodes(fig, nodes, names, labels) -> None:
    """One marker trace per category (one legend entry each), names outside the circle."""
    largest = nodes["fragments"].max()
    for category in present_categories(nodes["category"]):
        own = nodes[nodes["category"] == category]
        shown = [names.get(c, c) for c in own["code"]]
        fig.add_scatter(
            x=own["x"],
            y=own["y"],
            mode="markers+text",
            name=labels.get(f"category.{category}", str(category)),
            marker={
                "size": [10 + 22 * math.sqrt(f / largest) for f in own["fragments"]],
                "opacity": 1,  # plotly makes markers of many sizes see-through otherwise
                "color": category_colour(category),
                "line": {"width": 1, "color": "#ffffff"},
            },
            text=[short(n, 28) for n in shown],
            textposition=["middle right" if x > 0 else "middle left" for x in own["x"]],
            textfont={"size": TICKS},
            cliponaxis=False,
            hovertext=[
                f"{short(n, 60)}<br>{labels.count('count.fragment', int(f))}, "
                f"{labels.count('count.participant', int(p))}"
                for n, f, p in zip(shown, own["fragments"], own["participants"], strict=True)
            ],
            hoverinfo="text",
        )


# -- helpers --------------------------------------------------------------------------------


def _empty(labels: Labels, key: str, where: str, message: str, **values: object) -> go.Figure:
    """The empty state, its title naming the unit (`where`)."""
    return titled(empty_figure(labels, key, message, **values), labels, key, unit=where)


def _unit_words(unit: str, labels: Labels) -> str:
    """'binnen fragmenten' for a known unit; any other unit is a mistake of the caller."""
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)} (got {unit!r})")
    return labels(f"fig.look.unit.{unit}")


def _counted(codes, info: pd.DataFrame, unit: str, names, labels: Labels) -> list[str]:
    """Each code's name to show with its count: 'Verkokering (11 fragmenten)'."""
    column = COUNTED[unit]
    counts = info[column].reindex(codes).fillna(0).astype(int)
    return [
        f"{short(names.get(c, c), 50)} ({labels.count(COUNT_LABELS[column], int(n))})"
        for c, n in zip(codes, counts, strict=True)
    ]
