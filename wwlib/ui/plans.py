"""PlanEditor: a Road to Progress plan (or the integration plan) edited in place, drawn as a road.

Every change is stored at once: a text when it is left (the fields sync on blur, so a half-typed
word is never stored), a step, obstacle or factor when its button is clicked. The tasks under
each step are shown, not edited: they belong to `TaskPanel`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial

import ipywidgets as ipw
import pandas as pd
import plotly.io as pio
import traitlets

from wwlib.figures.act import overdue
from wwlib.figures.base import empty_message
from wwlib.present.act import PLAN_TEXTS, plan_road
from wwlib.present.missing import PLAN_PARTS, missing
from wwlib.present.render import empty_html, styled, table_html
from wwlib.present.views import task_frame
from wwlib.present.workbook import Workbook
from wwlib.ui.base import ERROR_COLOUR, Panel, StaticView, button, escape, field
from wwlib.ui.roles import Act, may, read_only_note, refused


class PlanEditor(Panel):
    """Goal, current situation, steps, obstacles and helping factors of one plan, and its road.

    `plan_id` is the plan shown (the picker sets it); `saved` the id of the last record stored;
    `figure` the road as last drawn; `today` (default: the real today) decides which tasks are
    overdue. A text that names someone whose name is hidden is shown pseudonymised and
    read-only, so a pseudonym is never saved over the name. The facilitator records the plan
    for the group: a participant's or support's page shows it read-only, as the report does,
    with its road (`editing` false).
    """

    plan_id = traitlets.Unicode("", help="id of the plan being edited")

    def __init__(
        self, wb: Workbook, plan_id: str | None = None, today: dt.date | None = None, **kwargs
    ):
        super().__init__(wb, **kwargs)
        self.today, self._filling, self.figure = today, False, None
        self.step_rows: list[StepRow] = []
        self.obstacle_rows: list[ObstacleRow] = []
        self.factor_rows: list[FactorRow] = []
        self.editing = may(wb, Act.EDIT_PLAN)
        self.picker = field(
            ipw.Dropdown(layout=ipw.Layout(width="60%")),
            "ww-plan-pick",
            self._label("plan.edit.plan"),
        )
        refresh = button(self._label("ui.refresh"), "ww-refresh", lambda _b: self.refresh())
        refresh.button_style = ""
        self.road = field(ipw.Output(), "ww-plan-road")
        if self.editing:
            self.ensure = button(self._label("plan.edit.ensure"), "ww-plan-ensure", self._on_ensure)
            self.body = self._forms()
            head = [self.picker, refresh, self.ensure]
        else:
            self.view = field(ipw.HTML(), "ww-plan-view")
            self.body = ipw.VBox([ipw.HTML(read_only_note(wb)), self.view, self.road])
            head = [self.picker, refresh]
        self.children = [ipw.HBox(head), self.status, self.body]
        self.add_class("ww-plan-editor")
        self.plan_id = plan_id if plan_id is not None else _first_plan(wb.store.plans())
        self.picker.observe(self._on_pick, "value")
        self.observe(lambda _change: self.refresh(), "plan_id")
        self.refresh()

    def _forms(self) -> ipw.VBox:
        """The plan's texts, its steps, obstacles and factors, each with a form to add one."""
        self.title = self._text(ipw.Text(), "ww-plan-title", "plan.edit.title")
        self.goal = self._text(ipw.Textarea(rows=3), "ww-plan-goal", "plan.edit.goal")
        self.current = self._text(ipw.Textarea(rows=3), "ww-plan-current", "plan.edit.current")
        for name in PLAN_TEXTS:
            getattr(self, name).observe(partial(self._on_plan_text, name), "value")
        self.steps, self.obstacles, self.factors = ipw.VBox(), ipw.VBox(), ipw.VBox()
        return ipw.VBox(
            [self.title, self.goal, self.current, self._heading("plan.edit.steps"), self.steps,
             self._step_form(), self._heading("plan.edit.obstacles"), self.obstacles,
             self._obstacle_form(), self._heading("plan.edit.factors"), self.factors,
             self._factor_form(), self.road]
        )  # fmt: skip

    @classmethod
    def static(
        cls, wb: Workbook, plan_id: str | None = None, today: dt.date | None = None, **kwargs
    ) -> StaticView:
        """The plan as HTML: goal, current situation, steps with tasks, obstacles, factors."""
        plan_id = plan_id if plan_id is not None else _first_plan(wb.store.plans())
        return StaticView(plan_html(wb, plan_id, today), plan_id=plan_id)

    @classmethod
    def of_kind(
        cls, wb: Workbook, kind: str = "integration", today: dt.date | None = None
    ) -> PlanEditor | StaticView:
        """The first plan of a kind (theme or integration); without one, the sentence that says
        it is missing and which step makes it (its `plan_id` is '')."""
        plan_id = wb.plan_id(kind)
        if not plan_id:
            return StaticView(empty_html(missing(wb, PLAN_PARTS[kind])), plan_id="")
        return cls(wb, plan_id, today)

    # -- building ----------------------------------------------------------------------------

    def _text(self, widget: ipw.Widget, css_class: str, key: str) -> ipw.Widget:
        """A text input that syncs when it is left, not on every key."""
        widget.continuous_update = False
        widget.layout = ipw.Layout(width="95%")
        return field(widget, css_class, self._label(key))

    def _heading(self, key: str) -> ipw.HTML:
        return ipw.HTML(f"<h4>{escape(self._label(key))}</h4>")

    def _step_form(self) -> ipw.Widget:
        self.new_step = field(ipw.Text(), "ww-step-new", self._label("plan.edit.step_title"))
        self.new_step_description = field(
            ipw.Text(), "ww-step-new-description", self._label("plan.edit.step_description")
        )
        self.new_step_feedback = field(
            ipw.Checkbox(indent=False), "ww-step-new-feedback", self._label("plan.edit.feedback")
        )
        self.add_step = button(self._label("plan.edit.add_step"), "ww-step-add", self._on_add_step)
        form = [self.new_step, self.new_step_description, self.new_step_feedback, self.add_step]
        return ipw.HBox(form)

    def _obstacle_form(self) -> ipw.Widget:
        self.new_obstacle = field(ipw.Text(), "ww-obstacle-new", self._label("plan.edit.obstacle"))
        self.new_way = field(ipw.Text(), "ww-way-new", self._label("plan.edit.way_to_deal"))
        self.add_obstacle = button(
            self._label("plan.edit.add_obstacle"), "ww-obstacle-add", self._on_add_obstacle
        )
        return ipw.HBox([self.new_obstacle, self.new_way, self.add_obstacle])

    def _factor_form(self) -> ipw.Widget:
        self.new_factor = field(ipw.Text(), "ww-factor-new", self._label("plan.edit.factor"))
        self.add_factor = button(
            self._label("plan.edit.add_factor"), "ww-factor-add", self._on_add_factor
        )
        return ipw.HBox([self.new_factor, self.add_factor])

    @contextmanager
    def _quiet(self) -> Iterator[None]:
        """Fill inputs from the store without their observers storing the values again."""
        self._filling = True
        try:
            yield
        finally:
            self._filling = False

    def fill(self, widget: ipw.Widget, text: str) -> None:
        """Show stored text; read-only when names in it must be hidden."""
        shown = self.wb.pseudonyms.text(text)
        with self._quiet():
            widget.value = shown
        widget.disabled = shown != text
        widget.tooltip = self._label("plan.edit.hidden") if widget.disabled else None

    # -- showing -----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the plans again and show the chosen one (other tabs edit too)."""
        plans = self.wb.store.plans()
        known = self.plan_id in set(plans["id"])
        with self._quiet():
            self.picker.options = [(self._plan_option(p), p.id) for p in plans.itertuples()]
            self.picker.value = self.plan_id if known else None
        if self.editing:
            themes = set(plans.loc[plans["kind"] == "theme", "theme"])
            unplanned = set(self.wb.cohort.prioritised_themes) - themes
            self.ensure.layout.display = "" if unplanned else "none"
        self.body.layout.display = "" if known else "none"
        if not known and not self.plan_id:  # nothing to choose yet: say what makes a plan
            self.status.lacking(missing(self.wb, "plans") or self._label("plan.edit.no_plans"))
            return
        if not known:
            ids = ", ".join(plans["id"])
            problem = ("plan.edit.unknown_plan" if ids else "plan.edit.no_plans", ids)
            self.status.error(self._label(problem[0], plan=self.plan_id, plans=ids), False)
            return
        if not self.editing:
            self.view.value = plan_html(self.wb, self.plan_id, self.today)
            self._draw()
            return
        plan = plans.set_index("id").loc[self.plan_id]
        for name in PLAN_TEXTS:
            self.fill(getattr(self, name), plan[name])
        self._show_steps()
        self._show_obstacles()
        self._show_factors()

    def _plan_option(self, plan) -> str:
        return f"{self._label(f'plan.{plan.kind}')}: {self.wb.pseudonyms.text(plan.title)}"

    def _show_steps(self) -> None:
        steps = _of_plan(self.wb.store.steps(), self.plan_id)
        tasks = _of_plan(task_frame(self.wb), self.plan_id)
        late = overdue(tasks, self.today or dt.date.today())
        self.step_rows = [
            StepRow(self, s, len(steps), task_list(self.wb, tasks[tasks["step"] == s.number], late))
            for s in steps.itertuples()
        ]
        empty = [ipw.HTML(_none(self._label("plan.edit.no_steps")))]
        self.steps.children = self.step_rows or empty
        self._draw()

    def _show_obstacles(self) -> None:
        obstacles = _of_plan(self.wb.store.plan_obstacles(), self.plan_id)
        self.obstacle_rows = [ObstacleRow(self, o) for o in obstacles.itertuples()]
        empty = [ipw.HTML(_none(self._label("plan.edit.no_obstacles")))]
        self.obstacles.children = self.obstacle_rows or empty

    def _show_factors(self) -> None:
        factors = _of_plan(self.wb.store.plan_factors(), self.plan_id)
        self.factor_rows = [FactorRow(self, f) for f in factors.itertuples()]
        empty = [ipw.HTML(_none(self._label("plan.edit.no_factors")))]
        self.factors.children = self.factor_rows or empty

    def _draw(self) -> None:
        """Draw the road again into the output area (as a plotly figure a cell would show);
        a plan without steps says so instead of showing an empty road."""
        self.figure = plan_road(self.wb, self.plan_id, self.today)
        data = {"application/vnd.plotly.v1+json": json.loads(pio.to_json(self.figure)),
                "text/plain": self.figure.layout.title.text}  # fmt: skip
        if empty_message(self.figure):
            data = {"text/html": empty_html(empty_message(self.figure)),
                    "text/plain": empty_message(self.figure)}  # fmt: skip
        self.road.outputs = ({"output_type": "display_data", "data": data, "metadata": {}},)

    # -- changing ----------------------------------------------------------------------------

    def change(self, action: Callable[[], object], then: Callable[[], None]) -> bool:
        """Store one change; on success show it (`then`), on failure keep what was typed. The
        kernel asks whether this page may change the plan, whatever the browser sent."""
        stored = not refused(self, Act.EDIT_PLAN) and self._attempt(action)
        if stored:
            then()
        return stored

    def _on_pick(self, change) -> None:
        if not self._filling:
            self.plan_id = change["new"] or ""

    def _on_plan_text(self, name: str, change) -> None:
        if self._filling:
            return
        plan = self.plan_id
        self.change(
            lambda: self.wb.store.set_plan_text(plan, **{name: change["new"]}) or plan,
            self.refresh if name == "title" else self._draw,
        )

    def _on_add_step(self, _button) -> None:
        plan, title = self.plan_id, self.new_step.value
        description, feedback = self.new_step_description.value, self.new_step_feedback.value
        if self.change(
            lambda: self.wb.store.add_step(plan, title, description, feedback=feedback),
            self._show_steps,
        ):
            self.new_step.value = self.new_step_description.value = ""
            self.new_step_feedback.value = False

    def _on_add_obstacle(self, _button) -> None:
        plan, obstacle, way = self.plan_id, self.new_obstacle.value, self.new_way.value
        if self.change(
            lambda: self.wb.store.add_obstacle(plan, obstacle, way), self._show_obstacles
        ):
            self.new_obstacle.value = self.new_way.value = ""

    def _on_add_factor(self, _button) -> None:
        plan, text = self.plan_id, self.new_factor.value
        if self.change(lambda: self.wb.store.add_factor(plan, text), self._show_factors):
            self.new_factor.value = ""

    def _on_ensure(self, _button) -> None:
        made: list[str] = []
        if self.change(lambda: made.extend(self.wb.store.ensure_theme_plans()), self.refresh):
            self.status.saved(self._label("plan.edit.made", n=len(made)))


