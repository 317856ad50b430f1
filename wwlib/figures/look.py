"""The analysis day's figures: co-occurrence, saturation, group comparison, coder agreement.

Each function takes the analysis frame(s) of one cohort, a `names` mapping from code ids and
person ids to the text to show (pseudonymised by the caller; an id missing from it is shown
as is), and a `Labels`. Decimals follow the language: 0,44 in Dutch, 0.44 in English.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from wwlib.analysis.connection import UNITS
from wwlib.figures.base import (
    TICKS,
    add_note,
    category_bars,
    empty_figure,
    integer_step,
    new_figure,
    present_categories,
    row_axis,
    short,
    wrap,
)
from wwlib.labels import Labels
from wwlib.model import category_colour

HEAT_COLOURS = [[0, "#ffffff"], [1, "#1f4e79"]]
EDGE_COLOUR = "rgba(90, 90, 90, 0.45)"
COUNTED = {"fragment": "fragments", "participant": "participants"}  # frequencies' columns

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
    blank.
    """
    key, where = "fig.look.cooccurrence", _unit_words(unit, labels)
    if matrix.empty:
        return _titled(empty_figure(labels, key, "fig.empty.codings"), labels, key, unit=where)
    values = matrix.to_numpy(dtype=float)
    if np.nansum(values) == 0:
        fig = empty_figure(labels, key, f"{key}.none", unit=where)
        return _titled(fig, labels, key, unit=where)
    codes = [str(c) for c in matrix.index]
    info = frequencies.set_index("code")
    fig = _titled(new_figure(labels, key, height=380 + 30 * len(codes)), labels, key, unit=where)
    fig.add_heatmap(
        z=values,
        x=list(range(len(codes))),
        y=list(range(len(codes))),
        text=[[_number(v, labels, 2) if v > 0 else "" for v in row] for row in values],
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
    ticks = [_mark(info["category"].get(c)) + n for c, n in zip(codes, shown, strict=True)]
    fig.update_xaxes(tickvals=list(range(len(codes))), ticktext=ticks, tickangle=-40)
    row_axis(fig, ticks)
    fig.update_layout(xaxis_showgrid=False, yaxis_showgrid=False)
    add_note(fig, labels(f"{key}.note"))
    # below the slanted names: a 14 px name at 40° reaches about 4.5 px down per character
    drop = 4.5 * max(len(html.unescape(n)) for n in shown) + 60
    fig.layout.annotations[-1].yshift = -drop
    return fig.update_layout(margin={"b": drop + 30})


def _cell_hovers(counted: list[str], values: np.ndarray, labels: Labels) -> list[list[str]]:
    """Per cell: both codes with their counts, and the Jaccard index."""
    return [
        [
            f"{a}<br>{b}<br>Jaccard {_number(v, labels, 2)}"
            for b, v in zip(counted, row, strict=True)
        ]
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
        return _titled(empty_figure(labels, key, "fig.empty.codings"), labels, key, unit=where)
    threshold = _number(min_jaccard, labels, 2)
    used = set(nodes["code"])
    strong = pairs[
        pairs["code_a"].isin(used) & pairs["code_b"].isin(used) & (pairs["jaccard"] >= min_jaccard)
    ]
    if strong.empty:
        fig = empty_figure(labels, key, f"{key}.none", threshold=threshold)
        return _titled(fig, labels, key, unit=where)
    edges = strong.sort_values(["jaccard", "both"], ascending=False, kind="stable")
    edges = edges.head(max_edges)
    nodes = _on_circle(nodes)
    fig = _titled(new_figure(labels, key, height=600 + 8 * len(nodes)), labels, key, unit=where)
    _edges(fig, edges, nodes.set_index("code"), unit, names, labels)
    _nodes(fig, nodes, names, labels)
    fig.update_xaxes(visible=False, range=[-1.8, 1.8])
    fig.update_yaxes(visible=False, range=[-1.0, 1.0], scaleanchor="x")
    note = labels(f"{key}.note", shown=len(edges), total=len(strong), threshold=threshold)
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
    together, word = labels("fig.look.network.together"), labels(f"fig.hover.{COUNTED[unit]}")
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
            f"Jaccard {_number(pair.jaccard, labels, 2)}, {pair.both} {word} {together}"
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


def _nodes(fig, nodes, names, labels) -> None:
    """One marker trace per category (one legend entry each), names outside the circle."""
    largest = nodes["fragments"].max()
    fragments, people = labels("fig.hover.fragments"), labels("fig.hover.participants")
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
                f"{short(n, 60)}<br>{f} {fragments}, {p} {people}"
                for n, f, p in zip(shown, own["fragments"], own["participants"], strict=True)
            ],
            hoverinfo="text",
        )


