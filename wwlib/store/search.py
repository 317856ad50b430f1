"""Full-text search over a cohort's transcripts, notes and memos, and coding every hit at once.

The index (schema V10) holds a row per unit, a transcript's speaker turn (its whole text when it
has no turns), a note or a memo, with the unit's terms in an FTS5 table. Triggers mark a unit
stale when its source changes; `refresh_index` re-indexes what is marked inside the writing
transaction, just before it commits, so the index follows every import and every change
whichever path of the store made it. A store migrated from V9 builds its index in V10.

A search asks FTS5 for the units that hold every term and phrase, then finds the words in each
unit's own text (`wwlib.analysis.search.find`), so a hit's offsets are exact code points.
"""

from __future__ import annotations

import json
import sqlite3

import pandas as pd

from wwlib.analysis.search import (
    Query,
    compound_parts,
    find,
    fts_expression,
    index_text,
    keyword_in_context,
    parse_query,
    sentence_span,
    with_compounds,
)
from wwlib.core.errors import NotFound, StoreError, ValidationError
from wwlib.core.model import Fragment
from wwlib.store.rows import drop_unused_fragment, require

HIT_COLUMNS = ["kind", "source", "interview", "start", "end", "speaker", "time", "hit", "context"]
UNITS = ("sentence", "turn")

_TEXT_OF = {
    "transcript": "SELECT text FROM transcript WHERE interview = ?",
    "note": "SELECT text FROM note WHERE id = ?",
    "memo": "SELECT text FROM memo WHERE id = CAST(? AS INTEGER)",
}

_UNITS_SQL = """
SELECT u.kind, u.source, u.position, u.start, u."end",
       CASE u.kind WHEN 'transcript' THEN substr(t.text, u.start + 1, u."end" - u.start)
                   WHEN 'note' THEN n.text ELSE m.text END,
       coalesce(tu.person, tu.speaker, n.author, m.author, ''), tu.time_start
FROM search_terms s
JOIN search_unit u ON u.id = s.rowid
LEFT JOIN transcript t ON u.kind = 'transcript' AND t.interview = u.source
LEFT JOIN turn tu ON u.kind = 'transcript' AND tu.interview = u.source
    AND tu.position = u.position
LEFT JOIN note n ON u.kind = 'note' AND n.id = u.source
LEFT JOIN memo m ON u.kind = 'memo' AND m.id = CAST(u.source AS INTEGER)
WHERE search_terms MATCH ?
"""
_ORDER = " ORDER BY u.kind = 'transcript' DESC, u.kind, u.source, u.start"


def _endings(con: sqlite3.Connection, parts: list[str]) -> dict[str, list[str]]:
    """For each term of `parts`, the index's terms that end with it (FTS5's vocabulary of
    the index, `fts5vocab`, read in this connection's own temporary schema)."""
    if not parts:
        return {}
    con.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_vocabulary "
        "USING fts5vocab(main, search_terms, row)"
    )
    return {
        part: [t for (t,) in con.execute(
            "SELECT term FROM temp.search_vocabulary WHERE term LIKE ?", ("%" + part,)
        )]
        for part in parts
    }  # fmt: skip


def refresh_index(con: sqlite3.Connection) -> None:
    """Re-index every unit whose source changed, inside the caller's transaction."""
    for kind, source in con.execute("SELECT kind, source FROM search_stale").fetchall():
        _drop(con, kind, source)
        row = con.execute(_TEXT_OF[kind], (source,)).fetchone()
        if row is not None:
            for position, start, end in _spans(con, kind, source, row[0]):
                _insert_unit(con, kind, source, position, start, end, row[0][start:end])
    con.execute("DELETE FROM search_stale")


def _spans(con: sqlite3.Connection, kind: str, source: str, text: str) -> list[tuple]:
    """The units of a source: a transcript's turns, else the whole text."""
    turns = []
    if kind == "transcript":
        turns = con.execute(
            'SELECT position, start, "end" FROM turn WHERE interview = ? ORDER BY position',
            (source,),
        ).fetchall()
    return turns or [(None, 0, len(text))]


def _drop(con: sqlite3.Connection, kind: str, source: str) -> None:
    ids = "SELECT id FROM search_unit WHERE kind = ? AND source = ?"
    con.execute(f"DELETE FROM search_terms WHERE rowid IN ({ids})", (kind, source))
    con.execute("DELETE FROM search_unit WHERE kind = ? AND source = ?", (kind, source))