class StepRow(ipw.VBox):
    """One step: its title, description and feedback flag, buttons to move or remove it, and
    its tasks (read-only)."""

    def __init__(self, editor: PlanEditor, step, count: int, tasks_html: str):
        self.step_id, self.number = int(step.id), int(step.number)
        label = editor.wb.labels
        store, sid = editor.wb.store, self.step_id
        self.title = field(ipw.Text(continuous_update=False), "ww-step-title")
        self.description = field(
            ipw.Text(continuous_update=False, placeholder=label("plan.edit.step_description")),
            "ww-step-description",
        )
        editor.fill(self.title, step.title)
        editor.fill(self.description, step.description)
        self.feedback = field(
            ipw.Checkbox(value=bool(step.feedback), indent=False),
            "ww-step-feedback",
            label("plan.edit.feedback"),
        )
        for name in ("title", "description", "feedback"):
            getattr(self, name).observe(
                lambda change, name=name: editor.change(
                    lambda: store.update_step(sid, **{name: change["new"]}) or sid, editor._draw
                ),
                "value",
            )
        self.up = _small(label("plan.edit.up"), "ww-step-up", self.number == 1)
        self.down = _small(label("plan.edit.down"), "ww-step-down", self.number == count)
        self.remove = _small(label("plan.edit.remove"), "ww-step-remove", False)
        for btn, action in (
            (self.up, lambda: store.move_step(sid, self.number - 1)),
            (self.down, lambda: store.move_step(sid, self.number + 1)),
            (self.remove, lambda: store.remove_step(sid)),
        ):
            btn.on_click(lambda _b, action=action: editor.change(action, editor._show_steps))
        self.tasks = field(ipw.HTML(tasks_html), "ww-step-tasks")
        number = ipw.HTML(f"<b>{self.number}.</b>")
        super().__init__(
            [ipw.HBox([number, self.title, self.description, self.feedback, self.up, self.down,
                       self.remove]), self.tasks]
        )  # fmt: skip
        self.add_class("ww-step")


