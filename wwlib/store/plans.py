"""Editing Road to Progress plans: goal and current situation, steps, obstacles, factors.

Steps are addressed by their id and ordered by number (from 1, as `steps()` gives it); moving
or removing one renumbers the plan's steps. Obstacles and helping factors are addressed by the
`position` column `plan_obstacles()` and `plan_factors()` give: a key that never changes, so a
second tab that still shows a removed obstacle gets an error instead of editing another one.
"""

from __future__ import annotations

import json
import sqlite3

from wwlib.core.errors import NotFound, ValidationError
from wwlib.core.model import Category, PlanKind, check_text
from wwlib.store.groups import group_id
from wwlib.store.rows import require


class PlanMixin:
    # -- the plan itself -------------------------------------------------------------------

    def set_plan_text(
        self,
        plan: str,
        goal: str | None = None,
        current: str | None = None,
        title: str | None = None,
        actor: str | None = None,
    ) -> None:
        """Change a plan's goal, current situation or title; fields left None stay as they are.

        Nothing is written (or logged) when the texts are what the store holds already.
        """
        new = _given(goal=goal, current=current, title=title)
        for name, value in new.items():
            _check_str(name, value)
        if "title" in new:
            new["title"] = check_text("title", title).strip()
        with self._write() as con:
            columns = ("goal", "current", "title")
            detail = _update(con, "plan", columns, {"id": plan}, new, f"plan '{plan}'")
            if detail:
                self._log(con, "update", "plan", plan, detail, actor)

    # -- steps -----------------------------------------------------------------------------

    def add_step(
        self,
        plan: str,
        title: str,
        description: str = "",
        position: int | None = None,
        feedback: bool = False,
        actor: str | None = None,
    ) -> int:
        """Add a step to a plan as step number `position` (from 1; None: last); returns its id."""
        title = check_text("title", title).strip()
        _check_str("description", description)
        _check_bool("feedback", feedback)
        with self._write() as con:
            require(con, "plan", "id", plan, "plan")
            count = _step_count(con, plan)
            number = count + 1 if position is None else _check_number(position, count + 1)
            # make room: every later step one up, through negative positions (UNIQUE)
            _shift(con, plan, number - 1, +1)
            step_id = con.execute(
                "INSERT INTO step (plan, position, title, description, feedback) "
                "VALUES (?, ?, ?, ?, ?)",
                (plan, number - 1, title, description, int(feedback)),
            ).lastrowid
            detail = {"plan": plan, "number": number, "title": title,
                      "description": description, "feedback": feedback}  # fmt: skip
            self._log(con, "add", "step", step_id, detail, actor)
        return step_id

    def update_step(
        self,
        step_id: int,
        title: str | None = None,
        description: str | None = None,
        feedback: bool | None = None,
        actor: str | None = None,
    ) -> None:
        """Change a step's title, description or whether it is the feedback moment."""
        new: dict[str, object] = {}
        if title is not None:
            new["title"] = check_text("title", title).strip()
        if description is not None:
            new["description"] = _check_str("description", description)
        if feedback is not None:
            new["feedback"] = int(_check_bool("feedback", feedback))
        with self._write() as con:
            columns = ("title", "description", "feedback")
            detail = _update(con, "step", columns, {"id": step_id}, new, f"step {step_id}")
            if detail:
                self._log(con, "update", "step", step_id, detail, actor)

    def move_step(self, step_id: int, position: int, actor: str | None = None) -> None:
        """Make a step step number `position` (from 1) of its plan; the others close up."""
        with self._write() as con:
            plan, old = _step(con, step_id)
            order = [r[0] for r in con.execute(
                "SELECT id FROM step WHERE plan = ? ORDER BY position", (plan,)
            )]  # fmt: skip
            number = _check_number(position, len(order))
            if number == old + 1:
                return
            order.remove(step_id)
            order.insert(number - 1, step_id)
            _renumber(con, plan, order)
            detail = {"plan": plan, "from": old + 1, "to": number}
            self._log(con, "move", "step", step_id, detail, actor)

    def remove_step(self, step_id: int, actor: str | None = None) -> None:
        """Remove a step without tasks; the later steps move up one. A step with tasks stays."""
        with self._write() as con:
            plan, position = _step(con, step_id)
            title, tasks = con.execute(
                "SELECT title, (SELECT count(*) FROM task WHERE step = ?) FROM step WHERE id = ?",
                (step_id, step_id),
            ).fetchone()
            if tasks:
                raise ValidationError(
                    "step",
                    "a step without tasks to be removed",
                    title,
                    f"step {position + 1} still has {tasks} task(s); so that no task is lost, "
                    "a step with tasks stays (mark its tasks cancelled, or rename the step)",
                )
            con.execute("DELETE FROM step WHERE id = ?", (step_id,))
            _shift(con, plan, position + 1, -1)
            detail = {"plan": plan, "number": position + 1, "title": title}
            self._log(con, "remove", "step", step_id, detail, actor)

    # -- obstacles and helping factors -----------------------------------------------------

    def add_obstacle(
        self, plan: str, obstacle: str, way_to_deal: str = "", actor: str | None = None
    ) -> int:
        """Add an obstacle and the way to deal with it; returns its position."""
        obstacle = check_text("obstacle", obstacle).strip()
        _check_str("way_to_deal", way_to_deal)
        with self._write() as con:
            require(con, "plan", "id", plan, "plan")
            position = _next(con, "plan_obstacle", plan)
            con.execute(
                "INSERT INTO plan_obstacle VALUES (?, ?, ?, ?)",
                (plan, position, obstacle, way_to_deal),
            )
            detail = {"plan": plan, "position": position, "obstacle": obstacle,
                      "way_to_deal": way_to_deal}  # fmt: skip
            self._log(con, "add", "obstacle", f"{plan}/{position}", detail, actor)
        return position

    def update_obstacle(
        self,
        plan: str,
        position: int,
        obstacle: str | None = None,
        way_to_deal: str | None = None,
        actor: str | None = None,
    ) -> None:
        """Change an obstacle's text or the way to deal with it."""
        new: dict[str, str] = {}
        if obstacle is not None:
            new["obstacle"] = check_text("obstacle", obstacle).strip()
        if way_to_deal is not None:
            new["way_to_deal"] = _check_str("way_to_deal", way_to_deal)
        with self._write() as con:
            key = {"plan": plan, "position": position}
            what = f"obstacle at position {position} of plan '{plan}'"
            detail = _update(con, "plan_obstacle", ("obstacle", "way_to_deal"), key, new, what)
            if detail:
                self._log(con, "update", "obstacle", f"{plan}/{position}", detail, actor)

    def remove_obstacle(self, plan: str, position: int, actor: str | None = None) -> None:
        """Remove an obstacle (with its way to deal) from a plan."""
        self._remove_item("plan_obstacle", "obstacle", plan, position, actor)

    def add_factor(self, plan: str, text: str, actor: str | None = None) -> int:
        """Add a helping factor to a plan; returns its position."""
        text = check_text("text", text).strip()
        with self._write() as con:
            require(con, "plan", "id", plan, "plan")
            position = _next(con, "plan_factor", plan)
            con.execute("INSERT INTO plan_factor VALUES (?, ?, ?)", (plan, position, text))
            detail = {"plan": plan, "position": position, "text": text}
            self._log(con, "add", "factor", f"{plan}/{position}", detail, actor)
        return position

    def remove_factor(self, plan: str, position: int, actor: str | None = None) -> None:
        """Remove a helping factor from a plan."""
        self._remove_item("plan_factor", "factor", plan, position, actor)

    def _remove_item(self, table: str, what: str, plan: str, position: int, actor) -> None:
        """Delete one obstacle or factor by its key, logging what it said."""
        with self._write() as con:
            row = con.execute(
                f"SELECT * FROM {table} WHERE plan = ? AND position = ?", (plan, position)
            )
            columns = [c[0] for c in row.description]
            old = dict(zip(columns, _one(row, f"{what} at position {position} of plan '{plan}'"),
                           strict=True))  # fmt: skip
            con.execute(f"DELETE FROM {table} WHERE plan = ? AND position = ?", (plan, position))
            self._log(con, "remove", what, f"{plan}/{position}", old, actor)

    # -- prioritised themes and their plans ------------------------------------------------

    def set_prioritised_themes(self, themes: list[str], actor: str | None = None) -> None:
        """Store the prioritised themes (theme code ids, in order), logged with before/after."""
        themes = list(themes)
        if len(set(themes)) != len(themes):
            raise ValidationError("prioritised_themes", "each theme once", themes)
        with self._write() as con:
            _check_themes(con, themes)
            before = json.loads(con.execute("SELECT prioritised_themes FROM cohort").fetchone()[0])
            con.execute("UPDATE cohort SET prioritised_themes = ?", (json.dumps(themes),))
            cohort_id = con.execute("SELECT id FROM cohort").fetchone()[0]
            detail = {"before": before, "after": themes}
            self._log(con, "set", "prioritised_themes", cohort_id, detail, actor)

    def ensure_theme_plans(
        self, themes: list[str] | None = None, actor: str | None = None
    ) -> list[str]:
        """A theme plan, titled after the theme, for every theme (default: the prioritised
        ones) that has none yet; new plans go after the last theme plan. Returns their ids."""
        with self._write() as con:
            if themes is None:
                row = con.execute("SELECT prioritised_themes FROM cohort").fetchone()
                themes = json.loads(row[0]) if row else []
            names = _check_themes(con, list(themes))
            planned = {r[0] for r in con.execute("SELECT theme FROM plan WHERE kind = 'theme'")}
            taken = {r[0] for r in con.execute("SELECT id FROM plan")}
            made = []
            for theme in dict.fromkeys(themes):
                if theme in planned:
                    continue
                plan_id = group_id(theme, taken)
                taken.add(plan_id)
                position = _after_theme_plans(con)
                con.execute(
                    "INSERT INTO plan (id, kind, theme, title, position) VALUES (?, ?, ?, ?, ?)",
                    (plan_id, PlanKind.THEME.value, theme, names[theme], position),
                )
                detail = {"kind": "theme", "theme": theme, "title": names[theme]}
                self._log(con, "add", "plan", plan_id, detail, actor)
                made.append(plan_id)
        return made


