"""Reading what `ww save` keeps in a cohort folder beside what people type: the speaker turns
of each transcript (turns.csv), memos (memos.csv) and the GUIDs of REFI-QDA exchange (guids.csv).

People rarely edit these files; they make a folder written by `ww save` load into a store with
the same content. A fragment is written `interview:start-end` (code points, half-open).
"""

from __future__ import annotations

import re
from dataclasses import replace

from wwlib.core.errors import ValidationError
from wwlib.core.model import (
    MAX_TURN,
    Fragment,
    Guids,
    MemoRecord,
    SavedTurn,
    Transcript,
    check_seconds,
)
from wwlib.folder.files import as_int
from wwlib.transcripts.plain import parse_text
from wwlib.transcripts.records import Turn
from wwlib.transcripts.speakers import SpeakerIndex, map_speakers, with_people

MEMO_TARGETS = ("fragment", "code", "interview", "cohort")
GUID_KINDS = ("cohort", "person", "code", "transcript", "fragment", "coding")
GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
SPAN = re.compile(r"^([a-z0-9][a-z0-9-]*):([0-9]{1,10})-([0-9]{1,10})$")  # int() stays cheap


def span_text(fragment: Fragment) -> str:
    """A fragment as the folder writes it: `interview:start-end`."""
    return f"{fragment.interview}:{fragment.start}-{fragment.end}"


def parse_span(text: str, texts: dict[str, str]) -> Fragment | None:
    """The fragment `interview:start-end` names, if it lies inside that interview's text."""
    match = SPAN.match(text.strip())
    if not match or match[1] not in texts:
        return None
    start, end = int(match[2]), int(match[3])
    return Fragment(match[1], start, end) if 0 <= start < end <= len(texts[match[1]]) else None


def _seconds(value: str, name: str) -> float | None:
    if value == "":
        return None
    try:
        seconds = float(value)
    except ValueError:
        raise ValidationError(name, "seconds into the recording, e.g. 12.5", value) from None
    return check_seconds(name, seconds)


