"""Wij-Werken workbook: the data model and logic of a Participatory Action Research week."""

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
