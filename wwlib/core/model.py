"""The PAR data model: plain records of a Wij-Werken Week, validated when they are made.

Every record checks its own fields and raises `ValidationError` naming the field, what it must
be and what it got. References between records (a coding's code, a task's owner) are checked by
the dataset loader and by the store's foreign keys.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum

from wwlib.core.checks import (  # noqa: F401 (re-exported: the model's checks, as before)
    COLOUR,
    MAX_DOTS,
    MAX_OCCURRENCE,
    MAX_ROUND,
    MAX_SECONDS,
    MAX_TURN,
    SLUG,
    TIME,
    check_choice,
    check_colour,
    check_count,
    check_seconds,
    check_slug,
    check_text,
    check_time,
    slugify,
)
from wwlib.core.duedate import DueDate
from wwlib.core.errors import ValidationError


class Role(StrEnum):
    PARTICIPANT = "participant"
    FACILITATOR = "facilitator"
    SUPPORT = "support"


class Phase(StrEnum):
    LOOK = "look"
    THINK = "think"
    ACT = "act"


class Category(StrEnum):
    SUCCESS_FACTOR = "success_factor"
    THEME = "theme"
    IDEA_OR_NEED = "idea_or_need"
    OBSTACLE = "obstacle"
    WAY_TO_DEAL = "way_to_deal"


class InterviewStatus(StrEnum):
    PLANNED = "planned"
    HELD = "held"
    CODED = "coded"


class BoardKind(StrEnum):
    KICKOFF = "kickoff"
    IDEAS = "ideas"
    THEME = "theme"
    INTEGRATION = "integration"
    OTHER = "other"


class PlanKind(StrEnum):
    THEME = "theme"
    INTEGRATION = "integration"


class TaskStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


# The week's colours: themes green, obstacles yellow, ways to deal purple.
CATEGORY_COLOURS = {
    Category.SUCCESS_FACTOR: "#4a90d9",
    Category.THEME: "#5cb85c",
    Category.IDEA_OR_NEED: "#c9a0dc",
    Category.OBSTACLE: "#f5d033",
    Category.WAY_TO_DEAL: "#8e5ea2",
}
OTHER_NOTE_COLOUR = "#d9d9d9"
NOTE_CATEGORIES = [c.value for c in Category] + ["other"]
ALL_PARTICIPANTS = "@participants"


def category_colour(category: str) -> str:
    """The week's colour for a codebook or note category."""
    return CATEGORY_COLOURS.get(category, OTHER_NOTE_COLOUR)


@dataclass(frozen=True)
class Cohort:
    id: str
    title: str
    municipalities: tuple[str, ...]
    start: dt.date
    end: dt.date
    language: str = "nl"
    research_question: str = ""
    prioritised_themes: tuple[str, ...] = ()
    source: str = ""
    mentioned_names: tuple[str, ...] = ()  # names in transcripts of people outside the cohort
    interview_guide: tuple[str, ...] = ()  # Tuesday's questions, in the order they are asked
    never_replace: tuple[str, ...] = ()  # words pseudonymisation keeps (a place, also a surname)
    min_group: int = 3  # pseudonymised, no group of fewer people is shown
    retention: dt.date | None = None  # keep personal data until this date, then `ww purge`

    def __post_init__(self):
        check_slug("id", self.id)
        check_text("title", self.title)
        if not self.municipalities or not all(str(m).strip() for m in self.municipalities):
            raise ValidationError(
                "municipalities", "a list of one or more names", self.municipalities
            )
        if self.end < self.start:
            raise ValidationError("end", f"on or after start {self.start}", str(self.end))
        if self.language not in ("nl", "en"):
            raise ValidationError("language", "nl or en", self.language)
        for theme in self.prioritised_themes:
            check_slug("prioritised_themes", theme)
        for question in self.interview_guide:
            check_text("interview_guide", question)
        for word in self.never_replace:
            check_text("never_replace", word)
        if isinstance(self.min_group, bool) or not isinstance(self.min_group, int):
            raise ValidationError("min_group", "a whole number of people", self.min_group)
        if not 1 <= self.min_group <= 100:
            raise ValidationError("min_group", "between 1 and 100", self.min_group, "default 3")
        if self.retention is not None and self.retention < self.end:
            raise ValidationError(
                "retention", f"on or after the week's end {self.end}", str(self.retention)
            )


