"""Who may do what on a dashboard page: the one rule, checked in the kernel.

A page served to a cohort's group knows its person and role from the personal link
(`Workbook.person`, `Workbook.role`, set by the server, never by the browser). A notebook,
`ww run` or a researcher's own server acts as nobody in particular with every control.

Panels ask `may` when they build a control (a participant's page does not show what they may
not use) and again, through `refused`, when it is used: a hand-made widget message reaches the
handler, and stops there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum

from wwlib.core.model import ALL_PARTICIPANTS, Role
from wwlib.present.render import note_html
from wwlib.present.workbook import Workbook


class Act(StrEnum):
    """What a page can change in the store, as the rule below tells them apart."""

    ADD_TASK = "add_task"
    SET_TASK_STATUS = "set_task_status"  # of a task one owns; facilitators: of any task
    CODE = "code"  # code passages of a transcript
    MAP_SPEAKERS = "map_speakers"  # say who a transcript's speaker is
    IMPORT_TRANSCRIPTS = "import_transcripts"  # upload a participant's transcript file
    EDIT_CODEBOOK = "edit_codebook"  # add, rename, move, describe, merge codes; code memos
    SET_INTERVIEW_STATUS = "set_interview_status"
    SHORTLIST = "shortlist"  # the shortlist and the focus groups
    PRIORITISE = "prioritise"  # the prioritised themes (which get a plan)
    EDIT_PLAN = "edit_plan"  # a Road to Progress or integration plan: texts, steps, obstacles


EVERYONE = frozenset(Role)
FACILITATORS = frozenset({Role.FACILITATOR})

# Tasks are the group's: anyone adds one, and its owners keep its status up to date. Coding,
# speaker corrections, the codebook and interview statuses are research work; the shortlist,
# focus groups, priorities and the plans' texts are what the facilitator records for the
# group. Participants and support staff see those read-only.
ALLOWED: dict[Act, frozenset[Role]] = {
    Act.ADD_TASK: EVERYONE,
    Act.SET_TASK_STATUS: EVERYONE,
    Act.CODE: FACILITATORS,
    Act.MAP_SPEAKERS: FACILITATORS,
    Act.IMPORT_TRANSCRIPTS: FACILITATORS,
    Act.EDIT_CODEBOOK: FACILITATORS,
    Act.SET_INTERVIEW_STATUS: FACILITATORS,
    Act.SHORTLIST: FACILITATORS,
    Act.PRIORITISE: FACILITATORS,
    Act.EDIT_PLAN: FACILITATORS,
}


def may(wb: Workbook, act: Act, owners: Iterable[str] = ()) -> bool:
    """Whether the page's person may `act`; for a task's status, `owners` are the task's."""
    if wb.role not in ALLOWED[act]:
        return False
    if act is Act.SET_TASK_STATUS and wb.role != Role.FACILITATOR:
        return owns(wb, owners)
    return True


def owns(wb: Workbook, owners: Iterable[str]) -> bool:
    """Whether the page's person is among a task's owners ("alle deelnemers" counts for
    participants)."""
    owners = set(owners)
    return wb.person in owners or (wb.role == Role.PARTICIPANT and ALL_PARTICIPANTS in owners)


def refused(panel, act: Act, owners: Iterable[str] = ()) -> bool:
    """True when the page's person may not `act`; the panel's status line then says why."""
    if may(panel.wb, act, owners):
        return False
    key = "role.not_owner" if act is Act.SET_TASK_STATUS and panel.wb.person else "role.refused"
    panel.status.error(panel.wb.labels(key))
    return True


def read_only_note(wb: Workbook) -> str:
    """The line a read-only panel shows above what it shows (HTML, escaped)."""
    return str(note_html(wb.labels("role.read_only"), "ww-read-only"))


class FacilitatorsOnly:
    """A panel that only facilitators change (mixed in before `Panel`): another page gets its
    static view, the same HTML the report shows, and every change asks the rule again."""

    act: Act

    def __new__(cls, wb: Workbook | None = None, *args, **kwargs):
        if wb is not None and wb.interactive and not may(wb, cls.act):
            return cls.static(wb, *args, **kwargs)
        return super().__new__(cls, wb, *args, **kwargs)

    def _attempt(self, action: Callable[[], object]) -> bool:
        return not refused(self, self.act) and super()._attempt(action)
