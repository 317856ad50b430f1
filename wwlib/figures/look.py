"""The analysis day's figures: saturation, group comparison, agreement between coders.

Each function takes the analysis frame(s) of one cohort, a `names` mapping from code ids and
person ids to the text to show (pseudonymised by the caller; an id missing from it is shown
as is), and a `Labels`. Decimals follow the language: 0,44 in Dutch, 0.44 in English.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from wwlib.core.labels import Labels
from wwlib.figures.base import (
    TICKS,
    add_note,
    category_bars,
    empty_figure,
    integer_step,
    keep,
    keep_names,
    new_figure,
    number,
    percent,
    row_axis,
    short,
    titled,
    wrap,
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
        return titled(empty_figure(labels, key, f"{key}.empty"), labels, key)
    table = table.reset_index(drop=True)
    total = int(table["cumulative"].iloc[-1])
    fig = titled(new_figure(labels, key, height=540), labels, key)
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
            f"{n}. {p}: {labels.count(f'{key}.codes', int(c))}<br>"
            + labels.count(f"{key}.new_count", int(new))
            for n, p, c, new in zip(
                table["number"], people, table["codes"], table["new"], strict=True
            )
        ],
        hovertemplate="%{customdata}<extra></extra>",
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
        hovertext=[
            labels(f"{key}.so_far", n=int(n), total=labels.count("count.code", total))
            for n in table["cumulative"]
        ],
        hoverinfo="text",
    )
    fig.update_xaxes(
        tickvals=table["number"].tolist(),
        ticktext=[f"{n}<br>{p}" for n, p in zip(table["number"], people, strict=True)],
    )
    full = [names.get(p, p) for p in table["interview"]]
    keep_names(fig, x=[f"{n}. {p}" for n, p in zip(table["number"], full, strict=True)])
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
    return labels.count(f"{key}.last", int(new[-1]))


# -- comparison -----------------------------------------------------------------------------


def comparison_chart(
    table: pd.DataFrame,
    names: Mapping[str, str],
    labels: Labels,
    attribute: str,
    top: int = 12,
    note: str = "",
    hidden: int = 0,
) -> go.Figure:
    """The `top` codes that differ most between groups: the share of each group mentioning it.

    `table` is `analysis.compare_groups(codings, people, attribute)`. One trace of horizontal
    bars per group, the code with the largest spread on top. `names` may map group values
    too (e.g. to hide an organisation that names one person, or to name the merged small
    groups). `note` goes under the chart's own note (which small groups were merged).
    `hidden` is how many groups were too small to show (pseudonymised): when fewer than two
    groups are left, the empty state says that, not that nothing was coded.
    """
    key = "fig.look.comparison"
    what = labels.get(f"fig.look.attribute.{attribute}", short(attribute, 40))
    shown_groups = table["group"].nunique() if len(table) else 0
    if hidden and shown_groups < 2:
        fig = empty_figure(labels, key, f"{key}.hidden", n=shown_groups)
        return titled(fig, labels, key, attribute=what)
    if table.empty:
        return titled(empty_figure(labels, key, "fig.empty.codings"), labels, key, attribute=what)
    groups = sorted(table["group"].unique())
    if len(groups) < 2:
        fig = empty_figure(labels, key, f"{key}.one_group")
        return titled(fig, labels, key, attribute=what)
    codes = table.drop_duplicates("code").sort_values("spread", ascending=False, kind="stable")
    shown = codes["code"].head(top).tolist()
    row = {code: i for i, code in enumerate(shown)}
    height = 260 + len(shown) * max(44, 14 * len(groups) + 16)
    fig = titled(new_figure(labels, key, height=height), labels, key, attribute=what)
    for group in groups:
        own = table[(table["group"] == group) & table["code"].isin(row)]
        own = own.sort_values("code", key=lambda c: c.map(row))
        name = _group_name(group, names, labels)
        percent = [number(s * 100, labels, 0) + " %" if s else "" for s in own["share"]]
        fig.add_bar(
            orientation="h",
            y=own["code"].map(row),
            x=own["share"] * 100,
            name=name,
            text=percent if len(groups) <= 4 else None,  # more would crowd the bars
            textposition="outside",
            cliponaxis=False,
            customdata=[
                f"{name}<br>" + labels.count(f"{key}.hover", int(m), participants=p)
                for m, p in zip(own["mentioning"], own["participants"], strict=True)
            ],
            hovertemplate="%{customdata}<extra></extra>",
        )
    row_axis(fig, [wrap(names.get(c, c), 40) for c in shown])
    fig.update_xaxes(range=[0, 105], ticksuffix=" %", tickmode="linear", dtick=25)
    fig.update_layout(barmode="group", legend={"traceorder": "normal"})
    own = labels.count(f"{key}.note", len(shown), groups=len(groups), total=len(codes))
    add_note(fig, f"{own}<br>{note}" if note else own)
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
    With several pairs of coders the pair that coded the most characters alike (both gave the
    code) is drawn, the first of them on a tie, and the note says how many pairs there are.
    Dashed lines mark κ = 0.6 and 0.8, the lower bounds of what Landis & Koch (1977) call
    substantial (0.61–0.80) and almost perfect (0.81–1.00) agreement; in Dutch "redelijk" and
    "goed". Codes whose κ cannot be computed (NaN: neither coder, or both, put the code on
    every character) are named in the note, not drawn. The unit of agreement is the character.
    """
    key = "fig.look.agreement"
    if per_code.empty:
        return titled(empty_figure(labels, key, f"{key}.empty"), labels, key)
    pairs = per_code[["coder_a", "coder_b"]].drop_duplicates()
    a, b = per_code.groupby(["coder_a", "coder_b"], sort=True)["both"].sum().idxmax()
    rows = per_code[(per_code["coder_a"] == a) & (per_code["coder_b"] == b)]
    drawn = rows[rows["kappa"].notna()].sort_values("kappa", kind="stable")
    if drawn.empty:
        codes = ", ".join(short(names.get(c, c), 30) for c in rows["code"])
        return titled(empty_figure(labels, key, f"{key}.no_kappa", codes=codes), labels, key)
    drawn = drawn.reset_index(drop=True)
    coder_a, coder_b = short(names.get(a, a), 30), short(names.get(b, b), 30)
    fig = titled(new_figure(labels, key, height=280 + 36 * max(len(drawn), 3)), labels, key)
    hovers = [_agreement_hover(r, coder_a, coder_b, names, labels) for r in drawn.itertuples()]
    category_bars(fig, drawn.assign(hover=hovers), "kappa", "hover", "%{customdata}", labels)
    fig.for_each_trace(lambda t: t.update(text=[number(k, labels, 2) for k in t.x]))
    fig.update_traces(cliponaxis=False)
    row_axis(fig, [wrap(names.get(c, c), 40) for c in drawn["code"]])
    _kappa_axis(fig, min(float(drawn["kappa"].min()), 0.0), labels)
    lines = _agreement_note(rows, summary, (a, b), (coder_a, coder_b), len(pairs), names, labels)
    add_note(fig, "<br>".join(lines))
    keep(fig, measure=True)  # κ = 0 is a finding (chance agreement), not an absence
    return fig.update_layout(margin={"b": 120 + 22 * len(lines), "r": 60})


