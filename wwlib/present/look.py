"""The analysis day for a `Workbook`: labelled tables, figures and the Excel export.

`wwlib.analysis` computes; this module shows. Every table has headers in `wb.lang`, every
person is shown as the pseudonymiser decides and every quote has hidden names replaced. The
analysis runs once per state of the store (`tables(wb)` is kept until the change log grows),
so a notebook's many cells cost one computation.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from wwlib import analysis, figures
from wwlib.figures import connection as connection_figures
from wwlib.figures import look as look_figures
from wwlib.present.tables import labelled
from wwlib.present.workbook import Workbook

ATTRIBUTES = ("organisation", "municipality", "function")
SHEETS = (
    "frequencies",
    "quotes",
    "who_said_what",
    "cooccurrence_fragments",
    "cooccurrence_participants",
    "obstacles",
    "saturation",
    "comparison",
    "agreement",
    "agreement_summary",
    "shortlist",
    "focus_groups",
)


def tables(wb: Workbook, attribute: str = "organisation") -> dict[str, pd.DataFrame]:
    """`analysis.all_tables` for this cohort, computed once per state of the store.

    Pseudonymised, the comparison shows no group of fewer than the cohort's `min_group`."""
    state = (wb.store.change_count(), attribute)
    cached = getattr(wb, "_look_tables", None)
    if cached is None or cached[0] != state:
        store = wb.store
        result = analysis.all_tables(
            store.codings(),
            store.codes(),
            store.people(),
            store.interviews(),
            (attribute,),
            min_group=min_group(wb),
        )
        result["comparison"] = result.pop(f"comparison_{attribute}")
        # the strongest quotes of people who did not consent to be quoted are left out (not
        # replaced: the sentence under the quotes says how many)
        quoted = result["quotes"]
        unquoted = quoted["interview"].isin(wb.unquoted())
        result["quotes"] = quoted[~unquoted].reset_index(drop=True)
        result["quotes_left_out"] = quoted[unquoted].reset_index(drop=True)
        wb._look_tables = cached = (state, result)
    return cached[1]


def names(wb: Workbook) -> dict[str, str]:
    """Code id → code name and person id → the name to show (a pseudonym when hidden)."""
    codes = wb.store.codes()
    people = wb.store.people()
    shown = dict(zip(codes["id"], codes["name"], strict=True))
    shown.update(zip(people["id"], wb.pseudonyms.names(people["id"]), strict=True))
    return shown


def min_group(wb: Workbook) -> int:
    """The smallest group of people a table may show: the cohort's `min_group` when
    pseudonymised, else 1 (every group)."""
    return wb.cohort.min_group if wb.pseudonymise else 1


def small_groups_note(wb: Workbook, attribute: str = "organisation") -> str:
    """The sentence that says which small groups the comparison merged or left out ('')."""
    if min_group(wb) <= 1:
        return ""
    store = wb.store
    found = analysis.small_groups(store.codings(), store.people(), attribute, min_group(wb))
    sentences = []
    if found.merged:
        sentences.append(
            wb.labels.count("privacy.small_groups.merged", found.merged, min_group=min_group(wb))
        )
    if found.left_out:
        people = wb.labels.count("privacy.small_groups.people", found.left_out_people)
        sentences.append(
            wb.labels.count(
                "privacy.small_groups.left_out",
                found.left_out,
                min_group=min_group(wb),
                people=people,
            )
        )
    return " ".join(sentences)


def _group_name(wb: Workbook, group: str) -> str:
    """A group's name to show: 'overig' for the small groups merged, pseudonymised text."""
    if group == analysis.OTHER_GROUP:
        return wb.labels("privacy.other_group")
    return wb.pseudonyms.text(group) or wb.labels("look.unknown_group")


# -- tables -------------------------------------------------------------------------------


def quotes_table(wb: Workbook, code: str | None = None) -> pd.DataFrame:
    """The strongest quotes per code (or for one code): code, rank, participant, quote."""
    quotes = tables(wb)["quotes"]
    if code is not None:
        quotes = quotes[quotes["code"] == code]
    shown = names(wb)
    texts = wb.store.fragment_texts(quotes["fragment"].tolist())
    return labelled(
        wb,
        {
            "code": [shown.get(c, c) for c in quotes["code"]],
            "rank": quotes["rank"],
            "participant": [shown.get(p, p) for p in quotes["interview"]],
            "quote": [wb.pseudonyms.text(texts.get(f, "")) for f in quotes["fragment"]],
            "coders": quotes["coders"],
        },
    )


def quotes_left_out(wb: Workbook) -> str:
    """The sentence that says how many quotes were left out for lack of consent ('' if none)."""
    left_out = len(tables(wb)["quotes_left_out"])
    return wb.labels.count("look.quotes.left_out", left_out) if left_out else ""


def quote_groups(wb: Workbook, code: str | None = None) -> list[tuple[str, list[tuple[str, str]]]]:
    """`quotes_table` by code, in its order: [(code name, [(quote, participant), ...]), ...]."""
    quotes = quotes_table(wb, code)
    name, who, text = quotes.columns[0], quotes.columns[2], quotes.columns[3]
    return [
        (shown, list(zip(rows[text], rows[who], strict=True)))
        for shown, rows in quotes.groupby(name, sort=False)
    ]


