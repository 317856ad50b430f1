"""Due dates as people write them (wwlib/duedate.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from wwlib.core.duedate import DueDate, parse_due
from wwlib.core.errors import ValidationError, WorkbookError

D = dt.date

PARSED = [
    # (value, year of the cohort, kind, first day, last day)
    pytest.param("2020-04-24", 2020, "date", D(2020, 4, 24), D(2020, 4, 24), id="ISO date"),
    pytest.param("week 18", 2020, "week", D(2020, 4, 27), D(2020, 5, 3), id="week 18 of 2020"),
    pytest.param("Week 18", 2020, "week", D(2020, 4, 27), D(2020, 5, 3), id="upper case"),
    pytest.param("wk  18", 2020, "week", D(2020, 4, 27), D(2020, 5, 3), id="wk and spaces"),
    pytest.param("week 18", 2021, "week", D(2021, 5, 3), D(2021, 5, 9), id="week 18 of 2021"),
    pytest.param("week 1 2021", 2020, "week", D(2021, 1, 4), D(2021, 1, 10), id="week 1 2021"),
    pytest.param("week 53", 2020, "week", D(2020, 12, 28), D(2021, 1, 3), id="week 53 of 2020"),
    pytest.param("juni 2020", 2020, "month", D(2020, 6, 1), D(2020, 6, 30), id="juni 2020"),
    pytest.param("June 2020", 2020, "month", D(2020, 6, 1), D(2020, 6, 30), id="June 2020"),
    pytest.param("mrt. 2021", 2020, "month", D(2021, 3, 1), D(2021, 3, 31), id="mrt. 2021"),
    pytest.param("februari 2024", 2024, "month", D(2024, 2, 1), D(2024, 2, 29), id="leap Feb"),
    pytest.param("februari 2023", 2023, "month", D(2023, 2, 1), D(2023, 2, 28), id="plain Feb"),
    pytest.param("december 2020", 2020, "month", D(2020, 12, 1), D(2020, 12, 31), id="December"),
    pytest.param("24 april", 2020, "date", D(2020, 4, 24), D(2020, 4, 24), id="24 april"),
    pytest.param("24 april 2021", 2020, "date", D(2021, 4, 24), D(2021, 4, 24), id="with year"),
    pytest.param("29 februari", 2024, "date", D(2024, 2, 29), D(2024, 2, 29), id="leap day"),
]


@pytest.mark.parametrize("value, year, kind, first, last", PARSED)
def test_parse_due(value, year, kind, first, last):
    due = parse_due(value, year)
    assert (due.kind, due.first_day, due.last_day) == (kind, first, last)
    assert due.text == value.strip()


def test_week_18_of_2020_starts_on_monday_27_april():
    due = parse_due("week 18", 2020)
    assert due.first_day == D(2020, 4, 27) and due.first_day.isoweekday() == 1
    assert due.first_day.isocalendar()[:2] == (2020, 18)


@pytest.mark.parametrize(
    "value", [D(2020, 4, 24), dt.datetime(2020, 4, 24, 15, 30)], ids=["date", "datetime"]
)
def test_date_objects_are_dates(value):
    assert parse_due(value, 1999) == DueDate("2020-04-24", "date", D(2020, 4, 24))


@pytest.mark.parametrize("value", [None, "", "   "], ids=["None", "empty", "spaces"])
def test_no_due_date(value):
    assert parse_due(value, 2020) is None


BAD = [
    "week 60",
    "week 0",
    "juni",
    "32 mei",
    "morgen",
    "juni twintig",
    "2020-13-01",
    "30 februari 2021",
    "29 februari",  # 2021 is not a leap year
    "week 53",  # 2021 has 52 ISO weeks
    "18",
]


@pytest.mark.parametrize("value", BAD)
@pytest.mark.parametrize("field", ["due", "deadline"])
def test_bad_due_dates_name_the_field(value, field):
    with pytest.raises(ValidationError) as caught:
        parse_due(value, 2021, field=field)
    assert isinstance(caught.value, WorkbookError)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"'{field}' must be")
    assert repr(value) in str(caught.value)
    assert "week 18" in str(caught.value)  # says how to write one
