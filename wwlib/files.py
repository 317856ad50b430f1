"""Reading a cohort folder's files and collecting every problem with its file and line."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import yaml

from wwlib.errors import Problem, ValidationError


class LineDict(dict):
    """A YAML mapping that remembers the line of each key (`lines`) and its own (`line`)."""

    line: int = 0
    lines: dict


class _LineLoader(yaml.SafeLoader):
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
        path = self.folder / name
        if not path.is_file():
            if required:
                self.problem(
                    name, None, None, "file is missing", "create it as data/README.md describes"
                )
            return None
        raw = path.read_bytes()
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
                rows.append((lines.first, row))
        except csv.Error as exc:
            self.problem(name, lines.number, None, f"is not valid CSV ({exc})")
            self.unreadable.add(name)
        if not rows and required and rows_required:
            self.problem(name, None, None, "has a header but no rows", "add at least one row")
        return rows

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
        try:
            return yaml.load(text, Loader=_LineLoader)  # noqa: S506 (a SafeLoader subclass)
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


def as_int(value: str, name: str, default: int | None = None) -> int:
    """A whole number from text; `default` for empty text when given."""
    if value == "" and default is not None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ValidationError(name, "a whole number", value) from None


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