# -- saturation -----------------------------------------------------------------------------


def saturation_chart(table: pd.DataFrame, names: Mapping[str, str], labels: Labels) -> go.Figure:
    """New codes per interview as bars, and the share of all codes found so far as a line.

    `table` is `analysis.saturation(...)`. The x ticks are the interview's number and the
    participant's name to show; the share (0–100 %) is on the right-hand axis. A note says
    whether the last two interviews added nothing new (the codebook looks saturated).
    """
    key = "fig.look.saturation"
    if table.empty:
        return _titled(empty_figure(labels, key, f"{key}.empty"), labels, key)
    table = table.reset_index(drop=True)
    total = int(table["cumulative"].iloc[-1])
    fig = _titled(new_figure(labels, key, height=540), labels, key)
    people = [short(names.get(p, p), 18) for p in table["interview"]]
    fig.add_bar(
        x=table["number"],
        y=table["new"],
        text=table["new"],
        textposition="outside",
        cliponaxis=False,
        name=labels(f"{key}.new"),
        marker_color="#5b9bd5",
        customdata=[
            f"{n}. {p}: {c} {labels(f'{key}.codes')}"
            for n, p, c in zip(table["number"], people, table["codes"], strict=True)
        ],
        hovertemplate=f"%{{customdata}}<br>%{{y}} {labels(f'{key}.new')}<extra></extra>",
    )
    fig.add_scatter(
        x=table["number"],
        y=table["share"] * 100,
        yaxis="y2",
        mode="lines+markers",
        name=labels(f"{key}.share"),
        line={"color": "#1f4e79", "width": 3},
        marker={"size": 9},
        cliponaxis=False,
        hovertext=[labels(f"{key}.so_far", n=int(n), total=total) for n in table["cumulative"]],
        hoverinfo="text",
    )
    fig.update_xaxes(
        tickvals=table["number"].tolist(),
        ticktext=[f"{n}<br>{p}" for n, p in zip(table["number"], people, strict=True)],
    )
    fig.update_yaxes(rangemode="tozero", dtick=integer_step(table["new"].max()))
    fig.update_layout(yaxis2=_share_axis(labels(f"{key}.y2")))
    add_note(fig, _saturation_note(table["new"].tolist(), labels))
    return fig


def _share_axis(title: str) -> dict:
    """A right-hand axis of 0–100 %, over the bars' axis but with its own ticks."""
    return {
        "title": {"text": title},
        "overlaying": "y",
        "side": "right",
        "range": [0, 100],
        "tickmode": "linear",  # not synced to the bars' axis: 0, 25, ... 100 %
        "dtick": 25,
        "ticksuffix": " %",
        "tickfont": {"size": TICKS},
        "showgrid": False,
    }


def _saturation_note(new: list[int], labels: Labels) -> str:
    """Whether the last two interviews added nothing, else what the last one added."""
    key = "fig.look.saturation"
    if len(new) == 1:
        return labels(f"{key}.single")
    if new[-1] == new[-2] == 0:
        return labels(f"{key}.saturated")
    if new[-1] <= 1:
        return labels(f"{key}.last_none" if new[-1] == 0 else f"{key}.last_one")
    return labels(f"{key}.last", n=new[-1])


# -- comparison -----------------------------------------------------------------------------


