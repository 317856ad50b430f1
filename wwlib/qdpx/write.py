"""Writing a store's `ExchangeContent` as a REFI-QDA project: project.qde plus sources/.

Conventions (read back by `resolve.py`):
- every transcript is a TextSource whose text is sources/<guid>.txt (UTF-8, no BOM, the exact
  text), `plainTextPath="internal://<guid>.txt"`; selections are half-open code-point offsets;
- a fragment is a PlainTextSelection, each coding on it a Coding by the coder's User;
- every person is a Case (GUID = the person's) with Variables role, organisation,
  municipality, function, pseudonym, consent_named and, for an interview, interviewer,
  interview_date and interview_status; the Case refers to the interview's source;
- memos are Notes: on a fragment, code or source a NoteRef there, on the cohort a NoteRef of
  the Project; a coding's memo is a Note referred to by its Coding.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version

from lxml import etree

from wwlib.core.model import Person
from wwlib.core.records import ExchangeContent
from wwlib.qdpx.codetree import CodeTreeWriter
from wwlib.qdpx.model import PROJECT_NS, derived_guid, user_guid
from wwlib.qdpx.xml import DATE_TIME, xml_safe

CASE_VARIABLES = [  # (name, REFI type) in the order they are written
    ("role", "Text"),
    ("organisation", "Text"),
    ("municipality", "Text"),
    ("function", "Text"),
    ("pseudonym", "Text"),
    ("consent_named", "Boolean"),
    ("interviewer", "Text"),
    ("interview_date", "Date"),
    ("interview_status", "Text"),
]


def origin() -> str:
    """What the `origin` attribute of our files says."""
    try:
        return f"wwlib {version('wwlib')}"
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "wwlib"


def now_stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class ProjectFiles:
    """A project ready to zip: project.qde's bytes and each source file's bytes."""

    qde: bytes
    sources: dict[str, bytes] = field(default_factory=dict)  # member name -> bytes
    counts: dict[str, int] = field(default_factory=dict)
    replaced: int = 0  # characters XML cannot hold, replaced by U+FFFD in names and notes
    notes: list[str] = field(default_factory=list)


def project_files(content: ExchangeContent) -> ProjectFiles:
    """Build project.qde and the sources of a cohort's content."""
    return _Writer(content).files()


def _memo_key(memo) -> tuple[str, object]:
    """What a memo hangs on: (target, Fragment or id); the cohort's own memos share one key."""
    if memo.target == "fragment":
        return ("fragment", memo.fragment)
    return (memo.target, "" if memo.target == "cohort" else memo.target_id)


def _e(parent, tag: str, /, **attributes) -> etree._Element:
    """A child element in the project namespace."""
    return etree.SubElement(parent, f"{{{PROJECT_NS}}}{tag}", **attributes)