class ObstacleRow(ipw.HBox):
    """One obstacle and its way to deal, both editable, and a button to remove it."""

    def __init__(self, editor: PlanEditor, row):
        self.position = int(row.position)
        plan, position, store = row.plan, self.position, editor.wb.store
        self.obstacle = field(ipw.Text(continuous_update=False), "ww-obstacle")
        self.way_to_deal = field(ipw.Text(continuous_update=False), "ww-way")
        editor.fill(self.obstacle, row.obstacle)
        editor.fill(self.way_to_deal, row.way_to_deal)
        for name in ("obstacle", "way_to_deal"):
            getattr(self, name).observe(
                lambda change, name=name: editor.change(
                    lambda: store.update_obstacle(plan, position, **{name: change["new"]}),
                    lambda: None,
                ),
                "value",
            )
        self.remove = _small(editor.wb.labels("plan.edit.remove"), "ww-obstacle-remove", False)
        self.remove.on_click(
            lambda _b: editor.change(
                lambda: store.remove_obstacle(plan, position), editor._show_obstacles
            )
        )
        super().__init__([self.obstacle, ipw.HTML("→"), self.way_to_deal, self.remove])
        self.add_class("ww-obstacle-row")


class FactorRow(ipw.HBox):
    """One helping factor and a button to remove it."""

    def __init__(self, editor: PlanEditor, row):
        self.position = int(row.position)
        plan, position, store = row.plan, self.position, editor.wb.store
        self.text = field(ipw.HTML(escape(editor.wb.pseudonyms.text(row.text))), "ww-factor")
        self.remove = _small(editor.wb.labels("plan.edit.remove"), "ww-factor-remove", False)
        self.remove.on_click(
            lambda _b: editor.change(
                lambda: store.remove_factor(plan, position), editor._show_factors
            )
        )
        super().__init__([self.text, self.remove])
        self.add_class("ww-factor-row")


