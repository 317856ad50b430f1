"""Wij-Werken workbook: the data model and logic of a Participatory Action Research week.

Notebooks use `import wwlib as ww` and reach the phase helpers as `ww.views`, `ww.figures`,
`ww.analysis`, `ww.display`, `ww.ui`, `ww.transcripts` (`import_files`) and `ww.qdpx`; these
load on first use, so `ww check` stays quick.
"""

import importlib

from wwlib.dataset import Dataset, check_dataset, load_dataset
from wwlib.errors import DatasetError, ParameterError, StoreError, ValidationError, WorkbookError
from wwlib.labels import Labels
from wwlib.store import Store
from wwlib.workbook import Workbook, init_cohort, open_workbook

__all__ = [
    "Dataset",
    "DatasetError",
    "Labels",
    "ParameterError",
    "Store",
    "StoreError",
    "ValidationError",
    "Workbook",
    "WorkbookError",
    "check_dataset",
    "init_cohort",
    "load_dataset",
    "open_workbook",
]

SUBMODULES = (
    "act", "analysis", "display", "evidence", "exchange", "exports", "figures", "look", "pdf",
    "qdpx", "report", "runner", "spreadsheet", "transcripts", "ui", "views",
)  # fmt: skip


def __getattr__(name: str):
    if name in SUBMODULES:
        return importlib.import_module(f"wwlib.{name}")
    raise AttributeError(f"module 'wwlib' has no attribute '{name}'")
