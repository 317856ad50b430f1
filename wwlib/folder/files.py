"""Reading a cohort folder's files and collecting every problem with its file and line."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import yaml

from wwlib.core.control_chars import REMOVE_IT, first_control, in_value
from wwlib.core.errors import FileRefused, Problem, ValidationError
from wwlib.core.limits import FOLDER_FILE_BYTES, read_regular

MAX_DEPTH = 20  # YAML nesting deeper than any cohort file needs: lists in mappings in lists


class LineDict(dict):
    """A YAML mapping that remembers the line of each key (`lines`) and its own (`line`)."""

    line: int = 0
    lines: dict


class _TooDeep(yaml.YAMLError):
    """Lists and mappings nested deeper than `MAX_DEPTH`, at `line` (from 1)."""

    def __init__(self, line: int):
        super().__init__(f"nested too deeply at line {line}")
        self.line = line


class _LineLoader(yaml.SafeLoader):
    depth = 0  # nodes being composed inside each other: the composer recurses per level

    def compose_node(self, parent, index):
        if self.depth >= MAX_DEPTH:
            raise _TooDeep(self.peek_event().start_mark.line + 1)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_mapping(self, node, deep=False):
        mapping = LineDict(super().construct_mapping(node, deep=deep))
        mapping.line = node.start_mark.line + 1
        mapping.lines = {
            k.value: k.start_mark.line + 1 for k, _ in node.value if isinstance(k, yaml.ScalarNode)
        }
        return mapping


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_mapping
)
# Dates stay text, so that an impossible one ("2024-02-30") is reported with its field and line
# by the loader instead of failing inside the YAML parser.
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class FolderReader:
    """Reads files of one folder; every problem goes to `problems` instead of raising."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.problems: list[Problem] = []
        self.unreadable: set[str] = set()  # CSV files whose rows could not be read
        self.read: dict[str, list[tuple[int, dict]]] = {}  # every row seen, problems or not

    def problem(
        self, file: str, line: int | None, field: str | None, message: str, fix: str = ""
    ) -> None:
        self.problems.append(Problem(file, line, field, message, fix))

    def text(self, name: str, required: bool) -> str | None:
        """The file's text decoded as UTF-8 (a leading BOM dropped), or None with a problem."""
        try:  # a link, pipe or device is refused, never followed or opened
            raw = read_regular(self.folder / name, FOLDER_FILE_BYTES, "a cohort file", False, name)
        except FileNotFoundError:
            if required:
                self.problem(
                    name, None, None, "file is missing", "create it as data/README.md describes"
                )
            return None
        except FileRefused as exc:
            self.problem(name, None, None, exc.message, exc.fix)
            return None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            self.problem(
                name,
                line,
                None,
                f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
                "save the file as UTF-8",
            )
            return None
        text = text.removeprefix("\ufeff")
        if not text.strip():
            self.problem(name, None, None, "file is empty", "fill it in or remove it")
            return None
        return text

    def csv_rows(
        self,
        name: str,
        columns: list[str],
        required: bool = False,
        needed: tuple[str, ...] = (),
        rows_required: bool = True,
    ) -> list[tuple[int, dict]]:
        """Rows of a CSV file as (line, {column: stripped value}); checks the header.

        A line whose first non-blank character is `#` is a comment, unless it continues a
        quoted value. Line numbers count every physical line, comments included. A required
        file needs at least one row unless `rows_required` is False.
        """
        before = len(self.problems)
        text = self.text(name, required)
        if text is None:
            if len(self.problems) > before:
                self.unreadable.add(name)
            return []
        lines = _Lines(text)
        reader = csv.reader(lines)
        header = self._header(name, columns, needed or tuple(columns), lines, reader)
        if header is None:
            self.unreadable.add(name)
            return []
        rows, read = [], self.read.setdefault(name, [])
        try:
            while (values := lines.record(reader)) is not None:
                if not any(v.strip() for v in values):
                    continue
                row = {c: "" for c in columns}
                # a row of the wrong length is kept too: references to it are not re-reported
                row.update(
                    {h: v.strip() for h, v in zip(header, values, strict=False) if h in columns}
                )
                read.append((lines.first, row))
                if len(values) != len(header):
                    self.problem(
                        name,
                        lines.first,
                        None,
                        f"has {len(values)} values, the header has {len(header)}",
                        'quote values that contain a comma with "..."',
                    )
                    continue
                if self._controls(name, lines.first, zip(header, values, strict=True)):
                    continue
                rows.append((lines.first, row))
        except csv.Error as exc:
            self.problem(name, lines.number, None, f"is not valid CSV ({exc})")
            self.unreadable.add(name)
        if not rows and required and rows_required:
            self.problem(name, None, None, "has a header but no rows", "add at least one row")
        return rows

    def _controls(self, name: str, first: int, cells) -> bool:
        """A problem per (column, value) cell that holds a control character; any found."""
        found = False
        for column, value in cells:
            if where := first_control(value):
                self.problem(name, first + where[0] - 1, column, in_value(where), REMOVE_IT)
                found = True
        return found

    def _header(self, name, columns, needed, lines, reader) -> list[str] | None:
        """The header's column names, or None with a problem per missing column."""
        fix = "the header must be: " + ",".join(columns)
        try:
            values = lines.record(reader)
            while values is not None and not any(v.strip() for v in values):
                values = lines.record(reader)  # blank lines before the header
        except csv.Error as exc:
            self.problem(name, lines.first or 1, None, f"cannot read the header ({exc})", fix)
            return None
        if values is None:
            self.problem(name, None, None, "has no header row, only comments", fix)
            return None
        header = [h.strip() for h in values]
        missing = [c for c in needed if c not in header]
        for column in missing:
            self.problem(name, lines.first, column, "missing column", fix)
        for column in (h for h in header if h not in columns):
            self.problem(name, lines.first, column, "unknown column", fix)
        return None if missing else header

    def doubtful(self, name: str, column: str, value: str) -> bool:
        """Whether a reference to `value` (in `column` of CSV file `name`) cannot be checked.

        True when the file's rows could not be read or the row holding `value` has a problem:
        that problem is reported already, so the reference is not reported again. Always
        False for a folder without problems.
        """
        if name in self.unreadable:
            return True
        lines = {p.line for p in self.problems if p.file == name}
        return any(
            line in lines and row.get(column) == value for line, row in self.read.get(name, ())
        )

    def yaml(self, name: str, required: bool) -> object:
        """A YAML file's content, mappings as `LineDict`; None with a problem if unreadable."""
        text = self.text(name, required)
        if text is None:
            return None
        if where := first_control(text):  # the YAML parser would refuse it without a line
            line, column, char = where
            message = f"holds the control character {char} at column {column}"
            self.problem(name, line, _key_at(text, line), message, REMOVE_IT)
            return None
        try:
            data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 (a SafeLoader subclass)
        except _TooDeep as exc:
            field = _key_at(text, exc.line)
            self.problem(name, exc.line, field, "is nested too deeply", _TOO_DEEP_FIX)
            return None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            self.problem(
                name,
                mark.line + 1 if mark else None,
                None,
                f"is not valid YAML: {getattr(exc, 'problem', exc)}",
                "check the indentation and quote text that contains ':'",
            )
            return None
        before = len(self.problems)
        self._check_values(name, data)
        return data if len(self.problems) == before else None

    def _check_values(self, name: str, data: object) -> None:
        """A problem for a value (or key) with a control character, or nesting too deep.

        Walks the loaded values without recursion (YAML aliases can nest what the composer
        saw shallow); a value's line is its key's line, or the line of the mapping around it.
        """
        stack = [(data, "", 1, 0)]  # value, field path, line, depth
        seen = set()  # ids of lists and mappings walked: YAML aliases share them
        while stack:
            value, path, line, depth = stack.pop()
            if depth > MAX_DEPTH:
                field = path[:40] + ("..." if path[40:] else "")
                self.problem(name, line, field or None, "is nested too deeply", _TOO_DEEP_FIX)
                return
            if isinstance(value, dict | list):
                if id(value) in seen:
                    continue
                seen.add(id(value))
            if isinstance(value, dict):
                line = getattr(value, "line", line)
                for key, item in value.items():
                    field = f"{path}.{key}" if path else str(key)
                    where = getattr(value, "lines", {}).get(key, line)
                    stack.append((key, field, where, depth + 1))
                    stack.append((item, field, where, depth + 1))
            elif isinstance(value, list):
                for number, item in enumerate(value, start=1):
                    stack.append((item, f"{path}[{number}]", line, depth + 1))
            elif isinstance(value, str) and (found := first_control(value)):
                self.problem(name, line, path or None, in_value(found), REMOVE_IT)


