"""TaskPanel: the tasks of a plan, a form to add one and a way to change a task's status.

The list follows the other pages: what someone adds or updates on their page appears here
within a second, without a click (`wwlib.ui.live`).
"""

from __future__ import annotations

import ipywidgets as ipw
import pandas as pd
import traitlets

from wwlib.core.model import ALL_PARTICIPANTS, TaskStatus
from wwlib.present.missing import PLAN_PARTS, missing, sentence
from wwlib.present.render import empty_html, styled, table_html
from wwlib.present.workbook import Workbook
from wwlib.store import Store
from wwlib.ui.base import LivePanel, StaticView, button, escape, field, snippet
from wwlib.ui.roles import Act, may, refused


class TaskPanel(LivePanel):
    """Add tasks to the steps of one plan (Road to Progress or integration) and track them.

    `saved` holds the id of the task added or updated last. `plan_id` may change (or be
    linked to a `PlanEditor`'s); the steps are read again on every refresh and a new task goes
    under the step chosen by its id, so a step moved meanwhile in another widget stays right.
    Everyone adds tasks (the change log names who); a task's status is changed by its owners
    and by facilitators (`wwlib.ui.roles`). With `live`, once the panel is displayed the list
    follows the other pages by itself (see `start_live`).
    """

    plan_id = traitlets.Unicode(help="id of the plan whose tasks are shown")

    def __init__(self, wb: Workbook, plan_id: str, live: bool = True, **kwargs):
        super().__init__(wb, live=live, **kwargs)
        self.step = self._input(ipw.Dropdown(), "step")
        self.title = self._input(ipw.Text(), "title")
        owners = [(self._label("everyone"), ALL_PARTICIPANTS)] + self._people_options()
        self.owners = self._input(ipw.SelectMultiple(options=owners, rows=6), "owners")
        self.due = self._input(ipw.Text(placeholder=self._label("ui.task.due_placeholder")), "due")
        self.new_status = self._input(ipw.Dropdown(options=self._statuses()), "status")
        self.note = self._input(ipw.Text(), "note")
        self.add = button(self._label("ui.task.add"), "ww-task-add", self._on_add)
        self.heading = ipw.HTML()
        self.problem = ipw.HTML()
        self.overview = field(ipw.HTML(), "ww-task-list")
        self.task = field(ipw.Dropdown(), "ww-task-select", self._label("ui.task.title"))
        self.status_pick = field(
            ipw.Dropdown(options=self._statuses()), "ww-task-status", self._label("ui.task.status")
        )
        self.set_status = button(
            self._label("ui.task.set_status"), "ww-task-set-status", self._on_set_status
        )
        self.live_note = field(ipw.HTML(), "ww-task-live")
        self._when = ipw.HBox([self.owners, ipw.VBox([self.due, self.new_status])])
        self._updating = ipw.HBox([self.task, self.status_pick, self.set_status])
        self.plan_id = plan_id
        self.add_class("ww-task-panel")
        self.refresh()
        self.observe(lambda _: self.refresh(), "plan_id")

    @classmethod
    def static(cls, wb: Workbook, plan_id: str, **kwargs) -> StaticView:
        """What the plan still lacks for its tasks, else where the dashboard takes them."""
        lacking = _lacking(wb, plan_id)
        return StaticView(empty_html(lacking), plan_id=plan_id) if lacking else super().static(wb)

    @classmethod
    def of_kind(cls, wb: Workbook, kind: str = "integration") -> TaskPanel | StaticView:
        """The tasks of the first plan of a kind (theme or integration); without one, the
        sentence that says it is missing and which step makes it."""
        plan_id = wb.plan_id(kind)
        if not plan_id:
            return StaticView(empty_html(missing(wb, PLAN_PARTS[kind])), plan_id="")
        return cls(wb, plan_id)

    def _input(self, widget: ipw.Widget, key: str) -> ipw.Widget:
        return field(widget, f"ww-task-{key.replace('_', '-')}", self._label(f"ui.task.{key}"))

    def _statuses(self) -> list[tuple[str, str]]:
        return [(self._label(f"status.{s.value}"), s.value) for s in TaskStatus]

    # -- reading and showing -----------------------------------------------------------------

    def refresh(self, store: Store | None = None) -> None:
        """Read the plan's steps and tasks again and list them (other pages add tasks too).

        `store` is the connection to read on (the follower's thread has its own)."""
        store = store or self.wb.store
        with self._lock:
            self._count = store.change_count()
            steps = store.steps()
            steps = steps[steps["plan"] == self.plan_id]
            show = self.wb.pseudonyms.text
            step_names = [
                (f"{s.number}. {snippet(show(s.title))}", int(s.id)) for s in steps.itertuples()
            ]
            _offer(self.step, step_names, first=True)  # a new task: in the first step unless chosen
            tasks = store.tasks()
            tasks = tasks[tasks["plan"] == self.plan_id]
            mine = [t for t in tasks.itertuples() if may(self.wb, Act.SET_TASK_STATUS, t.owners)]
            _offer(
                self.task,
                [(f"{t.step}.{t.number} {snippet(show(t.title), 50)}", t.id) for t in mine],
            )
            self.set_status.disabled = not mine
            self.overview.value = self._table(tasks)
            children = self._layout(store.plans(), steps, bool(mine))
            if tuple(children) != self.children:  # the same children: nothing drawn again
                self.children = children

    def _layout(self, plans: pd.DataFrame, steps: pd.DataFrame, updatable: bool) -> list:
        """The form, or why there is none: unknown plan, or a plan without steps; the status
        form when there is a task this person may update (a facilitator: always)."""
        problem = ""
        if not self.plan_id:  # no plan chosen, because there is none yet
            problem = missing(self.wb, "plans") or self._label("plan.edit.no_plans")
        elif self.plan_id not in set(plans["id"]):
            ids = ", ".join(plans["id"])
            problem = self._label("ui.task.unknown_plan", plan=self.plan_id, plans=ids)
        elif steps.empty:
            problem = self._label("ui.task.no_steps")
        self.add.disabled = bool(problem) or not may(self.wb, Act.ADD_TASK)
        title = plans.loc[plans["id"] == self.plan_id, "title"]
        self.heading.value = f"<h3>{escape(title.iloc[0])}</h3>" if len(title) else ""
        self.problem.value = empty_html(problem) if problem else ""
        form = [self.step, self.title, self._when, self.note, self.add]
        if problem or not may(self.wb, Act.ADD_TASK):
            form = [self.problem]
        tracking = [self.overview]
        if updatable or self.wb.facilitates:
            tracking.append(self._updating)
        return [self.heading, *form, self.status, *tracking, self.live_note]

    def _table(self, tasks: pd.DataFrame) -> str:
        if tasks.empty:
            return empty_html(sentence(self.wb, "tasks"))
        head = [
            self._label(f"ui.task.{key}") for key in ("step", "title", "owners", "due", "status")
        ]
        rows = [
            [
                f"{t.step}.{t.number}",
                self.wb.pseudonyms.text(t.title),
                self._owners(t.owners, t.owner_note),
                t.due_text,
                self._label(f"status.{t.status}"),
            ]
            for t in tasks.itertuples()
        ]
        return str(styled(table_html(pd.DataFrame(rows, columns=head))))

    def _owners(self, owners: list[str], owner_note: str) -> str:
        names = [
            self._label("everyone") if o == ALL_PARTICIPANTS else self.wb.pseudonyms.name(o)
            for o in owners
        ]
        return ", ".join(names + ([self.wb.pseudonyms.text(owner_note)] if owner_note else []))

    # -- the live list -------------------------------------------------------------------------

    live_label = "ui.task.live"
    live_stopped_label = "ui.task.live_stopped"

    def _follow(self, wb: Workbook) -> None:
        self.refresh(wb.store)

    # -- handlers ------------------------------------------------------------------------------

    def _on_add(self, _button) -> None:
        if refused(self, Act.ADD_TASK):
            return
        steps = self.wb.store.steps().set_index("id")["number"]
        number = int(steps.get(self.step.value, 0)) if self.step.value is not None else 0
        stored = self._attempt(
            lambda: self.wb.store.add_task(
                self.plan_id,
                number,
                self.title.value,
                owners=tuple(self.owners.value),
                due=self.due.value,
                status=self.new_status.value,
                note=self.note.value,
            )
        )
        if stored:
            # cleared only once the task is safely stored; the step stays for the next task
            self.title.value = self.due.value = self.note.value = ""
            self.owners.value = ()
            self.refresh()

    def _on_set_status(self, _button) -> None:
        if self._missing(self.task):
            return
        task = self.task.value
        tasks = self.wb.store.tasks().set_index("id")
        owners = tasks.at[task, "owners"] if task in tasks.index else []
        if refused(self, Act.SET_TASK_STATUS, owners):  # the kernel asks, not the browser
            return
        stored = self._attempt(lambda: self.wb.store.set_task_status(task, self.status_pick.value))
        if stored:
            self.saved = task
            self.refresh()


def _offer(dropdown: ipw.Dropdown, options: list[tuple[str, object]], first: bool = False) -> None:
    """Give a dropdown new options, keeping the one chosen (else, with `first`, the first;
    without, none: the panel asks for a choice); nothing when they are the same."""
    if list(dropdown.options) == options:
        return
    chosen = dropdown.value
    dropdown.options = options
    if chosen in {value for _, value in options}:
        dropdown.value = chosen
    elif first and options:
        dropdown.value = options[0][1]


def _lacking(wb: Workbook, plan_id: str) -> str:
    """What a plan lacks before it has tasks: the plan, a step, a task ('' when it has them)."""
    if not plan_id:
        return missing(wb, "plans") or wb.labels("plan.edit.no_plans")
    if plan_id not in set(wb.store.plans()["id"]):
        return ""  # an unknown id: the panel names the known ones
    if not (wb.store.steps()["plan"] == plan_id).any():
        return sentence(wb, "steps")
    if not (wb.store.tasks()["plan"] == plan_id).any():
        return sentence(wb, "tasks")
    return ""