# -- HTML, for the static run and the task lists -----------------------------------------------


def task_list(wb: Workbook, tasks: pd.DataFrame, late: pd.Series) -> str:
    """A step's tasks (from `views.task_frame`) as a list: title, owners, due, status."""
    if tasks.empty:
        return f"<p style='margin-left:2em'><i>{escape(wb.labels('plan.edit.no_tasks'))}</i></p>"
    items = []
    for t in tasks.itertuples():
        parts = [escape(t.title), escape(t.owners), escape(t.due_text),
                 escape(wb.labels(f"status.{t.status}"))]  # fmt: skip
        if late[t.Index]:
            overdue_word = escape(wb.labels("plan.edit.overdue"))
            parts.append(f"<b class='ww-overdue' style='color:{ERROR_COLOUR}'>{overdue_word}</b>")
        items.append(f"<li>{' · '.join(p for p in parts if p)}</li>")
    return f"<ul class='ww-step-task-list'>{''.join(items)}</ul>"


def plan_html(wb: Workbook, plan_id: str, today: dt.date | None = None) -> str:
    """The whole plan as HTML, every text escaped and names shown as the workbook says."""
    plans = wb.store.plans().set_index("id")
    if not plan_id and plan_id not in plans.index:
        return empty_html(missing(wb, "plans") or wb.labels("plan.edit.no_plans"))
    if plan_id not in plans.index:
        ids = ", ".join(plans.index)
        key = "plan.edit.unknown_plan" if ids else "plan.edit.no_plans"
        return f"<p><i>{escape(wb.labels(key, plan=plan_id, plans=ids))}</i></p>"
    plan, show, label = plans.loc[plan_id], wb.pseudonyms.text, wb.labels
    parts = [f"<h3>{escape(show(plan.title))}</h3>"]
    for key in ("goal", "current"):
        text = escape(show(plan[key])) or "—"
        parts.append(f"<p><b>{escape(label(f'plan.edit.{key}'))}:</b> {text}</p>")
    parts.append(_steps_html(wb, plan_id, today or dt.date.today()))
    obstacles = _of_plan(wb.store.plan_obstacles(), plan_id)
    parts.append(f"<h4>{escape(label('plan.edit.obstacles'))}</h4>")
    rows = [[show(o.obstacle), show(o.way_to_deal)] for o in obstacles.itertuples()]
    head = [label("plan.edit.obstacle"), label("plan.edit.way_to_deal")]
    shown = styled(table_html(pd.DataFrame(rows, columns=head)))
    parts.append(shown if rows else _none(label("plan.edit.no_obstacles")))
    factors = _of_plan(wb.store.plan_factors(), plan_id)["text"]
    parts.append(f"<h4>{escape(label('plan.edit.factors'))}</h4>")
    items = "".join(f"<li>{escape(show(f))}</li>" for f in factors)
    parts.append(f"<ul>{items}</ul>" if items else _none(label("plan.edit.no_factors")))
    return f"<div class='ww-plan'>{''.join(parts)}</div>"