def cooccurrence_table(wb: Workbook, unit: str = "fragment", top: int = 20) -> pd.DataFrame:
    """The `top` code pairs that go together most (Jaccard), with their counts."""
    pairs = tables(wb)[f"cooccurrence_{unit}s"].head(top)
    shown = names(wb)
    return labelled(
        wb,
        {
            "code_a": [shown.get(c, c) for c in pairs["code_a"]],
            "code_b": [shown.get(c, c) for c in pairs["code_b"]],
            "both": pairs["both"],
            "jaccard": pairs["jaccard"].round(2),
        },
    )


def obstacles_table(wb: Workbook) -> pd.DataFrame:
    """Each obstacle next to the ways to deal with it that the same participants named."""
    table = tables(wb)["obstacles_and_ways"]
    shown = names(wb)
    return labelled(
        wb,
        {
            "obstacle": [shown.get(c, c) for c in table["obstacle"]],
            "obstacle_participants": table["obstacle_participants"],
            "way": [shown.get(c, c) if isinstance(c, str) else "—" for c in table["way"]],
            "participants_both": table["participants"],
            "fragments_both": table["fragments"],
        },
    )


def saturation_table(wb: Workbook) -> pd.DataFrame:
    """Per coded interview in order: codes, new codes, codes so far and their share."""
    table = tables(wb)["saturation"]
    shown = names(wb)
    return labelled(
        wb,
        {
            "number": table["number"],
            "participant": [shown.get(p, p) for p in table["interview"]],
            "codes": table["codes"],
            "new": table["new"],
            "cumulative": table["cumulative"],
            "share": (100 * table["share"].astype(float)).round().astype(int),
        },
    )


def comparison_table(wb: Workbook, attribute: str = "organisation") -> pd.DataFrame:
    """Codes by how much groups differ: per group the % of its participants who mention it."""
    table = tables(wb, attribute)["comparison"]
    shown = names(wb)
    if table.empty:
        return labelled(wb, {"code": [], "spread": []})
    wide = table.pivot_table(
        index=["code", "spread"], columns="group", values="share", sort=False
    ).reset_index()
    wide = wide.sort_values("spread", ascending=False, kind="stable")
    sizes = table.drop_duplicates("group").set_index("group")["participants"]
    columns = {"code": [shown.get(c, c) for c in wide["code"]]}
    frame = labelled(wb, columns)
    for group in sizes.index:
        header = f"{_group_name(wb, group)} (n={sizes[group]})"
        frame[header] = (100 * wide[group].to_numpy()).round().astype(int)
    frame[wb.labels("view.col.spread")] = (100 * wide["spread"].to_numpy()).round().astype(int)
    return frame


def agreement_table(wb: Workbook) -> pd.DataFrame:
    """Per pair of coders and code: characters both/only one coded, agreement and κ."""
    return _by_coders(
        wb,
        "agreement",
        lambda table, shown: {
            "code": [shown.get(c, c) for c in table["code"]],
            **{k: table[k] for k in ("both", "only_a", "only_b")},
        },
    )


def agreement_summary_table(wb: Workbook) -> pd.DataFrame:
    """Per pair of coders: interviews, characters, codes, agreement, mean κ and α."""
    return _by_coders(
        wb,
        "agreement_summary",
        lambda table, shown: {k: table[k] for k in ("interviews", "characters", "codes")},
        alpha=True,
    )


def _by_coders(wb: Workbook, name: str, columns, alpha: bool = False) -> pd.DataFrame:
    """An agreement table of `tables` by pair of coders ("Marit Hofstede / Thijs van Wezel"):
    the `columns(table, shown names)` give, then agreement in % (one decimal) and κ (two
    decimals), and Krippendorff's α (two decimals) with `alpha`."""
    table = tables(wb)[name]
    shown = names(wb)
    coders = [
        f"{shown.get(a, a)} / {shown.get(b, b)}"
        for a, b in zip(table["coder_a"], table["coder_b"], strict=True)
    ]
    figures = {
        "agreement": (100 * table["agreement"].astype(float)).round(1),
        "kappa": table["kappa"].astype(float).round(2),
    }
    if alpha:
        figures["alpha"] = table["alpha"].astype(float).round(2)
    return labelled(wb, {"coders": coders, **columns(table, shown), **figures})


def shortlist_table(wb: Workbook) -> pd.DataFrame:
    """The themes carried into Thursday, in order, with their focus group."""
    shortlist = wb.store.shortlist()
    groups = wb.store.focus_groups()
    group_of = {
        t: name for name, ts in zip(groups["name"], groups["themes"], strict=True) for t in ts
    }
    frequencies = tables(wb)["code_frequencies"].set_index("code")
    return labelled(
        wb,
        {
            "number": shortlist["number"],
            "theme": shortlist["name"],
            "participants": [int(frequencies["participants"].get(c, 0)) for c in shortlist["code"]],
            "focus_group": [group_of.get(c, "") for c in shortlist["code"]],
        },
    )


