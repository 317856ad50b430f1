"""Dashboard widgets: one small class per job, each showing its errors in a status line.

Every widget takes a `Workbook` (from `wwlib.open_workbook`) and the ids it works on, writes
through the store (one logged transaction per click) and shows names through the workbook's
pseudonymiser.
"""

from wwlib.ui.base import follow
from wwlib.ui.codebook import CodebookPanel
from wwlib.ui.coding import CodingPanel
from wwlib.ui.evidence import EvidencePanel
from wwlib.ui.interviews import InterviewGuide, InterviewStatusPanel
from wwlib.ui.notes import NoteBoard, ThemeBoards
from wwlib.ui.plans import PlanEditor, plan_road
from wwlib.ui.shortlist import PrioritisePanel, QuotePanel, ShortlistPanel
from wwlib.ui.speakers import SpeakerMap
from wwlib.ui.tasks import TaskPanel
from wwlib.ui.votes import VotePanel

__all__ = [
    "CodebookPanel",
    "CodingPanel",
    "EvidencePanel",
    "InterviewGuide",
    "InterviewStatusPanel",
    "NoteBoard",
    "PlanEditor",
    "PrioritisePanel",
    "QuotePanel",
    "ShortlistPanel",
    "SpeakerMap",
    "TaskPanel",
    "ThemeBoards",
    "VotePanel",
    "follow",
    "plan_road",
]
