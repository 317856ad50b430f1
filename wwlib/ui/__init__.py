"""Dashboard widgets: one small class per job, each showing its errors in a status line.

Every widget takes a `Workbook` (from `wwlib.open_workbook`) and the ids it works on, writes
through the store (one logged transaction per click) and shows names through the workbook's
pseudonymiser.

The widgets are imported on first use (`ww.ui.NoteBoard` imports `wwlib.ui.notes` only): a
phase notebook uses a few of them, and importing all, with the analysis and figures some of
them need, cost about 0.6 s in every kernel.
"""

from __future__ import annotations

import importlib

WIDGETS = {
    "CodebookPanel": "codebook",
    "CodingPanel": "coding",
    "EvidencePanel": "evidence",
    "InterviewGuide": "interviews",
    "InterviewStatusPanel": "interviews",
    "NoteBoard": "notes",
    "PlanEditor": "plans",
    "PrioritisePanel": "shortlist",
    "QuotePanel": "shortlist",
    "SearchPanel": "search",
    "ShortlistPanel": "shortlist",
    "SpeakerMap": "speakers",
    "TaskPanel": "tasks",
    "ThemeBoards": "notes",
    "TranscriptUpload": "upload",
    "VotePanel": "votes",
    "follow": "base",
    "plan_road": "plans",
}

__all__ = sorted(WIDGETS)


def __getattr__(name: str):
    if name in WIDGETS:
        return getattr(importlib.import_module(f"wwlib.ui.{WIDGETS[name]}"), name)
    raise AttributeError(f"module 'wwlib.ui' has no attribute '{name}'")


def __dir__() -> list[str]:
    return __all__
