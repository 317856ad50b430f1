"""Reading interviews.csv, the transcripts and codings.csv of a cohort folder."""

from __future__ import annotations

import os
from collections import defaultdict

from wwlib.core.control_chars import REMOVE_IT, first_control
from wwlib.core.errors import ValidationError
from wwlib.core.model import MAX_OCCURRENCE, Coding, Fragment, Interview, Role, Transcript
from wwlib.folder.files import as_date, as_int
from wwlib.folder.identity import parse_span


class InterviewReading:
    """The part of the dataset loader that reads interviews, transcripts and codings."""

    def _interviews(self) -> tuple[list[Interview], list[Transcript]]:
        name, interviews, transcripts, seen = "interviews.csv", [], [], set()
        for line, row in self._rows(name):
            try:
                day = as_date(row["date"], "date") if row["date"] else None
            except ValidationError as exc:
                self.problem(name, line, "date", str(exc))
                continue
            interview = self.build_row(name, line, Interview, row, date=day)
            if not interview or not self._unique(
                name, line, "participant", interview.participant, seen
            ):
                continue
            if self._person_problem(
                name, line, "participant", interview.participant, Role.PARTICIPANT
            ) | self._person_problem(name, line, "interviewer", interview.interviewer):
                continue
            interviews.append(interview)
            if row["transcript"]:
                transcript = self._transcript(name, line, interview, row["transcript"])
                if transcript:
                    transcripts.append(transcript)
                else:
                    self.unread_transcripts.add(interview.participant)
        return interviews, transcripts

    def _interview_doubtful(self, interview: str) -> bool:
        """Its row in interviews.csv or its transcript has a problem of its own, reported."""
        return interview in self.unread_transcripts or self.files.doubtful(
            "interviews.csv", "participant", interview
        )

    def _transcript(self, name, line, interview, relative: str) -> Transcript | None:
        path = (self.folder / relative).resolve()
        if not path.is_relative_to(self.folder.resolve()):
            self.problem(name, line, "transcript", f"'{relative}' lies outside the cohort folder")
            return None
        if not os.path.lexists(self.folder / relative):
            self.problem(
                name,
                line,
                "transcript",
                f"file '{relative}' does not exist",
                "put the transcript there or fix the path",
            )
            return None
        text = self.files.text(relative, required=True)  # says why a pipe or link is refused
        if text and (found := first_control(text)):
            line, column, char = found
            self.problem(
                relative,
                line,
                None,
                f"holds the control character {char} at column {column}",
                REMOVE_IT,
            )
            return None
        return Transcript(interview.participant, relative, text) if text else None

    def _codings(self, transcripts: list[Transcript]):
        name, codings = "codings.csv", []
        texts = {t.interview: t.text for t in transcripts}
        rows_by_interview: dict[str, list[Fragment]] = defaultdict(list)
        seen: dict[tuple, int] = {}
        for line, row in self._rows(name):
            interview = row["interview"]
            if interview not in texts and self._interview_doubtful(interview):
                continue
            if interview not in texts:
                self.problem(
                    name,
                    line,
                    "interview",
                    f"'{interview}' is not an interview with a transcript",
                    "add it to interviews.csv with a transcript file",
                )
                continue
            if self._dangling("codebook.csv", row["code"], self.codes):
                self.problem(name, line, "code", f"'{row['code']}' is not a code in codebook.csv")
                continue
            if self._person_problem(name, line, "coder", row["coder"]):
                continue
            fragment = self._locate(name, line, interview, texts[interview], row)
            coding = fragment and self.build(
                name,
                line,
                Coding,
                fragment=fragment,
                code=row["code"],
                coder=row["coder"],
                memo=row["memo"],
            )
            key = (fragment, row["code"], row["coder"])
            if coding and key in seen:
                self.problem(
                    name,
                    line,
                    "quote",
                    f"repeats the coding of line {seen[key]}",
                    "remove one of the two rows",
                )
            elif coding:
                seen[key] = line
                codings.append(coding)
                rows_by_interview[interview].append(fragment)
        return codings, rows_by_interview

    def _locate(self, name, line, interview, text, row) -> Fragment | None:
        if row["span"]:  # start-end: a fragment that begins or ends with white space
            return self._span(name, line, interview, text, row)
        quote = row["quote"]
        if not quote:
            self.problem(name, line, "quote", "is empty", "copy the coded text from the transcript")
            return None
        try:
            occurrence = as_int(row["occurrence"], "occurrence", 1, MAX_OCCURRENCE, default=1)
        except ValidationError as exc:
            self.problem(
                name, line, "occurrence", str(exc), "leave it empty for the first place it occurs"
            )
            return None
        start = -1
        for _ in range(occurrence):
            start = text.find(quote, start + 1)
            if start < 0:
                break
        if start < 0:
            self.problem(
                name,
                line,
                "quote",
                f"text not found in the transcript of '{interview}'"
                + (f" {occurrence} times" if occurrence > 1 else ""),
                "copy it exactly from the transcript, same spaces and punctuation",
            )
            return None
        return Fragment(interview, start, start + len(quote))

    def _span(self, name, line, interview, text, row) -> Fragment | None:
        fragment = parse_span(f"{interview}:{row['span']}", {interview: text})
        if fragment is None:
            self.problem(
                name,
                line,
                "span",
                f"'{row['span']}' is not start-end inside the transcript of '{interview}'",
                "leave span empty and give the quote alone",
            )
        elif text[fragment.start : fragment.end].strip() != row["quote"]:
            self.problem(
                name,
                line,
                "span",
                f"the text at {row['span']} is not the quote",
                "leave span empty when the transcript was edited",
            )
            return None
        return fragment