@dataclass(frozen=True)
class FocusGroup:
    """Participants who work out some of the shortlisted themes together on Thursday."""

    id: str
    name: str
    members: tuple[str, ...] = ()  # person ids, in the order given
    themes: tuple[str, ...] = ()  # code ids of shortlisted themes

    def __post_init__(self):
        check_slug("id", self.id)
        check_text("name", self.name)
        for member in self.members:
            check_slug("members", member)
        for theme in self.themes:
            check_slug("themes", theme)


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    role: str
    pseudonym: str
    organisation: str = ""
    municipality: str = ""
    function: str = ""
    consent_named: bool = False
    # consent on record (AVG): a recording of their interview, their words quoted in the
    # report, the day it was given (None: not on record) and what it covers, in words
    consent_recording: bool = False
    consent_quotes: bool = False
    consent_date: dt.date | None = None
    consent_covers: str = ""

    def __post_init__(self):
        check_slug("id", self.id)
        check_text("name", self.name)
        check_choice("role", self.role, Role)
        if not re.match(r"^[A-Za-z0-9-]{1,12}$", self.pseudonym or ""):
            raise ValidationError(
                "pseudonym", "a short code of letters and digits", self.pseudonym, "e.g. P01"
            )
        for name in ("consent_named", "consent_recording", "consent_quotes"):
            if not isinstance(getattr(self, name), bool):
                raise ValidationError(name, "ja or nee", getattr(self, name))
        if self.consent_date is not None and type(self.consent_date) is not dt.date:
            raise ValidationError(
                "consent_date", "a date YYYY-MM-DD", self.consent_date, "e.g. 2026-10-05"
            )
        check_text("consent_covers", self.consent_covers, required=False)

    def consented(self, kind: str) -> bool:
        """Consent on record to `kind` ('named', 'recording', 'quotes'): its field says yes
        and the day it was given is on record (`wwlib.core.consent`, for one person)."""
        return bool(getattr(self, f"consent_{kind}")) and self.consent_date is not None


@dataclass(frozen=True)
class Session:
    id: str
    date: dt.date
    phase: str
    activity: str
    start: str = ""
    end: str = ""

    def __post_init__(self):
        check_slug("id", self.id)
        check_choice("phase", self.phase, Phase)
        check_text("activity", self.activity)
        check_time("start", self.start)
        check_time("end", self.end)
        if self.start and self.end and self.end <= self.start:
            raise ValidationError("end", f"after start {self.start}", self.end)


@dataclass(frozen=True)
class Interview:
    participant: str
    interviewer: str
    status: str = InterviewStatus.PLANNED.value
    date: dt.date | None = None

    def __post_init__(self):
        check_slug("participant", self.participant)
        check_slug("interviewer", self.interviewer)
        check_choice("status", self.status, InterviewStatus)


@dataclass(frozen=True)
class Transcript:
    interview: str
    source: str
    text: str

    def __post_init__(self):
        if not self.text.strip():
            raise ValidationError("text", "a transcript with text", "", "the file is empty")


@dataclass(frozen=True)
class Code:
    id: str
    category: str
    name: str
    colour: str = ""
    parent: str = ""
    description: str = ""

    def __post_init__(self):
        check_slug("id", self.id)
        check_choice("category", self.category, Category)
        check_text("name", self.name)
        object.__setattr__(
            self, "colour", check_colour("colour", self.colour or category_colour(self.category))
        )
        if self.parent:
            check_slug("parent", self.parent)
            if self.parent == self.id:
                raise ValidationError("parent", "another code", self.parent)


@dataclass(frozen=True)
class Fragment:
    """A half-open span [start, end) of code points in one interview's transcript."""

    interview: str
    start: int
    end: int

    def __post_init__(self):
        if not (isinstance(self.start, int) and isinstance(self.end, int)):
            raise ValidationError(
                "start", "whole numbers for start and end", (self.start, self.end)
            )
        if not 0 <= self.start < self.end:
            raise ValidationError("end", "greater than start, start >= 0", (self.start, self.end))

    def check_within(self, text: str) -> None:
        """Raise if the span does not lie inside `text`."""
        if self.end > len(text):
            raise ValidationError("end", f"at most the transcript length {len(text)}", self.end)

    def quote(self, text: str) -> str:
        """The text the fragment points at."""
        return text[self.start : self.end]


@dataclass(frozen=True)
class Coding:
    fragment: Fragment
    code: str
    coder: str
    memo: str = ""

    def __post_init__(self):
        check_slug("code", self.code)
        check_slug("coder", self.coder)


@dataclass(frozen=True)
class Board:
    id: str
    title: str
    kind: str = BoardKind.OTHER.value
    theme: str = ""

    def __post_init__(self):
        check_slug("id", self.id)
        check_text("title", self.title)
        check_choice("kind", self.kind, BoardKind)
        if self.theme:
            check_slug("theme", self.theme)


