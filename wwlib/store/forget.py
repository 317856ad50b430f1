"""Forgetting a person (`ww forget`): what identifies them goes from every table and the log.

In one transaction, with SQLite's `secure_delete` on, the person keeps only their pseudonym: their
id becomes one made of it, their name becomes it, and organisation, municipality and function
are emptied; their role stays, so that counts still add up. Their notes (as author, or added
from their page) become anonymous or are removed, with the votes on them; their memos likewise.
Their own transcript becomes a notice (its codings, note links, fragment memos and speaker
turns go: their positions point into a text that is gone) or its pseudonymised text (codings
and turns kept, moved along with the words, `wwlib.core.redact.Rewrite`). Every other text in
the store has their name replaced by their pseudonym, transcripts with their codings moved
along. The change log keeps every line, redacted (`schema.V7`): a line they wrote names the
actor 'forgotten' and keeps no detail, as does a line about them, their notes, memos or
transcript; any other detail has their id and name replaced. A last line says that a forget
happened, by whom and when, under the id they have now. `compact()` then rewrites the file
without free pages and empties the write-ahead log, so that no deleted byte is left.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from wwlib.core.errors import StoreError
from wwlib.core.redact import Rewrite, rewrite
from wwlib.store.rows import merge_fragment

FORGOTTEN = "forgotten"  # the actor of the change-log lines a forgotten person wrote
REDACTED = "forget"  # what the `redacted` field of a change-log detail says after a forget

# Person ids, with the columns that hold them (a person's own id first).
PERSON_COLUMNS = (
    ("person", "id"),
    ("interview", "participant"),
    ("interview", "interviewer"),
    ("transcript", "interview"),
    ("fragment", "interview"),
    ("turn", "interview"),
    ("turn", "person"),
    ("coding", "coder"),
    ("note", "author"),
    ("vote", "voter"),
    ("task_owner", "owner"),
    ("memo", "author"),
    ("focus_group_member", "person"),
)
# Free text in which anyone may name the person (transcripts apart: their spans move along).
TEXT_COLUMNS = (
    ("cohort", ("title", "research_question", "source")),
    ("person", ("name", "organisation", "municipality", "function", "consent_covers")),
    ("session", ("activity",)),
    ("code", ("name", "description")),
    ("coding", ("memo",)),
    ("board", ("title",)),
    ("note", ("text", "cluster")),
    ("plan", ("title", "goal", "current")),
    ("step", ("title", "description")),
    ("task", ("title", "owner_note", "due_text", "note")),
    ("plan_obstacle", ("obstacle", "way_to_deal")),
    ("plan_factor", ("text",)),
    ("memo", ("text",)),
    ("focus_group", ("name",)),
    ("turn", ("speaker",)),
    ("transcript", ("source",)),
)
JSON_TEXT_COLUMNS = ("mentioned_names", "interview_guide")  # of the cohort: lists of text


@dataclass(frozen=True)
class Forgetting:
    """What forgetting one person changes (`wwlib.cohorts.forget` decides, the store does it).

    `mentions(text)` replaces the person's name forms by their pseudonym; `own_transcript(text)`
    gives the new text of their own transcript, which keeps its codings and turns (moved along)
    only when `own_positions` (a pseudonymised text, not a notice).
    """

    person: str
    new_id: str
    pseudonym: str
    remove_notes: bool
    mentions: Callable[[str], str]
    own_transcript: Callable[[str], str]
    own_positions: bool


class ForgetMixin:
    def forget_person(self, forgetting: Forgetting, actor: str | None = None) -> dict[str, int]:
        """Forget one person in one transaction (see the module); returns what changed, counted.

        A store without the person (an older backup) still has their name replaced in its texts
        and its log.
        """
        f = forgetting
        self._con.execute("PRAGMA secure_delete = ON")  # deleted rows are overwritten
        with self._write() as con:
            con.execute("PRAGMA defer_foreign_keys = ON")  # ids change in turn
            text = _replacer(f)
            con.create_function("ww_forget", 1, text, deterministic=True)
            notes, memos = _their_notes(con, f), _their_memos(con, f)
            done = "removed" if f.remove_notes else "made anonymous"
            counts = {f"notes {done}": len(notes), f"memos {done}": len(memos)}
            counts["codings removed"] = _their_transcript(con, f)
            counts["transcripts changed"] = _other_transcripts(con, f)
            for table, column in PERSON_COLUMNS:
                con.execute(
                    f"UPDATE {table} SET {column} = ? WHERE {column} = ?",  # noqa: S608
                    (f.new_id, f.person),
                )
            con.execute(
                "UPDATE memo SET target_id = ? WHERE target = 'interview' AND target_id = ?",
                (f.new_id, f.person),
            )
            # Forgetting ends their consent: no name, no recording, no quote of theirs any more.
            # The date it was given and what it covered stay (with their name replaced, as in
            # every text): that consent existed is what the processing rested on until now
            # (AVG art. 7(1): the controller must be able to show it), and says nothing of who.
            con.execute(
                "UPDATE person SET name = ?, organisation = '', municipality = '', "
                "function = '', consent_named = 0, consent_recording = 0, consent_quotes = 0 "
                "WHERE id = ?",
                (f.pseudonym, f.new_id),
            )
            con.execute("DELETE FROM person_link WHERE person IN (?, ?)", (f.person, f.new_id))
            counts["texts changed"] = _rewrite_texts(con, text)
            personal = {("note", n) for n in notes} | {("memo", str(m)) for m in memos}
            counts["log lines redacted"] = _redact_log(con, f, text, personal)
            _forget_caches(con)
            detail = {"notes": "removed" if f.remove_notes else "anonymous"}
            detail["transcript"] = "pseudonymised" if f.own_positions else "notice"
            self._log(con, "forget", "person", f.new_id, detail, actor)
        return counts

    def compact(self) -> None:
        """Rewrite the store's file without free pages and empty its write-ahead log, so that no
        byte of a deleted row is left in either (after `forget_person`)."""
        with self._write() as con:  # the search index's segments drop the terms deleted
            con.execute("INSERT INTO search_terms (search_terms) VALUES ('optimize')")
        with self._sqlite_errors("it could not be compacted"):
            self._con.execute("PRAGMA secure_delete = ON")
            self._con.execute("PRAGMA temp_store = MEMORY")  # VACUUM's copy stays off the disk
            self._con.execute("VACUUM")
        self.checkpoint()

    def checkpoint(self) -> None:
        """Move the write-ahead log into the store's file and empty it; raises `StoreError`
        when another connection reads the store (a dashboard, a notebook), which keeps it."""
        with self._sqlite_errors("its write-ahead log could not be emptied"):
            busy = self._con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        if busy:
            raise StoreError(
                f"store {self.path} is open elsewhere (a dashboard or a notebook?); stop it "
                "and try again"
            )


def _replacer(f: Forgetting) -> Callable[[str | None], str | None]:
    """Text with the person's id (a whole word) and their name forms replaced."""
    own_id = re.compile(rf"(?<![\w-]){re.escape(f.person)}(?![\w-])")

    def replace(value: str | None) -> str | None:
        if not isinstance(value, str) or not value:
            return value
        return f.mentions(own_id.sub(f.new_id, value))

    return replace