class _Writer:
    """One pass over a cohort's content, building project.qde element by element."""

    def __init__(self, content: ExchangeContent):
        self.content = content
        self.cohort = content.cohort
        self.people = {p.id: p for p in content.people}
        self.guid = content.guids
        self.replaced = 0
        self.notes: list[str] = []
        self.memo_refs: dict[tuple[str, object], list[str]] = {}
        for memo in content.memos:
            self.memo_refs.setdefault(_memo_key(memo), []).append(memo.guid)

    def safe(self, text: str) -> str:
        text, replaced = xml_safe(text)
        self.replaced += replaced
        return text

    def files(self) -> ProjectFiles:
        root = etree.Element(f"{{{PROJECT_NS}}}Project", nsmap={None: PROJECT_NS})
        root.set("name", self.safe(self.cohort.title))
        root.set("origin", origin())
        root.set("creationDateTime", now_stamp())
        coding_notes = self._users(root)
        self._codebook(root)
        self._cases(root)
        sources = self._sources(root)
        self._notes(root, coding_notes)
        if self.cohort.research_question:
            _e(root, "Description").text = self.safe(self.cohort.research_question)
        for guid in self.memo_refs.get(("cohort", ""), []):
            _e(root, "NoteRef", targetGUID=guid)
        qde = b'<?xml version="1.0" encoding="utf-8"?>\n' + etree.tostring(
            root, encoding="utf-8", xml_declaration=False, pretty_print=True
        )
        counts = {
            "codes": len(self.content.codes),
            "sources": len(sources),
            "cases": len(self.content.people),
            "codings": len(self.content.codings),
            "notes": len(self.content.memos) + len(coding_notes),
        }
        return ProjectFiles(qde, sources, counts, self.replaced, self.notes)

    def _users(self, root) -> dict[tuple, str]:
        """Users for everyone who codes or writes memos; returns the coding-memo notes' GUIDs."""
        active = {c.coder for c in self.content.codings} | {
            m.author for m in self.content.memos if m.author
        }
        if active:
            users = _e(root, "Users")
            for person in self.content.people:
                if person.id in active:
                    _e(
                        users,
                        "User",
                        guid=self.user(person.id),
                        name=self.safe(person.name),
                        id=person.id,
                    )
        return {
            (c.fragment, c.code, c.coder): derived_guid(
                "coding-memo", self.guid.coding[(c.fragment, c.code, c.coder)]
            )
            for c in self.content.codings
            if c.memo
        }

    def user(self, person_id: str) -> str:
        return user_guid(self.guid.person[person_id])

    def _codebook(self, root) -> None:
        code_notes: dict[str, list[str]] = {}
        for (target, key), guids in self.memo_refs.items():
            if target == "code":
                code_notes[key] = guids
        writer = CodeTreeWriter(
            PROJECT_NS,
            self.content.codes,
            self.guid.code,
            self.cohort.language,
            self.content.cohort_guid or self.cohort.id,
        )
        writer.write(_e(root, "CodeBook"), code_notes)
        self.replaced += writer.replaced

    def _cases(self, root) -> None:
        if not self.content.people:
            return
        scope = self.content.cohort_guid or self.cohort.id
        variables = _e(root, "Variables")
        ids = {}
        for name, kind in CASE_VARIABLES:
            ids[name] = derived_guid("variable", scope, name)
            _e(variables, "Variable", guid=ids[name], name=name, typeOfVariable=kind)
        cases = _e(root, "Cases")
        interviews = {i.participant: i for i in self.content.interviews}
        for person in self.content.people:
            case = _e(cases, "Case", guid=self.guid.person[person.id], name=self.safe(person.name))
            for name, kind in CASE_VARIABLES:
                value = self._value(person, interviews.get(person.id), name)
                if value != "":
                    holder = _e(case, "VariableValue")
                    _e(holder, "VariableRef", targetGUID=ids[name])
                    _e(holder, f"{kind}Value").text = self.safe(value)
            if person.id in self.guid.transcript:
                _e(case, "SourceRef", targetGUID=self.guid.transcript[person.id])

    def _value(self, person: Person, interview, name: str) -> str:
        if name == "consent_named":
            return "true" if person.consented("named") else "false"  # on record, as shown
        if name.startswith("interview"):
            if interview is None:
                return ""
            if name == "interviewer":
                return self.people[interview.interviewer].name
            if name == "interview_date":
                return interview.date.isoformat() if interview.date else ""
            return interview.status
        return getattr(person, name)

    def _sources(self, root) -> dict[str, bytes]:
        files: dict[str, bytes] = {}
        if not self.content.transcripts:
            return files
        sources = _e(root, "Sources")
        by_fragment: dict = {}
        for coding in self.content.codings:
            by_fragment.setdefault(coding.fragment, []).append(coding)
        for memo in self.content.memos:
            if memo.fragment:
                by_fragment.setdefault(memo.fragment, [])
        for transcript in self.content.transcripts:
            guid = self.guid.transcript[transcript.interview]
            # a text that itself begins with U+FEFF gets a BOM, which readers drop, before it
            bom = "\ufeff" if transcript.text.startswith("\ufeff") else ""
            files[f"sources/{guid}.txt"] = (bom + transcript.text).encode("utf-8")
            source = _e(
                sources,
                "TextSource",
                guid=guid,
                name=self.safe(self.people[transcript.interview].name),
                plainTextPath=f"internal://{guid}.txt",
            )
            fragments = sorted(
                (f for f in by_fragment if f.interview == transcript.interview),
                key=lambda f: (f.start, f.end),
            )
            for fragment in fragments:
                self._selection(source, fragment, by_fragment[fragment], transcript.text)
            for note in self.memo_refs.get(("interview", transcript.interview), []):
                _e(source, "NoteRef", targetGUID=note)
        return files

    def _selection(self, source, fragment, codings, text: str) -> None:
        excerpt = " ".join(fragment.quote(text).split())
        selection = _e(
            source,
            "PlainTextSelection",
            guid=self.guid.fragment[fragment],
            name=self.safe(excerpt[:60] + ("…" if len(excerpt) > 60 else "")),
            startPosition=str(fragment.start),
            endPosition=str(fragment.end),
        )
        for coding in codings:
            key = (coding.fragment, coding.code, coding.coder)
            element = _e(
                selection,
                "Coding",
                guid=self.guid.coding[key],
                creatingUser=self.user(coding.coder),
            )
            _e(element, "CodeRef", targetGUID=self.guid.code[coding.code])
            if coding.memo:
                _e(
                    element,
                    "NoteRef",
                    targetGUID=derived_guid("coding-memo", self.guid.coding[key]),
                )
        for note in self.memo_refs.get(("fragment", fragment), []):
            _e(selection, "NoteRef", targetGUID=note)

    def _notes(self, root, coding_notes: dict[tuple, str]) -> None:
        memos = list(self.content.memos)
        with_text = {t.interview for t in self.content.transcripts}
        for memo in memos:
            if memo.target == "interview" and memo.target_id not in with_text:
                # no source to hang it on: it becomes a note of the project
                self.memo_refs.setdefault(("cohort", ""), []).append(memo.guid)
                self.notes.append(
                    f"memo on interview '{memo.target_id}' (no transcript) "
                    "written as a project note"
                )
        codings = {(c.fragment, c.code, c.coder): c for c in self.content.codings}
        if not memos and not coding_notes:
            return
        notes = _e(root, "Notes")
        for memo in memos:
            self._note(notes, memo.guid, memo.text, memo.author, memo.created_at)
        for key, guid in coding_notes.items():
            self._note(notes, guid, codings[key].memo, codings[key].coder, "")

    def _note(self, notes, guid: str, text: str, author: str, created: str) -> None:
        excerpt = " ".join(text.split())
        note = _e(notes, "Note", guid=guid, name=self.safe(excerpt[:60]))
        if author:
            note.set("creatingUser", self.user(author))
        if DATE_TIME.match(created or ""):
            note.set("creationDateTime", created)
        _e(note, "PlainTextContent").text = self.safe(text)