_TOO_DEEP_FIX = f"put at most {MAX_DEPTH} levels of lists and mappings inside each other"
_YAML_KEY = re.compile(r"^[\s-]*([\w-]+)\s*:")


def _key_at(text: str, line: int) -> str | None:
    """The key a YAML line (from 1) starts with, `title` of `  - title: ...`, if any."""
    lines = text.splitlines()
    key = _YAML_KEY.match(lines[line - 1]) if line <= len(lines) else None
    return key[1] if key else None


class _Lines:
    """The physical lines of a CSV text for `csv.reader`, comment lines between records left out.

    `record` reads the next record and sets `first` to the physical line it starts on.
    """

    def __init__(self, text: str):
        self._lines = io.StringIO(text, newline="")
        self.number = 0  # physical lines read so far
        self.first = 0
        self._between = True  # the reader asks for the first line of a record

    def __iter__(self):
        return self

    def __next__(self) -> str:
        for line in self._lines:
            self.number += 1
            if self._between and line.lstrip().startswith("#"):
                continue
            if self._between:
                self.first, self._between = self.number, False
            return line
        raise StopIteration

    def record(self, reader) -> list[str] | None:
        """The next record of `reader` (reading from these lines), None at the end."""
        self._between = True
        return next(reader, None)


def csv_records(text: str) -> list[list[str]]:
    """Every record of a CSV text (the header first), comment and blank lines left out."""
    if not text.startswith("#") and "\n#" not in text and "\n " not in text:  # no comments
        return [r for r in csv.reader(io.StringIO(text, newline="")) if any(v.strip() for v in r)]
    lines = _Lines(text)
    reader = csv.reader(lines)
    records = []
    while (record := lines.record(reader)) is not None:
        if any(value.strip() for value in record):
            records.append(record)
    return records


