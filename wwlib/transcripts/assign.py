"""A transcript file given to a person by hand: `ww import transcripts DIR FILE --person ID`.

The file's name does not matter (a Zoom download is `GMT20240415-090102_Recording.transcript.vtt`).
The interviewee, the interviewer and the date are the ones given, else taken from what the
cohort holds; every speaker label must map to a person (by the rules of `speakers`, or by a
`--speaker "LABEL=ID"`), otherwise nothing is stored and the problem lists, per label, the
closest names in people.csv and the exact `--speaker` option that completes the import.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from wwlib.core.limits import TRANSCRIPT_BYTES
from wwlib.core.model import Role
from wwlib.transcripts.parse import parse_bytes
from wwlib.transcripts.records import FileProblem, ParsedTranscript, TranscriptError, Turn
from wwlib.transcripts.speakers import SpeakerIndex, SpeakerMatch, clean, map_speakers, with_people

ZOOM_DATE = re.compile(r"GMT(\d{4})(\d{2})(\d{2})-\d{6}")
TITLES = {"dr", "drs", "mr", "ir", "ing", "prof", "mevr", "dhr", "mw", "ds"}
BY_HAND = "--speaker"


@dataclass(frozen=True)
class Assignment:
    """Whose interview a file is, who interviewed and when (and where each came from)."""

    person: str
    interviewer: str
    interviewer_from: str
    date: dt.date | None
    date_from: str
    new_interview: bool
    matches: dict[str, SpeakerMatch]

    def turns(self, parsed: ParsedTranscript) -> tuple[Turn, ...]:
        """The file's turns with each speaker's person filled in."""
        return with_people(parsed.turns, self.matches)

    def notes(self) -> list[str]:
        """What was taken from where, one line each, for the summary."""
        when = self.date.isoformat() if self.date else "none"
        return [
            f"interviewer {self.interviewer} ({self.interviewer_from})",
            f"date {when} ({self.date_from})",
        ]


def parse_upload(name: str, data: bytes) -> ParsedTranscript:
    """A file uploaded in the browser, refused above the limit every transcript file has."""
    if len(data) > TRANSCRIPT_BYTES:
        size, limit = len(data) // 2**20, TRANSCRIPT_BYTES // 2**20
        message = f"is {size} MB, more than a transcript file may be ({limit} MB)"
        raise _one(name, "", message, "upload the transcript as text (.vtt, .txt) or .docx")
    return parse_bytes(data, name)


def speaker_options(options: Iterable[str]) -> dict[str, str]:
    """`["Dr. P. Janssen=pieter-janssen"]` as {label: person id}; an empty id maps to no one."""
    mapped = {}
    for option in options:
        label, sep, person = option.rpartition("=")
        if not sep or not label.strip():
            raise TranscriptError(
                [FileProblem(BY_HAND, repr(option), "must read LABEL=ID",
                             'e.g. --speaker "Dr. P. Janssen=pieter-janssen"')]
            )  # fmt: skip
        mapped[label.strip()] = person.strip()
    return mapped


def assign(
    parsed: ParsedTranscript,
    people: pd.DataFrame,
    interviews: pd.DataFrame,
    programme: pd.DataFrame,
    start: dt.date,
    person: str,
    interviewer: str | None = None,
    date: str | dt.date | None = None,
    speakers: Mapping[str, str] | None = None,
) -> Assignment:
    """Check `person`, `interviewer`, `date` and every speaker; raises `TranscriptError`."""
    source, roles = parsed.source, dict(zip(people["id"], people["role"], strict=True))
    _known(source, "--person", person, people, Role.PARTICIPANT)
    rows = interviews.set_index("participant")
    row = rows.loc[person] if person in rows.index else None
    if interviewer:
        _known(source, "--interviewer", interviewer, people)
        chosen, taken = interviewer, "--interviewer"
    elif row is not None:
        chosen, taken = row["interviewer"], "the interview's row"
    else:
        facilitators = [p for p, role in roles.items() if role == Role.FACILITATOR]
        if not facilitators:
            raise _one(source, "--interviewer", "is needed: the cohort has no facilitator",
                       "give --interviewer ID")  # fmt: skip
        chosen, taken = facilitators[0], "the first facilitator in people.csv"
    when, when_from = _date(source, date, row, programme, start)
    matches = _speakers(parsed, people, {person, chosen}, speakers or {})
    return Assignment(person, chosen, taken, when, when_from, row is None, matches)


def closest(text: str, choices: Mapping[str, str], limit: int = 3) -> list[str]:
    """The keys of the `limit` choices whose (normalised) text is nearest to `text`."""
    from rapidfuzz import fuzz, process

    found = process.extract(
        _plain(text), {k: _plain(v) for k, v in choices.items()}, scorer=fuzz.WRatio, limit=limit
    )
    return [key for _, _, key in found]


def _plain(name: str) -> str:
    """A name as compared: folded, without brackets, dots or titles ("Dr. P. Janssen")."""
    return " ".join(w for w in clean(name).split() if w not in TITLES)


def _known(source: str, option: str, pid: str, people: pd.DataFrame, role: str = "") -> None:
    """The person exists (with `role`, if given), or a problem naming the closest ids."""
    names = dict(zip(people["id"], people["name"], strict=True))
    roles = dict(zip(people["id"], people["role"], strict=True))
    if pid in names and (not role or roles[pid] == role):
        return
    pool = {p: f"{p} {names[p]}" for p in names if not role or roles[p] == role}
    near = ", ".join(f"{p} ({names[p]})" for p in closest(pid, pool))
    what = f"is a {roles[pid]}, not a {role}" if pid in names else "is not in people.csv"
    raise _one(source, option, f"'{pid}' {what}", f"the closest ids: {near}" if near else "")


def _date(source, date, row, programme: pd.DataFrame, start: dt.date):
    """(date, where it came from): given, the row's, the file's, the week's Tuesday, the start."""
    if isinstance(date, dt.date):
        return date, "--date"
    if date:
        try:
            return dt.date.fromisoformat(date), "--date"
        except ValueError:
            fix = "write it as YYYY-MM-DD"
            raise _one(source, "--date", f"'{date}' is not a date", fix) from None
    if row is not None and isinstance(row["date"], str) and row["date"]:
        return dt.date.fromisoformat(row["date"]), "the interview's row, unchanged"
    if found := ZOOM_DATE.search(source):
        try:
            return dt.date(*map(int, found.groups())), "the file's name"
        except ValueError:
            pass
    days = sorted({dt.date.fromisoformat(str(d)[:10]) for d in programme.get("date", [])})
    tuesdays = [d for d in days if d.weekday() == 1]
    if tuesdays:
        return tuesdays[0], "the week's Tuesday in the programme"
    return start, "the cohort's start"