@dataclass(frozen=True)
class Note:
    id: str
    board: str
    text: str
    category: str = "other"
    author: str = ""
    cluster: str = ""
    fragments: tuple[Fragment, ...] = ()  # the interview fragments it came from

    def __post_init__(self):
        check_slug("id", self.id)
        check_slug("board", self.board)
        check_text("text", self.text)
        if self.category not in NOTE_CATEGORIES:
            raise ValidationError("category", "one of " + ", ".join(NOTE_CATEGORIES), self.category)
        if self.author:
            check_slug("author", self.author)

    @property
    def colour(self) -> str:
        return category_colour(self.category)


@dataclass(frozen=True)
class Vote:
    round: int
    voter: str  # '' : a closed anonymous round's vote, whose voter the store forgot
    note: str
    dots: int = 1

    def __post_init__(self):
        check_count("round", self.round, MAX_ROUND)
        check_count("dots", self.dots, MAX_DOTS)
        if self.voter:
            check_slug("voter", self.voter)
        check_slug("note", self.note)


@dataclass(frozen=True)
class Task:
    id: str
    title: str
    owners: tuple[str, ...] = ()
    owner_note: str = ""
    due: DueDate | None = None
    status: str = TaskStatus.OPEN.value
    note: str = ""

    def __post_init__(self):
        check_slug("id", self.id)
        check_text("title", self.title)
        check_choice("status", self.status, TaskStatus)
        for owner in self.owners:
            if owner != ALL_PARTICIPANTS:
                check_slug("owners", owner)
        if len(set(self.owners)) != len(self.owners):
            raise ValidationError("owners", "a list without repeats", list(self.owners))


@dataclass(frozen=True)
class Step:
    title: str
    description: str = ""
    tasks: tuple[Task, ...] = ()
    feedback: bool = False  # the step is the feedback moment with the group

    def __post_init__(self):
        check_text("title", self.title)


@dataclass(frozen=True)
class Obstacle:
    obstacle: str
    way_to_deal: str = ""

    def __post_init__(self):
        check_text("obstacle", self.obstacle)


@dataclass(frozen=True)
class Plan:
    id: str
    kind: str
    title: str
    theme: str = ""
    goal: str = ""
    current: str = ""
    steps: tuple[Step, ...] = ()
    obstacles: tuple[Obstacle, ...] = ()
    helping_factors: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self):
        check_slug("id", self.id)
        check_choice("kind", self.kind, PlanKind)
        check_text("title", self.title)
        if self.kind == PlanKind.THEME and not self.theme:
            raise ValidationError("theme", "a theme code id for a plan of kind theme", self.theme)
        if self.theme:
            check_slug("theme", self.theme)


@dataclass(frozen=True)
class VoteRound:
    """A voting round as the facilitator opened it: on one board (or every board), a budget."""

    round: int
    board: str = ""  # '' : notes of every board
    budget: int = 5
    anonymous: bool = False
    status: str = "closed"
    opened_at: str = ""
    closed_at: str = ""
    voters: int | None = None  # a closed anonymous round's voters (its votes name none)

    def __post_init__(self):
        check_count("round", self.round, MAX_ROUND)
        check_count("budget", self.budget, MAX_DOTS)
        if self.voters is not None:
            check_count("voters", self.voters, MAX_ROUND)
        if self.board:
            check_slug("board", self.board)
        if self.status not in ("open", "closed"):
            raise ValidationError("status", "open or closed", self.status)


@dataclass(frozen=True)
class SavedTurn:
    """One speaker turn as the store knows it: who the file names, who that is, its times."""

    speaker: str
    person: str = ""  # a person id, '' when the speaker is no one of the cohort
    time_start: float | None = None  # seconds into the recording
    time_end: float | None = None

    def __post_init__(self):
        check_seconds("time_start", self.time_start)
        check_seconds("time_end", self.time_end)


@dataclass(frozen=True)
class MemoRecord:
    """A memo on a fragment, code, interview or the cohort; `fragment` is set for fragments."""

    target: str
    target_id: str
    text: str
    guid: str
    author: str = ""
    created_at: str = ""
    fragment: Fragment | None = None


@dataclass
class Guids:
    """GUIDs by natural key: person, code and interview ids, fragments, (fragment, code, coder)."""

    person: dict[str, str] = field(default_factory=dict)
    code: dict[str, str] = field(default_factory=dict)
    transcript: dict[str, str] = field(default_factory=dict)
    fragment: dict[Fragment, str] = field(default_factory=dict)
    coding: dict[tuple[Fragment, str, str], str] = field(default_factory=dict)
    cohort: str = ""
