"""A transcript given to a person by hand, settled against a cohort's store and written to it.

Shared by `ww import transcripts --person` (`wwlib.exchange`) and the dashboard's upload panel
(`wwlib.ui.upload`); the checks themselves are `wwlib.transcripts.assign`.
"""

from __future__ import annotations

from collections.abc import Mapping

from wwlib.store import Store
from wwlib.store.transcripts import NewTranscript
from wwlib.transcripts.assign import Assignment, assign
from wwlib.transcripts.records import ParsedTranscript


def store_assigned(store: Store, parsed: ParsedTranscript, assignment: Assignment) -> None:
    """Write the file's text and mapped turns, and the interview row if it is new."""
    date = assignment.date.isoformat() if assignment.date else None
    store.save_transcripts(
        [
            NewTranscript(
                assignment.person,
                parsed.text,
                assignment.turns(parsed),
                parsed.source,
                parsed.format,
                assignment.interviewer,
                date,
            )
        ]
    )


def assign_in(
    store: Store,
    parsed: ParsedTranscript,
    person: str,
    interviewer: str | None = None,
    date: str | None = None,
    speakers: Mapping[str, str] | None = None,
) -> Assignment:
    """`assign` with what the store holds: people, interviews, programme, the week's start."""
    return assign(
        parsed,
        store.people(),
        store.interviews(),
        store.sessions(),
        store.cohort().start,
        person,
        interviewer,
        date,
        speakers,
    )
