"""Which interview a transcript file belongs to, and who interviewed when the store has no row.

A file belongs to the participant its name holds (the id or pseudonym: `p01.vtt`,
`ineke-verhoeven.docx`); failing that, to the one participant who speaks in it. The interviewer
of a new interview row is the facilitator who speaks, or the cohort's only facilitator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from wwlib.core.model import Role
from wwlib.transcripts.records import FileProblem
from wwlib.transcripts.speakers import SpeakerMatch, fold


@dataclass(frozen=True)
class Placement:
    """The interview a file belongs to; `interviewer` only when the interview is new."""

    interview: str
    by: str  # "file name" or "speaker"
    interviewer: str | None = None
    warnings: tuple[str, ...] = ()


class Placer:
    """Places files among one cohort's participants and interviews."""

    def __init__(self, people: pd.DataFrame, interviews: pd.DataFrame):
        self.roles = dict(zip(people["id"], people["role"], strict=True))
        self.interviewers = dict(
            zip(interviews["participant"], interviews["interviewer"], strict=True)
        )
        participants = people[people["role"] == Role.PARTICIPANT]
        self._owner = {_slug(p.id): p.id for p in participants.itertuples()}
        self._owner |= {_slug(p.pseudonym): p.id for p in participants.itertuples()}
        self._longest = max((key.count("-") + 1 for key in self._owner), default=0)
        self._example = participants.iloc[0] if len(participants) else None

    def place(self, source: str, matches: dict[str, SpeakerMatch]) -> Placement | FileProblem:
        """Where the file goes, or the problem that says how to make that clear."""
        speaking = sorted(
            {m.person for m in matches.values() if self.roles.get(m.person) == Role.PARTICIPANT}
        )
        found = self._which(source, speaking)
        if isinstance(found, FileProblem):
            return found
        interview, by = found
        warnings = ()
        if speaking and interview not in speaking:
            warnings = (
                f"the file name says {interview}, but {', '.join(speaking)} speak(s) in it; "
                "it was filed under the file name",
            )
        if interview in self.interviewers:
            return Placement(interview, by, None, warnings)
        interviewer = self._interviewer(matches)
        if interviewer is None:
            return FileProblem(
                source,
                "speakers",
                f"starts a new interview for {interview}, but who interviewed is unclear",
                "add the interview to interviews.csv, or let the interviewer speak in the "
                "transcript under their name in people.csv",
            )
        return Placement(interview, by, interviewer, warnings)

    def _which(self, source: str, speaking: list[str]) -> tuple[str, str] | FileProblem:
        """(interview, "file name" or "speaker"): the file name first, then who speaks."""
        named = self.named_in(source)
        if len(named) == 1:
            return named[0], "file name"
        if named:
            message = f"names several participants ({', '.join(named)})"
            return FileProblem(source, "file name", message, self._fix(source))
        if len(speaking) == 1:
            return speaking[0], "speaker"
        why = (
            f"several participants speak in it ({', '.join(speaking)})"
            if speaking
            else "no participant of the cohort speaks in it under a name the workbook knows"
        )
        message = f"does not say whose interview it is: {why}"
        return FileProblem(source, "file name and speakers", message, self._fix(source))

    def named_in(self, source: str) -> list[str]:
        """Participants whose id or pseudonym is a run of whole words of the file's name."""
        words = _slug(Path(source).stem).split("-")
        runs = (
            "-".join(words[start:end])
            for start in range(len(words))
            for end in range(start + 1, min(start + self._longest, len(words)) + 1)
        )
        return sorted({self._owner[run] for run in runs if run in self._owner})

    def _interviewer(self, matches: dict[str, SpeakerMatch]) -> str | None:
        """The one facilitator (else support) who speaks, or the cohort's only facilitator."""
        for role in (Role.FACILITATOR, Role.SUPPORT):
            speaking = {m.person for m in matches.values() if self.roles.get(m.person) == role}
            if len(speaking) == 1:
                return speaking.pop()
        facilitators = [p for p, role in self.roles.items() if role == Role.FACILITATOR]
        return facilitators[0] if len(facilitators) == 1 else None

    def _fix(self, source: str) -> str:
        suffix = Path(source).suffix
        if self._example is None:
            return "add the participant to people.csv first"
        return (
            f"import it with --person ID (e.g. --person {self._example.id}), or rename the file "
            "to the participant's id or pseudonym, e.g. "
            f"{self._example.id}{suffix} or {self._example.pseudonym.lower()}{suffix}"
        )


def _slug(text: str) -> str:
    """Lower case ASCII-ish words joined by '-', as ids are written ("Chloë P01" -> "chloe-p01")."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
