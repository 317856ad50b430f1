"""How the workbook's tables are shown: headers from the label catalogue, and numbers as the
table's language writes them (0,83 in Dutch, 0.83 in English), for notebooks, panels, the
report and its Word copy alike."""

from __future__ import annotations

from numbers import Real

import pandas as pd

from wwlib.core.labels import format_number
from wwlib.present.workbook import Workbook


def labels_of(wb: Workbook, kind: str, values) -> list[str]:
    """The label `<kind>.<value>` of each value: "belemmering" for the category obstacle."""
    return [wb.labels(f"{kind}.{v}") for v in values]


def labelled(wb: Workbook, columns: dict) -> pd.DataFrame:
    """A DataFrame from {column key: values} with the catalogue's headers.

    The frame keeps its language in `attrs["lang"]`: `shown_numbers` (and so `display.table`
    and the report) write its numbers as that language does.
    """
    frame = pd.DataFrame({wb.labels(f"view.col.{k}"): list(v) for k, v in columns.items()})
    frame.attrs["lang"] = wb.lang
    return frame


def shown_numbers(df: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """The table with its numbers as text in `lang`: 0,83 and 12.629 in Dutch, 0.83 in English.

    `lang` defaults to the language the table was made in (`labelled`); without either the
    table comes back as it is. A column of decimals shows each with as many decimals as its
    most precise value (0,80 beside 0,86); missing values stay missing; the values themselves
    are untouched for exports (`look.sheets`), only shown.
    """
    lang = lang or df.attrs.get("lang")
    if lang is None:
        return df
    shown = df.astype(object)
    for i in range(df.shape[1]):
        column = df.iloc[:, i]
        if pd.api.types.is_bool_dtype(column):
            continue
        if pd.api.types.is_numeric_dtype(column):
            digits = _decimals(column)
            shown.iloc[:, i] = [v if pd.isna(v) else format_number(v, lang, digits) for v in column]
        elif column.dtype == object:
            shown.iloc[:, i] = [
                format_number(v, lang, _decimals([v])) if _is_number(v) else v for v in column
            ]
    return shown


def _decimals(values) -> int:
    """How many decimals the most precise of `values` has (at most 6; 0 for whole numbers)."""
    places = [
        len(f"{abs(v):.6f}".rstrip("0").split(".")[1])
        for v in values
        if _is_number(v) and not float(v).is_integer()
    ]
    return max(places, default=0)


def _is_number(value: object) -> bool:
    """A real number that is there (not a bool, not missing)."""
    return isinstance(value, Real) and not isinstance(value, bool) and not pd.isna(value)
