"""EvidencePanel: from a task to its plan, theme, the codes behind it and the interview."""

from __future__ import annotations

import ipywidgets as ipw

from wwlib.present.evidence import trail_html
from wwlib.present.missing import missing
from wwlib.present.render import empty_html
from wwlib.present.workbook import Workbook
from wwlib.ui.base import Panel, StaticView, field, snippet


class EvidencePanel(Panel):
    """Pick a task (of one plan, or of all); its evidence trail opens below.

    The trail is read when a task is picked, so tasks and codings added meanwhile show.
    """

    def __init__(self, wb: Workbook, plan_id: str | None = None, **kwargs):
        super().__init__(wb, **kwargs)
        self.plan_id = plan_id
        self.task = field(ipw.Dropdown(), "ww-evidence-task", self._label("ui.evidence.task"))
        self.trail = field(ipw.HTML(), "ww-evidence-trail")
        self.children = [self.task, self.trail]
        self.add_class("ww-evidence-panel")
        self.task.observe(lambda _: self.show(), "value")
        self.refresh()

    @classmethod
    def static(cls, wb: Workbook, plan_id: str | None = None, **kwargs) -> StaticView:
        """Every task's trail, each a closed `<details>` block: one click away."""
        return StaticView.of_section(wb, "evidence", plan=plan_id)

    def refresh(self) -> None:
        """Read the tasks again."""
        tasks = _tasks(self.wb, self.plan_id)
        chosen = self.task.value
        self.task.options = [(_title(self.wb, t), t.id) for t in tasks.itertuples()]
        ids = list(tasks["id"])
        self.task.value = chosen if chosen in ids else (ids[0] if ids else None)
        self.show()

    def show(self) -> None:
        """The chosen task's trail, opened."""
        if not self.task.value:
            lacking = missing(self.wb, "tasks") or self._label("ui.task.no_tasks")
            self.trail.value = empty_html(lacking)
            return
        html = str(trail_html(self.wb, self.task.value))
        self.trail.value = html.replace("<details", "<details open", 1)


def _tasks(wb: Workbook, plan_id: str | None):
    tasks = wb.store.tasks()
    return tasks if plan_id is None else tasks[tasks["plan"] == plan_id]


def _title(wb: Workbook, task) -> str:
    return f"{task.step}.{task.number} {snippet(wb.pseudonyms.text(task.title), 70)}"
