"""Transcript import: .txt, .md, .docx (typed or Microsoft Teams) and Zoom or Teams .vtt files.

`parse_file` reads one file into its text and speaker turns; `import_files` places every file
in the cohort's interviews, maps speakers to people and stores everything in one transaction.
"""

from wwlib.transcripts.importer import FileSummary, ImportSummary, import_files
from wwlib.transcripts.parse import parse_bytes, parse_file
from wwlib.transcripts.records import FileProblem, ParsedTranscript, TranscriptError, Turn
from wwlib.transcripts.speakers import SpeakerMatch, map_speakers

__all__ = [
    "FileProblem",
    "FileSummary",
    "ImportSummary",
    "ParsedTranscript",
    "SpeakerMatch",
    "TranscriptError",
    "Turn",
    "import_files",
    "map_speakers",
    "parse_bytes",
    "parse_file",
]
