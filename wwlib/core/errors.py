"""Every error the workbook raises on purpose, under one base class.

User-facing errors say where the problem is (file, line, field) and what would fix it.
"""

from __future__ import annotations

from dataclasses import dataclass


class WorkbookError(Exception):
    """Base class: a problem the user can fix, with a message that says how.

    Every subclass pickles as it is (its message and its attributes), so `ww batch` workers,
    local or on a Dask cluster, report it unchanged.
    """

    def __reduce__(self):
        return (_remade, (type(self), self.args, dict(self.__dict__)))


def _remade(kind: type, args: tuple, state: dict) -> WorkbookError:
    """A pickled error made again without calling its `__init__` (see `__reduce__`)."""
    error = kind.__new__(kind)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


def _with_fix(text: str, fix: str, joined: str = " ({})") -> str:
    return text + joined.format(fix) if fix else text


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a dataset: where it is, what is wrong, how to fix it."""

    file: str
    line: int | None
    field: str | None
    message: str
    fix: str = ""

    def __str__(self) -> str:
        return self.shown([self.line] if self.line is not None else [])

    def shown(self, lines: list[int]) -> str:
        """The problem as one line, at `lines` (several: the same problem on each)."""
        where = self.file
        if lines:
            where += f", {'line' if len(lines) == 1 else 'lines'} {_line_ranges(lines)}"
        message = self.message
        if self.field:
            where += f", field '{self.field}'"
            message = message.removeprefix(f"'{self.field}' ")  # said once, in `where`
        return _with_fix(f"{where}: {message}", self.fix)


def problem_lines(problems: list[Problem]) -> list[str]:
    """Every problem as a line, the same problem on several lines of a file said once."""
    lines: dict[Problem, list[int]] = {}
    for problem in problems:
        same = Problem(problem.file, None, problem.field, problem.message, problem.fix)
        lines.setdefault(same, [])
        if problem.line is not None:
            lines[same].append(problem.line)
    return [problem.shown(at) for problem, at in lines.items()]


def _line_ranges(lines: list[int]) -> str:
    """[3, 4, 5, 9, 12] as '3-5, 9 and 12'."""
    ranges: list[list[int]] = []
    for line in sorted(set(lines)):
        if ranges and line == ranges[-1][1] + 1:
            ranges[-1][1] = line
        else:
            ranges.append([line, line])
    parts = [f"{a}" if a == b else f"{a}-{b}" for a, b in ranges]
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


class DatasetError(WorkbookError):
    """A cohort folder has problems; `problems` lists every one of them."""

    def __init__(self, folder: str, problems: list[Problem]):
        self.folder = folder
        self.problems = list(problems)
        lines = "\n".join(f"  - {line}" for line in problem_lines(self.problems))
        super().__init__(
            f"{len(self.problems)} problem(s) in cohort folder {folder}; nothing was imported:\n"
            f"{lines}"
        )


class ValidationError(WorkbookError):
    """One value is not acceptable: `'<field>' must be <what> (got <value>)`."""

    def __init__(self, field: str, must: str, got: object, fix: str = ""):
        self.field = field
        self.must = must
        self.got = got
        self.fix = fix
        super().__init__(_with_fix(f"'{field}' must be {must} (got {got!r})", fix, "; {}"))


class ParameterError(WorkbookError):
    """A notebook parameter has the wrong type or names an unknown cohort."""


class ScaffoldError(WorkbookError):
    """A new cohort folder (`ww new`) cannot be made where or as asked; nothing was written."""


class StoreError(WorkbookError):
    """The store cannot do what was asked (missing file, newer schema, unknown id, ...)."""


class NotFound(StoreError):
    """An id that a change refers to is not in the store."""


class SyncError(StoreError):
    """Folder and store disagree in a way no command may settle by itself.

    `items` lists what would be lost or what conflicts, one readable line each.
    """

    SHOWN = 25  # items in the message; all of them stay in `items`

    def __init__(self, message: str, items: list[str] | tuple[str, ...] = ()):
        self.items = tuple(items)
        shown = [f"\n  - {item}" for item in self.items[: self.SHOWN]]
        if len(self.items) > self.SHOWN:
            shown.append(f"\n  ... and {len(self.items) - self.SHOWN} more")
        super().__init__(message + "".join(shown))


class RunError(WorkbookError):
    """Running a phase notebook failed; `notebook` and `cell_index` say where."""

    def __init__(self, message: str, notebook: str = "", cell_index: int | None = None):
        self.notebook = notebook
        self.cell_index = cell_index
        super().__init__(message)


class FileError(WorkbookError):
    """A file that cannot be read: `file` the file given, `place` where in it (a zip member, a
    line and element), `message` what is wrong and `fix` what would help."""

    outcome = ""  # what a subclass adds after the message, e.g. "; nothing was changed"

    def __init__(self, file: str, place: str, message: str, fix: str = ""):
        self.file = file
        self.place = place
        self.message = message
        self.fix = fix
        where = f"{file}: {place}" if place else file
        super().__init__(_with_fix(f"{where}: {message}{self.outcome}", fix))


class FileRefused(FileError):
    """A file is not read: it is no regular file, or larger than `wwlib/limits.py` allows."""


class ConsentError(WorkbookError):
    """Something needs a person's consent that is not on record (`wwlib.core.consent`): `person`
    the id, `field` people.csv's consent column; nothing was changed."""

    def __init__(self, person: str, field: str, message: str, fix: str = ""):
        self.person = person
        self.field = field
        super().__init__(_with_fix(message, fix, "; {}"))


class SearchQueryError(WorkbookError):
    """A search query cannot be read: `query` as typed, `problem` what is wrong, `fix` how."""

    def __init__(self, query: object, problem: str, fix: str = ""):
        self.query = query
        self.problem = problem
        self.fix = fix
        super().__init__(_with_fix(f"search query {query!r} cannot be read: {problem}", fix))