def _their_notes(con: sqlite3.Connection, f: Forgetting) -> list[str]:
    """Their notes, as author or added from their page: made anonymous or removed."""
    notes = [
        r[0]
        for r in con.execute(
            "SELECT id FROM note WHERE author = ? OR id IN (SELECT entity_id FROM change_log "
            "WHERE entity = 'note' AND action = 'add' AND actor = ?)",
            (f.person, f.person),
        )
    ]
    for note in notes:
        if f.remove_notes:
            con.execute("DELETE FROM note_fragment WHERE note = ?", (note,))
            con.execute("DELETE FROM vote WHERE note = ?", (note,))
            con.execute("DELETE FROM note WHERE id = ?", (note,))
        else:
            con.execute("UPDATE note SET author = NULL WHERE id = ?", (note,))
    return notes


def _their_memos(con: sqlite3.Connection, f: Forgetting) -> list[int]:
    """Their memos (and memos on their codings): made anonymous or removed."""
    memos = [r[0] for r in con.execute("SELECT id FROM memo WHERE author = ?", (f.person,))]
    if f.remove_notes:
        con.execute("DELETE FROM memo WHERE author = ?", (f.person,))
        con.execute("UPDATE coding SET memo = '' WHERE coder = ?", (f.person,))
    else:
        con.execute("UPDATE memo SET author = NULL WHERE author = ?", (f.person,))
    return memos


