"""`ww import transcripts DIR FILE --person ID`: one file, whatever its name, for one person.

The file is read and checked, its interviewer, date and speakers are settled
(`wwlib.transcripts.assign`), and only then is it stored, with a new interview row if the
person has none, in one transaction. Any problem leaves the store as it was. A recording
given with it (`--media FILE`) is checked and copied beside the store first, and kept as the
interview's only once the transcript is stored (`wwlib.cohorts.recordings`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from wwlib.cohorts.assigned import assign_in, store_assigned
from wwlib.cohorts.recordings import (
    StagedRecording,
    check_consent,
    check_outside,
    check_recording,
)
from wwlib.exchange.media import NO_TIMES
from wwlib.exchange.transcripts import _open
from wwlib.store import Store
from wwlib.transcripts.assign import Assignment, speaker_options
from wwlib.transcripts.parse import parse_file
from wwlib.transcripts.records import FORMATS, FileProblem, ParsedTranscript, TranscriptError


@dataclass(frozen=True)
class PersonImport:
    """What one file became; `str()` is what `ww import transcripts --person` prints."""

    store: str
    parsed: ParsedTranscript
    assignment: Assignment
    recording: Path | None = None  # the recording kept beside the store, if one was given

    def __str__(self) -> str:
        a, p = self.assignment, self.parsed
        head = f"imported {p.source} into {self.store} → interview {a.person}"
        head += f"; {FORMATS[p.format]}; {len(p.turns)} turn(s)"
        head += "; new interview" if a.new_interview else ""
        lines = [head] + [f"  {note}" for note in a.notes()]
        lines += [f"  speaker {m}" for m in a.matches.values()]
        if self.recording is not None:
            lines.append(f"  recording {self.recording} (kept beside the store)")
            if not any(t.time_start is not None for t in p.turns):
                lines.append(f"  note: {NO_TIMES}")
        return "\n".join(lines + [f"  warning: {w}" for w in p.warnings])


def import_for_person(
    folder: str | Path | None,
    files: Iterable[str | Path],
    person: str,
    interviewer: str | None = None,
    date: str | None = None,
    speakers: Iterable[str] = (),
    store: Store | str | Path | None = None,
    media: str | Path | None = None,
) -> PersonImport:
    """Import one transcript file as `person`'s interview; raises `TranscriptError`, or
    `FileRefused` for a `media` recording that is not one a browser plays, or `ConsentError`
    when the person's consent to a recording is not on record (then nothing is stored)."""
    paths = [Path(f) for f in files]
    if len(paths) != 1:
        names = ", ".join(p.name for p in paths) or "none"
        raise TranscriptError(
            [FileProblem("--person", person, f"takes one file (got {len(paths)}: {names})",
                         "import each person's file with its own --person")]
        )  # fmt: skip
    by_hand = speaker_options(speakers)
    if media is not None:
        check_recording(media)
    parsed = parse_file(paths[0])
    target = _open(folder, store)
    staged = None
    try:
        assignment = assign_in(target, parsed, person, interviewer, date, by_hand)
        if media is not None:
            check_outside(folder, target.path)
            check_consent(target.people(), assignment.person)
            staged = StagedRecording(target.path, media)
        store_assigned(target, parsed, assignment)
        kept = staged.keep(assignment.person) if staged else None
        return PersonImport(str(target.path), parsed, assignment, kept)
    finally:
        if staged is not None:
            staged.discard()  # nothing when it was kept
        if target is not store:
            target.close()
