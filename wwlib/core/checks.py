"""Checks of single values, shared by the data model and the readers: slugs, texts, choices,
colours, times, counts and seconds, each raising `ValidationError` naming the field."""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

from wwlib.core.control_chars import REMOVE_IT, first_control, in_value
from wwlib.core.errors import ValidationError

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


# Bounds of the numbers a cohort holds: far beyond any real week, well inside SQLite's integers.
MAX_ROUND = 1000
MAX_DOTS = 100  # dots of one vote, and a round's budget
MAX_OCCURRENCE = 100_000  # which occurrence of a quote in a transcript
MAX_TURN = 100_000  # speaker turns of one transcript
MAX_SECONDS = 86400 * 7  # a recording's times: at most a week


def check_slug(name: str, value: object) -> str:
    """Return `value` if it is a slug (a-z, 0-9, '-'), else raise naming the field."""
    if not isinstance(value, str) or not SLUG.match(value):
        raise ValidationError(name, "a slug of a-z, 0-9 and '-'", value, "e.g. 'harry-coumans'")
    return value


def slugify(text: str) -> str:
    """A slug made of a name, '' when nothing is left: "Heideveld 2027" -> "heideveld-2027".

    Accents are dropped, letters lower-cased, every other run of characters becomes one '-'.
    """
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def check_text(name: str, value: object, required: bool = True) -> str:
    """Return the text; a required field may not be empty, no field holds a control character.

    Every text a person types reaches the store through here (a dashboard, the Store API, a
    cohort folder), so the store never holds what `ww check` would refuse in the folder.
    """
    text = "" if value is None else str(value)
    if required and not text.strip():
        raise ValidationError(name, "non-empty text", value, "fill it in")
    found = first_control(text)
    if found:
        raise ValidationError(name, f"text without control characters ({in_value(found)})",
                              text[:30], REMOVE_IT)  # fmt: skip
    return text


def check_choice(name: str, value: object, enum: type[StrEnum]) -> str:
    """Return `value` if it is one of the enum's values."""
    allowed = [e.value for e in enum]
    if value not in allowed:
        raise ValidationError(name, "one of " + ", ".join(allowed), value)
    return str(value)


def check_colour(name: str, value: object) -> str:
    """Return a `#rrggbb` colour in lower case."""
    if not isinstance(value, str) or not COLOUR.match(value):
        raise ValidationError(name, "a colour written as #rrggbb", value, "e.g. #5cb85c")
    return value.lower()


def check_count(name: str, value: object, high: int) -> int:
    """Return `value` if it is a whole number from 1 to `high` (True is not one)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= high:
        raise ValidationError(name, f"a whole number from 1 to {high}", value)
    return value


def check_seconds(name: str, value: object) -> float | None:
    """Return `value` if it is None or a finite number of seconds from 0 to `MAX_SECONDS`."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(name, "seconds into the recording", value)
    if not 0 <= value <= MAX_SECONDS:  # NaN fails this too
        raise ValidationError(name, f"seconds from 0 to {MAX_SECONDS} (a week)", value)
    return value


def check_time(name: str, value: object) -> str:
    """Return an HH:MM time or '' when empty."""
    if value in (None, ""):
        return ""
    if not isinstance(value, str) or not TIME.match(value):
        raise ValidationError(name, "a time written as HH:MM", value, "e.g. 09:30")
    return value
