"""Transcript import: .txt, .md, .docx (typed or Microsoft Teams) and Zoom or Teams .vtt files.

`parse_file` reads one file into its text and speaker turns. A pure format package: placing
files in a cohort's interviews and storing them is `wwlib.exchange.transcripts.import_files`.
"""

from wwlib.transcripts.parse import parse_bytes, parse_file
from wwlib.transcripts.records import FileProblem, ParsedTranscript, TranscriptError, Turn
from wwlib.transcripts.speakers import SpeakerMatch, map_speakers

__all__ = [
    "FileProblem",
    "ParsedTranscript",
    "SpeakerMatch",
    "TranscriptError",
    "Turn",
    "map_speakers",
    "parse_bytes",
    "parse_file",
]