def _their_transcript(con: sqlite3.Connection, f: Forgetting) -> int:
    """Their own transcript replaced; returns how many codings went with its positions."""
    row = con.execute(
        "SELECT text, format FROM transcript WHERE interview = ?", (f.person,)
    ).fetchone()
    if row is None:
        return 0
    text, fmt = row  # the file's old name may hold their name: it gets one of their new id
    suffix = "md" if fmt == "md" else "txt"
    con.execute(
        "UPDATE transcript SET source = ? WHERE interview = ?",
        (f"transcripts/{f.new_id}.{suffix}", f.person),
    )
    if f.own_positions:
        _move_along(con, f.person, rewrite(text, f.own_transcript))
        for speaker in {r[0] for r in con.execute(
            "SELECT speaker FROM turn WHERE interview = ?", (f.person,)
        )}:  # fmt: skip
            con.execute(
                "UPDATE turn SET speaker = ? WHERE interview = ? AND speaker = ?",
                (f.own_transcript(speaker), f.person, speaker),
            )
        return 0
    fragments = "SELECT id FROM fragment WHERE interview = ?"
    removed = con.execute(
        f"DELETE FROM coding WHERE fragment IN ({fragments})", (f.person,)
    ).rowcount
    con.execute(f"DELETE FROM note_fragment WHERE fragment IN ({fragments})", (f.person,))
    con.execute(
        "DELETE FROM memo WHERE target = 'fragment' AND target_id IN "
        "(SELECT CAST(id AS TEXT) FROM fragment WHERE interview = ?)",
        (f.person,),
    )
    con.execute("DELETE FROM fragment WHERE interview = ?", (f.person,))
    con.execute("DELETE FROM turn WHERE interview = ?", (f.person,))
    con.execute(
        "UPDATE transcript SET text = ? WHERE interview = ?",
        (f.own_transcript(text), f.person),
    )
    return removed


def _other_transcripts(con: sqlite3.Connection, f: Forgetting) -> int:
    """Every other transcript with their name forms replaced, its spans moved along."""
    changed = 0
    for interview, text in con.execute(
        "SELECT interview, text FROM transcript WHERE interview != ?", (f.person,)
    ).fetchall():
        edit = rewrite(text, f.mentions)
        if edit.changed:
            _move_along(con, interview, edit)
            changed += 1
    return changed