def _insert_unit(con, kind, source, position, start, end, text) -> None:
    unit = con.execute(
        'INSERT INTO search_unit (kind, source, position, start, "end") VALUES (?, ?, ?, ?, ?)',
        (kind, source, position, start, end),
    ).lastrowid
    con.execute("INSERT INTO search_terms (rowid, terms) VALUES (?, ?)", (unit, index_text(text)))


class SearchMixin:
    def search(
        self,
        query: str,
        speaker: str | None = None,
        code: str | None = None,
        interview: str | None = None,
        limit: int | None = None,
    ) -> pd.DataFrame:
        """Every hit of `query` (words and "phrases", all required; case, diacritics and Dutch
        word endings do not matter) as keyword-in-context rows.

        Columns: kind (transcript, note, memo), source (its id), interview (the transcript's,
        else ""), start and end (code points into the source's text), speaker (the person, or
        the speaker label, of a turn; the author of a note or memo), time (seconds into the
        recording where the transcript has times), hit (the words found) and context.
        `speaker` keeps the hits of one person, `interview` of one transcript, `code` those in a
        fragment coded with that code. Raises `SearchQueryError` on a query it cannot read.

        `limit` keeps the first hits only (in the order above), and then `attrs["more"]` says
        whether there were more: a word in every interview of a large cohort has tens of
        thousands of hits, and a page shows the first few hundred at once (each hit costs
        about 0.08 ms; the index lookup itself a few).
        """
        parsed = parse_query(query)
        sql, params = _UNITS_SQL, []  # after the FTS expression, made once compounds are known
        if interview is not None:
            sql += " AND u.kind = 'transcript' AND u.source = ?"
            params.append(interview)
        if speaker is not None:
            sql += " AND ? IN (tu.person, tu.speaker, n.author, m.author)"
            params.append(speaker)
        if code is not None:
            sql += " AND u.kind = 'transcript'"

        order = _ORDER
        if limit is not None and code is None:  # every unit found holds at least one hit
            order += f" LIMIT {int(limit) + 1}"

        def read(con: sqlite3.Connection) -> tuple[list, dict, Query]:
            found = with_compounds(parsed, _endings(con, compound_parts(parsed)))
            units = con.execute(sql + order, [fts_expression(found), *params]).fetchall()
            return units, _coded_spans(con, code) if code is not None else {}, found

        with self._sqlite_errors("the search could not be run"):
            units, coded, parsed = self._snapshot(read)
        hits = []
        wanted = None if limit is None else int(limit) + 1
        for kind, source, _, offset, _, text, who, time in units:
            if wanted is not None and len(hits) >= wanted:
                break
            for start, end in find(text or "", parsed):
                span = (offset + start, offset + end)
                if code is not None and not _overlaps(span, coded.get(source, ())):
                    continue
                context = keyword_in_context(text, start, end)
                where = source if kind == "transcript" else ""
                hits.append((kind, source, where, *span, who, time, text[start:end], context))
        more = wanted is not None and len(hits) >= wanted
        found = pd.DataFrame(hits[:limit], columns=HIT_COLUMNS).astype({"start": int, "end": int})
        found.attrs["more"] = more
        return found

    def autocode(
        self,
        hits: pd.DataFrame,
        code: str,
        coder: str,
        unit: str = "sentence",
        actor: str | None = None,
    ) -> int:
        """Code every transcript hit of a search (rows of `search`) with `code` by `coder`, as
        the hit's sentence or its speaker turn, in one transaction and one line of the change
        log; returns that line's id, the action `undo_autocode` takes. A span that already has
        the code (by anyone) is left as it is; hits in notes or memos are left out."""
        if unit not in UNITS:
            raise ValidationError("unit", "one of " + ", ".join(UNITS), unit)
        wanted = hits[hits["kind"] == "transcript"] if len(hits) else hits
        with self._write() as con:
            require(con, "code", "id", code, "code")
            require(con, "person", "id", coder, "coder")
            spans = sorted({_unit_span(con, h.interview, h.start, h.end, unit) for h in
                            wanted.itertuples()})  # fmt: skip
            made, fragments, coded = [], [], []
            for span in spans:
                coding, fragment = _code_span(con, Fragment(*span), code, coder)
                if coding is not None:
                    made.append(coding)
                    coded.append(list(span))
                fragments += [fragment] if fragment is not None else []
            detail = {"code": code, "coder": coder, "unit": unit, "hits": len(wanted),
                      "codings": made, "fragments": fragments, "spans": coded,
                      "already": len(spans) - len(made)}  # fmt: skip
            self._log(con, "autocode", "coding", code, detail, actor)
            return con.execute("SELECT max(id) FROM change_log").fetchone()[0]

    def autocoding(self, action: int) -> dict:
        """What one `autocode` action did: code, coder, unit, hits, codings, fragments, spans."""
        row = self._con.execute(
            "SELECT detail FROM change_log WHERE id = ? AND action = 'autocode'", (action,)
        ).fetchone()
        if row is None:
            raise NotFound(f"change {action} is no autocoding; `ww search` printed its id")
        return json.loads(row[0])

    def undo_autocode(self, action: int, actor: str | None = None) -> int:
        """Remove the codings (and the fragments it made) of one `autocode` action, in one
        logged transaction; returns how many codings went."""
        with self._write() as con:
            row = con.execute(
                "SELECT detail FROM change_log WHERE id = ? AND action = 'autocode'", (action,)
            ).fetchone()
            if row is None:
                raise NotFound(f"change {action} is no autocoding; `ww search` printed its id")
            undone = con.execute(
                "SELECT 1 FROM change_log WHERE action = 'undo' AND entity = 'coding' "
                "AND entity_id = ?",
                (str(action),),
            ).fetchone()
            if undone:
                raise StoreError(f"autocoding {action} has been undone already")
            detail = json.loads(row[0])
            removed = 0
            for coding in detail.get("codings", []):
                removed += con.execute("DELETE FROM coding WHERE id = ?", (coding,)).rowcount
            for fragment in detail.get("fragments", []):
                drop_unused_fragment(con, fragment)
            self._log(con, "undo", "coding", action, {"codings": removed}, actor)
        return removed