# -- helpers ---------------------------------------------------------------------------------


def _one(cursor: sqlite3.Cursor, what: str) -> tuple:
    """The one row a cursor gives, or NotFound naming what was looked for."""
    row = cursor.fetchone()
    if row is None:
        raise NotFound(f"{what} is not in this cohort's store")
    return row


def _update(con: sqlite3.Connection, table: str, columns: tuple, key: dict, new: dict, what: str):
    """Write the values of `new` that differ from those of the row `key` names (`columns` are
    the ones it may change); returns {"before", "after"} of what changed, {} when nothing did."""
    where = " AND ".join(f"{k} = ?" for k in key)
    row = con.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE {where}", (*key.values(),))
    old = dict(zip(columns, _one(row, what), strict=True))
    changed = {k: v for k, v in new.items() if v != old[k]}
    if changed:
        assignments = ", ".join(f"{k} = ?" for k in changed)
        con.execute(
            f"UPDATE {table} SET {assignments} WHERE {where}", (*changed.values(), *key.values())
        )
    return {"before": {k: old[k] for k in changed}, "after": changed} if changed else {}


def _given(**fields: object) -> dict:
    """The fields a caller gave (not None), in order."""
    return {k: v for k, v in fields.items() if v is not None}


def _check_str(name: str, value: object) -> str:
    """Text as typed (it may be empty)."""
    if not isinstance(value, str):
        raise ValidationError(name, "text", value)
    return value


