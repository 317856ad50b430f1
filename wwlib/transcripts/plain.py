"""Plain text and Markdown transcripts: a turn starts at a line `Naam: tekst`.

The text is stored exactly as in the file; a turn runs from its speaker's line up to the next
speaker's line, so an answer of several paragraphs stays one turn. The speaker label is also
how Zoom writes a cue (`Display Name: text`) and how a typed Word transcript reads, so the
other parsers use `speaker_label` too.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator

from wwlib.transcripts.records import ParsedTranscript, Turn

# "Naam: tekst", "**Naam:** tekst" or "**Naam**: tekst"; the colon is followed by a space or
# the end of the line, so "10:30" and "https://..." are not speakers.
LABEL = re.compile(
    r"[ \t]*(?:\*\*)?"
    r"(?P<label>[^\s:*,;?!\"“”<>\[\]#>(\-–—][^:\r\n*,;?!\"“”<>]{0,59}?)"
    r"[ \t]*(?:\*\*)?[ \t]*:(?:\*\*)?(?=\s|$)"
)
# Words of a name that may be written in lower case: tussenvoegsels, titles, guest markers.
LOWER_CASE_NAME_WORDS = {
    "van", "de", "der", "den", "het", "'t", "ter", "ten", "te", "in", "op", "la", "le", "du",
    "da", "di", "dos", "von", "zu", "bin", "al", "el", "y", "dr", "drs", "mr", "ir", "ing",
    "prof", "dhr", "mevr", "mw", "(guest)", "(gast)", "(extern)",
}  # fmt: skip
# What a typed transcript's heading says before the interview starts ("Datum: 27 februari").
NOT_SPEAKERS = {
    "datum", "date", "tijd", "time", "locatie", "location", "plaats", "duur", "duration",
    "onderwerp", "subject", "titel", "title", "opname", "recording", "transcriptie",
    "transcript", "deelnemers", "participants", "aanwezig", "present",
}  # fmt: skip
MAX_NAME_WORDS = 7
NEWLINE = re.compile(r"\r\n|\r|\n")


def speaker_label(line: str) -> tuple[str, int] | None:
    """The speaker a line starts with and where the spoken text begins, or None.

    A speaker is at most seven words, each capitalised, a tussenvoegsel or title, or written
    in a script without case ("Joost van der Meulen", "dr. A. Jansen", "Chloë (Guest)"), so
    that "Nou ja: dat was het" is read as speech, not as a speaker called "Nou ja".
    """
    match = LABEL.match(line)
    if not match or not _is_name(match["label"].strip()):
        return None
    if match["label"].strip().casefold() in NOT_SPEAKERS:
        return None
    rest = line[match.end() :].split("\n", 1)[0].split("\r", 1)[0]
    return match["label"].strip(), match.end() + len(rest) - len(rest.lstrip())


def _is_name(label: str) -> bool:
    words = label.split()
    if not 1 <= len(words) <= MAX_NAME_WORDS:
        return False
    if not any(c.isalpha() or unicodedata.category(c) == "So" for c in label):
        return False
    return all(_name_word(word) for word in words)


def _name_word(word: str) -> bool:
    if word.lower() in LOWER_CASE_NAME_WORDS or word.lower().rstrip(".") in LOWER_CASE_NAME_WORDS:
        return True
    cased = [c for c in word if c.islower() or c.isupper()]
    return not cased or any(c.isupper() for c in cased)


def lines(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every line, without its line break (CRLF, CR or LF)."""
    start = 0
    for match in NEWLINE.finditer(text):
        yield start, match.start()
        start = match.end()
    if start < len(text):
        yield start, len(text)


cache_recent = functools.lru_cache(maxsize=64)


@cache_recent
def parse_text(text: str, source: str, fmt: str = "md") -> ParsedTranscript:
    """Turns of a text kept exactly as it is: each from a `Naam:` line to the next one.

    The result is immutable, so the last few are kept: checking a folder, loading it and a
    `ww update` each read the same transcripts.
    """
    turns: list[Turn] = []
    speaker, anchor, start, end = None, 0, None, None
    before: list[int] = []
    for number, (line_start, line_end) in enumerate(lines(text), start=1):
        line = text[line_start:line_end]
        found = speaker_label(line)
        if found:
            if speaker is not None:
                turns.append(_turn(speaker, anchor, start, end))
            speaker, offset = found
            start = end = None
            line, line_start = line[offset:], line_start + offset
            anchor = line_start
        elif speaker is None:
            if line.strip():
                before.append(number)
            continue
        content = line.strip()
        if content:
            first = line_start + len(line) - len(line.lstrip())
            start = first if start is None else start
            end = first + len(content)
    if speaker is not None:
        turns.append(_turn(speaker, anchor, start, end))
    return ParsedTranscript(source, fmt, text, tuple(turns), _warnings(turns, before))


def _turn(speaker: str, anchor: int, start: int | None, end: int | None) -> Turn:
    """A turn with no words is an empty span just after its speaker's name."""
    return Turn(speaker, anchor, anchor) if start is None else Turn(speaker, start, end)


def _warnings(turns: list[Turn], before: list[int]) -> tuple[str, ...]:
    if not turns:
        return (
            "no speaker turns found; the text is kept, but no part of it has a speaker "
            "(write each turn as 'Naam: tekst')",
        )
    if before:
        lines_before = (
            f"line {before[0]}" if len(before) == 1 else f"lines {before[0]}-{before[-1]}"
        )
        return (f"{lines_before} come before the first speaker and belong to no turn",)
    return ()
