"""Reading `plans.yaml`: Road to Progress plans and the integration plan, with line numbers."""

from __future__ import annotations

from wwlib.core.duedate import parse_due
from wwlib.core.errors import ValidationError
from wwlib.core.model import ALL_PARTICIPANTS, Obstacle, Plan, Step, Task
from wwlib.folder.files import LineDict

NAME = "plans.yaml"
PLAN_KEYS = {
    "id",
    "kind",
    "theme",
    "title",
    "goal",
    "current",
    "steps",
    "obstacles",
    "helping_factors",
}
STEP_KEYS = {"title", "description", "tasks", "feedback"}
TASK_KEYS = {"id", "title", "owners", "owner_note", "due", "status", "note"}


def read_plans(loader, cohort) -> list[Plan]:
    """Every plan in plans.yaml; problems go to the loader with their line."""
    data = loader.files.yaml(NAME, required=False)
    if data is None:
        return []
    if not isinstance(data, list):
        loader.problem(NAME, 1, None, "must be a list of plans, each starting with '- id: ...'")
        return []
    week = (cohort.start, cohort.end) if cohort else loader.week
    reader = _PlanReader(loader, week[0].year if week else 2000)
    plans = [p for p in (reader.plan(item) for item in data) if p]
    return plans


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


class _PlanReader:
    def __init__(self, loader, year: int):
        self.loader = loader
        self.year = year
        self.plan_ids: set[str] = set()
        self.task_ids: set[str] = set()

    def problem(self, line, field, message, fix=""):
        self.loader.problem(NAME, line, field, message, fix)

    def mapping(self, item, keys: set[str], what: str) -> bool:
        if not isinstance(item, LineDict):
            self.problem(None, None, f"every {what} must be a mapping of fields")
            return False
        unknown = [k for k in item if k not in keys]
        for key in unknown:
            self.problem(
                item.lines.get(key),
                key,
                f"unknown field in a {what}",
                "known fields: " + ", ".join(sorted(keys)),
            )
        return not unknown

    def items(self, parent: LineDict, key: str) -> list:
        value = parent.get(key) or []
        if not isinstance(value, list):
            self.problem(parent.lines.get(key), key, "must be a list")
            return []
        return value

    def plan(self, item) -> Plan | None:
        if not self.mapping(item, PLAN_KEYS, "plan"):
            return None
        before = len(self.loader.files.problems)
        steps = tuple(
            s
            for s in (
                self.step(s, item.get("id"), n)
                for n, s in enumerate(self.items(item, "steps"), start=1)
            )
            if s
        )
        obstacles = tuple(o for o in (self.obstacle(o) for o in self.items(item, "obstacles")) if o)
        factors = tuple(_text(f) for f in self.items(item, "helping_factors") if _text(f))
        try:
            plan = Plan(
                id=item.get("id"),
                kind=_text(item.get("kind")),
                title=_text(item.get("title")),
                theme=_text(item.get("theme")),
                goal=_text(item.get("goal")),
                current=_text(item.get("current")),
                steps=steps,
                obstacles=obstacles,
                helping_factors=factors,
            )
        except ValidationError as exc:
            self.problem(item.lines.get(exc.field, item.line), exc.field, str(exc))
            return None
        if plan.theme and self.loader._theme_problem(plan.theme):
            self.problem(item.lines.get("theme"), "theme", self.loader._theme_problem(plan.theme))
        if plan.id in self.plan_ids:
            self.problem(item.lines.get("id"), "id", f"duplicate plan id '{plan.id}'")
        self.plan_ids.add(plan.id)
        return plan if len(self.loader.files.problems) == before else None

    def step(self, item, plan_id: object, number: int) -> Step | None:
        if not self.mapping(item, STEP_KEYS, "step"):
            return None
        tasks = []
        for position, task in enumerate(self.items(item, "tasks"), start=1):
            made = self.task(task, f"{plan_id}-{number}-{position}")
            if made:
                tasks.append(made)
        feedback = item.get("feedback", False)
        if not isinstance(feedback, bool):
            self.problem(
                item.lines.get("feedback", item.line),
                "feedback",
                f"step {number}: must be true or false (got {feedback!r})",
            )
            return None
        try:
            return Step(
                title=_text(item.get("title")),
                description=_text(item.get("description")),
                tasks=tuple(tasks),
                feedback=feedback,
            )
        except ValidationError as exc:
            self.problem(item.line, exc.field, f"step {number}: {exc}")
            return None

    def task(self, item, default_id: str) -> Task | None:
        if not self.mapping(item, TASK_KEYS, "task"):
            return None
        line = item.line
        owners = item.get("owners") or []
        if isinstance(owners, str):
            owners = [owners]
        for owner in owners:
            if owner != ALL_PARTICIPANTS and self.loader._dangling(
                "people.csv", owner, self.loader.people
            ):
                self.problem(
                    item.lines.get("owners", line),
                    "owners",
                    f"'{owner}' is not a person in people.csv",
                    f"use an id from people.csv or {ALL_PARTICIPANTS}",
                )
                return None
        task_id = item.get("id") or default_id
        try:
            task = Task(
                id=task_id,
                title=_text(item.get("title")),
                owners=tuple(str(o) for o in owners),
                owner_note=_text(item.get("owner_note")),
                due=parse_due(item.get("due"), self.year),
                status=_text(item.get("status")) or "open",
                note=_text(item.get("note")),
            )
        except ValidationError as exc:
            self.problem(item.lines.get(exc.field, line), exc.field, str(exc))
            return None
        if task.id in self.task_ids:
            self.problem(
                item.lines.get("id", line),
                "id",
                f"duplicate task id '{task.id}'",
                "task ids must be unique across all plans",
            )
            return None
        self.task_ids.add(task.id)
        return task

    def obstacle(self, item) -> Obstacle | None:
        if not self.mapping(item, {"obstacle", "way_to_deal"}, "obstacle"):
            return None
        try:
            return Obstacle(_text(item.get("obstacle")), _text(item.get("way_to_deal")))
        except ValidationError as exc:
            self.problem(item.line, exc.field, str(exc))
            return None
