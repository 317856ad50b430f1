"""Wij-Werken workbook: the data model and logic of a Participatory Action Research week.

Notebooks use `import wwlib as ww`: `ww.open_workbook(...)`, and the phase helpers as
`ww.views`, `ww.look`, `ww.act`, `ww.display`, `ww.figures`, `ww.analysis`, `ww.ui`, ...
Everything loads on first use, so `import wwlib` costs nothing and `ww check` stays quick.

The package is layered; a module imports only from its own layer or the ones below it
(`tests/test_layers.py` reads the imports and holds this):

    core                the data model, errors, dates, limits, pseudonyms, the label catalogue
    transcripts, qdpx   pure file formats          analysis   pure DataFrame computations
    folder              the cohort folder: read, write, one module per file kind
    figures             DataFrames -> Plotly figures
    store               all SQL
    cohorts             where stores live; make, open and sync a cohort's store
    present             the Workbook and the sections of the week (tables, text, figures)
    ui, outputs         ipywidgets panels; report, exports, spreadsheets, PDF
    exchange            import and export services (transcripts, REFI-QDA, xlsx, ics)
    app                 the `ww` command, the batch runner, the dashboard server
"""

from wwlib.core.lazy import lazy_names

# name -> the module that defines it (a module itself where the name ends the path)
NAMES = {
    "Dataset": "wwlib.folder.dataset",
    "check_dataset": "wwlib.folder.dataset",
    "load_dataset": "wwlib.folder.dataset",
    "DatasetError": "wwlib.core.errors",
    "ParameterError": "wwlib.core.errors",
    "StoreError": "wwlib.core.errors",
    "ValidationError": "wwlib.core.errors",
    "WorkbookError": "wwlib.core.errors",
    "Labels": "wwlib.core.labels",
    "Store": "wwlib.store",
    "Workbook": "wwlib.present.workbook",
    "open_workbook": "wwlib.present.opening",
    "init_cohort": "wwlib.cohorts.home",
}

SUBMODULES = {
    "act": "wwlib.present.act",
    "analysis": "wwlib.analysis",
    "display": "wwlib.present.display",
    "evidence": "wwlib.present.evidence",
    "exchange": "wwlib.exchange",
    "exports": "wwlib.outputs.exports",
    "figures": "wwlib.figures",
    "look": "wwlib.present.look",
    "pdf": "wwlib.outputs.pdf",
    "qdpx": "wwlib.qdpx",
    "report": "wwlib.outputs.report",
    "runner": "wwlib.app.runner",
    "spreadsheet": "wwlib.outputs.spreadsheet",
    "transcripts": "wwlib.transcripts",
    "ui": "wwlib.ui",
    "views": "wwlib.present.views",
}

__all__ = sorted(NAMES)


__getattr__, __dir__ = lazy_names(__name__, NAMES, SUBMODULES)
