"""What `ww import` and `ww export` call: each takes a cohort folder (and --store) and files.

Each function opens the cohort's store (made from the folder when it has none yet, or, for a
QDPX project, the folder too when it does not exist), does its work in one transaction and
returns a summary whose `str` is what the command prints.
"""

from __future__ import annotations

IMPORTERS: dict = {}  # "transcripts" | "qdpx" | "qdc" -> fn(folder, files_or_file, store=None)
EXPORTERS: dict = {}  # "qdpx" | "qdc" -> fn(folder, out, store=None)