def focus_groups_table(wb: Workbook) -> pd.DataFrame:
    """Every focus group with its members and themes; participants in no group listed last."""
    groups = wb.store.focus_groups()
    shown = names(wb)
    rows = [
        (
            name,
            ", ".join(shown.get(m, m) for m in members),
            ", ".join(shown.get(t, t) for t in themes),
        )
        for name, members, themes in zip(
            groups["name"], groups["members"], groups["themes"], strict=True
        )
    ]
    people = wb.store.people()
    placed = {m for ms in groups["members"] for m in ms}
    loose = [
        p
        for p, r in zip(people["id"], people["role"], strict=True)
        if r == "participant" and p not in placed
    ]
    if loose:
        rows.append((wb.labels("look.no_group"), ", ".join(shown.get(p, p) for p in loose), ""))
    return labelled(
        wb,
        {
            "focus_group": [r[0] for r in rows],
            "members": [r[1] for r in rows],
            "themes": [r[2] for r in rows],
        },
    )


# -- figures ------------------------------------------------------------------------------


def cooccurrence_heatmap(wb: Workbook, unit: str = "fragment") -> go.Figure:
    """The Jaccard matrix of the codes used, within fragments or within participants."""
    found = tables(wb)
    matrix = analysis.cooccurrence_matrix(found[f"cooccurrence_{unit}s"], found["code_frequencies"])
    return connection_figures.cooccurrence_heatmap(
        matrix, found["code_frequencies"], names(wb), wb.labels, unit
    )


def cooccurrence_network(wb: Workbook, unit: str = "participant") -> go.Figure:
    """The codes as a network whose lines are the pairs that go together most."""
    found = tables(wb)
    return connection_figures.cooccurrence_network(
        found[f"cooccurrence_{unit}s"], found["code_frequencies"], names(wb), wb.labels, unit
    )


def saturation_chart(wb: Workbook) -> go.Figure:
    """New codes per interview and the share of all codes found so far."""
    return look_figures.saturation_chart(tables(wb)["saturation"], names(wb), wb.labels)


def comparison_chart(wb: Workbook, attribute: str = "organisation") -> go.Figure:
    """The codes that differ most between groups of participants."""
    shown = names(wb) | {analysis.OTHER_GROUP: wb.labels("privacy.other_group")}
    return look_figures.comparison_chart(
        tables(wb, attribute)["comparison"],
        shown,
        wb.labels,
        attribute,
        note=small_groups_note(wb, attribute),
        hidden=_hidden_groups(wb, attribute),
    )


def _hidden_groups(wb: Workbook, attribute: str) -> int:
    """How many groups the pseudonymised comparison left out or merged for being small."""
    if min_group(wb) <= 1:
        return 0
    store = wb.store
    found = analysis.small_groups(store.codings(), store.people(), attribute, min_group(wb))
    return found.merged + found.left_out


def agreement_chart(wb: Workbook) -> go.Figure:
    """Cohen's κ per code for the two coders, with the overall figures in a note."""
    found = tables(wb)
    return look_figures.agreement_chart(
        found["agreement"], found["agreement_summary"], names(wb), wb.labels
    )


def who_said_what_heatmap(wb: Workbook) -> go.Figure:
    """Who said what, rows and columns clustered so that groups show."""
    from wwlib.present.views import who_said_what_matrix

    return figures.who_said_what_heatmap(who_said_what_matrix(wb, clustered=True), wb.labels)


# -- export -------------------------------------------------------------------------------


def sheets(wb: Workbook, attribute: str = "organisation") -> dict[str, pd.DataFrame]:
    """Every table of the analysis day, by sheet title in `wb.lang`."""
    from wwlib.present.views import frequency_table, who_said_what_table

    matrix = who_said_what_table(wb)
    matrix.columns = [f"{c} ({k})" for k, c in matrix.columns]
    made = {
        "frequencies": frequency_table(wb),
        "quotes": quotes_table(wb),
        "who_said_what": matrix.reset_index(),
        "cooccurrence_fragments": cooccurrence_table(wb, "fragment", top=10_000),
        "cooccurrence_participants": cooccurrence_table(wb, "participant", top=10_000),
        "obstacles": obstacles_table(wb),
        "saturation": saturation_table(wb),
        "comparison": _with_note(comparison_table(wb, attribute), small_groups_note(wb, attribute)),
        "agreement": agreement_table(wb),
        "agreement_summary": agreement_summary_table(wb),
        "shortlist": shortlist_table(wb),
        "focus_groups": focus_groups_table(wb),
    }
    return {wb.labels(f"look.sheet.{name}"): made[name] for name in SHEETS}


def _with_note(table: pd.DataFrame, note: str) -> pd.DataFrame:
    """The table with `note` as a last row in its first column (a sheet has no caption)."""
    if not note or table.empty:
        return table
    row = pd.DataFrame({table.columns[0]: [note]})
    return pd.concat([table, row], ignore_index=True)