def _move_along(con: sqlite3.Connection, interview: str, edit: Rewrite) -> None:
    """A transcript's new text, with its fragments and turns moved to the same words.

    Two fragments that land on one span (both on the replaced name alone) become one, keeping
    the codings, note links and memos of both.
    """
    con.execute("UPDATE transcript SET text = ? WHERE interview = ?", (edit.new, interview))
    parked = f"\x00{interview}"  # out of the way while spans move (foreign keys are deferred)
    con.execute("UPDATE fragment SET interview = ? WHERE interview = ?", (parked, interview))
    placed: dict[tuple[int, int], int] = {}
    for fragment, start, end in con.execute(
        'SELECT id, start, "end" FROM fragment WHERE interview = ? ORDER BY start, "end"',
        (parked,),
    ).fetchall():
        span = (edit.start(start), max(edit.end(end), edit.start(start) + 1))
        if span in placed:
            merge_fragment(con, fragment, placed[span])
            continue
        placed[span] = fragment
        con.execute(
            'UPDATE fragment SET interview = ?, start = ?, "end" = ? WHERE id = ?',
            (interview, *span, fragment),
        )
    for position, start, end in con.execute(
        'SELECT position, start, "end" FROM turn WHERE interview = ?', (interview,)
    ).fetchall():
        con.execute(
            'UPDATE turn SET start = ?, "end" = ? WHERE interview = ? AND position = ?',
            (edit.start(start), max(edit.end(end), edit.start(start)), interview, position),
        )


def _rewrite_texts(con: sqlite3.Connection, text: Callable) -> int:
    """Every free text with the person's name replaced; returns how many rows changed."""
    changed = 0
    for table, columns in TEXT_COLUMNS:
        sets = ", ".join(f"{c} = ww_forget({c})" for c in columns)
        differs = " OR ".join(f"{c} IS NOT ww_forget({c})" for c in columns)
        changed += con.execute(f"UPDATE {table} SET {sets} WHERE {differs}").rowcount  # noqa: S608
    for column in JSON_TEXT_COLUMNS:
        for cohort, value in con.execute(f"SELECT id, {column} FROM cohort").fetchall():  # noqa: S608
            new = json.dumps([text(v) for v in json.loads(value)], ensure_ascii=False)
            if new != value:
                con.execute(f"UPDATE cohort SET {column} = ? WHERE id = ?", (new, cohort))  # noqa: S608
                changed += 1
    return changed


def _redact_log(
    con: sqlite3.Connection, f: Forgetting, text: Callable, personal: set[tuple[str, str]]
) -> int:
    """Every change-log line that names the person redacted; returns how many.

    A line they wrote, or about them, their notes, memos or transcript, keeps no detail; any
    other keeps its detail with their id and name replaced.
    """
    personal |= {(e, f.person) for e in ("person", "interview", "transcript", "link")}
    redacted = 0
    for line, actor, entity, entity_id, detail in con.execute(
        "SELECT id, actor, entity, entity_id, detail FROM change_log"
    ).fetchall():
        new_actor = FORGOTTEN if actor == f.person else text(actor)
        if actor == f.person or (entity, entity_id) in personal:
            new_detail = {"redacted": REDACTED}
        else:
            new_detail = _replaced(json.loads(detail), text)
            if new_detail != json.loads(detail):
                new_detail = {**new_detail, "redacted": REDACTED}
        new_id = f.new_id if entity_id == f.person else text(entity_id)
        if (new_actor, new_id) != (actor, entity_id) or new_detail != json.loads(detail):
            con.execute(
                "UPDATE change_log SET actor = ?, entity_id = ?, detail = ? WHERE id = ?",
                (new_actor, new_id, json.dumps(new_detail, ensure_ascii=False), line),
            )
            redacted += 1
    return redacted


def _replaced(value: object, text: Callable) -> object:
    """A JSON value with `text` applied to every string in it."""
    if isinstance(value, str):
        return text(value)
    if isinstance(value, list):
        return [_replaced(v, text) for v in value]
    if isinstance(value, dict):
        return {k: _replaced(v, text) for k, v in value.items()}
    return value


def _forget_caches(con: sqlite3.Connection) -> None:
    """What the store keeps to save time and may hold their name: rows folder and store agreed
    on (the next `ww save` writes them anew) and names found in the texts (found again)."""
    con.execute(
        "DELETE FROM folder_baseline WHERE file IS NOT ww_forget(file) OR key IS NOT ww_forget(key)"
    )
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "name_scan" in tables:
        con.execute("DELETE FROM name_scan")
