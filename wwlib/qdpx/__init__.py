"""REFI-QDA as a file format: QDPX projects and QDC codebooks, read, checked and written.

A pure format package: it reads and writes the exchange records of `wwlib.core.records` and
never opens a store or a cohort. The services that do (`import_project`, `export_project`,
`import_codebook`, `export_codebook`) live in `wwlib.exchange.qdpx`. The conventions are
documented where they live: categories in `codetree.py`, GUIDs in `model.py`, what an import
matches and adds in `resolve.py` and `people.py`.
"""

from wwlib.qdpx.errors import QdpxError
from wwlib.qdpx.summary import ExportSummary, ImportSummary

__all__ = ["ExportSummary", "ImportSummary", "QdpxError"]
