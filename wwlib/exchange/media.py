"""`ww import media DIR FILE --person ID`: a recording for an interview the store already has.

The file is checked (a type a browser plays, within `limits.MEDIA_BYTES`) and copied beside
the store (`wwlib.cohorts.recordings`), never into the cohort folder; the store is not changed.
A recording that comes with its transcript is given as `ww import transcripts DIR FILE
--person ID --media RECORDING` (`wwlib.exchange.person_transcript`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from wwlib.cohorts.recordings import attach, check_consent, check_outside, check_recording
from wwlib.core.errors import NotFound
from wwlib.core.limits import size_text
from wwlib.exchange.transcripts import _open
from wwlib.store import Store

NO_TIMES = "the transcript has no times, so the recording plays from its start"
NO_TRANSCRIPT = "the interview has no transcript yet; import it to play passages and hits"


@dataclass(frozen=True)
class MediaImport:
    """What `import_media` kept; `str()` is what `ww import media` prints."""

    store: str
    interview: str
    recording: Path
    note: str = ""

    def __str__(self) -> str:
        size = size_text(self.recording.stat().st_size)
        lines = [
            f"recording of interview {self.interview} kept beside {self.store}: "
            f"{self.recording} ({size})"
        ]
        return "\n".join(lines + ([f"  note: {self.note}"] if self.note else []))


def import_media(
    folder: str | Path | None,
    file: str | Path,
    person: str,
    store: Store | str | Path | None = None,
) -> MediaImport:
    """Keep `file` as the recording of `person`'s interview, replacing an earlier one.

    Raises `FileRefused` for a file of another type, too large or no regular file,
    `NotFound` when the person has no interview and `ConsentError` when their consent to a
    recording is not on record; either way nothing is kept.
    """
    check_recording(file)
    target = _open(folder, store)
    try:
        check_outside(folder, target.path)
        interviews = target.interviews().set_index("participant")
        if person not in interviews.index:
            raise NotFound(
                f"'{person}' has no interview in {target.path} (give the id of an interviewee, "
                f"or import the transcript with its recording: ww import transcripts DIR FILE "
                f"--person {person} --media RECORDING); nothing was kept"
            )
        check_consent(target.people(), person)
        kept = attach(target.path, person, file)
        return MediaImport(str(target.path), person, kept, _note(target, interviews, person))
    finally:
        if target is not store:
            target.close()


def _note(store: Store, interviews, person: str) -> str:
    """What to know about playing it: no transcript, or one without times."""
    if not isinstance(interviews.loc[person, "transcript"], str):
        return NO_TRANSCRIPT
    return "" if store.turns(person)["time_start"].notna().any() else NO_TIMES
