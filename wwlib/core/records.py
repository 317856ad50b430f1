"""The records that carry a cohort's rows between the store and the file formats.

`ExchangeContent` is what a store holds that a REFI-QDA project can carry (with every row's
GUID); `ExchangeRows` is what an import adds; `FolderRows` is everything a cohort folder holds.
The store reads and writes them; `wwlib.qdpx` and `wwlib.folder` turn them into files and back,
without a store.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wwlib.core.model import (
    Board,
    Code,
    Coding,
    Cohort,
    FocusGroup,
    Fragment,
    Guids,
    Interview,
    MemoRecord,
    Note,
    Person,
    Plan,
    SavedTurn,
    Session,
    Transcript,
    Vote,
    VoteRound,
)


@dataclass
class ExchangeContent:
    """What a store holds that a REFI-QDA project can carry, in the store's order."""

    cohort: Cohort | None = None
    cohort_guid: str = ""
    people: list[Person] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)
    codes: list[Code] = field(default_factory=list)
    interviews: list[Interview] = field(default_factory=list)
    transcripts: list[Transcript] = field(default_factory=list)
    formats: dict[str, str] = field(default_factory=dict)  # interview -> md | txt | ...
    fragments: list[Fragment] = field(default_factory=list)
    codings: list[Coding] = field(default_factory=list)
    memos: list[MemoRecord] = field(default_factory=list)
    guids: Guids = field(default_factory=Guids)


@dataclass
class ExchangeRows:
    """What an import adds; `guids` holds the GUID of every new row (fragments too)."""

    cohort: Cohort | None = None  # only for an empty store: the cohort row to make first
    sessions: list[Session] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    codes: list[Code] = field(default_factory=list)
    interviews: list[Interview] = field(default_factory=list)
    status_updates: dict[str, str] = field(default_factory=dict)  # interview -> new status
    transcripts: list[Transcript] = field(default_factory=list)
    codings: list[Coding] = field(default_factory=list)
    memos: list[MemoRecord] = field(default_factory=list)
    guids: Guids = field(default_factory=Guids)

    def counts(self) -> dict[str, int]:
        """How many rows of each kind this adds."""
        names = ("people", "codes", "interviews", "transcripts", "codings", "memos")
        return {name: len(getattr(self, name)) for name in names}


@dataclass
class FolderRows:
    """Everything of a store that its cohort folder holds, in the store's order."""

    content: ExchangeContent
    boards: list[Board] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    votes: list[Vote] = field(default_factory=list)  # one per round, voter and note: dots summed
    rounds: list[VoteRound] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)
    shortlist: list[str] = field(default_factory=list)
    focus_groups: list[FocusGroup] = field(default_factory=list)
    turns: dict[str, list[SavedTurn]] = field(default_factory=dict)  # interview -> turns
