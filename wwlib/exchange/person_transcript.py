"""`ww import transcripts DIR FILE --person ID`: one file, whatever its name, for one person.

The file is read and checked, its interviewer, date and speakers are settled
(`wwlib.transcripts.assign`), and only then is it stored, with a new interview row if the
person has none, in one transaction. Any problem leaves the store as it was.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from wwlib.cohorts.assigned import assign_in, store_assigned
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

    def __str__(self) -> str:
        a, p = self.assignment, self.parsed
        head = f"imported {p.source} into {self.store} → interview {a.person}"
        head += f"; {FORMATS[p.format]}; {len(p.turns)} turn(s)"
        head += "; new interview" if a.new_interview else ""
        lines = [head] + [f"  {note}" for note in a.notes()]
        lines += [f"  speaker {m}" for m in a.matches.values()]
        return "\n".join(lines + [f"  warning: {w}" for w in p.warnings])


def import_for_person(
    folder: str | Path | None,
    files: Iterable[str | Path],
    person: str,
    interviewer: str | None = None,
    date: str | None = None,
    speakers: Iterable[str] = (),
    store: Store | str | Path | None = None,
) -> PersonImport:
    """Import one transcript file as `person`'s interview; raises `TranscriptError`."""
    paths = [Path(f) for f in files]
    if len(paths) != 1:
        names = ", ".join(p.name for p in paths) or "none"
        raise TranscriptError(
            [FileProblem("--person", person, f"takes one file (got {len(paths)}: {names})",
                         "import each person's file with its own --person")]
        )  # fmt: skip
    by_hand = speaker_options(speakers)
    parsed = parse_file(paths[0])
    target = _open(folder, store)
    try:
        assignment = assign_in(target, parsed, person, interviewer, date, by_hand)
        store_assigned(target, parsed, assignment)
        return PersonImport(str(target.path), parsed, assignment)
    finally:
        if target is not store:
            target.close()