def header_comments(text: str) -> list[str]:
    """The comment lines right after a CSV text's header line, as written."""
    comments = []
    for line in text.splitlines(keepends=True)[1:]:
        if not line.lstrip().startswith("#"):
            break
        comments.append(line)
    return comments


def as_date(value: object, name: str) -> dt.date:
    """An ISO date from text (or a date), else a ValidationError naming the field."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(name, "an ISO date YYYY-MM-DD", value, "e.g. 2020-04-20") from None


def as_int(value: str, name: str, low: int, high: int, default: int | None = None) -> int:
    """A whole number from `low` to `high` from text; `default` for empty text when given."""
    if value == "" and default is not None:
        return default
    refusal = ValidationError(
        name, f"a whole number from {low} to {high}", value[:30] + ("..." if value[30:] else "")
    )
    try:
        number = int(value)  # more than 4300 digits is a ValueError too
    except ValueError:
        raise refusal from None
    if not low <= number <= high:
        raise refusal
    return number


# How a yes/no cell may be written (consent_named, anonymous); empty means no.
YES = {
    "ja": True,
    "yes": True,
    "true": True,
    "1": True,
    "j": True,
    "y": True,
    "nee": False,
    "no": False,
    "false": False,
    "0": False,
    "n": False,
    "": False,
}