def _coded_spans(con: sqlite3.Connection, code: str) -> dict[str, list[tuple[int, int]]]:
    """The spans coded with `code`, by interview."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for interview, start, end in con.execute(
        'SELECT DISTINCT f.interview, f.start, f."end" FROM fragment f '
        "JOIN coding c ON c.fragment = f.id WHERE c.code = ?",
        (code,),
    ):
        spans.setdefault(interview, []).append((start, end))
    return spans


def _overlaps(span: tuple[int, int], spans) -> bool:
    return any(start < span[1] and span[0] < end for start, end in spans)


def _unit_span(con: sqlite3.Connection, interview: str, start: int, end: int, unit: str):
    """The hit's speaker turn, or its sentence within that turn: (interview, start, end)."""
    row = con.execute(
        'SELECT start, "end" FROM turn WHERE interview = ? AND start <= ? AND "end" >= ? '
        "ORDER BY position LIMIT 1",
        (interview, int(start), int(end)),
    ).fetchone()
    text = con.execute("SELECT text FROM transcript WHERE interview = ?", (interview,)).fetchone()
    if text is None:
        raise NotFound(f"interview '{interview}' has no transcript in this store")
    turn_start, turn_end = row if row else (0, len(text[0]))
    if unit == "turn":
        return interview, turn_start, turn_end
    begin, stop = sentence_span(text[0][turn_start:turn_end], start - turn_start, end - turn_start)
    return interview, turn_start + begin, turn_start + stop


def _code_span(con: sqlite3.Connection, f: Fragment, code: str, coder: str):
    """Code a span unless it has the code already: (new coding id, new fragment id) or None."""
    row = con.execute(
        'SELECT id FROM fragment WHERE interview = ? AND start = ? AND "end" = ?',
        (f.interview, f.start, f.end),
    ).fetchone()
    if (
        row
        and con.execute(
            "SELECT 1 FROM coding WHERE fragment = ? AND code = ?", (row[0], code)
        ).fetchone()
    ):
        return None, None
    fragment = row[0] if row else con.execute(
        'INSERT INTO fragment (interview, start, "end") VALUES (?, ?, ?)',
        (f.interview, f.start, f.end),
    ).lastrowid  # fmt: skip
    coding = con.execute(
        "INSERT INTO coding (fragment, code, coder, memo) VALUES (?, ?, ?, '')",
        (fragment, code, coder),
    ).lastrowid
    return coding, None if row else fragment