def _speakers(parsed, people, prefer: set[str], by_hand: Mapping[str, str]) -> dict:
    """Every label matched; a problem for each label by hand that is not in the file, each id
    not in people.csv, and each label still without a person."""
    labels = parsed.speakers()
    matches = map_speakers(labels, SpeakerIndex(people.itertuples()), prefer)
    problems = [
        FileProblem(parsed.source, BY_HAND, f"'{label}' does not speak in this file",
                    f"its speakers are: {', '.join(labels) or 'none'}")
        for label in by_hand if label not in matches
    ]  # fmt: skip
    names = dict(zip(people["id"], people["name"], strict=True))
    for label, pid in by_hand.items():
        if pid and pid not in names:
            near = ", ".join(closest(pid, {p: f"{p} {n}" for p, n in names.items()}))
            problems.append(FileProblem(parsed.source, BY_HAND, f"'{pid}' is not in people.csv",
                                        f"the closest ids: {near}"))  # fmt: skip
        elif label in matches:
            matches[label] = SpeakerMatch(label, pid or None, "by hand")
    unmapped = [m for m in matches.values() if not m.person and m.label not in by_hand]
    if problems:
        raise TranscriptError(problems, "nothing was imported")
    if unmapped:
        raise UnmappedSpeakers(parsed.source, unmapped, names)
    return matches


class UnmappedSpeakers(TranscriptError):
    """Speaker labels no rule maps to a person; `closest` holds, per label, the nearest ids."""

    def __init__(self, source: str, unmapped: list[SpeakerMatch], names: Mapping[str, str]):
        self.closest = {
            m.label: list(m.candidates[:3]) or closest(m.label, names) for m in unmapped
        }
        self.options = [_option(label, ids[0]) for label, ids in self.closest.items() if ids]
        problems = [
            FileProblem(
                source,
                f"speaker '{label}'",
                "is not a person of people.csv; closest: "
                + ", ".join(f"{names[p]} ({p})" for p in ids),
                f"add {_option(label, ids[0]) if ids else f'{BY_HAND} LABEL=ID'}, "
                f"or {_option(label, '')} for no one",
            )
            for label, ids in self.closest.items()
        ]
        outcome = "nothing was imported; to import it as these guesses have it, add " + " ".join(
            self.options
        )
        TranscriptError.__init__(self, problems, outcome)


def _option(label: str, pid: str) -> str:
    """`--speaker "LABEL=ID"`, quoted so that a shell passes it unchanged."""
    value = f"{label}={pid}"
    quoted = f'"{value}"' if not re.search(r'["$`\\!]', value) else shlex.quote(value)
    return f"{BY_HAND} {quoted}"


def _one(source: str, place: str, message: str, fix: str = "") -> TranscriptError:
    return TranscriptError([FileProblem(source, place, message, fix)], "nothing was imported")
