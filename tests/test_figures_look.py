"""wwlib.figures.connection and .look: the analysis day's figures, notes and empty states."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from wwlib import analysis, figures
from wwlib.analysis.agreement import CODE_COLUMNS, SUMMARY_COLUMNS
from wwlib.analysis.comparison import COLUMNS as COMPARISON_COLUMNS
from wwlib.core.labels import Labels
from wwlib.core.model import category_colour

NL, EN = Labels("nl"), Labels("en")


def annotations(fig: go.Figure) -> list[str]:
    return [a.text for a in fig.layout.annotations]


def shown_names(store) -> dict[str, str]:
    """Code ids to code names, person ids to pseudonyms: what a pseudonymised caller passes."""
    codes, people = store.codes(), store.people()
    return dict(zip(codes["id"], codes["name"], strict=True)) | dict(
        zip(people["id"], people["pseudonym"], strict=True)
    )


def look_figures(store, labels: Labels, names: dict[str, str]) -> dict[str, go.Figure]:
    codings, codes, people = store.codings(), store.codes(), store.people()
    freq = analysis.code_frequencies(codings, codes)
    pairs = analysis.cooccurrence(codings, "participant")
    matrix = analysis.cooccurrence_matrix(pairs, freq)
    per_code = analysis.agreement(codings, store.interviews())
    return {
        "cooccurrence": figures.cooccurrence_heatmap(matrix, freq, names, labels, "participant"),
        "network": figures.cooccurrence_network(pairs, freq, names, labels, "participant"),
        "saturation": figures.saturation_chart(
            analysis.saturation(codings, store.interviews(), people), names, labels
        ),
        "comparison": figures.comparison_chart(
            analysis.compare_groups(codings, people, "municipality"), names, labels, "municipality"
        ),
        "agreement": figures.agreement_chart(
            per_code, analysis.agreement_summary(per_code), names, labels
        ),
    }


# -- small hand-made frames ---------------------------------------------------------------------

FREQ = pd.DataFrame(
    {
        "code": ["a", "b", "c", "unused"],
        "category": ["theme", "theme", "obstacle", "obstacle"],
        "name": ["Code A", "Code B", "Code C", "Ongebruikt"],
        "fragments": [3, 3, 4, 0],
        "participants": [2, 3, 3, 0],
        "rank": [1, 1, 1, 2],
    }
)
# a-b share 2 of 4 units (0.5), a-c 1 of 6 (1/6); b and c are never together
PAIRS = pd.DataFrame(
    {
        "code_a": ["a", "a"],
        "code_b": ["b", "c"],
        "category_a": ["theme", "theme"],
        "category_b": ["theme", "obstacle"],
        "both": [2, 1],
        "a": [3, 3],
        "b": [3, 4],
        "jaccard": [0.5, 1 / 6],
    }
)
NAMES = {"a": "Code A", "b": "Code B", "c": "Code C"}


def test_cooccurrence_heatmap_shows_jaccard_with_blank_cells():
    matrix = analysis.cooccurrence_matrix(PAIRS, FREQ)
    fig = figures.cooccurrence_heatmap(matrix, FREQ, NAMES, NL)
    heat = fig.data[0]
    assert [list(row) for row in heat.text] == [
        ["", "0,50", "0,17"],
        ["0,50", "", ""],  # the diagonal and pairs never together stay blank
        ["0,17", "", ""],
    ]
    assert (heat.zmin, heat.zmax) == (0, 1)
    assert heat.colorscale[0][1] == "#ffffff" and heat.colorscale[-1][1] == "#1f4e79"
    assert fig.layout.title.text == "Welke codes samen voorkomen, binnen fragmenten"
    ticks = list(fig.layout.xaxis.ticktext)
    assert ticks == list(fig.layout.yaxis.ticktext)
    assert category_colour("obstacle") in ticks[2] and ticks[2].endswith("Code C")
    assert heat.customdata[0][1] == "Code A (3 fragmenten)<br>Code B (3 fragmenten)<br>Jaccard 0,50"
    assert annotations(fig) == [NL("fig.look.cooccurrence.note")]
    assert "c-coëfficiënt" in annotations(fig)[0]


def test_cooccurrence_heatmap_within_participants_counts_participants():
    matrix = analysis.cooccurrence_matrix(PAIRS, FREQ)
    fig = figures.cooccurrence_heatmap(matrix, FREQ, NAMES, NL, unit="participant")
    assert fig.layout.title.text.endswith("binnen deelnemers")
    assert fig.data[0].customdata[0][1].startswith("Code A (2 deelnemers)")


@pytest.mark.parametrize(
    "make", [figures.cooccurrence_heatmap, figures.cooccurrence_network], ids=["heat", "net"]
)
def test_cooccurrence_figures_refuse_an_unknown_unit(make):
    with pytest.raises(ValueError, match="unit must be one of fragment, participant"):
        make(PAIRS, FREQ, NAMES, NL, unit="sentence")


def test_heatmap_of_codes_never_together_says_so():
    matrix = analysis.cooccurrence_matrix(PAIRS.iloc[:0], FREQ)
    fig = figures.cooccurrence_heatmap(matrix, FREQ, NAMES, NL)
    assert annotations(fig) == ["Geen twee codes komen samen voor (binnen fragmenten)"]
    assert len(fig.data) == 0


def lines(fig: go.Figure) -> list[go.Scatter]:
    return [t for t in fig.data if t.mode == "lines"]


def test_network_keeps_pairs_above_the_threshold():
    fig = figures.cooccurrence_network(PAIRS, FREQ, NAMES, NL)  # min_jaccard 0.2
    assert len(lines(fig)) == 1
    assert lines(fig)[0].line.width == pytest.approx(1 + 11 * 0.5)
    middle = next(t for t in fig.data if t.mode == "markers")
    assert list(middle.hovertext) == ["Code A – Code B<br>Jaccard 0,50, 2 fragmenten samen"]
    nodes = {t.name: t for t in fig.data if t.mode == "markers+text"}
    assert list(nodes) == ["thema", "belemmering"]  # the unused code is no node
    assert list(nodes["thema"].text) == ["Code A", "Code B"]
    assert nodes["belemmering"].marker.color == category_colour("obstacle")
    assert nodes["belemmering"].marker.size[0] > nodes["thema"].marker.size[0]  # 4 > 3 fragments
    assert not fig.layout.xaxis.visible and not fig.layout.yaxis.visible
    assert annotations(fig) == [
        "Lijndikte: Jaccard (0 = nooit samen, 1 = altijd samen); de sterkste van 1 paar "
        "met Jaccard ten minste 0,20"
    ]


def test_network_places_nodes_on_the_circle_by_category():
    fig = figures.cooccurrence_network(PAIRS, FREQ, NAMES, NL, min_jaccard=0.1)
    nodes = {t.name: t for t in fig.data if t.mode == "markers+text"}
    a_x, a_y = nodes["thema"].x[0], nodes["thema"].y[0]
    assert (a_x, a_y) == pytest.approx((math.cos(math.radians(60)), math.sin(math.radians(60))))
    radii = [math.hypot(x, y) for t in nodes.values() for x, y in zip(t.x, t.y, strict=True)]
    assert radii == pytest.approx([1, 1, 1])
    assert nodes["belemmering"].x[0] < 0  # after a gap, on the left arc
    assert list(nodes["belemmering"].textposition) == ["middle left"]
    again = figures.cooccurrence_network(PAIRS, FREQ, NAMES, NL, min_jaccard=0.1)
    assert again.to_json() == fig.to_json()


def test_network_draws_at_most_max_edges_strongest_first():
    fig = figures.cooccurrence_network(PAIRS, FREQ, NAMES, NL, min_jaccard=0.1, max_edges=1)
    assert [t.line.width for t in lines(fig)] == [pytest.approx(6.5)]
    assert "de sterkste van 2 paren" in annotations(fig)[0]
    both = figures.cooccurrence_network(PAIRS, FREQ, NAMES, NL, min_jaccard=0.1)
    assert len(lines(both)) == 2


def test_network_with_no_pair_over_the_threshold_says_so():
    fig = figures.cooccurrence_network(PAIRS, FREQ, NAMES, NL, min_jaccard=0.6)
    assert annotations(fig) == [
        "Geen twee codes komen vaak genoeg samen voor (Jaccard ten minste 0,60)"
    ]
    assert fig.layout.title.text == "Netwerk van codes die samen voorkomen, binnen fragmenten"


def saturation_table(new: list[int]) -> pd.DataFrame:
    cumulative = np.cumsum(new)
    return pd.DataFrame(
        {
            "number": range(1, len(new) + 1),
            "interview": [f"person-{i}" for i in range(1, len(new) + 1)],
            "date": ["2026-10-13"] * len(new),
            "codes": [n + 1 for n in new],
            "new": new,
            "cumulative": cumulative,
            "share": cumulative / cumulative[-1],
        }
    )


def test_saturation_chart_bars_and_cumulative_share():
    names = {"person-1": "P01", "person-2": "P02", "person-3": "P03", "person-4": "P04"}
    fig = figures.saturation_chart(saturation_table([6, 2, 0, 0]), names, NL)
    bars, line = fig.data
    assert list(bars.x) == [1, 2, 3, 4] and list(bars.y) == [6, 2, 0, 0]
    assert list(line.y) == pytest.approx([75, 100, 100, 100])
    assert line.yaxis == "y2"
    assert fig.layout.yaxis2.overlaying == "y" and list(fig.layout.yaxis2.range) == [0, 100]
    assert fig.layout.yaxis2.ticksuffix == " %"
    assert list(fig.layout.xaxis.ticktext) == ["1<br>P01", "2<br>P02", "3<br>P03", "4<br>P04"]
    assert list(line.hovertext)[0] == "6 van 8 codes"
    assert annotations(fig) == ["De laatste twee interviews voegden geen nieuwe codes toe"]


@pytest.mark.parametrize(
    "new, note",
    [
        ([5], NL("fig.look.saturation.single")),
        ([5, 2, 0], "Het laatste interview voegde geen nieuwe codes toe"),
        ([5, 0, 1], "Het laatste interview voegde 1 nieuwe code toe"),
        ([5, 3], "Het laatste interview voegde 3 nieuwe codes toe"),
    ],
)
def test_saturation_note_says_what_the_last_interviews_added(new, note):
    fig = figures.saturation_chart(saturation_table(new), {}, NL)
    assert annotations(fig) == [note]
    assert fig.layout.xaxis.ticktext[0] == "1<br>person-1"  # no name given: the id


def comparison_table(groups: list[str]) -> pd.DataFrame:
    """Three codes, each group of 4 participants; code x differs most, z not at all."""
    shares = {"x": [1.0, 0.25], "y": [0.5, 0.75], "z": [0.5, 0.5]}
    rows = [
        (code, "theme", group, 4, int(share[i] * 4), share[i], max(share) - min(share))
        for code, share in shares.items()
        for i, group in enumerate(groups)
    ]
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)


def test_comparison_chart_groups_bars_by_group():
    table = comparison_table(["Gemeente", "Stichting"])
    fig = figures.comparison_chart(table, {"x": "Code X", "y": "Code Y"}, NL, "organisation", 2)
    assert fig.layout.title.text == "Verschillen naar organisatie"
    assert [t.name for t in fig.data] == ["Gemeente", "Stichting"]
    assert list(fig.layout.yaxis.ticktext) == ["Code X", "Code Y"]  # the top 2 by spread
    assert list(fig.data[0].x) == [100, 50] and list(fig.data[1].x) == [25, 75]
    assert list(fig.data[1].text) == ["25 %", "75 %"]
    assert fig.data[1].customdata[0] == "Stichting<br>1 van 4 deelnemers noemt dit"
    assert fig.layout.barmode == "group"
    assert annotations(fig)[0].startswith("De 2 codes met het grootste verschil tussen 2 groepen")


def test_comparison_chart_names_unrecorded_and_unknown_attributes():
    fig = figures.comparison_chart(comparison_table(["", "<b>Team</b>"]), {}, NL, "team")
    assert fig.layout.title.text == "Verschillen naar team"
    assert [t.name for t in fig.data] == ["niet ingevuld", "&lt;b&gt;Team&lt;/b&gt;"]


def test_comparison_chart_of_one_group_cannot_compare():
    table = comparison_table(["Gemeente", "Stichting"])
    fig = figures.comparison_chart(table[table["group"] == "Gemeente"], {}, NL, "municipality")
    assert annotations(fig) == ["Alle deelnemers vallen in één groep; vergelijken kan niet"]
    assert fig.layout.title.text == "Verschillen naar gemeente"


def agreement_tables(pairs: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = []
    for n in range(pairs):
        coder_b = f"coder-{n + 2}"
        for code, kappa in [("a", 0.9), ("b", -0.1), ("c", 0.65), ("d", np.nan)]:
            rows.append(("coder-1", coder_b, code, "theme", 2, 1000, 10, 5, 5, 980, 0.99, kappa))
    per_code = pd.DataFrame(rows, columns=CODE_COLUMNS)
    summary = pd.DataFrame(
        [("coder-1", f"coder-{n + 2}", 2, 12629, 4, 0.995, 0.48, 0.5) for n in range(pairs)],
        columns=SUMMARY_COLUMNS,
    )
    return per_code, summary


AGREEMENT_NAMES = {"coder-1": "F01", "coder-2": "F02", "a": "Code A", "d": "Code D"}


def test_agreement_chart_sorts_kappa_and_marks_the_bands():
    per_code, summary = agreement_tables()
    fig = figures.agreement_chart(per_code, summary, AGREEMENT_NAMES, NL)
    assert list(fig.layout.yaxis.ticktext) == ["b", "c", "Code A"]  # lowest κ on top
    assert list(fig.data[0].x) == [-0.1, 0.65, 0.9] and list(fig.data[0].y) == [0, 1, 2]
    assert list(fig.data[0].text) == ["-0,10", "0,65", "0,90"]
    assert fig.data[0].marker.color == category_colour("theme")
    assert list(fig.layout.xaxis.range) == [-0.1, 1]
    assert [(s.x0, s.line.dash) for s in fig.layout.shapes] == [(0.6, "dash"), (0.8, "dash")]
    ticks = dict(zip(fig.layout.xaxis.tickvals, fig.layout.xaxis.ticktext, strict=True))
    assert ticks[-0.2] == "-0,2" and ticks[0.6] == "0,6<br>aanzienlijk"
    assert ticks[0.8] == "0,8<br>bijna volledig"
    assert annotations(fig) == [
        "F01 en F02, 2 interviews, 12.629 tekens: overeenstemming 99,5 %, gemiddelde κ 0,48, "
        "Krippendorffs α 0,50<br>κ niet te berekenen (code overal of nergens): Code D"
    ]


def test_agreement_chart_draws_the_pair_that_coded_most_alike():
    per_code, summary = agreement_tables(pairs=3)
    per_code.loc[per_code["coder_b"] == "coder-3", "both"] = 20  # the pair with most overlap
    fig = figures.agreement_chart(per_code, summary, AGREEMENT_NAMES, NL)
    assert sum(len(t.x) for t in fig.data) == 3
    assert "F01 en coder-3" in annotations(fig)[0]
    assert annotations(fig)[0].endswith(
        "<br>Van 3 paren codeurs het paar getoond dat de meeste tekens allebei codeerde; "
        "de tabel geeft ze alle"
    )


def test_agreement_chart_in_english():
    per_code, summary = agreement_tables()
    fig = figures.agreement_chart(per_code, summary, AGREEMENT_NAMES, EN)
    assert annotations(fig)[0].startswith(
        "F01 and F02, 2 interviews, 12,629 characters: agreement 99.5 %, mean κ 0.48"
    )
    assert "0.8<br>almost perfect" in fig.layout.xaxis.ticktext
    assert fig.layout.separators == ".,"


def test_agreement_chart_without_any_kappa_names_the_codes():
    per_code, summary = agreement_tables()
    fig = figures.agreement_chart(per_code[per_code["code"] == "d"], summary, {}, NL)
    assert annotations(fig) == ["κ niet te berekenen (code overal of nergens): d"]


# -- escaping -----------------------------------------------------------------------------------

ESCAPED = "&lt;b&gt;x&lt;/b&gt;"


def test_every_figure_escapes_names():
    names = {"a": "<b>x</b>", "coder-1": "<b>x</b>"}
    matrix = analysis.cooccurrence_matrix(PAIRS, FREQ)
    heat = figures.cooccurrence_heatmap(matrix, FREQ, names, NL)
    assert heat.layout.xaxis.ticktext[0].endswith(ESCAPED)
    net = figures.cooccurrence_network(PAIRS, FREQ, names, NL)
    assert net.data[-2].text[0] == ESCAPED
    saturation = figures.saturation_chart(saturation_table([1]), {"person-1": "<b>x</b>"}, NL)
    assert saturation.layout.xaxis.ticktext[0] == f"1<br>{ESCAPED}"
    table = comparison_table(["g", "h"])
    comparison = figures.comparison_chart(table, {"x": "<b>x</b>"}, NL, "role")
    assert comparison.layout.yaxis.ticktext[0] == ESCAPED
    per_code, summary = agreement_tables()
    agreement = figures.agreement_chart(per_code, summary, names, NL)
    assert ESCAPED in agreement.layout.yaxis.ticktext
    assert annotations(agreement)[0].startswith(f"{ESCAPED} en coder-2")
    for fig in (heat, net, saturation, comparison, agreement):
        assert "<b>x</b>" not in fig.to_json()


# -- the fictional and the real cohort ----------------------------------------------------------


@pytest.mark.parametrize("labels", [NL, EN], ids=["nl", "en"])
def test_lindeveen_figures_have_data_and_projection_fonts(lindeveen, labels):
    for key, fig in look_figures(lindeveen, labels, shown_names(lindeveen)).items():
        assert len(fig.data) > 0, key
        assert fig.layout.font.size >= 14 and fig.layout.height >= 300
        assert fig.layout.xaxis.tickfont.size >= 14 and fig.layout.yaxis.tickfont.size >= 14
        assert fig.layout.title.text


def test_lindeveen_figures_show_the_names_given(lindeveen):
    names = shown_names(lindeveen)
    figs = look_figures(lindeveen, NL, names)
    code = analysis.code_frequencies(lindeveen.codings(), lindeveen.codes())["code"].iloc[0]
    assert any(t.endswith(names[code]) for t in figs["cooccurrence"].layout.yaxis.ticktext)
    first = analysis.saturation(lindeveen.codings(), lindeveen.interviews(), lindeveen.people())
    pseudonym = names[first["interview"].iloc[0]]
    assert figs["saturation"].layout.xaxis.ticktext[0] == f"1<br>{pseudonym}"
    assert pseudonym.startswith("P")


def test_lindeveen_figures_show_no_person_id_or_name_when_pseudonymised(lindeveen):
    people = lindeveen.people()
    for key, fig in look_figures(lindeveen, NL, shown_names(lindeveen)).items():
        text = fig.to_json()
        leaked = [p for p in [*people["id"], *people["name"]] if p in text]
        assert leaked == [], key


@pytest.mark.parametrize(
    "key, message",
    [
        ("cooccurrence", "Nog geen codering"),
        ("network", "Nog geen codering"),
        ("saturation", "Nog geen gecodeerde interviews"),
        ("comparison", "Nog geen codering"),
        ("agreement", "Maar één codeur per interview: overeenstemming is niet te berekenen"),
    ],
)
def test_limburg_shows_every_empty_state(limburg_store, key, message):
    fig = look_figures(limburg_store, NL, shown_names(limburg_store))[key]
    assert annotations(fig) == [message]
    assert len(fig.data) == 0
    assert fig.layout.title.text and not fig.layout.xaxis.visible


def test_empty_states_in_english(limburg_store):
    figs = look_figures(limburg_store, EN, shown_names(limburg_store))
    assert annotations(figs["agreement"]) == [
        "Only one coder per interview: agreement cannot be computed"
    ]
    assert figs["cooccurrence"].layout.title.text == (
        "Which codes occur together, within participants"
    )
    assert figs["comparison"].layout.title.text == "Differences by municipality"


def test_english_decimals_use_a_point():
    matrix = analysis.cooccurrence_matrix(PAIRS, FREQ)
    fig = figures.cooccurrence_heatmap(matrix, FREQ, NAMES, EN)
    assert fig.data[0].text[0][1] == "0.50"
    assert fig.layout.title.text == "Which codes occur together, within fragments"
