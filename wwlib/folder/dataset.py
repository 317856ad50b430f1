"""A cohort folder (data/<cohort>/) read into validated model records, every problem at once.

`check_dataset` lists the problems; `load_dataset` returns a `Dataset` or raises `DatasetError`
with all of them. data/README.md documents the files.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from wwlib.core.errors import DatasetError, Problem, ValidationError
from wwlib.core.model import (
    Board,
    Category,
    Code,
    Coding,
    Cohort,
    FocusGroup,
    Guids,
    Interview,
    MemoRecord,
    Note,
    Person,
    Plan,
    SavedTurn,
    Session,
    Transcript,
    Vote,
    VoteRound,
)
from wwlib.folder.boards import BoardReading
from wwlib.folder.files import YES, FolderReader, LineDict, as_date
from wwlib.folder.groups import GroupReading
from wwlib.folder.identity import IdentityReading, speaker_turns
from wwlib.folder.interviews import InterviewReading
from wwlib.folder.plans import read_plans
from wwlib.transcripts.records import Turn

COLUMNS = {
    "people.csv": [
        "id",
        "name",
        "role",
        "organisation",
        "municipality",
        "function",
        "pseudonym",
        "consent_named",
        "consent_recording",
        "consent_quotes",
        "consent_date",
        "consent_covers",
    ],
    "programme.csv": ["id", "date", "start", "end", "phase", "activity"],
    "codebook.csv": ["id", "category", "name", "colour", "parent", "description"],
    "interviews.csv": ["participant", "interviewer", "date", "status", "transcript"],
    "codings.csv": ["interview", "code", "coder", "quote", "occurrence", "memo", "span"],
    "boards.csv": ["id", "title", "kind", "theme"],
    "notes.csv": ["id", "board", "text", "category", "author", "cluster", "quotes"],
    "votes.csv": ["round", "voter", "note", "dots"],
    "rounds.csv": [
        "round",
        "board",
        "budget",
        "anonymous",
        "status",
        "opened_at",
        "closed_at",
        "voters",
    ],
    "turns.csv": ["interview", "turn", "speaker", "person", "time_start", "time_end"],
    "memos.csv": ["target", "target_id", "author", "created_at", "text", "guid"],
    "guids.csv": ["kind", "key", "guid"],
}
OPTIONAL = {  # columns that may be left out of the header
    "people.csv": (
        "organisation",
        "municipality",
        "function",
        "consent_named",
        "consent_recording",
        "consent_quotes",
        "consent_date",
        "consent_covers",
    ),
    "programme.csv": ("start", "end"),
    "codebook.csv": ("colour", "parent", "description"),
    "interviews.csv": ("date", "transcript"),
    "codings.csv": ("occurrence", "memo", "span"),
    "boards.csv": ("theme",),
    "notes.csv": ("category", "author", "cluster", "quotes"),
    "votes.csv": (),
    "rounds.csv": ("board", "anonymous", "status", "opened_at", "closed_at", "voters"),
    "turns.csv": ("person", "time_start", "time_end"),
    "memos.csv": ("author", "created_at", "guid"),
    "guids.csv": (),
}


@dataclass
class Dataset:
    """Every record of one cohort folder, validated and cross-checked."""

    folder: Path
    cohort: Cohort
    people: list[Person] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)
    codes: list[Code] = field(default_factory=list)
    interviews: list[Interview] = field(default_factory=list)
    transcripts: list[Transcript] = field(default_factory=list)
    codings: list[Coding] = field(default_factory=list)
    boards: list[Board] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    votes: list[Vote] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)
    shortlist: list[str] = field(default_factory=list)  # theme code ids, in order
    focus_groups: list[FocusGroup] = field(default_factory=list)
    rounds: list[VoteRound] = field(default_factory=list)  # rounds.csv; the rest are closed
    turns: dict[str, list[SavedTurn]] = field(default_factory=dict)  # turns.csv, by interview
    # every transcript's turns, speakers mapped to people, with the corrections of turns.csv
    speaker_turns: dict[str, list[Turn]] = field(default_factory=dict)
    memos: list[MemoRecord] = field(default_factory=list)
    guids: Guids = field(default_factory=Guids)


def check_dataset(folder: str | Path) -> list[Problem]:
    """Every problem in a cohort folder (an empty list when it can be imported)."""
    return _Loader(Path(folder)).run()[1]


def load_dataset(folder: str | Path) -> Dataset:
    """Read and validate a cohort folder; raises `DatasetError` listing every problem."""
    dataset, problems = _Loader(Path(folder)).run()
    if problems:
        raise DatasetError(str(folder), problems)
    return dataset


class _Loader(InterviewReading, BoardReading, GroupReading, IdentityReading):
    """One pass over a folder; `run` returns the dataset (or None) and every problem."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.files = FolderReader(folder)
        self.cohort_data: LineDict | None = None
        self.week: tuple[dt.date, dt.date] | None = None  # start and end, when both are dates
        self.unread_transcripts: set[str] = set()  # interviews whose transcript has a problem

    def problem(self, file, line, field, message, fix=""):
        self.files.problem(file, line, field, message, fix)

    def build(self, file: str, line: int | None, make, **fields):
        """Make a model record; a `ValidationError` becomes a problem at file and line."""
        try:
            return make(**fields)
        except ValidationError as exc:
            self.problem(file, line, exc.field, str(exc))
            return None

    def build_row(self, file: str, line: int, make, row: dict[str, str], **fields):
        """`build` from a CSV row: a field not given is the column of its name (as text)."""
        names = {f.name for f in dataclasses.fields(make)}
        return self.build(file, line, make, **{c: row[c] for c in row if c in names} | fields)

    def run(self) -> tuple[Dataset | None, list[Problem]]:
        if not self.folder.is_dir():
            self.problem(
                str(self.folder),
                None,
                None,
                "is not a folder",
                "give the path of a cohort folder such as data/limburg-2020",
            )
            return None, self.files.problems
        cohort = self._cohort()
        ds = Dataset(self.folder, cohort) if cohort else Dataset(self.folder, None)
        ds.people = self._people()
        self.people = {p.id: p for p in ds.people}
        ds.sessions = self._sessions()
        ds.codes = self._codes()
        self.codes = {c.id: c for c in ds.codes}
        self._check_themes(cohort)
        ds.shortlist = self._shortlist(cohort)
        ds.focus_groups = self._focus_groups(ds.shortlist)
        ds.interviews, ds.transcripts = self._interviews()
        ds.codings, coding_rows = self._codings(ds.transcripts)
        ds.boards = self._boards()
        texts = {t.interview: t.text for t in ds.transcripts}
        ds.notes = self._notes({b.id for b in ds.boards}, coding_rows, texts)
        ds.votes = self._votes({n.id for n in ds.notes})
        ds.rounds = self._rounds({b.id for b in ds.boards})
        ds.plans = self._plans(cohort)
        ds.turns = self._turns(ds.transcripts)
        ds.memos = self._memos(ds)
        ds.guids = self._guids(ds)
        problems = self.files.problems
        if not problems:  # turns.csv matches its transcripts: safe to apply
            ds.speaker_turns = speaker_turns(ds)
        return (None if problems else ds), problems

    # -- cohort, people, programme, codebook -------------------------------------------

    def _cohort(self) -> Cohort | None:
        name = "cohort.yaml"
        data = self.files.yaml(name, required=True)
        if data is None:
            return None
        if not isinstance(data, LineDict):
            self.problem(name, 1, None, "must be a mapping of fields (id: ..., title: ...)")
            return None
        self.cohort_data = data
        known = {
            "id",
            "title",
            "municipalities",
            "start",
            "end",
            "language",
            "research_question",
            "prioritised_themes",
            "source",
            "mentioned_names",
            "interview_guide",
            "shortlist",
            "focus_groups",
            "never_replace",
            "min_group",
            "retention",
        }
        for key in data:
            if key not in known:
                self.problem(
                    name,
                    data.lines.get(key),
                    key,
                    "unknown field",
                    "known fields: " + ", ".join(sorted(known)),
                )
        missing = [k for k in ("id", "title", "municipalities", "start", "end") if k not in data]
        for key in missing:
            self.problem(name, None, key, "is missing", "add it as data/README.md shows")
        self.week = self._week(data)
        if missing:
            return None
        try:
            municipalities = data["municipalities"]
            if isinstance(municipalities, str):
                municipalities = [municipalities]
            themes = data.get("prioritised_themes") or []
            return Cohort(
                id=data["id"],
                title=str(data["title"]),
                municipalities=tuple(str(m) for m in municipalities or ()),
                start=as_date(data["start"], "start"),
                end=as_date(data["end"], "end"),
                language=str(data.get("language", "nl")),
                research_question=str(data.get("research_question") or "").strip(),
                prioritised_themes=tuple(str(t) for t in themes),
                source=str(data.get("source") or "").strip(),
                mentioned_names=tuple(str(n).strip() for n in data.get("mentioned_names") or ()),
                interview_guide=self._interview_guide(data),
                never_replace=self._words(data, "never_replace"),
                min_group=data.get("min_group", 3),
                retention=self._date_or_none(data, "retention"),
            )
        except ValidationError as exc:
            self.problem(name, data.lines.get(exc.field), exc.field, str(exc))
            return None
        except TypeError as exc:
            self.problem(name, None, None, f"has a field of the wrong kind ({exc})")
            return None

    def _week(self, data: LineDict) -> tuple[dt.date, dt.date] | None:
        """Start and end, so that the programme is checked even if another field is wrong."""
        try:
            start, end = as_date(data.get("start"), "start"), as_date(data.get("end"), "end")
        except ValidationError:
            return None
        return (start, end) if start <= end else None

    def _date_or_none(self, data: LineDict, key: str) -> dt.date | None:
        """An optional date (left out or empty: None)."""
        return as_date(data[key], key) if data.get(key) else None

    def _words(self, data: LineDict, key: str) -> tuple[str, ...]:
        """An optional list of words (one word may be written without the list)."""
        words = data.get(key) or []
        if isinstance(words, str | int | float):
            words = [words]
        if not isinstance(words, list):
            raise ValidationError(key, "a list of words", words, f"e.g. {key}: [Echt, Born]")
        return tuple(str(w).strip() for w in words if str(w).strip())

    def _interview_guide(self, data: LineDict) -> tuple[str, ...]:
        """The optional list of questions; YAML reads `- Wat: ...` as a mapping, not a question."""
        guide = data.get("interview_guide") or []
        if not isinstance(guide, list):
            raise ValidationError(
                "interview_guide", "a list of questions, one '- ' line each", guide
            )
        for number, question in enumerate(guide, start=1):
            if not isinstance(question, str):
                raise ValidationError(
                    "interview_guide",
                    f"text for question {number}",
                    question,
                    "put the question in quotes when it contains ': '",
                )
        return tuple(q.strip() for q in guide)

    def _rows(self, name: str, required: bool = False, rows_required: bool = True):
        return self.files.csv_rows(
            name,
            COLUMNS[name],
            required,
            needed=tuple(c for c in COLUMNS[name] if c not in OPTIONAL[name]),
            rows_required=rows_required,
        )

    def _dangling(self, file: str, value: str, known) -> bool:
        """`value` is not an id in `file`, and not one whose row has a problem of its own."""
        return value not in known and not self.files.doubtful(file, "id", value)

    def _unique(self, name: str, line: int, kind: str, value: str, seen: set) -> bool:
        if value in seen:
            self.problem(
                name,
                line,
                kind,
                f"duplicate {kind} '{value}'",
                f"every {kind} must be unique in the file",
            )
            return False
        seen.add(value)
        return True

    def _people(self) -> list[Person]:
        name, people, ids, codes = "people.csv", [], set(), set()
        # no people yet is the state of a new cohort's first day (ww new)
        for line, row in self._rows(name, required=True, rows_required=False):
            consent = self._consent(name, line, row)
            if consent is None:
                continue
            person = self.build_row(name, line, Person, row, **consent)
            if (
                person
                and self._unique(name, line, "id", person.id, ids)
                and self._unique(name, line, "pseudonym", person.pseudonym, codes)
            ):
                people.append(person)
        return people

    def _consent(self, name: str, line: int, row: dict[str, str]) -> dict | None:
        """A person's consent fields from their row, or None after a problem for each bad one."""
        consent, good = {}, True
        for column in ("consent_named", "consent_recording", "consent_quotes"):
            said = row[column].lower()
            if said not in YES:
                self.problem(name, line, column, f"must be ja or nee (got {said!r})", "empty: nee")
                good = False
            else:
                consent[column] = YES[said]
        try:
            consent["consent_date"] = (
                as_date(row["consent_date"], "consent_date") if row["consent_date"] else None
            )
        except ValidationError as exc:
            self.problem(name, line, "consent_date", str(exc), "or leave it empty: not on record")
            good = False
        return consent if good else None

    def _sessions(self) -> list[Session]:
        name, sessions, ids = "programme.csv", [], set()
        for line, row in self._rows(name, required=True):
            try:
                day = as_date(row["date"], "date")
            except ValidationError as exc:
                self.problem(name, line, "date", str(exc))
                continue
            if self.week and not self.week[0] <= day <= self.week[1]:
                self.problem(
                    name,
                    line,
                    "date",
                    f"{day} is outside the week {self.week[0]}..{self.week[1]}",
                    "fix the date or cohort.yaml",
                )
                continue
            session = self.build_row(name, line, Session, row, date=day)
            if session and self._unique(name, line, "id", session.id, ids):
                sessions.append(session)
        return sessions

    def _codes(self) -> list[Code]:
        name, codes, ids, lines = "codebook.csv", [], set(), {}
        for line, row in self._rows(name):
            code = self.build_row(name, line, Code, row)
            if code and self._unique(name, line, "id", code.id, ids):
                codes.append(code)
                lines[code.id] = line
        by_id = {c.id: c for c in codes}
        for code in codes:
            seen, parent = {code.id}, code.parent
            while parent:
                if parent not in by_id and self.files.doubtful(name, "id", parent):
                    break  # the parent's own row has a problem
                if parent not in by_id:
                    self.problem(
                        name, lines[code.id], "parent", f"'{parent}' is not a code in this file"
                    )
                    break
                if parent in seen:
                    self.problem(name, lines[code.id], "parent", "codes are nested in a cycle")
                    break
                seen.add(parent)
                parent = by_id[parent].parent
        return codes

    def _check_themes(self, cohort: Cohort | None) -> None:
        for theme in cohort.prioritised_themes if cohort else ():
            if self._theme_problem(theme):
                self.problem(
                    "cohort.yaml",
                    None,
                    "prioritised_themes",
                    self._theme_problem(theme),
                    "add it to codebook.csv with category theme",
                )

    def _theme_problem(self, theme: str) -> str:
        if theme not in self.codes:
            if self.files.doubtful("codebook.csv", "id", theme):
                return ""  # its row in codebook.csv has a problem, reported there
            return f"'{theme}' is not a code in codebook.csv"
        if self.codes[theme].category != Category.THEME:
            return f"'{theme}' is a code of category {self.codes[theme].category}, not theme"
        return ""

    def _person_problem(self, file, line, field, person_id, role: str | None = None) -> bool:
        if person_id not in self.people:
            if self.files.doubtful("people.csv", "id", person_id):
                return False  # its row in people.csv has a problem, reported there
            self.problem(
                file,
                line,
                field,
                f"'{person_id}' is not a person in people.csv",
                "use an id from people.csv",
            )
            return True
        if role and self.people[person_id].role != role:
            self.problem(
                file, line, field, f"'{person_id}' is a {self.people[person_id].role}, not a {role}"
            )
            return True
        return False

    def _plans(self, cohort: Cohort | None) -> list[Plan]:
        return read_plans(self, cohort)
