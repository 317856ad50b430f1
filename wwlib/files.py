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
        self, name: str, columns: list[str], required: bool = False, needed: tuple[str, ...] = ()
    ) -> list[tuple[int, dict]]:
        """Rows of a CSV file as (line, {column: stripped value}); checks the header."""
        text = self.text(name, required)
        if text is None:
            return []
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = [h.strip() for h in next(reader)]
        except (StopIteration, csv.Error) as exc:
            self.problem(name, 1, None, f"cannot read the header ({exc})")
            return []
        missing = [c for c in (needed or columns) if c not in header]
        unknown = [h for h in header if h not in columns]
        if missing or unknown:
            if missing:
                self.problem(
                    name,
                    1,
                    None,
                    "missing column(s): " + ", ".join(missing),
                    "the header must be: " + ",".join(columns),
                )
            if unknown:
                self.problem(
                    name,
                    1,
                    None,
                    "unknown column(s): " + ", ".join(unknown),
                    "the header must be: " + ",".join(columns),
                )
            return []
        rows = []
        line = 1
        try:
            for values in reader:
                first = line + 1
                line = reader.line_num
                if not any(v.strip() for v in values):
                    continue
                if len(values) != len(header):
                    self.problem(
                        name,
                        first,
                        None,
                        f"has {len(values)} values, the header has {len(header)}",
                        'quote values that contain a comma with "..."',
                    )
                    continue
                row = {c: "" for c in columns}
                row.update({h: v.strip() for h, v in zip(header, values, strict=True)})
                rows.append((first, row))
        except csv.Error as exc:
            self.problem(name, reader.line_num, None, f"is not valid CSV ({exc})")
        if not rows and required:
            self.problem(name, None, None, "has a header but no rows", "add at least one row")
        return rows

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
