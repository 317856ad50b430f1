"""Importing transcripts with their speaker turns, and correcting who a speaker is."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from wwlib.core.errors import NotFound, StoreError, ValidationError
from wwlib.core.model import InterviewStatus, Role, Transcript
from wwlib.store.rows import now


@dataclass(frozen=True)
class NewTranscript:
    """A transcript to store: its text, its turns and, for a new interview, the interviewer.

    `turns` are records with `speaker`, `person`, `start`, `end`, `time_start` and `time_end`
    (`wwlib.transcripts.Turn`); spans are code points into `text`.
    """

    interview: str
    text: str
    turns: Sequence = ()
    source: str = ""
    format: str = "md"
    interviewer: str | None = None
    date: str | None = None  # ISO; for a new interview, or to change an existing one's


class TranscriptMixin:
    def save_transcript(
        self,
        interview: str,
        text: str,
        turns: Sequence = (),
        source: str = "",
        fmt: str = "md",
        interviewer: str | None = None,
        actor: str | None = None,
    ) -> None:
        """Store one interview's transcript and turns (see `save_transcripts`)."""
        item = NewTranscript(interview, text, tuple(turns), source, fmt, interviewer)
        self.save_transcripts([item], actor)

    def save_transcripts(self, items: Iterable[NewTranscript], actor: str | None = None) -> None:
        """Store transcripts with their turns in one transaction: all of them or none.

        An interview without a row gets one (status 'held', interviewed by `interviewer` on
        `date`); an existing one takes an `interviewer` or `date` given, and a planned one
        becomes 'held'. A transcript replaces an earlier one only when no coding or note points
        into the earlier text.
        """
        with self._write() as con:
            for item in items:
                _check(item)
                _require_people(con, [item.interviewer, *(t.person for t in item.turns)])
                created = _ensure_interview(con, item)
                replaced = _replace_transcript(con, item)
                insert_turns(con, item.interview, item.turns)
                detail = {
                    "source": item.source,
                    "format": item.format,
                    "characters": len(item.text),
                    "turns": len(item.turns),
                    "speakers": _speakers(item.turns),
                    "created_interview": created,
                    "replaced": replaced,
                }
                self._log(con, "import", "transcript", item.interview, detail, actor)

    def turns(self, interview: str) -> pd.DataFrame:
        """One interview's turns in order: speaker, person, span, times and the words spoken."""
        text = self.transcript(interview)
        turns = self._frame(
            'SELECT position, speaker, person, start, "end", time_start, time_end FROM turn '
            "WHERE interview = ? ORDER BY position",
            (interview,),
        )
        turns["text"] = [
            text[start:end] for start, end in zip(turns["start"], turns["end"], strict=True)
        ]
        return turns

    def set_speaker(
        self, interview: str, speaker: str, person: str | None, actor: str | None = None
    ) -> int:
        """Say who a speaker label is (None: no one) for every turn of it; returns how many."""
        person = person or None
        with self._write() as con:
            rows = con.execute(
                "SELECT DISTINCT person FROM turn WHERE interview = ? AND speaker = ?",
                (interview, speaker),
            ).fetchall()
            if not rows:
                known = [r[0] for r in con.execute(
                    "SELECT DISTINCT speaker FROM turn WHERE interview = ? ORDER BY speaker",
                    (interview,),
                )]  # fmt: skip
                raise NotFound(
                    f"interview '{interview}' has no turns of speaker '{speaker}'"
                    + (f"; its speakers are: {', '.join(known)}" if known else "")
                )
            if (
                person
                and not con.execute("SELECT 1 FROM person WHERE id = ?", (person,)).fetchone()
            ):
                raise NotFound(f"person '{person}' is not in this cohort's store")
            changed = con.execute(
                "UPDATE turn SET person = ? WHERE interview = ? AND speaker = ?",
                (person, interview, speaker),
            ).rowcount
            was = sorted(r[0] or "" for r in rows)
            detail = {"speaker": speaker, "person": person, "was": was, "turns": changed}
            self._log(con, "update", "turn", interview, detail, actor)
        return changed


def _check(item: NewTranscript) -> None:
    """The text is not empty and every turn lies inside it, in order."""
    Transcript(item.interview, item.source, item.text)
    previous = 0
    for position, turn in enumerate(item.turns):
        if not 0 <= turn.start <= turn.end <= len(item.text) or turn.start < previous:
            raise ValidationError(
                f"turns[{position}]",
                f"a span in order within the text of {len(item.text)} characters",
                (turn.start, turn.end),
            )
        previous = turn.start


