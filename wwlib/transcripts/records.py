"""What the transcript parsers produce, the one error they raise, and the text built from turns.

A `Turn` is a half-open span [start, end) of code points in the transcript text: the words
spoken, without the speaker's name. For .txt and .md files the text is the file's own; for
.docx and .vtt files it is built here from the turns, one "Speaker: text" paragraph per turn.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from wwlib.core.errors import WorkbookError

FORMATS = {
    "txt": "plain text",
    "md": "Markdown",
    "docx": "Word",
    "docx-teams": "Word (Microsoft Teams transcript)",
    "vtt-zoom": "Zoom WebVTT",
    "vtt-teams": "Microsoft Teams WebVTT",
}
TURN_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Turn:
    """One speaker's turn: who (as the file names them), where in the text, and when."""

    speaker: str
    start: int
    end: int
    time_start: float | None = None  # seconds from the start of the recording
    time_end: float | None = None
    person: str | None = None  # the cohort's person id, once mapped


@dataclass(frozen=True)
class ParsedTranscript:
    """A transcript file read into the text to store and its turns."""

    source: str  # the file's name
    format: str  # a key of FORMATS
    text: str
    turns: tuple[Turn, ...]
    warnings: tuple[str, ...] = ()

    def speakers(self) -> list[str]:
        """The speaker labels in order of first appearance (without the empty one)."""
        return [s for s in dict.fromkeys(t.speaker for t in self.turns) if s]


@dataclass(frozen=True)
class Segment:
    """A piece of speech read from a file, before consecutive pieces become one turn."""

    speaker: str
    text: str
    time_start: float | None = None
    time_end: float | None = None
    joiner: str = " "  # how this piece is joined to the previous one of the same turn
    joins: bool = True  # whether it joins a previous segment of the same speaker at all


@dataclass(frozen=True)
class FileProblem:
    """One thing wrong with one file: where, what, and how to fix it."""

    file: str
    place: str
    message: str
    fix: str = ""

    def __str__(self) -> str:
        where = f"{self.file}, {self.place}" if self.place else self.file
        text = f"{where}: {self.message}"
        return f"{text} ({self.fix})" if self.fix else text


class TranscriptError(WorkbookError):
    """Transcript files that cannot be imported; `problems` lists every one of them."""

    def __init__(self, problems: Iterable[FileProblem], outcome: str = ""):
        self.problems = list(problems)
        self.outcome = outcome  # e.g. "nothing was imported"
        if len(self.problems) == 1:
            message = str(self.problems[0]) + (f"; {outcome}" if outcome else "")
        else:
            lines = "\n".join(f"  - {p}" for p in self.problems)
            outcome = f"; {outcome}" if outcome else ""
            message = f"{len(self.problems)} problems in the transcript files{outcome}:\n{lines}"
        super().__init__(message)


def clock_seconds(text: str) -> float:
    """Seconds of "1:02:03", "00:01:02.500" or Microsoft's short "0:0:6.90".

    Teams and the Graph API write the milliseconds as a number without leading zeros, so
    "0:0:6.90" is 6.090 s (it is followed by "--> 0:0:6.500"); three digits read the same
    either way.
    """
    clock, _, fraction = text.partition(".")
    seconds = 0
    for part in clock.split(":"):
        seconds = seconds * 60 + int(part)
    milliseconds = int(fraction[:3] or 0)
    return round(seconds + milliseconds / 1000, 3)


def problem(file: str, place: str, message: str, fix: str = "") -> TranscriptError:
    """A `TranscriptError` with one problem, to raise."""
    return TranscriptError([FileProblem(file, place, message, fix)])


@dataclass
class _Open:
    speaker: str
    pieces: list[str] = field(default_factory=list)
    time_start: float | None = None
    time_end: float | None = None


def merge(segments: Iterable[Segment]) -> list[_Open]:
    """Consecutive segments of one speaker become one turn (Zoom cuts speech every few seconds).

    A segment with `joins=False` (a typed paragraph that names its speaker) starts a turn.
    """
    turns: list[_Open] = []
    for seg in segments:
        text = seg.text.strip()
        if not text:
            continue
        if turns and seg.joins and turns[-1].speaker == seg.speaker:
            last = turns[-1]
            last.pieces.append(seg.joiner + text)
            if seg.time_end is not None:
                last.time_end = max(seg.time_end, last.time_end or seg.time_end)
        else:
            turns.append(_Open(seg.speaker, [text], seg.time_start, seg.time_end))
    return turns


def assemble(
    source: str, fmt: str, segments: Iterable[Segment], warnings: Iterable[str] = ()
) -> ParsedTranscript:
    """The transcript text built from segments: "Speaker: text" paragraphs, one per turn."""
    parts: list[str] = []
    turns: list[Turn] = []
    length = 0
    for number, turn in enumerate(merge(segments)):
        prefix = (TURN_SEPARATOR if number else "") + (f"{turn.speaker}: " if turn.speaker else "")
        words = "".join(turn.pieces)
        start = length + len(prefix)
        turns.append(Turn(turn.speaker, start, start + len(words), turn.time_start, turn.time_end))
        parts += [prefix, words]
        length = start + len(words)
    return ParsedTranscript(source, fmt, "".join(parts), tuple(turns), tuple(warnings))
