"""WebVTT transcripts from Zoom and Microsoft Teams, read with webvtt-py.

Zoom (cloud recording, `…transcript.vtt`): numbered cues whose text starts with
`Display Name: `; a cue without a name has no speaker; Zoom cuts speech every few seconds, so
consecutive cues of one speaker become one turn. Teams: the speaker is a voice span
`<v Name>text</v>` (the `</v>` is sometimes left out, and one cue may hold two voices), the cue
ids are GUIDs, the text is HTML-escaped, and timestamps from the Graph API are written short
(`0:0:5.320`). webvtt-py reads the container; every cue timing is checked first, because
webvtt-py leaves a cue with a broken timing out without a word.
"""

from __future__ import annotations

import html
import re

import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError
from webvtt.models import Caption, Timestamp
from webvtt.vtt import WebVTTCueBlock

from wwlib.transcripts.plain import NEWLINE, speaker_label
from wwlib.transcripts.records import (
    FileProblem,
    ParsedTranscript,
    Segment,
    TranscriptError,
    assemble,
    clock_seconds,
    problem,
)

TAG = re.compile(r"(<[^>]*>)")
LINE_BREAK = re.compile(r"[ \t]*\n[ \t]*")
VOICE = Caption.VOICE_SPAN_PATTERN
FIX_TIMING = "a cue timing reads like 00:01:02.500 --> 00:01:05.000; export the transcript again"


def parse_vtt(text: str, source: str) -> ParsedTranscript:
    """Turns of a Zoom or Teams WebVTT transcript; raises `TranscriptError` naming every bad cue."""
    file_lines = NEWLINE.split(text)
    if not file_lines[0].startswith("WEBVTT"):
        raise problem(
            source,
            "line 1",
            f"is not a WebVTT file: it must start with WEBVTT (got {file_lines[0][:40]!r})",
            "export the transcript from Zoom or Teams again as .vtt",
        )
    timings = _check_timings(file_lines, source)
    try:
        captions = webvtt.from_string(text)
    except (MalformedFileError, MalformedCaptionError) as exc:
        raise problem(source, "cues", f"cannot be read as WebVTT ({exc})", FIX_TIMING) from None
    if len(captions) != len(timings):  # every timing was checked, so this is a bug to report
        message = f"{len(timings) - len(captions)} cue(s) could not be read"
        raise problem(source, f"lines 1-{len(file_lines)}", message, FIX_TIMING)
    teams = any(VOICE.search(c.raw_text) for c in captions)
    segments = [s for c, t in zip(captions, timings, strict=True) for s in _segments(c, t, teams)]
    if not segments:
        where = f"lines 1-{len(file_lines)}"
        raise problem(source, where, "holds no spoken text in any cue", "is this the right file?")
    nameless = sum(not s.speaker for s in segments)
    warnings = [f"{nameless} cue(s) name no speaker; they are kept as turns without a speaker"]
    fmt = "vtt-teams" if teams else "vtt-zoom"
    return assemble(source, fmt, segments, warnings if nameless else [])


def _seconds(timestamp: str) -> float:
    """Seconds of a timestamp webvtt-py accepts, short Microsoft fractions read as Teams means."""
    Timestamp.from_string(timestamp)
    return clock_seconds(timestamp)


def _segments(caption: Caption, timing: tuple[float, float], teams: bool) -> list[Segment]:
    """The speech of one cue: one segment per voice (Teams) or the `Name: ` it starts with."""
    start, end = timing
    segments = []
    for voice, words in _voices(caption.raw_text):
        speaker = voice or ""
        if not teams:
            found = speaker_label(words)
            if found:
                speaker, words = found[0], words[found[1] :]
        segments.append(Segment(speaker, words, start, end))
    return segments


def _voices(raw: str) -> list[tuple[str | None, str]]:
    """(voice, text) pieces of cue text: tags removed, entities decoded, line breaks as spaces."""
    pieces: list[tuple[str | None, list[str]]] = [(None, [])]
    for token in TAG.split(raw):
        if not token.startswith("<") or not token.endswith(">"):
            pieces[-1][1].append(token)
        elif match := VOICE.fullmatch(token):
            pieces.append((html.unescape(match[1]).strip(), []))
        elif token.startswith("</v"):
            pieces.append((None, []))
    joined = ((voice, LINE_BREAK.sub(" ", html.unescape("".join(w)))) for voice, w in pieces)
    return [(voice, words.strip()) for voice, words in joined if words.strip()]


def _check_timings(file_lines: list[str], source: str) -> list[tuple[float, float]]:
    """(start, end) of every cue timing, in order; a problem for every line with "-->" that
    webvtt-py cannot read as one (it would leave that cue out without a word)."""
    problems, timings = [], []
    for index, line in enumerate(file_lines):
        if "-->" not in line:
            continue
        timing = _timing(line)
        if isinstance(timing, str):
            problems.append(FileProblem(source, _place(file_lines, index), timing, FIX_TIMING))
        else:
            timings.append(timing)
    last = _last_block(file_lines)
    if last and not any("-->" in line for line in file_lines[last[0] :]) and not problems:
        if not file_lines[last[0]].startswith(("NOTE", "STYLE", "REGION", "WEBVTT")):
            problems.append(
                FileProblem(
                    source,
                    f"line {last[0] + 1}",
                    f"the file ends inside a cue ({file_lines[last[0]][:40]!r} has no timing)",
                    "the file may be cut off; download or export it again",
                )
            )
    if problems:
        raise TranscriptError(problems)
    return timings


def _timing(line: str) -> tuple[float, float] | str:
    """The cue timing's (start, end) in seconds, or what is wrong with it."""
    match = WebVTTCueBlock.CUE_TIMINGS_PATTERN.match(line)
    rest = line[match.end() :] if match else ""
    if not match or (rest and not rest[0].isspace()):
        return f"broken cue timing {line.strip()!r}"
    try:
        start, end = (_seconds(t) for t in match.groups())
    except MalformedCaptionError:
        return f"impossible time in cue timing {line.strip()!r}"
    if end < start:
        return f"cue ends before it starts: {line.strip()!r}"
    return start, end


def _place(file_lines: list[str], index: int) -> str:
    """ "line 14 (cue 5)": the line number, with the cue's id when the line before holds one."""
    before = file_lines[index - 1].strip() if index else ""
    cue = f" (cue {before})" if before and "-->" not in before else ""
    return f"line {index + 1}{cue}"


def _last_block(file_lines: list[str]) -> tuple[int, int] | None:
    """(first, last) index of the last block of non-empty lines, after the header block."""
    ends = [i for i, line in enumerate(file_lines) if line.strip()]
    if not ends:
        return None
    last = ends[-1]
    first = last
    while first > 0 and file_lines[first - 1].strip():
        first -= 1
    return (first, last) if first > 0 else None
