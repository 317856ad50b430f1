"""Reading one transcript file of any supported kind, by its extension."""

from __future__ import annotations

import codecs
from pathlib import Path

from wwlib.core.control_chars import REMOVE_IT, first_control
from wwlib.core.limits import TRANSCRIPT_BYTES, read_regular_or
from wwlib.transcripts.plain import parse_text
from wwlib.transcripts.records import ParsedTranscript, problem
from wwlib.transcripts.vtt import parse_vtt
from wwlib.transcripts.word import parse_docx

KINDS = {".txt": "txt", ".md": "md", ".markdown": "md", ".docx": "docx", ".vtt": "vtt"}
SAVE_AS_UTF8 = "save the file as UTF-8 text"


def parse_file(path: str | Path) -> ParsedTranscript:
    """Read a .txt, .md, .docx or Zoom/Teams .vtt transcript; raises `TranscriptError`."""
    path = Path(path)
    kind_of(path.name)
    data = read_regular_or(path, TRANSCRIPT_BYTES, "a transcript file", problem)
    return parse_bytes(data, path.name)


def kind_of(name: str) -> str:
    """txt, md, docx or vtt, from the file's extension."""
    suffix = Path(name).suffix.lower()
    if suffix not in KINDS:
        raise problem(
            name,
            "file name",
            f"is a kind of file that cannot be imported ({suffix or 'no extension'})",
            "import .txt, .md, .docx or .vtt transcripts",
        )
    return KINDS[suffix]


def parse_bytes(data: bytes, name: str) -> ParsedTranscript:
    """A transcript from a file's bytes; `name` (with its extension) says what kind it is."""
    kind = kind_of(name)
    if not data:
        raise problem(name, "byte 0", "is empty (0 bytes)", "export or save the transcript again")
    if kind == "docx":
        return parse_docx(data, name)
    text = decode(data, name)
    if not text.strip():
        lines = f"lines 1-{text.count(chr(10)) + 1}"
        raise problem(name, lines, "holds only white space", "export or save the transcript again")
    if kind == "vtt":
        return parse_vtt(text, name)
    return parse_text(text, name, kind)


def decode(data: bytes, name: str) -> str:
    """UTF-8 text with a leading BOM dropped; otherwise a problem naming the line and byte."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise problem(name, "byte 0", "is UTF-16 text, not UTF-8", SAVE_AS_UTF8)
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        column = len(data[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        where = f"line {line}, column {column}"
        if exc.reason == "unexpected end of data":
            message = "ends in the middle of a character: the file may be cut off"
            raise problem(name, where, message, "copy or export the file again") from None
        guess = " (it looks like Latin-1 or Windows-1252)" if _is_cp1252(data) else ""
        raise problem(
            name,
            where,
            f"is not UTF-8 text: byte 0x{data[exc.start]:02x} at offset {exc.start}{guess}",
            SAVE_AS_UTF8,
        ) from None
    if "\x00" in text:  # UTF-16 without a BOM decodes as UTF-8 with a NUL in every other place
        line = text.count("\n", 0, text.index("\x00")) + 1
        message = "holds NUL characters: it is UTF-16 or not a text file at all"
        raise problem(name, f"line {line}", message, SAVE_AS_UTF8)
    if found := first_control(text):  # the cohort folder could not hold it (wwlib.folder.files)
        line, column, char = found
        where = f"line {line}, column {column}"
        raise problem(name, where, f"holds the control character {char}", REMOVE_IT)
    return text


def _is_cp1252(data: bytes) -> bool:
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True