def _kappa_axis(fig: go.Figure, low: float, labels: Labels) -> None:
    """κ from `low` to 1; dashed lines at 0.6 and 0.8, named in their tick labels.

    The names go under the axis, not above the plot, where the category legend is.
    """
    bands = {0.6: labels("fig.look.agreement.fair"), 0.8: labels("fig.look.agreement.good")}
    ticks = [round(t, 1) for t in np.arange(math.floor(low * 5) / 5, 1.01, 0.2)]
    text = [number(t, labels, 1) + (f"<br>{bands[t]}" if t in bands else "") for t in ticks]
    fig.update_xaxes(range=[low, 1], tickvals=ticks, ticktext=text, zeroline=True)
    for x in bands:
        fig.add_vline(x=x, line={"dash": "dash", "color": "#777777", "width": 2})


def _agreement_hover(row, coder_a: str, coder_b: str, names, labels: Labels) -> str:
    """A bar's hover: the code, κ, agreement and the characters only one coder coded."""
    values = {
        "agreement": percent(row.agreement, labels),
        "a": coder_a,
        "b": coder_b,
        "only_a": labels.count("count.character", int(row.only_a)),
        "only_b": labels.count("count.character", int(row.only_b)),
    }
    return (
        f"{short(names.get(row.code, row.code), 60)}<br>κ {number(row.kappa, labels, 2)}<br>"
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
                interviews=labels.count("count.interview", int(total["interviews"])),
                characters=labels.count("count.character", int(total["characters"])),
                agreement=percent(total["agreement"], labels),
                kappa=number(total["kappa"], labels, 2),
                alpha=number(total["alpha"], labels, 2),
            )
        )
    missing = rows.loc[rows["kappa"].isna(), "code"]
    if len(missing):
        codes = ", ".join(short(names.get(c, c), 30) for c in missing)
        lines.append(labels(f"{key}.no_kappa", codes=codes))
    if n_pairs > 1:
        lines.append(labels(f"{key}.pairs", n=n_pairs))
    return lines