def _check_bool(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(name, "true or false", value)
    return value


def _check_number(number: object, highest: int) -> int:
    """A step number from 1 to `highest`."""
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= highest:
        raise ValidationError("position", f"a step number from 1 to {highest}", number)
    return number


def _step(con: sqlite3.Connection, step_id: int) -> tuple[str, int]:
    """(plan, position) of a step."""
    row = con.execute("SELECT plan, position FROM step WHERE id = ?", (step_id,))
    return _one(row, f"step {step_id}")


def _step_count(con: sqlite3.Connection, plan: str) -> int:
    return con.execute("SELECT count(*) FROM step WHERE plan = ?", (plan,)).fetchone()[0]


def _shift(con: sqlite3.Connection, plan: str, first: int, by: int) -> None:
    """Move the steps from position `first` on by `by`, through negative positions (UNIQUE)."""
    con.execute(
        "UPDATE step SET position = -(position + ?) - 1 WHERE plan = ? AND position >= ?",
        (by, plan, first),
    )
    con.execute("UPDATE step SET position = -position - 1 WHERE plan = ? AND position < 0", (plan,))


def _renumber(con: sqlite3.Connection, plan: str, order: list[int]) -> None:
    """Give the plan's steps positions 0, 1, ... in `order`, through negative positions."""
    con.execute("UPDATE step SET position = -position - 1 WHERE plan = ?", (plan,))
    con.executemany(
        "UPDATE step SET position = ? WHERE id = ?", [(i, sid) for i, sid in enumerate(order)]
    )


def _next(con: sqlite3.Connection, table: str, plan: str) -> int:
    """The position after the plan's last obstacle or factor (removed ones are not reused)."""
    return con.execute(
        f"SELECT coalesce(max(position), -1) + 1 FROM {table} WHERE plan = ?", (plan,)
    ).fetchone()[0]


def _check_themes(con: sqlite3.Connection, themes: list[str]) -> dict[str, str]:
    """{id: name} of the themes, each a code of category theme."""
    codes = {r[0]: (r[1], r[2]) for r in con.execute("SELECT id, category, name FROM code")}
    for theme in themes:
        if theme not in codes or codes[theme][0] != Category.THEME.value:
            raise ValidationError(
                "prioritised_themes",
                "codes of category theme from the codebook",
                theme,
                "add the theme to the codebook first, or pick one of its themes",
            )
    return {t: codes[t][1] for t in themes}


def _after_theme_plans(con: sqlite3.Connection) -> int:
    """A position right after the last theme plan, moving the plans after it one up."""
    last = con.execute("SELECT max(position) FROM plan WHERE kind = 'theme'").fetchone()[0]
    if last is None:
        last = -1
    con.execute("UPDATE plan SET position = position + 1 WHERE position > ?", (last,))
    return last + 1
