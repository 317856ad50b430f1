"""Dates in words, as people write them: "maandag 20 april 2020", "week 18 (vanaf maandag 27
april)". Beside `wwlib.core.duedate`, which reads due dates as people write them; used by views,
figures, exports and the report alike, so that none of them needs another to say a date."""

from __future__ import annotations

import datetime as dt
import math

from wwlib.core.labels import Labels


def as_date(value: object) -> dt.date | None:
    """A date from an ISO string or date; None for empty values."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def long_date(value: object, labels: Labels, weekday: bool = True, year: bool = True) -> str:
    """A date as people write it: "maandag 20 april 2020" ('' for no date)."""
    day = as_date(value)
    if day is None:
        return ""
    text = labels(
        "view.date",
        weekday=labels(f"view.weekday.{day.weekday()}") if weekday else "",
        day=day.day,
        month=labels(f"view.month.{day.month}"),
        year=day.year if year else "",
    )
    return text.strip()


def due_words(kind: str, first_day: object, labels: Labels) -> str:
    """A due date with its precision, from its first day: "week 18 (vanaf maandag 27 april)",
    "juni 2020 (vanaf de 1e)" or "24 april 2020" ('' for no date)."""
    day = as_date(first_day)
    if day is None:
        return ""
    if kind == "week":
        week = day.isocalendar().week
        return labels("due.week", week=week, day=long_date(day, labels, False, False))
    if kind == "month":
        return labels("due.month", month=f"{labels(f'view.month.{day.month}')} {day.year}")
    return long_date(day, labels, weekday=False)
