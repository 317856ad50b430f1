"""Dashboard widgets: one small class per job, each showing its errors in a status line.

Every widget takes a `Workbook` (from `wwlib.open_workbook`) and the ids it works on, writes
through the store (one logged transaction per click) and shows names through the workbook's
pseudonymiser.

The widgets are imported on first use (`ww.ui.NoteBoard` imports `wwlib.ui.notes` only): a
phase notebook uses a few of them, and importing all, with the analysis and figures some of
them need, cost about 0.6 s in every kernel.
"""

from __future__ import annotations

from wwlib.core.lazy import lazy_names

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


__getattr__, __dir__ = lazy_names(__name__, {n: f"wwlib.ui.{m}" for n, m in WIDGETS.items()})