def _steps_html(wb: Workbook, plan_id: str, today: dt.date) -> str:
    steps = _of_plan(wb.store.steps(), plan_id)
    tasks = _of_plan(task_frame(wb), plan_id)
    late = overdue(tasks, today)
    heading = f"<h4>{escape(wb.labels('plan.edit.steps'))}</h4>"
    if steps.empty:
        return heading + _none(wb.labels("plan.edit.no_steps"))
    items = []
    for s in steps.itertuples():
        mark = f" <i>({escape(wb.labels('plan.edit.feedback'))})</i>" if s.feedback else ""
        about = f"<br>{escape(wb.pseudonyms.text(s.description))}" if s.description else ""
        own = tasks[tasks["step"] == s.number]
        items.append(
            f"<li><b>{escape(wb.pseudonyms.text(s.title))}</b>{mark}{about}"
            f"{task_list(wb, own, late)}</li>"
        )
    return f"{heading}<ol>{''.join(items)}</ol>"


def _none(text: str) -> str:
    return f"<p><i>{escape(text)}</i></p>"


def _small(text: str, css_class: str, disabled: bool) -> ipw.Button:
    """A plain button for a row (move, remove)."""
    btn = ipw.Button(description=text, disabled=disabled, layout=ipw.Layout(width="auto"))
    btn.add_class(css_class)
    return btn


def _of_plan(frame: pd.DataFrame, plan_id: str) -> pd.DataFrame:
    return frame[frame["plan"] == plan_id]


def _first_plan(plans: pd.DataFrame) -> str:
    """The first theme plan, else the first plan, else ''."""
    ordered = pd.concat([plans[plans["kind"] == "theme"], plans[plans["kind"] != "theme"]])
    return str(ordered["id"].iloc[0]) if len(ordered) else ""
