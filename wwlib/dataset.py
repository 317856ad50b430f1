"""A cohort folder (data/<cohort>/) read into validated model records, every problem at once.

`check_dataset` lists the problems; `load_dataset` returns a `Dataset` or raises `DatasetError`
with all of them. data/README.md documents the files.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from wwlib.errors import DatasetError, Problem, ValidationError
from wwlib.files import FolderReader, LineDict
from wwlib.model import (
    Board,
    Category,
    Code,
    Coding,
    Cohort,
    Fragment,
    Interview,
    Note,
    Person,
    Plan,
    Role,
    Session,
    Transcript,
    Vote,
)
from wwlib.plans_file import read_plans

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
    ],
    "programme.csv": ["id", "date", "start", "end", "phase", "activity"],
    "codebook.csv": ["id", "category", "name", "colour", "parent", "description"],
    "interviews.csv": ["participant", "interviewer", "date", "status", "transcript"],
    "codings.csv": ["interview", "code", "coder", "quote", "occurrence", "memo"],
    "boards.csv": ["id", "title", "kind", "theme"],
    "notes.csv": ["id", "board", "text", "category", "author", "cluster", "quotes"],
    "votes.csv": ["round", "voter", "note", "dots"],
}
OPTIONAL = {  # columns that may be left out of the header
    "people.csv": ("organisation", "municipality", "function", "consent_named"),
    "programme.csv": ("start", "end"),
    "codebook.csv": ("colour", "parent", "description"),
    "interviews.csv": ("date", "transcript"),
    "codings.csv": ("occurrence", "memo"),
    "boards.csv": ("theme",),
    "notes.csv": ("category", "author", "cluster", "quotes"),
    "votes.csv": (),
}
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


def check_dataset(folder: str | Path) -> list[Problem]:
    """Every problem in a cohort folder (an empty list when it can be imported)."""
    return _Loader(Path(folder)).run()[1]


def load_dataset(folder: str | Path) -> Dataset:
    """Read and validate a cohort folder; raises `DatasetError` listing every problem."""
    dataset, problems = _Loader(Path(folder)).run()
    if problems:
        raise DatasetError(str(folder), problems)
    return dataset


def _date(value: object, name: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(name, "an ISO date YYYY-MM-DD", value, "e.g. 2020-04-20") from None


def _int(value: str, name: str, default: int | None = None) -> int:
    if value == "" and default is not None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ValidationError(name, "a whole number", value) from None


class _Loader:
    """One pass over a folder; `run` returns the dataset (or None) and every problem."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.files = FolderReader(folder)

    def problem(self, file, line, field, message, fix=""):
        self.files.problem(file, line, field, message, fix)

    def build(self, file: str, line: int | None, make, **fields):
        """Make a model record; a `ValidationError` becomes a problem at file and line."""
        try:
            return make(**fields)
        except ValidationError as exc:
            self.problem(file, line, exc.field, str(exc))
            return None

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
        ds.sessions = self._sessions(cohort)
        ds.codes = self._codes()
        self.codes = {c.id: c for c in ds.codes}
        self._check_themes(cohort)
        ds.interviews, ds.transcripts = self._interviews()
        ds.codings, coding_rows = self._codings(ds.transcripts)
        ds.boards = self._boards()
        ds.notes = self._notes({b.id for b in ds.boards}, coding_rows)
        ds.votes = self._votes({n.id for n in ds.notes})
        ds.plans = self._plans(cohort)
        problems = self.files.problems
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
        for key in ("id", "title", "municipalities", "start", "end"):
            if key not in data:
                self.problem(name, None, key, "is missing", "add it as data/README.md shows")
        if any(p.file == name for p in self.files.problems):
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
                start=_date(data["start"], "start"),
                end=_date(data["end"], "end"),
                language=str(data.get("language", "nl")),
                research_question=str(data.get("research_question") or "").strip(),
                prioritised_themes=tuple(str(t) for t in themes),
                source=str(data.get("source") or "").strip(),
                mentioned_names=tuple(str(n).strip() for n in data.get("mentioned_names") or ()),
            )
        except ValidationError as exc:
            self.problem(name, data.lines.get(exc.field), exc.field, str(exc))
            return None
        except TypeError as exc:
            self.problem(name, None, None, f"has a field of the wrong kind ({exc})")
            return None

    def _rows(self, name: str, required: bool = False):
        return self.files.csv_rows(
            name,
            COLUMNS[name],
            required,
            needed=tuple(c for c in COLUMNS[name] if c not in OPTIONAL[name]),
        )

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
        for line, row in self._rows(name, required=True):
            consent = row["consent_named"].lower()
            if consent not in YES:
                self.problem(name, line, "consent_named", f"must be ja or nee (got {consent!r})")
                continue
            person = self.build(
                name,
                line,
                Person,
                id=row["id"],
                name=row["name"],
                role=row["role"],
                pseudonym=row["pseudonym"],
                organisation=row["organisation"],
                municipality=row["municipality"],
                function=row["function"],
                consent_named=YES[consent],
            )
            if (
                person
                and self._unique(name, line, "id", person.id, ids)
                and self._unique(name, line, "pseudonym", person.pseudonym, codes)
            ):
                people.append(person)
        return people

    def _sessions(self, cohort: Cohort | None) -> list[Session]:
        name, sessions, ids = "programme.csv", [], set()
        for line, row in self._rows(name, required=True):
            try:
                day = _date(row["date"], "date")
            except ValidationError as exc:
                self.problem(name, line, "date", str(exc))
                continue
            if cohort and not cohort.start <= day <= cohort.end:
                self.problem(
                    name,
                    line,
                    "date",
                    f"{day} is outside the week {cohort.start}..{cohort.end}",
                    "fix the date or cohort.yaml",
                )
                continue
            session = self.build(
                name,
                line,
                Session,
                id=row["id"],
                date=day,
                phase=row["phase"],
                activity=row["activity"],
                start=row["start"],
                end=row["end"],
            )
            if session and self._unique(name, line, "id", session.id, ids):
                sessions.append(session)
        return sessions

    def _codes(self) -> list[Code]:
        name, codes, ids, lines = "codebook.csv", [], set(), {}
        for line, row in self._rows(name):
            code = self.build(
                name,
                line,
                Code,
                id=row["id"],
                category=row["category"],
                name=row["name"],
                colour=row["colour"],
                parent=row["parent"],
                description=row["description"],
            )
            if code and self._unique(name, line, "id", code.id, ids):
                codes.append(code)
                lines[code.id] = line
        by_id = {c.id: c for c in codes}
        for code in codes:
            seen, parent = {code.id}, code.parent
            while parent:
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
            return f"'{theme}' is not a code in codebook.csv"
        if self.codes[theme].category != Category.THEME:
            return f"'{theme}' is a code of category {self.codes[theme].category}, not theme"
        return ""

    def _person_problem(self, file, line, field, person_id, role: str | None = None) -> bool:
        if person_id not in self.people:
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

    # -- interviews, transcripts, codings ----------------------------------------------

    def _interviews(self) -> tuple[list[Interview], list[Transcript]]:
        name, interviews, transcripts, seen = "interviews.csv", [], [], set()
        for line, row in self._rows(name):
            try:
                day = _date(row["date"], "date") if row["date"] else None
            except ValidationError as exc:
                self.problem(name, line, "date", str(exc))
                continue
            interview = self.build(
                name,
                line,
                Interview,
                participant=row["participant"],
                interviewer=row["interviewer"],
                status=row["status"],
                date=day,
            )
            if not interview or not self._unique(
                name, line, "participant", interview.participant, seen
            ):
                continue
            if self._person_problem(
                name, line, "participant", interview.participant, Role.PARTICIPANT
            ) | self._person_problem(name, line, "interviewer", interview.interviewer):
                continue
            interviews.append(interview)
            if row["transcript"]:
                transcript = self._transcript(name, line, interview, row["transcript"])
                if transcript:
                    transcripts.append(transcript)
        return interviews, transcripts

    def _transcript(self, name, line, interview, relative: str) -> Transcript | None:
        path = (self.folder / relative).resolve()
        if not path.is_relative_to(self.folder.resolve()):
            self.problem(name, line, "transcript", f"'{relative}' lies outside the cohort folder")
            return None
        if not path.is_file():
            self.problem(
                name,
                line,
                "transcript",
                f"file '{relative}' does not exist",
                "put the transcript there or fix the path",
            )
            return None
        text = self.files.text(relative, required=True)
        return Transcript(interview.participant, relative, text) if text else None

    def _codings(self, transcripts: list[Transcript]):
        name, codings = "codings.csv", []
        texts = {t.interview: t.text for t in transcripts}
        rows_by_interview: dict[str, list[Fragment]] = defaultdict(list)
        seen: dict[tuple, int] = {}
        for line, row in self._rows(name):
            interview = row["interview"]
            if interview not in texts:
                self.problem(
                    name,
                    line,
                    "interview",
                    f"'{interview}' is not an interview with a transcript",
                    "add it to interviews.csv with a transcript file",
                )
                continue
            if row["code"] not in self.codes:
                self.problem(name, line, "code", f"'{row['code']}' is not a code in codebook.csv")
                continue
            if self._person_problem(name, line, "coder", row["coder"]):
                continue
            fragment = self._locate(name, line, interview, texts[interview], row)
            coding = fragment and self.build(
                name,
                line,
                Coding,
                fragment=fragment,
                code=row["code"],
                coder=row["coder"],
                memo=row["memo"],
            )
            key = (fragment, row["code"], row["coder"])
            if coding and key in seen:
                self.problem(
                    name,
                    line,
                    "quote",
                    f"repeats the coding of line {seen[key]}",
                    "remove one of the two rows",
                )
            elif coding:
                seen[key] = line
                codings.append(coding)
                rows_by_interview[interview].append(fragment)
        return codings, rows_by_interview

    def _locate(self, name, line, interview, text, row) -> Fragment | None:
        quote = row["quote"]
        if not quote:
            self.problem(name, line, "quote", "is empty", "copy the coded text from the transcript")
            return None
        try:
            occurrence = _int(row["occurrence"], "occurrence", default=1)
        except ValidationError as exc:
            self.problem(name, line, "occurrence", str(exc))
            return None
        if occurrence < 1:
            self.problem(
                name,
                line,
                "occurrence",
                f"must be 1 or more (got {occurrence})",
                "leave it empty for the first place the quote occurs",
            )
            return None
        start = -1
        for _ in range(occurrence):
            start = text.find(quote, start + 1)
            if start < 0:
                break
        if start < 0:
            self.problem(
                name,
                line,
                "quote",
                f"text not found in the transcript of '{interview}'"
                + (f" {occurrence} times" if occurrence > 1 else ""),
                "copy it exactly from the transcript, same spaces and punctuation",
            )
            return None
        return Fragment(interview, start, start + len(quote))

    # -- boards, notes, votes, plans ----------------------------------------------------

    def _boards(self) -> list[Board]:
        name, boards, ids = "boards.csv", [], set()
        for line, row in self._rows(name):
            board = self.build(
                name,
                line,
                Board,
                id=row["id"],
                title=row["title"],
                kind=row["kind"],
                theme=row["theme"],
            )
            if not board or not self._unique(name, line, "id", board.id, ids):
                continue
            if board.theme and self._theme_problem(board.theme):
                self.problem(name, line, "theme", self._theme_problem(board.theme))
                continue
            boards.append(board)
        return boards

    def _notes(self, boards: set[str], coding_rows: dict[str, list[Fragment]]) -> list[Note]:
        name, notes, ids = "notes.csv", [], set()
        for line, row in self._rows(name):
            if row["board"] not in boards:
                self.problem(name, line, "board", f"'{row['board']}' is not a board in boards.csv")
                continue
            if row["author"] and self._person_problem(name, line, "author", row["author"]):
                continue
            fragments = self._note_fragments(name, line, row["quotes"], coding_rows)
            if fragments is None:
                continue
            note = self.build(
                name,
                line,
                Note,
                id=row["id"],
                board=row["board"],
                text=row["text"],
                category=row["category"] or "other",
                author=row["author"],
                cluster=row["cluster"],
                fragments=tuple(fragments),
            )
            if note and self._unique(name, line, "id", note.id, ids):
                notes.append(note)
        return notes

    def _note_fragments(self, name, line, quotes: str, coding_rows) -> list[Fragment] | None:
        fragments = []
        for ref in filter(None, (q.strip() for q in quotes.split(";"))):
            interview, _, number = ref.partition(":")
            rows = coding_rows.get(interview, [])
            if not number.isdigit() or not 1 <= int(number) <= len(rows):
                self.problem(
                    name,
                    line,
                    "quotes",
                    f"'{ref}' does not name a row of codings.csv",
                    f"write interview:n with n from 1 to the interview's rows "
                    f"({len(rows)} for '{interview}')",
                )
                return None
            fragments.append(rows[int(number) - 1])
        return list(dict.fromkeys(fragments))

    def _votes(self, notes: set[str]) -> list[Vote]:
        name, votes = "votes.csv", []
        for line, row in self._rows(name):
            try:
                round_, dots = _int(row["round"], "round"), _int(row["dots"], "dots")
            except ValidationError as exc:
                self.problem(name, line, exc.field, str(exc))
                continue
            if self._person_problem(name, line, "voter", row["voter"], Role.PARTICIPANT):
                continue
            if row["note"] not in notes:
                self.problem(name, line, "note", f"'{row['note']}' is not a note in notes.csv")
                continue
            vote = self.build(
                name, line, Vote, round=round_, voter=row["voter"], note=row["note"], dots=dots
            )
            if vote:
                votes.append(vote)
        return votes

    def _plans(self, cohort: Cohort | None) -> list[Plan]:
        return read_plans(self, cohort)
