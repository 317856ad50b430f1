"""REFI-QDA exchange: QDPX projects and QDC codebooks to and from a cohort.

`import_project` and `export_project` carry codes (with category, colour, nesting and
description), transcripts, codings with their coder, memos and people (as Cases with
Variables); `import_codebook` and `export_codebook` the codebook alone. The conventions are
documented where they live: categories in `codetree.py`, GUIDs in `model.py`, what an import
matches and adds in `resolve.py` and `people.py`, a new cohort's defaults in `new_cohort.py`.
"""

from wwlib.qdpx.api import export_codebook, export_project, import_codebook, import_project
from wwlib.qdpx.errors import QdpxError
from wwlib.qdpx.summary import ExportSummary, ImportSummary

__all__ = [
    "ExportSummary",
    "ImportSummary",
    "QdpxError",
    "export_codebook",
    "export_project",
    "import_codebook",
    "import_project",
]
