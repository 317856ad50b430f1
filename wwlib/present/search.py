"""Search hits as a table to show or export: the store's hits with the catalogue's headers,
names pseudonymised where the workbook says so."""

from __future__ import annotations

import pandas as pd

from wwlib.present.tables import labelled
from wwlib.present.workbook import Workbook


def search_table(
    wb: Workbook,
    query: str,
    speaker: str | None = None,
    code: str | None = None,
    interview: str | None = None,
    quoted_only: bool = False,
    limit: int | None = None,
) -> pd.DataFrame:
    """Every hit of `query` (see `Store.search`): source, speaker, time, start, end, hit and
    the words around it. Raises `SearchQueryError` on a query it cannot read.

    With `quoted_only` (an export, not the researcher's own view) the words of an interview
    whose participant did not consent to quotes (`Workbook.unquoted`) are not shown: the row
    stays, its hit and context say why they are left out. With `limit`, the first hits only,
    and `attrs["more"]` says whether there were more."""
    hits = wb.store.search(query, speaker=speaker, code=code, interview=interview, limit=limit)
    more = hits.attrs.get("more", False)
    if quoted_only and len(hits):
        hidden = (hits["kind"] == "transcript") & hits["interview"].isin(wb.unquoted())
        hits = hits.assign(
            hit=hits["hit"].where(~hidden, ""),
            context=hits["context"].where(~hidden, wb.labels("search.no_consent")),
        )
    table = labelled(
        wb,
        {
            "source": [_source(wb, h) for h in hits.itertuples()],
            "speaker": [wb.pseudonyms.text(wb.pseudonyms.name(s)) for s in hits["speaker"]],
            "time": [_time(t) for t in hits["time"]],
            "start_offset": hits["start"],
            "end_offset": hits["end"],
            "hit": [wb.pseudonyms.text(t) for t in hits["hit"]],
            "context": [wb.pseudonyms.text(t) for t in hits["context"]],
        },
    )
    table.attrs["more"] = more
    return table


def _source(wb: Workbook, hit) -> str:
    if hit.kind == "transcript":
        return wb.pseudonyms.name(hit.interview)
    return wb.labels(f"search.source.{hit.kind}", id=hit.source)


def _time(seconds: object) -> str:
    """Seconds into the recording as h:mm:ss ('' where the transcript has no times)."""
    if seconds is None or pd.isna(seconds):
        return ""
    whole = int(float(seconds))
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
