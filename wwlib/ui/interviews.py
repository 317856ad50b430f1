"""Tuesday's overview: every participant's interview status, and the interview guide."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import ipywidgets as ipw

from wwlib.analysis import interview_statuses
from wwlib.core.model import InterviewStatus
from wwlib.present.missing import missing
from wwlib.present.render import empty_html
from wwlib.present.workbook import Workbook
from wwlib.ui.base import Panel, StaticView, button, escape
from wwlib.ui.roles import Act, may, read_only_note, refused

CELL = ipw.Layout(width="14em")


class InterviewStatusPanel(Panel):
    """Every participant with a status dropdown (planned, held, coded), stored on change.

    A participant without an interview in the store shows "geen interview" instead of a
    dropdown. `saved` holds the participant id of the status changed last. Interviews are
    research work: a participant's or support's page shows the statuses read-only.
    """

    part = "interviews"

    def __init__(self, wb: Workbook, **kwargs):
        super().__init__(wb, **kwargs)
        self.picks: dict[str, ipw.Dropdown] = {}
        self._reverting = False
        self.summary = ipw.HTML()
        self.summary.add_class("ww-interviews-summary")
        self.rows = ipw.VBox()
        self.reload = button(self._label("ui.refresh"), "ww-interviews-refresh", self._on_reload)
        self.reload.button_style = ""
        self.children = [self.summary, self.rows, self.reload, self.status]
        if not may(wb, Act.SET_INTERVIEW_STATUS):
            self.children = [ipw.HTML(read_only_note(wb)), *self.children]
        self.add_class("ww-interviews-panel")
        self.refresh()

    def refresh(self) -> None:
        """Read every participant's status again (another tab may have changed one)."""
        statuses = self._statuses()
        options = [(self._label(f"interview.{s.value}"), s.value) for s in InterviewStatus]
        head = [self._label(f"ui.interviews.{k}") for k in ("participant", "status", "interviewer")]
        self.picks, rows = {}, [self._line([f"<b>{escape(h)}</b>" for h in head])]
        locked = not may(self.wb, Act.SET_INTERVIEW_STATUS)
        for row in statuses.itertuples():
            participant, interviewer = self.wb.pseudonyms.names([row.participant, row.interviewer])
            if row.status == "none":
                none = self._label("interview.none")
                rows.append(self._line([escape(t) for t in (participant, none, interviewer)]))
                continue
            # the participant's name is the dropdown's own label (a screen reader says whose
            # status it is), as wide as the column it stands in
            pick = ipw.Dropdown(
                options=options,
                value=row.status,
                description=participant,
                style={"description_width": CELL.width},
                layout=ipw.Layout(width=f"calc(2 * {CELL.width})"),
                disabled=locked,
            )
            pick.add_class("ww-interviews-status")
            pick.add_class(f"ww-interview-{row.participant}")
            pick.observe(partial(self._on_status, row.participant), "value")
            self.picks[row.participant] = pick
            rows.append(ipw.HBox([pick, *self._cells([escape(interviewer)])]))
        self.rows.children = rows
        self._show_summary(statuses)

    def _statuses(self):
        return interview_statuses(self.wb.store.interviews(), self.wb.store.people())

    def _show_summary(self, statuses) -> None:
        """How many interviews are planned, held and coded (and missing, if any); with none
        at all, what would plan them."""
        lacking = missing(self.wb, "interviews")
        if lacking:
            self.summary.value = empty_html(lacking)
            return
        counts = statuses["status"].value_counts()
        shown = [s.value for s in InterviewStatus] + (["none"] if counts.get("none") else [])
        self.summary.value = escape(
            " · ".join(f"{self._label(f'interview.{s}')}: {int(counts.get(s, 0))}" for s in shown)
        )

    def _cells(self, cells: list[str]) -> list[ipw.HTML]:
        return [ipw.HTML(cell, layout=CELL) for cell in cells]

    def _line(self, cells: list[str]) -> ipw.HBox:
        return ipw.HBox(self._cells(cells))

    def _on_reload(self, _button) -> None:
        self.status.clear()
        self.refresh()

    def _attempt(self, action: Callable[[], object]) -> bool:
        """Every change of a status: the kernel asks whether this page may make it."""
        return not refused(self, Act.SET_INTERVIEW_STATUS) and super()._attempt(action)

    def _on_status(self, participant: str, change) -> None:
        """Store the new status at once; on failure put the dropdown back as it was stored."""
        if self._reverting:
            return
        if self._attempt(lambda: self.wb.store.set_interview_status(participant, change.new)):
            self.saved = participant
            name, shown = (
                self.wb.pseudonyms.name(participant),
                self._label(f"interview.{change.new}"),
            )
            self.status.saved(self._label("ui.interviews.saved", name=name, status=shown))
            self._show_summary(self._statuses())
            return
        self._reverting = True
        try:
            change.owner.value = change.old
        finally:
            self._reverting = False


class InterviewGuide(ipw.VBox):
    """The cohort's interview questions as a numbered list, or what would put them there."""

    def __new__(cls, wb: Workbook | None = None, *args, **kwargs):
        if wb is not None and not getattr(wb, "interactive", True):
            return StaticView.of_section(wb, "guide")  # a static run: the list, no widget
        return super().__new__(cls, wb, *args, **kwargs)

    def __init__(self, wb: Workbook, **kwargs):
        super().__init__(**kwargs)
        self.questions = ipw.HTML(StaticView.of_section(wb, "guide").html)
        self.children = [self.questions]
        self.add_class("ww-guide")
