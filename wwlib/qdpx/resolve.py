"""Deciding what a project adds to a cohort: the `ExchangeRows` to write and the summary.

Runs on the store's content inside the import's transaction (see `Store.import_exchange`), so
nothing here touches the store. Rows that exist already (same GUID) are not added again:
codes, people (Cases), transcripts (sources), codings and memos; a code of another GUID but the
same name as one of the cohort's is taken to be that code.

Sources: a source already in the cohort (same GUID) gets the new codings, its offsets carried
over when only the line ends differ; another source becomes the interview of the participant
whose Case refers to it, or whose name, id or pseudonym is the source's name (without its
extension); else of a new participant named after the source. Notes become memos on what refers
to them (fragment, code, interview, the project: the cohort); a note nothing refers to becomes
a memo on the cohort; a note a Coding refers to becomes that coding's memo.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from wwlib.core.model import (
    Code,
    Coding,
    Cohort,
    Fragment,
    Interview,
    InterviewStatus,
    Role,
    Transcript,
)
from wwlib.core.records import ExchangeContent, ExchangeRows, MemoRecord
from wwlib.qdpx.codetree import DEFAULT_CATEGORY, category_of_folder, split_category_mark
from wwlib.qdpx.errors import QdpxError
from wwlib.qdpx.model import CodeNode, CodingRef, Project, Selection, Source, derived_guid
from wwlib.qdpx.offsets import line_end_map
from wwlib.qdpx.people import ALIASES, People, case_values, unique_slug
from wwlib.qdpx.summary import ImportSummary


@dataclass
class ImportPlan:
    rows: ExchangeRows
    summary: ImportSummary


def plan_import(
    project: Project,
    content: ExchangeContent,
    file: str,
    new_cohort: Cohort | None = None,
) -> ImportPlan:
    """What `project` adds to `content`; with `new_cohort`, to an empty store for a new folder.

    For a new cohort folder, coded spans are also fitted to codings.csv, whose quotes cannot
    begin or end with white space: they are trimmed (and a span of white space only dropped).
    """
    return _Planner(project, content, file, new_cohort).run()


def plan_codebook(codes: list[CodeNode], content: ExchangeContent, file: str) -> ImportPlan:
    """What a codebook's code tree adds to the cohort's codebook."""
    planner = _Planner(Project(name="", codes=codes), content, file, None)
    planner.codes(codes)
    return planner.finish()


@dataclass
class _SourcePlace:
    interview: str
    text: str
    positions: list[int] | None = None  # their positions -> ours, for a text already here


@dataclass
class _Targets:
    """What each note hangs on, gathered while walking the project."""

    memos: dict[str, list[tuple[str, str, Fragment | None]]] = field(default_factory=dict)

    def add(self, notes: list[str], target: str, target_id: str, fragment=None) -> None:
        for note in notes:
            self.memos.setdefault(note, []).append((target, target_id, fragment))


class _Planner:
    """Walks a project once, deciding for each thing in it what the cohort gains."""

    def __init__(self, project: Project, content: ExchangeContent, file: str, cohort):
        self.project, self.content, self.file = project, content, file
        self.rows = ExchangeRows(cohort=cohort)
        self.cohort = content.cohort or cohort
        self.fit_quotes = cohort is not None
        self.summary = ImportSummary(file=file, cohort=self.cohort.id if self.cohort else "")
        lang = self.cohort.language if self.cohort else "nl"
        self.people = People(content, self.rows, self.summary, project, lang)
        self.code_ids = {c.id for c in content.codes}
        self.code_by_guid = {g: cid for cid, g in content.guids.code.items() if g}
        names: dict[str, list[str]] = {}
        for code in content.codes:
            names.setdefault(code.name.lower(), []).append(code.id)
        self.code_by_name = {name: ids[0] for name, ids in names.items() if len(ids) == 1}
        self.node_code: dict[str, str] = {}
        self.targets = _Targets()
        self.folders = 0

    def run(self) -> ImportPlan:
        project = self.project
        self.codes(project.codes)
        for case in project.cases:
            if case.name:
                self.people.from_case(case)
        nameless = sum(1 for case in project.cases if not case.name)
        if nameless:
            self.summary.not_carried.append(f"{nameless} case(s) without a name")
        self._variables()
        self.coding_memos = self._coding_memos()
        self.existing = _Existing(self.content)
        for source in project.sources:
            self._source(source)
        self._memos()
        if self.rows.cohort is not None and not self.content.people and not self.rows.people:
            self.people.for_user(project.creating_user) or self.people.unknown()
        return self.finish()

    def finish(self) -> ImportPlan:
        self.summary.added = self.rows.counts()
        if self.folders:
            self.summary.said.append(
                f'{self.folders} folder(s) (isCodable="false") became parent codes'
            )
        project = self.project
        if not (project.codes or project.sources or project.cases or project.notes):
            known = self.people.by_user.keys() | self.people.by_guid.keys()
            idle = [u.name or g for g, u in project.users.items() if g not in known]
            users = f"; its user(s) {', '.join(idle)} were not made people" if idle else ""
            self.summary.said.append(f"the project holds no codes, sources, cases or notes{users}")
        self.summary.not_carried += self.project.not_carried
        self.summary.warnings += self.project.warnings
        return ImportPlan(self.rows, self.summary)

    # -- codes ---------------------------------------------------------------------------

    def codes(self, roots: list[CodeNode]) -> None:
        for node in roots:
            category = category_of_folder(node.name)
            if not category:
                self._code_tree(node, DEFAULT_CATEGORY, "")
                continue
            parent = self._code(node, category, "") if node.codable else ""
            for child in node.children:
                self._code_tree(child, category, parent)

    def _code_tree(self, node: CodeNode, category: str, parent: str) -> None:
        if not node.codable:
            self.folders += 1
        code_id = self._code(node, category, parent)
        for child in node.children:
            self._code_tree(child, category, code_id)

    def _code(self, node: CodeNode, category: str, parent: str) -> str:
        description, marked = split_category_mark(node.description)
        code_id = self.code_by_guid.get(node.guid) or self.code_by_name.get(node.name.lower())
        if node.guid in self.code_by_guid:
            self.summary.count(self.summary.present, "codes")
        elif code_id:
            self.summary.said.append(
                f"code '{node.name}' is the cohort's code {code_id} (same name)"
            )
        else:
            name = node.name or f"code {node.guid[:8]}"
            code_id = unique_slug(name, self.code_ids, f"code-{node.guid[:8]}")
            self.rows.codes.append(
                Code(code_id, marked or category, name, node.colour, parent, description.strip())
            )
            self.rows.guids.code[code_id] = node.guid
        self.node_code[node.guid] = code_id
        self.targets.add(node.notes, "code", code_id)
        return code_id

    def _variables(self) -> None:
        names = {name for case in self.project.cases for name in case.values}
        unknown = sorted(name for name in names if name.lower() not in ALIASES)
        if unknown:
            self.summary.not_carried.append("case variables " + ", ".join(unknown))

    # -- sources -------------------------------------------------------------------------

    def _source(self, source: Source) -> None:
        interview = self.existing.transcript_by_guid.get(source.guid)
        if interview:
            ours = self.existing.texts[interview]
            positions = line_end_map(source.text, ours)
            if positions is None:
                raise QdpxError(
                    self.file,
                    f"{source.path} (source '{source.name}', line {source.line})",
                    f"this source is the cohort's transcript of {interview} (same GUID), but "
                    "its text differs, so its codings cannot be placed",
                    "import the project into a new cohort folder instead",
                )
            self.summary.count(self.summary.present, "transcripts")
            place = _SourcePlace(interview, ours, positions)
        elif not source.text.strip():
            self.summary.not_carried.append(f"source '{source.name}': it has no text")
            return
        else:
            place = self._new_source(source)
        self.targets.add(source.notes, "interview", place.interview)
        if source.description:
            self._description_memo(source, "interview", place.interview, None)
        whole = Selection(
            derived_guid("whole-source", source.guid),
            0,
            len(source.text),
            source.user,
            codings=source.codings,
            line=source.line,
        )
        for selection in [*source.selections, whole] if source.codings else source.selections:
            self._selection(selection, source, place)

    def _new_source(self, source: Source) -> _SourcePlace:
        participant, case = self._participant(source)
        if participant not in self.existing.interviews:
            self.rows.interviews.append(self._interview(participant, case, source))
            self.existing.interviews[participant] = self.rows.interviews[-1]
        elif self.existing.interviews[participant].status == InterviewStatus.PLANNED.value:
            self.rows.status_updates[participant] = self._status(source, case)
        where = source.path if source.path != "PlainTextContent" else source.name or source.guid
        self.rows.transcripts.append(Transcript(participant, f"{self.file}:{where}", source.text))
        if source.guid not in self.existing.transcript_guids:
            self.rows.guids.transcript[participant] = source.guid
        self.existing.texts[participant] = source.text
        return _SourcePlace(participant, source.text)

    def _participant(self, source: Source):
        """The participant whose interview this source is, and the Case that says so."""
        free = self.existing.without_transcript(self.people)
        for case in self.project.cases:
            person = self.people.case_person.get(case.guid)
            if source.guid in case.sources and person in free:
                return person, case
        stem = Path(source.name).stem if "." in source.name else source.name
        person = self.people.find(stem) if stem else ""
        if person in free:
            return person, None
        name = stem or f"Interview {len(self.rows.transcripts) + 1}"
        made = self.people.add(name, Role.PARTICIPANT.value, "")
        self.summary.said.append(
            f"source '{source.name}' matches no participant: made participant {made} "
            f"({self.people.by_id[made].pseudonym})"
        )
        return made, None

    def _interview(self, participant: str, case, source: Source) -> Interview:
        values = case_values(case) if case else {}
        interviewer = self.people.find(values.get("interviewer", ""))
        users = [source.user] + [s.user for s in source.selections]
        users += [c.user for s in source.selections for c in s.codings]
        for user in [*users, self.project.creating_user]:
            interviewer = interviewer or self.people.for_user(user)
        try:
            day = dt.date.fromisoformat(values.get("interview_date", "")[:10])
        except ValueError:
            day = None
        return Interview(
            participant,
            interviewer or self.people.unknown(),
            self._status(source, case),
            day,
        )

    def _status(self, source: Source, case) -> str:
        given = case_values(case).get("interview_status", "") if case else ""
        if given in {s.value for s in InterviewStatus} and given != InterviewStatus.PLANNED:
            return given
        coded = source.codings or any(s.codings for s in source.selections)
        return InterviewStatus.CODED.value if coded else InterviewStatus.HELD.value

    # -- selections and codings ----------------------------------------------------------

    def _selection(self, selection: Selection, source: Source, place: _SourcePlace) -> None:
        start, end = selection.start, selection.end
        if place.positions:
            start, end = place.positions[start], place.positions[end]
        if self.fit_quotes:
            while start < end and place.text[start].isspace():
                start += 1
            while end > start and place.text[end - 1].isspace():
                end -= 1
        if start >= end:
            self.summary.not_carried.append(
                f"selection at line {selection.line} of source '{source.name}': white space only"
            )
            return
        fragment = Fragment(place.interview, start, end)
        if (
            fragment not in self.existing.fragments
            and fragment not in self.rows.guids.fragment
            and selection.guid not in self.existing.fragment_guids
        ):
            self.rows.guids.fragment[fragment] = selection.guid
            self.existing.fragment_guids.add(selection.guid)
        for coding in selection.codings:
            self._coding(coding, fragment, selection, source)
        self.targets.add(selection.notes, "fragment", "", fragment)
        if selection.description:
            self._description_memo(selection, "fragment", "", fragment)

    def _coding(self, ref: CodingRef, fragment: Fragment, selection, source: Source) -> None:
        if ref.guid in self.existing.coding_guids:
            self.summary.count(self.summary.present, "codings")
            return
        code = self.node_code.get(ref.code)
        if code is None:
            raise QdpxError(
                self.file,
                f'project.qde, line {ref.line}, <Coding guid="{ref.guid}">',
                f'its CodeRef {ref.code} is a folder (isCodable="false"), not a code',
            )
        user = ref.user or selection.user or source.user or self.project.creating_user
        coder = self.people.for_user(user) or self.people.unknown()
        key = (fragment, code, coder)
        if key in self.existing.codings:
            self.summary.count(self.summary.present, "codings")
            return
        self.existing.codings.add(key)
        self.existing.coding_guids.add(ref.guid)
        self.rows.codings.append(Coding(fragment, code, coder, self.coding_memos.get(ref.guid, "")))
        self.rows.guids.coding[key] = ref.guid

    # -- memos ---------------------------------------------------------------------------

    def _coding_memos(self) -> dict[str, str]:
        """Coding GUID -> the text of the notes its Coding refers to."""
        texts = {note.guid: note.text for note in self.project.notes}
        self.coding_notes: set[str] = set()
        memos = {}
        for source in self.project.sources:
            for holder in [source, *source.selections]:
                for coding in holder.codings:
                    self.coding_notes.update(coding.notes)
                    parts = [texts[n] for n in coding.notes if texts.get(n)]
                    if parts:
                        memos[coding.guid] = "\n\n".join(parts)
        return memos

    def _description_memo(self, holder, target: str, target_id: str, fragment) -> None:
        guid = derived_guid("description", holder.guid)
        if guid in self.existing.memo_guids:
            return
        author = self.people.for_user(holder.user)
        self.rows.memos.append(
            MemoRecord(target, target_id, holder.description, guid, author, "", fragment)
        )

    def _memos(self) -> None:
        self.targets.add(
            self.project.project_notes, "cohort", self.cohort.id if self.cohort else ""
        )
        for note in self.project.notes:
            targets = self.targets.memos.get(note.guid, [])
            if not note.text or (not targets and note.guid in self.coding_notes):
                continue
            for i, (target, target_id, fragment) in enumerate(
                targets or [("cohort", self.cohort.id if self.cohort else "", None)]
            ):
                guid = note.guid if i == 0 else derived_guid("note", note.guid, str(i))
                if guid in self.existing.memo_guids:
                    self.summary.count(self.summary.present, "memos")
                    continue
                author = self.people.for_user(note.user)
                self.rows.memos.append(
                    MemoRecord(target, target_id, note.text, guid, author, note.created, fragment)
                )


class _Existing:
    """The store's rows an import must not repeat, grown as the plan adds rows."""

    def __init__(self, content: ExchangeContent):
        self.transcript_by_guid = {g: i for i, g in content.guids.transcript.items() if g}
        self.transcript_guids = set(self.transcript_by_guid)
        self.texts = {t.interview: t.text for t in content.transcripts}
        self.interviews = {i.participant: i for i in content.interviews}
        self.fragments = set(content.fragments)
        self.fragment_guids = {g for g in content.guids.fragment.values() if g}
        self.codings = set(content.guids.coding)
        self.coding_guids = {g for g in content.guids.coding.values() if g}
        self.memo_guids = {m.guid for m in content.memos if m.guid}

    def without_transcript(self, people: People) -> set[str]:
        """Participants who have no transcript yet."""
        return {
            pid
            for pid, person in people.by_id.items()
            if person.role == Role.PARTICIPANT.value and pid not in self.texts
        }