class IdentityReading:
    """The part of the dataset loader that reads turns.csv, memos.csv and guids.csv."""

    def _turns(self, transcripts: list[Transcript]) -> dict[str, list[SavedTurn]]:
        name, turns, lines = "turns.csv", {}, {}
        texts = {t.interview: t for t in transcripts}
        for line, row in self._rows(name):
            interview = row["interview"]
            if interview not in texts:
                self.problem(
                    name, line, "interview", f"'{interview}' is not an interview with a transcript"
                )
                continue
            if row["person"] and self._person_problem(name, line, "person", row["person"]):
                continue
            try:
                number = as_int(row["turn"], "turn", 1, MAX_TURN)
                turn = SavedTurn(
                    row["speaker"],
                    row["person"],
                    _seconds(row["time_start"], "time_start"),
                    _seconds(row["time_end"], "time_end"),
                )
            except ValidationError as exc:
                self.problem(name, line, exc.field, str(exc))
                continue
            if number != len(turns.get(interview, [])) + 1:
                self.problem(name, line, "turn", f"must be {len(turns.get(interview, [])) + 1}")
                continue
            turns.setdefault(interview, []).append(turn)
            lines.setdefault(interview, line)
        for interview, saved in turns.items():
            self._check_turns(name, lines[interview], texts[interview], saved)
        return turns

    def _check_turns(self, name, line, transcript: Transcript, saved: list[SavedTurn]) -> None:
        speakers = [t.speaker for t in parse_text(transcript.text, transcript.source).turns]
        if speakers != [t.speaker for t in saved]:
            self.problem(
                name,
                line,
                "speaker",
                f"the turns of '{transcript.interview}' ({len(saved)}) do not match its "
                f"transcript {transcript.source} ({len(speakers)} turns)",
                f"remove the rows of '{transcript.interview}' to map its speakers anew",
            )

    def _memos(self, ds) -> list[MemoRecord]:
        name, memos = "memos.csv", []
        texts = {t.interview: t.text for t in ds.transcripts}
        known = {
            "code": {c.id for c in ds.codes},
            "interview": {i.participant for i in ds.interviews},
            "cohort": {ds.cohort.id} if ds.cohort else set(),
        }
        for line, row in self._rows(name):
            target, target_id = row["target"], row["target_id"]
            fragment = parse_span(target_id, texts) if target == "fragment" else None
            if target not in MEMO_TARGETS:
                self.problem(name, line, "target", f"must be one of {', '.join(MEMO_TARGETS)}")
            elif target == "fragment" and fragment is None:
                self.problem(
                    name,
                    line,
                    "target_id",
                    f"'{target_id}' is not a span of a transcript",
                    "write interview:start-end in code points of the interview's transcript",
                )
            elif target != "fragment" and target_id not in known[target]:
                self.problem(name, line, "target_id", f"'{target_id}' is not a {target} here")
            elif row["author"] and self._person_problem(name, line, "author", row["author"]):
                pass
            elif not row["text"]:
                self.problem(name, line, "text", "is empty", "write the memo or remove the row")
            else:
                memos.append(
                    MemoRecord(
                        target,
                        target_id,
                        row["text"],
                        row["guid"] if GUID.match(row["guid"]) else "",
                        row["author"],
                        row["created_at"],
                        fragment,
                    )
                )
        return memos

    def _guids(self, ds) -> Guids:
        """GUIDs of the rows that are still here; rows for things no longer in the folder go."""
        name, guids, seen = "guids.csv", Guids(), set()
        fragments = {c.fragment for c in ds.codings} | {f for n in ds.notes for f in n.fragments}
        fragments |= {m.fragment for m in ds.memos if m.fragment}
        spans = {span_text(f): f for f in fragments}
        codings = {f"{span_text(c.fragment)}|{c.code}|{c.coder}": c for c in ds.codings}
        places = {
            "person": (guids.person, {p.id for p in ds.people}),
            "code": (guids.code, {c.id for c in ds.codes}),
            "transcript": (guids.transcript, {t.interview for t in ds.transcripts}),
        }
        for line, row in self._rows(name):
            kind, key, guid = row["kind"], row["key"], row["guid"]
            if kind not in GUID_KINDS:
                self.problem(name, line, "kind", f"must be one of {', '.join(GUID_KINDS)}")
                continue
            if not GUID.match(guid) or guid.lower() in seen:
                self.problem(name, line, "guid", f"'{guid}' is not a new GUID", "leave it out")
                continue
            seen.add(guid.lower())
            if kind == "cohort":
                guids.cohort = guid if ds.cohort and key == ds.cohort.id else guids.cohort
            elif kind in places and key in places[kind][1]:
                places[kind][0][key] = guid
            elif kind == "fragment" and key in spans:
                guids.fragment[spans[key]] = guid
            elif kind == "coding" and key in codings:
                c = codings[key]
                guids.coding[(c.fragment, c.code, c.coder)] = guid
        return guids


def speaker_turns(ds) -> dict[str, list[Turn]]:
    """Every transcript's turns, speakers mapped to the cohort's people (the interview's own
    participant and interviewer first), with the corrections and times turns.csv kept."""
    people = SpeakerIndex(ds.people)
    interviewers = {i.participant: i.interviewer for i in ds.interviews}
    shown = {}
    for t in ds.transcripts:
        parsed = parse_text(t.text, t.source)
        prefer = (t.interview, interviewers[t.interview])
        turns = with_people(parsed.turns, map_speakers(parsed.speakers(), people, prefer))
        shown[t.interview] = with_saved(turns, ds.turns.get(t.interview))
    return shown


def with_saved(turns: list, saved: list | None) -> list:
    """Turns with the person and times a folder's turns.csv kept for them (checked to match)."""
    if not saved:
        return turns
    return [
        replace(
            turn, person=keep.person or None, time_start=keep.time_start, time_end=keep.time_end
        )
        for turn, keep in zip(turns, saved, strict=True)
    ]