def comparison_chart(
    table: pd.DataFrame,
    names: Mapping[str, str],
    labels: Labels,
    attribute: str,
    top: int = 12,
) -> go.Figure:
    """The `top` codes that differ most between groups: the share of each group mentioning it.

    `table` is `analysis.compare_groups(codings, people, attribute)`. One trace of horizontal
    bars per group, the code with the largest spread on top. `names` may map group values
    too (e.g. to hide an organisation that names one person).
    """
    key = "fig.look.comparison"
    what = labels.get(f"fig.look.attribute.{attribute}", short(attribute, 40))
    if table.empty:
        return _titled(empty_figure(labels, key, "fig.empty.codings"), labels, key, attribute=what)
    groups = sorted(table["group"].unique())
    if len(groups) < 2:
        fig = empty_figure(labels, key, f"{key}.one_group")
        return _titled(fig, labels, key, attribute=what)
    codes = table.drop_duplicates("code").sort_values("spread", ascending=False, kind="stable")
    shown = codes["code"].head(top).tolist()
    row = {code: i for i, code in enumerate(shown)}
    height = 260 + len(shown) * max(44, 14 * len(groups) + 16)
    fig = _titled(new_figure(labels, key, height=height), labels, key, attribute=what)
    for group in groups:
        own = table[(table["group"] == group) & table["code"].isin(row)]
        own = own.sort_values("code", key=lambda c: c.map(row))
        name = _group_name(group, names, labels)
        percent = [_number(s * 100, labels, 0) + " %" if s else "" for s in own["share"]]
        fig.add_bar(
            orientation="h",
            y=own["code"].map(row),
            x=own["share"] * 100,
            name=name,
            text=percent if len(groups) <= 4 else None,  # more would crowd the bars
            textposition="outside",
            cliponaxis=False,
            customdata=[
                f"{name}<br>" + labels(f"{key}.hover", mentioning=m, participants=p)
                for m, p in zip(own["mentioning"], own["participants"], strict=True)
            ],
            hovertemplate="%{customdata}<extra></extra>",
        )
    row_axis(fig, [wrap(names.get(c, c), 40) for c in shown])
    fig.update_xaxes(range=[0, 105], ticksuffix=" %", tickmode="linear", dtick=25)
    fig.update_layout(barmode="group", legend={"traceorder": "normal"})
    note = labels(f"{key}.note", shown=len(shown), groups=len(groups), total=len(codes))
    add_note(fig, note)
    return fig


def _group_name(group: str, names: Mapping[str, str], labels: Labels) -> str:
    """A group's name to show; '' is a value nobody recorded."""
    if group == "":
        return labels("fig.look.comparison.unrecorded")
    return short(names.get(group, group), 40)


# -- agreement ------------------------------------------------------------------------------


def agreement_chart(
    per_code: pd.DataFrame,
    summary: pd.DataFrame,
    names: Mapping[str, str],
    labels: Labels,
) -> go.Figure:
    """Cohen's κ per code for one pair of coders, coloured by category, lowest on top.

    `per_code` is `analysis.agreement(...)`, `summary` is `analysis.agreement_summary(...)`.
    With several pairs of coders the first is drawn and the note says how many there are.
    Dashed lines mark κ = 0.6 and 0.8, the lower bounds of what Landis & Koch (1977) call
    substantial (0.61–0.80) and almost perfect (0.81–1.00) agreement; in Dutch "redelijk" and
    "goed". Codes whose κ cannot be computed (NaN: neither coder, or both, put the code on
    every character) are named in the note, not drawn. The unit of agreement is the character.
    """
    key = "fig.look.agreement"
    if per_code.empty:
        return _titled(empty_figure(labels, key, f"{key}.empty"), labels, key)
    pairs = per_code[["coder_a", "coder_b"]].drop_duplicates()
    a, b = pairs.iloc[0]
    rows = per_code[(per_code["coder_a"] == a) & (per_code["coder_b"] == b)]
    drawn = rows[rows["kappa"].notna()].sort_values("kappa", kind="stable")
    if drawn.empty:
        codes = ", ".join(short(names.get(c, c), 30) for c in rows["code"])
        return _titled(empty_figure(labels, key, f"{key}.no_kappa", codes=codes), labels, key)
    drawn = drawn.reset_index(drop=True)
    coder_a, coder_b = short(names.get(a, a), 30), short(names.get(b, b), 30)
    fig = _titled(new_figure(labels, key, height=280 + 36 * max(len(drawn), 3)), labels, key)
    hovers = [_agreement_hover(r, coder_a, coder_b, names, labels) for r in drawn.itertuples()]
    category_bars(fig, drawn.assign(hover=hovers), "kappa", "hover", "%{customdata}", labels)
    fig.for_each_trace(lambda t: t.update(text=[_number(k, labels, 2) for k in t.x]))
    fig.update_traces(cliponaxis=False)
    row_axis(fig, [wrap(names.get(c, c), 40) for c in drawn["code"]])
    _kappa_axis(fig, min(float(drawn["kappa"].min()), 0.0), labels)
    lines = _agreement_note(rows, summary, (a, b), (coder_a, coder_b), len(pairs), names, labels)
    add_note(fig, "<br>".join(lines))
    return fig.update_layout(margin={"b": 120 + 22 * len(lines), "r": 60})