def _require_people(con: sqlite3.Connection, ids: Iterable[str | None]) -> None:
    for person in sorted({i for i in ids if i}):
        if not con.execute("SELECT 1 FROM person WHERE id = ?", (person,)).fetchone():
            raise NotFound(f"person '{person}' is not in this cohort's store")


def _ensure_interview(con: sqlite3.Connection, item: NewTranscript) -> bool:
    """Make the interview's row if missing (True), or move a planned one to held."""
    role = con.execute("SELECT role FROM person WHERE id = ?", (item.interview,)).fetchone()
    if role is None:
        raise NotFound(f"participant '{item.interview}' is not in this cohort's store")
    if role[0] != Role.PARTICIPANT:
        raise ValidationError("interview", "a participant's id", item.interview, f"a {role[0]}")
    row = con.execute(
        "SELECT status FROM interview WHERE participant = ?", (item.interview,)
    ).fetchone()
    if row is None:
        if not item.interviewer:
            raise StoreError(
                f"interview '{item.interview}' is not in the store and no interviewer was given"
            )
        con.execute(
            "INSERT INTO interview (participant, interviewer, date, status) VALUES (?, ?, ?, ?)",
            (item.interview, item.interviewer, item.date, InterviewStatus.HELD.value),
        )
        return True
    for column in ("interviewer", "date"):  # given for an existing row: what it should say
        if getattr(item, column):
            con.execute(
                f"UPDATE interview SET {column} = ? WHERE participant = ?",
                (getattr(item, column), item.interview),
            )
    if row[0] == InterviewStatus.PLANNED:
        con.execute(
            "UPDATE interview SET status = ? WHERE participant = ?",
            (InterviewStatus.HELD.value, item.interview),
        )
    return False


def _replace_transcript(con: sqlite3.Connection, item: NewTranscript) -> bool:
    """Write the transcript; an earlier one goes with its turns and uncoded fragments."""
    if not con.execute(
        "SELECT 1 FROM transcript WHERE interview = ?", (item.interview,)
    ).fetchone():
        con.execute(
            "INSERT INTO transcript (interview, source, text, format, imported_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (item.interview, item.source, item.text, item.format, now()),
        )
        return False
    codings, notes = con.execute(
        "SELECT (SELECT count(*) FROM coding c JOIN fragment f ON f.id = c.fragment "
        "        WHERE f.interview = ?), "
        "(SELECT count(*) FROM note_fragment n JOIN fragment f ON f.id = n.fragment "
        " WHERE f.interview = ?)",
        (item.interview, item.interview),
    ).fetchone()
    if codings or notes:
        raise StoreError(refusal(item.interview, codings, notes))
    con.execute("DELETE FROM turn WHERE interview = ?", (item.interview,))
    con.execute("DELETE FROM fragment WHERE interview = ?", (item.interview,))
    con.execute(
        "UPDATE transcript SET source = ?, text = ?, format = ?, imported_at = ? "
        "WHERE interview = ?",
        (item.source, item.text, item.format, now(), item.interview),
    )
    return True


def refusal(interview: str, codings: int, notes: int = 0) -> str:
    """Why a transcript with codings is not replaced, and what to do instead."""
    what = f"{codings} coding(s)" + (f" and {notes} note link(s)" if notes else "")
    return (
        f"interview '{interview}' already has a transcript with {what} pointing into it; "
        "a new text would leave them pointing at the wrong words, so it is not replaced "
        "(keep the transcript as it is, or rebuild the store from the cohort folder with "
        "`ww init --replace` if the codings may go)"
    )


def insert_turns(con: sqlite3.Connection, interview: str, turns: Iterable) -> None:
    """Insert an interview's turns, numbered from 0, inside the caller's transaction."""
    con.executemany(
        'INSERT INTO turn (interview, position, speaker, person, start, "end", time_start, '
        "time_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (interview, i, t.speaker, t.person, t.start, t.end, t.time_start, t.time_end)
            for i, t in enumerate(turns)
        ],
    )


def _speakers(turns: Iterable) -> dict[str, str | None]:
    return {t.speaker: t.person for t in turns}
