"""Changing the codebook (add, rename, move, merge codes) and memos, never losing a coding.

A code's id never changes: renaming changes its name and moving its parent, so the codings
(which point at the id) stay where they are. Merging moves every coding of one code to another;
where a coder gave both codes to the same fragment, one coding is kept and the memos are joined.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping

import pandas as pd

from wwlib.core.errors import NotFound, StoreError, ValidationError
from wwlib.core.model import Code, Coding, Fragment, check_text
from wwlib.store.rows import (
    drop_unused_fragment,
    fragment_id,
    merge_fragment,
    next_position,
    now,
    require,
)

# What a memo can be written on, and the table and key that hold it.
MEMO_TARGETS = {
    "fragment": ("fragment", "id"),
    "code": ("code", "id"),
    "interview": ("interview", "participant"),
    "cohort": ("cohort", "id"),
}


class CodebookMixin:
    def add_code(
        self,
        id: str,
        category: str,
        name: str,
        colour: str = "",
        parent: str = "",
        description: str = "",
        actor: str | None = None,
    ) -> str:
        """Add a code to the codebook (colour: the category's when empty); returns its id."""
        code = Code(id, category, _stripped(name), colour, parent or "", description or "")
        with self._write() as con:
            row = con.execute("SELECT name FROM code WHERE id = ?", (code.id,)).fetchone()
            if row:
                raise StoreError(f"code '{code.id}' exists already ('{row[0]}'); choose another id")
            _check_name_free(con, code.id, code.category, code.name)
            _check_parent(con, code.id, code.category, code.parent)
            position = next_position(con, "code")
            con.execute(
                "INSERT INTO code (id, category, name, colour, parent, description, position) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (code.id, code.category, code.name, code.colour, code.parent or None,
                 code.description, position),
            )  # fmt: skip
            detail = {k: getattr(code, k) for k in ("category", "name", "colour", "parent")}
            self._log(
                con, "add", "code", code.id, detail | {"description": code.description}, actor
            )
        return code.id

    def rename_code(self, code: str, name: str, actor: str | None = None) -> None:
        """Give a code another name; its id, and so every coding of it, stays."""
        name = _stripped(check_text("name", name))
        with self._write() as con:
            category, old, _ = _code(con, code)
            _check_name_free(con, code, category, name)
            con.execute("UPDATE code SET name = ? WHERE id = ?", (name, code))
            self._log(con, "rename", "code", code, {"name": name, "was": old}, actor)

    def move_code(self, code: str, parent: str, actor: str | None = None) -> None:
        """Nest a code under another of its category ("" puts it at the top level)."""
        with self._write() as con:
            category, _, old = _code(con, code)
            _check_parent(con, code, category, parent)
            con.execute("UPDATE code SET parent = ? WHERE id = ?", (parent or None, code))
            self._log(con, "move", "code", code, {"parent": parent, "was": old or ""}, actor)

    def set_code_description(self, code: str, description: str, actor: str | None = None) -> None:
        """Describe what a code means (an empty text clears the description)."""
        description = (description or "").strip()
        with self._write() as con:
            name = _code(con, code)[1]
            was = con.execute("SELECT description FROM code WHERE id = ?", (code,)).fetchone()[0]
            con.execute("UPDATE code SET description = ? WHERE id = ?", (description, code))
            detail = {"description": description, "was": was, "name": name}
            self._log(con, "update", "code", code, detail, actor)

    def merge_codes(self, source: str, target: str, actor: str | None = None) -> dict:
        """Merge code `source` into `target` and delete `source`; no coding is lost.

        Every coding of `source` moves to `target`. Where the same coder already gave `target`
        to the same fragment, that coding is kept and the source coding's memo is added to its
        memo. Child codes, memos on the code, boards, plans and prioritised themes that name
        `source` move to `target`. Returns what moved (as also written to the log).
        """
        if source == target:
            raise ValidationError("target", "another code than the one merged", target)
        with self._write() as con:
            category, name, parent = _code(con, source, "source code")
            like = f", like '{source}'"
            _same_category(con, "target", target, category, like, "merge codes of one")
            detail = {"into": target, "name": name} | _move_codings(con, source, target)
            detail |= _move_references(con, source, target, parent)
            con.execute("DELETE FROM code WHERE id = ?", (source,))
            self._log(con, "merge", "code", source, detail, actor)
        return detail

    def add_codings(
        self,
        interview: str,
        start: int,
        end: int,
        codes: list[str] | tuple[str, ...],
        coder: str,
        memo: str = "",
        actor: str | None = None,
        suggested: Mapping[str, dict] | Iterable[str] = (),
    ) -> list[int]:
        """Give the span [start, end) of a transcript one or more codes, all or none.

        A memo is kept on every coding and, once, as a memo on the fragment by the coder.
        `suggested`: the codes the coder took from a suggestion (`wwlib.analysis.suggest`),
        each with its evidence (`Evidence.as_detail()`) where known; their codings' log lines
        say `"suggested": true` and keep the evidence. Returns the new codings' ids, in the
        order of `codes`.
        """
        chosen = list(dict.fromkeys([codes] if isinstance(codes, str) else codes))
        if not chosen:
            raise ValidationError("codes", "one or more code ids", list(codes), "pick a code")
        evidence = _suggested(suggested, chosen)
        memo = (memo or "").strip()
        codings = [Coding(Fragment(interview, start, end), code, coder, memo) for code in chosen]
        with self._write() as con:
            fragment = _fragment_to_code(con, codings[0].fragment, chosen, coder)
            if memo:
                self._log_memo(con, _insert_memo(con, "fragment", fragment, memo, coder), actor)
            return [
                self._insert_coding(con, fragment, coding, actor, evidence.get(coding.code))
                for coding in codings
            ]

    def add_coding(
        self,
        interview: str,
        start: int,
        end: int,
        code: str,
        coder: str,
        memo: str = "",
        actor: str | None = None,
    ) -> int:
        """Code the span [start, end) of an interview's transcript; returns the coding id.

        Unlike `add_codings`, the memo is kept on the coding only.
        """
        coding = Coding(Fragment(interview, start, end), code, coder, memo)
        with self._write() as con:
            fragment = _fragment_to_code(con, coding.fragment, [code], coder)
            return self._insert_coding(con, fragment, coding, actor)

    def _insert_coding(
        self, con: sqlite3.Connection, fragment_id: int, coding, actor, evidence=None
    ) -> int:
        """One coding row and its log line (saying whether it was a suggestion accepted, with
        its `evidence`); a repeat names the code and saves nothing."""
        f = coding.fragment
        try:
            coding_id = con.execute(
                "INSERT INTO coding (fragment, code, coder, memo) VALUES (?, ?, ?, ?)",
                (fragment_id, coding.code, coding.coder, coding.memo),
            ).lastrowid
        except sqlite3.IntegrityError as exc:
            raise StoreError(
                f"{coding.coder} already coded {f.interview} [{f.start}, {f.end}) with "
                f"'{coding.code}'; nothing was saved: leave that code out and try again"
            ) from exc
        detail = {"interview": f.interview, "start": f.start, "end": f.end, "code": coding.code,
                  "coder": coding.coder, "memo": coding.memo}  # fmt: skip
        if evidence is not None:
            detail |= {"suggested": True, "evidence": evidence}
        self._log(con, "add", "coding", coding_id, detail, actor)
        return coding_id

    def respan_coding(self, coding: int, start: int, end: int, actor: str | None = None) -> None:
        """Widen or narrow a coding to the span [start, end) of its transcript, in one logged
        transaction. A coding that was its passage's only one takes the passage's memos and
        board links along; one of several codings of a passage leaves the others where they are.
        """
        with self._write() as con:
            old, interview, old_start, old_end, code, coder = _coding_row(con, coding)
            moved = _fragment_to_code(con, Fragment(interview, start, end), [code], coder)
            if moved == old:
                return
            try:
                con.execute("UPDATE coding SET fragment = ? WHERE id = ?", (moved, coding))
            except sqlite3.IntegrityError as exc:
                raise StoreError(
                    f"{coder} already coded {interview} [{start}, {end}) with '{code}'; "
                    "nothing was changed: remove one of the two codings instead"
                ) from exc
            if not con.execute("SELECT 1 FROM coding WHERE fragment = ?", (old,)).fetchone():
                merge_fragment(con, old, moved)  # its memos and board links follow the coding
            detail = {"interview": interview, "code": code, "coder": coder,
                      "from": [old_start, old_end], "to": [start, end]}  # fmt: skip
            self._log(con, "respan", "coding", coding, detail, actor)

    def remove_coding(self, coding: int, actor: str | None = None) -> None:
        """Remove one coding in one logged transaction (the log keeps its span, code, coder and
        memo); its passage goes too once nothing points at it any more."""
        with self._write() as con:
            fragment, interview, start, end, code, coder = _coding_row(con, coding)
            memo = con.execute("SELECT memo FROM coding WHERE id = ?", (coding,)).fetchone()[0]
            con.execute("DELETE FROM coding WHERE id = ?", (coding,))
            drop_unused_fragment(con, fragment)
            detail = {"interview": interview, "start": start, "end": end, "code": code,
                      "coder": coder, "memo": memo}  # fmt: skip
            self._log(con, "remove", "coding", coding, detail, actor)

    def add_memo(
        self,
        target: str,
        target_id: str | int,
        text: str,
        author: str = "",
        actor: str | None = None,
    ) -> int:
        """Write a memo on a fragment (by id), code, interview or the cohort; returns its id."""
        if target not in MEMO_TARGETS:
            raise ValidationError("target", "one of " + ", ".join(MEMO_TARGETS), target)
        text = check_text("text", text).strip()
        with self._write() as con:
            table, key = MEMO_TARGETS[target]
            require(con, table, key, str(target_id), target)
            if author:
                require(con, "person", "id", author, "author")
            memo_id = _insert_memo(con, target, str(target_id), text, author)
            self._log_memo(con, memo_id, actor)
        return memo_id

    def _log_memo(self, con: sqlite3.Connection, memo_id: int, actor: str | None) -> None:
        target, target_id, author, text = con.execute(
            "SELECT target, target_id, author, text FROM memo WHERE id = ?", (memo_id,)
        ).fetchone()
        detail = {"target": target, "target_id": target_id, "author": author or "", "text": text}
        self._log(con, "add", "memo", memo_id, detail, actor)

    def memos(self, target: str | None = None, target_id: str | int | None = None) -> pd.DataFrame:
        """Memos in the order they were written, of one kind of target (and one target)."""
        if target is not None and target not in MEMO_TARGETS:
            raise ValidationError("target", "one of " + ", ".join(MEMO_TARGETS), target)
        where, params = [], []
        for column, value in (("target", target), ("target_id", target_id)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(str(value))
        sql = "SELECT id, target, target_id, author, text, created_at, guid FROM memo"
        sql += (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id"
        return self._frame(sql, tuple(params))

    def interview_guide(self) -> list[str]:
        """The cohort's interview questions in order (an empty list when the source has none)."""
        row = self._con.execute("SELECT interview_guide FROM cohort").fetchone()
        if row is None:
            raise StoreError(f"store {self.path} holds no cohort yet; load one with `ww init`")
        return list(json.loads(row[0]))


def _stripped(text: object) -> object:
    return text.strip() if isinstance(text, str) else text


def _code(con: sqlite3.Connection, code: str, what: str = "code") -> tuple[str, str, str | None]:
    """A code's (category, name, parent); raises naming the missing code."""
    row = con.execute("SELECT category, name, parent FROM code WHERE id = ?", (code,)).fetchone()
    if row is None:
        raise NotFound(f"{what} '{code}' is not in this cohort's codebook")
    return row


def _same_category(
    con: sqlite3.Connection, field: str, code: str, category: str, like: str, rule: str
) -> None:
    """Refuse `code` (the `field` of a merge or a nesting) unless it is of `category`."""
    other = _code(con, code, "target code" if field == "target" else field)[0]
    if other != category:
        raise ValidationError(
            field,
            f"a code of category {category}{like}",
            code,
            f"'{code}' is of category {other}; {rule} category",
        )


def _check_name_free(con: sqlite3.Connection, code: str, category: str, name: str) -> None:
    """Two codes of one category may not share a name: the coding panel shows codes by name."""
    for other, other_name in con.execute(
        "SELECT id, name FROM code WHERE category = ? AND id != ?", (category, code)
    ):
        if other_name.casefold() == name.casefold():
            raise ValidationError(
                "name",
                f"a name no other code of category {category} has",
                name,
                f"code '{other}' is called that already; merge the two codes instead",
            )


def _check_parent(con: sqlite3.Connection, code: str, category: str, parent: str) -> None:
    """Refuse a parent that is missing, of another category, or nested below `code`."""
    if not parent:
        return
    _same_category(con, "parent", parent, category, "", "nest codes within one")
    if parent == code or code in _ancestors(con, parent):
        raise ValidationError(
            "parent",
            f"a code that is not '{code}' itself or nested below it",
            parent,
            "that would nest the codes in a cycle",
        )


def _ancestors(con: sqlite3.Connection, code: str) -> list[str]:
    """The codes `code` is nested below, nearest first."""
    found: list[str] = []
    above = con.execute("SELECT parent FROM code WHERE id = ?", (code,)).fetchone()[0]
    while above and above not in found:  # `not in found`: never loop, whatever the data
        found.append(above)
        above = con.execute("SELECT parent FROM code WHERE id = ?", (above,)).fetchone()[0]
    return found


def _fragment_to_code(con: sqlite3.Connection, f: Fragment, codes: list[str], coder: str) -> int:
    """The id of the fragment `coder` gives `codes` (made when new), once the interview has a
    transcript the span lies within and the codes and the coder are in the store."""
    row = con.execute("SELECT text FROM transcript WHERE interview = ?", (f.interview,)).fetchone()
    if row is None:
        raise NotFound(f"interview '{f.interview}' has no transcript to code")
    f.check_within(row[0])
    for code in codes:
        require(con, "code", "id", code, "code")
    require(con, "person", "id", coder, "coder")
    return fragment_id(con, f)


def _coding_row(con: sqlite3.Connection, coding: int) -> tuple:
    """A coding's (fragment, interview, start, end, code, coder); raises naming a missing one."""
    row = con.execute(
        'SELECT c.fragment, f.interview, f.start, f."end", c.code, c.coder FROM coding c '
        "JOIN fragment f ON f.id = c.fragment WHERE c.id = ?",
        (int(coding),),
    ).fetchone()
    if row is None:
        raise NotFound(f"coding {coding} is not in this store (removed meanwhile?); refresh")
    return row


def _suggested(suggested: Mapping[str, dict] | Iterable[str], chosen: list[str]) -> dict:
    """Each accepted suggestion's code with its evidence ({} where none was given); every one
    must be among the codes given."""
    if isinstance(suggested, str):
        suggested = [suggested]
    evidence = (
        {c: dict(e or {}) for c, e in suggested.items()}
        if isinstance(suggested, Mapping)
        else {c: {} for c in suggested}
    )
    stray = sorted(set(evidence) - set(chosen))
    if stray:
        raise ValidationError(
            "suggested", "codes among those given", stray, "accept a suggestion by ticking its code"
        )
    return evidence


def _insert_memo(con: sqlite3.Connection, target: str, target_id, text: str, author: str) -> int:
    return con.execute(
        "INSERT INTO memo (target, target_id, author, text, created_at) VALUES (?, ?, ?, ?, ?)",
        (target, str(target_id), author or None, text, now()),
    ).lastrowid


def _joined(first: str, second: str) -> str:
    """Two memos as one, each kept once."""
    parts = [p for p in (first.strip(), second.strip()) if p]
    return "\n".join(dict.fromkeys(parts))


def _move_codings(con: sqlite3.Connection, source: str, target: str) -> dict:
    """Recode every coding of `source` as `target`; a repeat joins into the coding it repeats."""
    moved, joined = [], []
    rows = con.execute(
        "SELECT id, fragment, coder, memo FROM coding WHERE code = ? ORDER BY id", (source,)
    ).fetchall()
    for coding_id, fragment, coder, memo in rows:
        kept = con.execute(
            "SELECT id, memo FROM coding WHERE fragment = ? AND code = ? AND coder = ?",
            (fragment, target, coder),
        ).fetchone()
        if kept is None:
            con.execute("UPDATE coding SET code = ? WHERE id = ?", (target, coding_id))
            moved.append(coding_id)
            continue
        con.execute("UPDATE coding SET memo = ? WHERE id = ?", (_joined(kept[1], memo), kept[0]))
        con.execute("DELETE FROM coding WHERE id = ?", (coding_id,))
        joined.append({"coding": coding_id, "into": kept[0], "memo": memo})
    return {"moved": moved, "joined": joined}


def _move_references(con: sqlite3.Connection, source: str, target: str, parent) -> dict:
    """Point child codes, memos, boards, plans, prioritised and shortlisted themes at `target`."""
    lifted = source in _ancestors(con, target)
    if lifted:  # a target nested below the source takes the source's place first: no cycle
        con.execute("UPDATE code SET parent = ? WHERE id = ?", (parent, target))
    children = [r[0] for r in con.execute("SELECT id FROM code WHERE parent = ?", (source,))]
    con.execute("UPDATE code SET parent = ? WHERE parent = ?", (target, source))
    moved = {"children": children, "lifted": lifted}
    for table, column, where in (
        ("memo", "target_id", "target = 'code' AND target_id = ?"),
        ("board", "theme", "theme = ?"),
        ("plan", "theme", "theme = ?"),
    ):
        ids = [r[0] for r in con.execute(f"SELECT id FROM {table} WHERE {where}", (source,))]
        con.execute(f"UPDATE {table} SET {column} = ? WHERE {where}", (target, source))
        moved[f"{table}s"] = ids
    themes = json.loads(con.execute("SELECT prioritised_themes FROM cohort").fetchone()[0])
    moved["prioritised_theme"] = source in themes
    if source in themes:
        themes = list(dict.fromkeys(target if t == source else t for t in themes))
        con.execute("UPDATE cohort SET prioritised_themes = ?", (json.dumps(themes),))
    moved["shortlist"] = _merge_listed(con, "shortlist", "", source, target)
    moved["focus_groups"] = [
        group
        for (group,) in con.execute("SELECT id FROM focus_group").fetchall()
        if _merge_listed(con, "focus_group_theme", group, source, target)
    ]
    return moved


def _merge_listed(con: sqlite3.Connection, table: str, group: str, source: str, target: str):
    """Put `target` in `source`'s place in an ordered list of codes (once); True if it was."""
    where = "focus_group = ? AND " if group else ""
    keys = (group,) if group else ()
    rows = con.execute(f"SELECT position FROM {table} WHERE {where}code = ?", (*keys, source))
    row = rows.fetchone()
    if row is None:
        return False
    con.execute(f"DELETE FROM {table} WHERE {where}code = ?", (*keys, source))
    present = con.execute(f"SELECT 1 FROM {table} WHERE {where}code = ?", (*keys, target))
    if not present.fetchone():
        columns = "focus_group, code, position" if group else "code, position"
        con.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * (len(keys) + 2))})",
            (*keys, target, row[0]),
        )
    return True
