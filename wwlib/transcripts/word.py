"""Word .docx transcripts, read with python-docx: typed ones and Microsoft Teams downloads.

A typed transcript has a paragraph per turn, `Naam: tekst`; a paragraph without a name
continues the turn before it. A Teams download puts a whole turn in one paragraph: its first
line is the speaker and the time ("Femke Bos   0:04", or "1:02:03" past the hour), the words
follow after line breaks inside the same paragraph. Teams' older layout has the cue timing,
the speaker and the words on three lines ("0:0:5.320 --> 0:0:9.100", "Femke Bos", "..."). The
title, the date and "... started transcription" are paragraphs of their own and are left out.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib

import docx
from docx.opc.exceptions import OpcError

from wwlib.core.errors import FileRefused
from wwlib.core.limits import DOCX, open_zip
from wwlib.transcripts.plain import speaker_label
from wwlib.transcripts.records import ParsedTranscript, Segment, assemble, clock_seconds, problem

TEAMS_HEADER = re.compile(r"(?P<name>\S.*?)[ \t\u00a0]+(?P<time>\d{1,2}(?::\d{2}){1,2})")
CLASSIC_TIMING = re.compile(
    r"(?P<start>\d+:\d+:\d+(?:\.\d+)?)\s*-->\s*(?P<end>\d+:\d+:\d+(?:\.\d+)?)"
)
SAVE_AS_DOCX = "open it in Word and save it as a Word document (.docx)"
SIGNATURES = {
    b"\xd0\xcf\x11\xe0": "an old Word .doc file",
    b"{\\rtf": "an RTF file",
    b"%PDF": "a PDF file",
}


def parse_docx(data: bytes, source: str) -> ParsedTranscript:
    """Turns of a Word transcript (typed, or downloaded from Teams)."""
    paragraphs = [p.text for p in _document(data, source).paragraphs]
    if _is_teams(paragraphs):
        segments, skipped = _teams(paragraphs)
        fmt = "docx-teams"
    else:
        segments, skipped = _typed(paragraphs)
        fmt = "docx"
    if not segments:
        raise problem(
            source,
            f"paragraphs 1-{len(paragraphs)}" if paragraphs else "word/document.xml",
            "holds no speaker turns",
            "write each turn as a paragraph 'Naam: tekst', or download the Teams transcript again",
        )
    return assemble(source, fmt, segments, _skipped_warning(skipped, paragraphs))


def _document(data: bytes, source: str):
    """The python-docx Document, or a problem saying what the file really is."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        if data.startswith(b"PK\x03\x04"):
            raise problem(
                source,
                f"byte {len(data)} (end of file)",
                "is an incomplete Word file: the ZIP package it should be is cut off",
                "copy or download the file again",
            )
        kind = next((k for sig, k in SIGNATURES.items() if data.startswith(sig)), "")
        raise problem(
            source,
            "byte 0 (start of file)",
            f"is not a Word .docx file but {kind or 'something else (text?) renamed to .docx'}",
            SAVE_AS_DOCX,
        )
    try:  # python-docx unpacks every part: check them all from the zip's directory first
        with open_zip(data, source, DOCX) as package:
            names = package.namelist()
            if "word/document.xml" not in names:
                shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
                raise problem(
                    source, "ZIP contents",
                    f"is a ZIP file but not a Word document (holds {shown})", SAVE_AS_DOCX,
                )  # fmt: skip
            package.check_all()
            damaged = package.archive.testzip()
    except FileRefused as exc:
        raise problem(source, exc.place, exc.message, exc.fix) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise problem(source, "ZIP contents", f"is damaged ({exc})", SAVE_AS_DOCX) from None
    if damaged:
        raise problem(source, f"part {damaged}", "is damaged (checksum error)", SAVE_AS_DOCX)
    try:
        return docx.Document(io.BytesIO(data))
    except (OpcError, KeyError, ValueError, SyntaxError) as exc:  # lxml's XMLSyntaxError too
        raise problem(
            source, "", f"cannot be read as a Word document ({exc})", SAVE_AS_DOCX
        ) from None


def _is_teams(paragraphs: list[str]) -> bool:
    return any(_teams_turn(text) for text in paragraphs)


def _teams_turn(text: str) -> Segment | None:
    """The turn a Teams paragraph holds, or None for the title, date and other lines."""
    lines = [line.strip() for line in text.split("\n")]
    words = " ".join(line for line in lines[1:] if line)
    if head := TEAMS_HEADER.fullmatch(lines[0]):
        return Segment(head["name"].strip(), words, clock_seconds(head["time"])) if words else None
    if (timing := CLASSIC_TIMING.fullmatch(lines[0])) and len(lines) > 2 and lines[1]:
        words = " ".join(line for line in lines[2:] if line)
        start, end = clock_seconds(timing["start"]), clock_seconds(timing["end"])
        return Segment(lines[1], words, start, end) if words else None
    return None


def _teams(paragraphs: list[str]) -> tuple[list[Segment], list[int]]:
    segments, skipped = [], []
    for number, text in enumerate(paragraphs, start=1):
        turn = _teams_turn(text)
        if turn:
            segments.append(turn)
        elif text.strip():
            skipped.append(number)
    return segments, skipped


def _typed(paragraphs: list[str]) -> tuple[list[Segment], list[int]]:
    """A turn per `Naam: tekst` paragraph; a paragraph without a name continues the turn."""
    segments: list[Segment] = []
    skipped = []
    for number, text in enumerate(paragraphs, start=1):
        if not text.strip():
            continue
        found = speaker_label(text)
        if found:
            segments.append(Segment(found[0], text[found[1] :], joiner="\n", joins=False))
        elif segments:
            segments.append(Segment(segments[-1].speaker, text, joiner="\n"))
        else:
            skipped.append(number)
    return segments, skipped


def _skipped_warning(skipped: list[int], paragraphs: list[str]) -> list[str]:
    if not skipped:
        return []
    shown = "; ".join(repr(paragraphs[n - 1].strip()[:40]) for n in skipped[:3])
    more = f" and {len(skipped) - 3} more" if len(skipped) > 3 else ""
    numbers = ", ".join(map(str, skipped[:10])) + (", ..." if len(skipped) > 10 else "")
    return [f"paragraph(s) {numbers} are not speaker turns and were left out: {shown}{more}"]
