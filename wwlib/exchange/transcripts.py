"""`ww import transcripts COHORT_DIR FILE...`: read every file, check everything, then store.

All or nothing: every file is read and placed first, every problem is reported at once in a
`TranscriptError`, and only then are all transcripts written in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from wwlib.cohorts.home import open_cohort_store
from wwlib.store import Store
from wwlib.store.transcripts import NewTranscript, refusal
from wwlib.transcripts.parse import parse_file
from wwlib.transcripts.placement import Placement, Placer
from wwlib.transcripts.records import FORMATS, FileProblem, ParsedTranscript, TranscriptError
from wwlib.transcripts.speakers import SpeakerIndex, SpeakerMatch, map_speakers, with_people

FIX_SPEAKERS = (
    "speakers that are not mapped, or mapped wrongly, can be corrected in the interviews "
    "notebook (SpeakerMap) or with Store.set_speaker"
)


@dataclass(frozen=True)
class FileSummary:
    """What one file became: its interview, format, turns and speakers."""

    file: str
    interview: str
    placed_by: str
    format: str
    turns: int
    speakers: tuple[SpeakerMatch, ...]
    times: tuple[float, float] | None
    warnings: tuple[str, ...]
    new_interview: bool
    replaces: bool  # an earlier transcript of the interview (without codings) was replaced

    def __str__(self) -> str:
        head = (
            f"{self.file} → interview {self.interview} (found by {self.placed_by}); "
            f"{FORMATS[self.format]}; {self.turns} turn(s)"
        )
        if self.times:
            head += f", {_clock(self.times[0])}-{_clock(self.times[1])}"
        if self.new_interview:
            head += "; new interview"
        if self.replaces:
            head += "; replaces the earlier transcript"
        lines = [head] + [f"      speaker {m}" for m in self.speakers]
        return "\n".join(lines + [f"      warning: {w}" for w in self.warnings])


@dataclass(frozen=True)
class ImportSummary:
    """The outcome of an import; `str()` is what `ww import transcripts` prints."""

    store: str
    files: tuple[FileSummary, ...]

    @property
    def unmapped(self) -> list[str]:
        return [m.label for f in self.files for m in f.speakers if m.label and not m.person]

    def __str__(self) -> str:
        lines = [f"imported {len(self.files)} transcript(s) into {self.store}:"]
        lines += [f"  - {f}" for f in self.files]
        if self.unmapped:
            lines.append(f"{len(self.unmapped)} speaker(s) not mapped to a person; {FIX_SPEAKERS}")
        return "\n".join(lines)


def import_files(
    folder: str | Path | None, files: Iterable[str | Path], store: Store | str | Path | None = None
) -> ImportSummary:
    """Import transcript files into a cohort's interviews, all or nothing.

    `store` is an open `Store` (a notebook's `wb.store`), a store path, or None for the cohort
    folder's default store. Raises `TranscriptError` listing every problem of every file.
    """
    paths = [Path(f) for f in files]
    if not paths:
        raise TranscriptError([FileProblem("ww import transcripts", "", "no file was given")])
    parsed, problems = [], []
    for path in paths:
        try:
            parsed.append(parse_file(path))
        except TranscriptError as exc:
            problems += exc.problems
    target = _open(folder, store)
    try:
        items, summaries, more = _prepare(target, parsed)
        if problems or more:
            raise TranscriptError(problems + more, "nothing was imported")
        target.save_transcripts(items)
        return ImportSummary(str(target.path), tuple(summaries))
    finally:
        if target is not store:
            target.close()


def _open(folder: str | Path | None, store: Store | str | Path | None) -> Store:
    """The store to import into: the one given, the file given, or the folder's own."""
    if isinstance(store, Store):
        return store
    if folder is None:
        if store is None:
            raise TranscriptError([FileProblem("ww import transcripts", "", "no store was given")])
        return Store(store, actor="ww import")
    return open_cohort_store(folder, store, "ww import")


def _prepare(
    store: Store, parsed: list[ParsedTranscript]
) -> tuple[list[NewTranscript], list[FileSummary], list[FileProblem]]:
    """Place and map every parsed file: (store records, summaries, problems)."""
    people, interviews = store.people(), store.interviews()
    index, placer = SpeakerIndex(people.itertuples()), Placer(people, interviews)
    codings = dict(zip(interviews["participant"], interviews["codings"], strict=True))
    has_text = set(interviews.loc[interviews["transcript"].notna(), "participant"])
    items, summaries, problems, seen = [], [], [], {}
    for transcript in parsed:
        matches = map_speakers(transcript.speakers(), index)
        placed = placer.place(transcript.source, matches)
        if isinstance(placed, FileProblem):
            problems.append(placed)
            continue
        interview = placed.interview
        if interview in seen:
            problems.append(_twice(transcript.source, seen[interview], interview))
            continue
        seen[interview] = transcript.source
        if codings.get(interview):
            problems.append(
                FileProblem(
                    transcript.source,
                    f"interview {interview}",
                    refusal(interview, codings[interview]),
                )
            )
            continue
        prefer = {interview, placed.interviewer or placer.interviewers.get(interview)}
        matches = map_speakers(transcript.speakers(), index, prefer)
        items.append(_record(transcript, placed, matches))
        summaries.append(_summary(transcript, placed, matches, interview in has_text))
    return items, summaries, problems


def _twice(source: str, first: str, interview: str) -> FileProblem:
    return FileProblem(
        source,
        "file name",
        f"belongs to interview {interview}, like {first}",
        "import one transcript per interview",
    )


def _record(transcript: ParsedTranscript, placed: Placement, matches) -> NewTranscript:
    return NewTranscript(
        placed.interview,
        transcript.text,
        with_people(transcript.turns, matches),
        transcript.source,
        transcript.format,
        placed.interviewer,
    )


def _summary(
    transcript: ParsedTranscript, placed: Placement, matches, replaces: bool
) -> FileSummary:
    timed = [t for t in transcript.turns if t.time_start is not None]
    starts = [t.time_start for t in timed]
    ends = [t.time_start if t.time_end is None else t.time_end for t in timed]
    return FileSummary(
        transcript.source,
        placed.interview,
        placed.by,
        transcript.format,
        len(transcript.turns),
        tuple(matches.values()),
        (min(starts), max(ends)) if starts else None,
        transcript.warnings + placed.warnings,
        placed.interviewer is not None,
        replaces,
    )


def _clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600:d}:{whole // 60 % 60:02d}:{whole % 60:02d}"
