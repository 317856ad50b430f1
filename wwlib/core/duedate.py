"""Due dates as people write them: "2020-04-24", "24 april", "week 18", "juni 2020"."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from wwlib.core.errors import ValidationError

MONTHS = {
    "januari": 1, "februari": 2, "maart": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
    "augustus": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7,
    "august": 8, "october": 10,
    "jan": 1, "feb": 2, "mrt": 3, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "okt": 10, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip

_WEEK = re.compile(r"^(?:week|wk)\s*(\d{1,2})(?:\s+(\d{4}))?$")
_MONTH_YEAR = re.compile(r"^([a-z]+)\.?\s+(\d{4})$")
_DAY_MONTH = re.compile(r"^(\d{1,2})\s+([a-z]+)\.?(?:\s+(\d{4}))?$")

HOW_TO_WRITE = 'write a date as 2020-04-24, a week as "week 18" or a month as "juni 2020"'


@dataclass(frozen=True)
class DueDate:
    """A due date with its precision; `first_day` is the date used for sorting and calendars."""

    text: str
    kind: str  # "date", "week" or "month"
    first_day: dt.date

    @property
    def last_day(self) -> dt.date:
        """The last day the task is still on time."""
        if self.kind == "week":
            return self.first_day + dt.timedelta(days=6)
        if self.kind == "month":
            nxt = (self.first_day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            return nxt - dt.timedelta(days=1)
        return self.first_day


def parse_due(value: object, year: int, field: str = "due") -> DueDate | None:
    """Parse a due date; `year` fills in a week or day-month written without one."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return DueDate(value.isoformat(), "date", value)
    text = str(value).strip()
    if not text:
        return None
    low = " ".join(text.lower().split())
    try:
        return _parse_text(text, low, year)
    except ValueError as exc:
        raise ValidationError(field, "a date, an ISO week or a month", text, HOW_TO_WRITE) from exc


def _parse_text(text: str, low: str, year: int) -> DueDate:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", low):
        return DueDate(text, "date", dt.date.fromisoformat(low))
    if m := _WEEK.match(low):
        week, week_year = int(m[1]), int(m[2] or year)
        return DueDate(text, "week", dt.date.fromisocalendar(week_year, week, 1))
    if m := _MONTH_YEAR.match(low):
        return DueDate(text, "month", dt.date(int(m[2]), _month(m[1]), 1))
    if m := _DAY_MONTH.match(low):
        return DueDate(text, "date", dt.date(int(m[3] or year), _month(m[2]), int(m[1])))
    raise ValueError(text)


def _month(name: str) -> int:
    if name not in MONTHS:
        raise ValueError(name)
    return MONTHS[name]