def _kappa_axis(fig: go.Figure, low: float, labels: Labels) -> None:
    """κ from `low` to 1; dashed lines at 0.6 and 0.8, named in their tick labels.

    The names go under the axis, not above the plot, where the category legend is.
    """
    bands = {0.6: labels("fig.look.agreement.fair"), 0.8: labels("fig.look.agreement.good")}
    ticks = [round(t, 1) for t in np.arange(math.floor(low * 5) / 5, 1.01, 0.2)]
    text = [_number(t, labels, 1) + (f"<br>{bands[t]}" if t in bands else "") for t in ticks]
    fig.update_xaxes(range=[low, 1], tickvals=ticks, ticktext=text, zeroline=True)
    for x in bands:
        fig.add_vline(x=x, line={"dash": "dash", "color": "#777777", "width": 2})


def _agreement_hover(row, coder_a: str, coder_b: str, names, labels: Labels) -> str:
    """A bar's hover: the code, κ, agreement and the characters only one coder coded."""
    values = {
        "agreement": _percent(row.agreement, labels),
        "a": coder_a,
        "b": coder_b,
        "only_a": _number(row.only_a, labels, 0),
        "only_b": _number(row.only_b, labels, 0),
    }
    return (
        f"{short(names.get(row.code, row.code), 60)}<br>κ {_number(row.kappa, labels, 2)}<br>"
        + labels("fig.look.agreement.hover", **values)
    )


def _agreement_note(rows, summary, pair, shown, n_pairs, names, labels) -> list[str]:
    """The pair's overall figures, the codes without κ, and how many pairs there are."""
    key = "fig.look.agreement"
    own = summary[(summary["coder_a"] == pair[0]) & (summary["coder_b"] == pair[1])]
    lines = []
    if len(own):
        total = own.iloc[0]
        lines.append(
            labels(
                f"{key}.note",
                a=shown[0],
                b=shown[1],
                interviews=int(total["interviews"]),
                characters=_number(total["characters"], labels, 0),
                agreement=_percent(total["agreement"], labels),
                kappa=_number(total["kappa"], labels, 2),
                alpha=_number(total["alpha"], labels, 2),
            )
        )
    missing = rows.loc[rows["kappa"].isna(), "code"]
    if len(missing):
        codes = ", ".join(short(names.get(c, c), 30) for c in missing)
        lines.append(labels(f"{key}.no_kappa", codes=codes))
    if n_pairs > 1:
        lines.append(labels(f"{key}.pairs", n=n_pairs))
    return lines


# -- helpers --------------------------------------------------------------------------------


def _titled(fig: go.Figure, labels: Labels, key: str, **values: object) -> go.Figure:
    """The title filled with `values`, and the language's decimal separator on axes."""
    fig.update_layout(separators=",." if labels.lang == "nl" else ".,")
    if values:
        fig.update_layout(title_text=labels(f"{key}.title", **values))
    return fig


def _unit_words(unit: str, labels: Labels) -> str:
    """'binnen fragmenten' for a known unit; any other unit is a mistake of the caller."""
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)} (got {unit!r})")
    return labels(f"fig.look.unit.{unit}")


def _counted(codes, info: pd.DataFrame, unit: str, names, labels: Labels) -> list[str]:
    """Each code's name to show with its count: 'Verkokering (11 fragmenten)'."""
    column = COUNTED[unit]
    word = labels(f"fig.hover.{column}")
    counts = info[column].reindex(codes).fillna(0).astype(int)
    return [
        f"{short(names.get(c, c), 50)} ({n} {word})" for c, n in zip(codes, counts, strict=True)
    ]


def _mark(category: object) -> str:
    """A square in the category's colour, to put before a code's name."""
    return f"<span style='color:{category_colour(str(category))}'>■</span> "


def _number(value: float, labels: Labels, digits: int) -> str:
    """A number with `digits` decimals and thousands grouped: 12.629,5 in Dutch."""
    text = f"{value:,.{digits}f}"
    return text.translate(str.maketrans(",.", ".,")) if labels.lang == "nl" else text


def _percent(share: float, labels: Labels) -> str:
    """A share of 0–1 as a percentage with one decimal: '99,5 %'."""
    return f"{_number(share * 100, labels, 1)} %"
