"""Reading a .qdpx file (a zip with project.qde and sources/) into a `Project`.

Everything that can be wrong with the file is found here, before the store is touched: a file
that is empty, no zip or cut off, a missing project.qde, XML that is not well-formed, GUIDs
that are malformed or repeated, references that lead nowhere, offsets outside the text. Each
raises `QdpxError` naming the file and the place. What the workbook cannot hold (pictures,
audio, video, PDF, sets, graphs, links) is listed in `Project.not_carried` instead.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from wwlib.core.control_chars import first_control
from wwlib.core.errors import FileRefused
from wwlib.core.limits import QDPX, BoundedZip, open_zip
from wwlib.qdpx.codetree import read_code_tree
from wwlib.qdpx.errors import QdpxError
from wwlib.qdpx.model import PROJECT_NS, Case, CodingRef, Note, Project, Selection, Source, User
from wwlib.qdpx.offsets import units_to_code_points
from wwlib.qdpx.validate import schema_problems
from wwlib.qdpx.xml import guid_of, kid, kids, local, parse, place, text_of

MEDIA = {
    "PictureSource": ("PictureSelection", "picture"),
    "PDFSource": ("PDFSelection", "PDF"),
    "AudioSource": ("AudioSelection", "audio"),
    "VideoSource": ("VideoSelection", "video"),
}


def read_project(path: str | Path) -> Project:
    """Read and check a QDPX file; raises `QdpxError` naming the file and the place."""
    path = Path(path)
    with _open_zip(path) as archive:
        members = {info.filename.lower(): info for info in archive.infolist()}
        qde = _find_qde(path, members)
        root = parse(_unpack(path, archive, qde), path.name, qde.filename)
        return _Reader(path, qde.filename, archive, members, root).project()


@contextmanager
def _open_zip(path: Path) -> Iterator[BoundedZip]:
    """The zip, checked against `wwlib.core.limits.QDPX` before anything in it is unpacked."""
    if not path.exists() and not path.is_symlink():
        raise QdpxError(path.name, "", f"there is no file {path}", "check the path")
    if path.is_file() and path.stat().st_size == 0:
        raise QdpxError(path.name, "the whole file", "is empty (0 bytes)", "export it again")
    try:
        with open_zip(path, path.name, QDPX) as archive:
            yield archive
    except FileRefused as exc:
        raise QdpxError(exc.file, exc.place, exc.message, exc.fix) from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise QdpxError(
            path.name,
            "the zip archive",
            f"is not a readable QDPX (zip) file: {exc}",
            "it may be cut off or damaged; export the project again",
        ) from None


def _find_qde(path: Path, members: dict) -> zipfile.ZipInfo:
    """project.qde, or the one .qde file at the top of the zip."""
    if "project.qde" in members:
        return members["project.qde"]
    top = [info for name, info in members.items() if name.endswith(".qde") and "/" not in name]
    if len(top) == 1:
        return top[0]
    listed = ", ".join(sorted(info.filename for info in members.values())[:10]) or "nothing"
    raise QdpxError(
        path.name,
        "the zip archive",
        f"holds no project.qde (it holds: {listed})",
        "a QDPX file is a zip with project.qde and a sources/ folder; export it again",
    )


def _unpack(path: Path, archive: BoundedZip, info: zipfile.ZipInfo) -> bytes:
    try:
        return archive.read(info)
    except FileRefused as exc:
        raise QdpxError(exc.file, exc.place, exc.message, exc.fix) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise QdpxError(
            path.name,
            f"{info.filename} in the zip",
            f"cannot be unpacked ({exc})",
            "the file is cut off or damaged; export the project again",
        ) from None


def decode_text(data: bytes, file: str, member: str) -> str:
    """A source's text: UTF-8 (or UTF-16 with its BOM), one leading BOM removed."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise QdpxError(
            file,
            f"{member}, byte {exc.start}",
            f"is not UTF-8 text (byte 0x{data[exc.start]:02x})",
            "save the source as UTF-8 in the QDA program and export again",
        ) from None


class _Reader:
    """One pass over project.qde; the `project` it returns has every reference checked."""

    def __init__(self, path: Path, member: str, archive, members: dict, root):
        self.path, self.file, self.member = path, path.name, member
        self.archive, self.members, self.root = archive, members, root
        self.variables: dict[str, str] = {}
        self.media: set[str] = set()  # GUIDs of sources read but not carried over
        self.atlas = False  # ATLAS.ti counts a CR LF pair as one character

    def error(self, element, message: str, fix: str = "") -> QdpxError:
        return QdpxError(self.file, place(self.member, element), message, fix)

    def guid(self, element, attribute: str = "guid", required: bool = True) -> str:
        return guid_of(element, self.file, self.member, attribute, required)

    def project(self) -> Project:
        root = self.root
        if local(root) != "Project":
            raise self.error(root, f"the root element is <{local(root)}>, not <Project>")
        project = Project(
            name=(root.get("name") or "").strip(),
            origin=root.get("origin") or "",
            created=root.get("creationDateTime") or "",
            creating_user=self.guid(root, "creatingUserGUID", required=False),
            description=text_of(root, "Description").strip(),
        )
        self.atlas = "atlas" in project.origin.lower()
        if not str(root.tag).startswith("{urn:QDA-XML:project:"):
            project.warnings.append(f"the namespace is not {PROJECT_NS}; read anyway")
        project.warnings += [f"not valid against Project.xsd, {p}" for p in schema_problems(root)]
        self._read(project)
        _References(self, project).check()
        return project

    def _read(self, project: Project) -> None:
        root = self.root
        for users in kids(root, "Users"):
            for element in kids(users, "User"):
                guid = self.guid(element)
                project.users[guid] = User(
                    guid, (element.get("name") or "").strip(), element.sourceline
                )
        for book in kids(root, "CodeBook"):
            for codes in kids(book, "Codes"):
                project.codes += read_code_tree(codes, self.file, self.member)
        for variables in kids(root, "Variables"):
            for element in kids(variables, "Variable"):
                self.variables[self.guid(element)] = (element.get("name") or "").strip()
        for sources in kids(root, "Sources"):
            self._sources(sources, project)
        for cases in kids(root, "Cases"):
            project.cases += [self._case(element, project) for element in kids(cases, "Case")]
        for notes in kids(root, "Notes"):
            project.notes += [self._note(element) for element in kids(notes, "Note")]
        project.project_notes = [self.guid(ref, "targetGUID") for ref in kids(root, "NoteRef")]
        for name in ("Links", "Sets", "Graphs"):
            count = sum(len(kids(element, name[:-1])) for element in kids(root, name))
            if count:
                project.not_carried.append(f"{count} {name.lower()} (the workbook has none)")

    # -- sources -------------------------------------------------------------------------

    def _sources(self, sources, project: Project) -> None:
        for element in sources:
            kind = local(element)
            if kind == "TextSource":
                source = self._text_source(element, project)
                if source:
                    project.sources.append(source)
            elif kind in MEDIA:
                self.media.add(self.guid(element))
                selections = len(kids(element, MEDIA[kind][0]))
                project.not_carried.append(
                    f"{MEDIA[kind][1]} source '{element.get('name') or element.get('guid')}' "
                    f"with {selections} selection(s): the workbook codes text only"
                )

    def _text_source(self, element, project: Project) -> Source | None:
        guid = self.guid(element)
        name = (element.get("name") or "").strip()
        text, path = self._plain_text(element)
        self._no_controls(element, "its name", name)
        self._no_controls(element, f"its text ({path})", text or "")
        if text is None:
            project.not_carried.append(
                f"text source '{name or guid}': {path}; its codings are not imported"
            )
            self.media.add(guid)
            return None
        source = Source(
            guid=guid,
            name=name,
            text=text,
            path=path,
            user=self.guid(element, "creatingUser", required=False),
            description=text_of(element, "Description").strip(),
            notes=[self.guid(ref, "targetGUID") for ref in kids(element, "NoteRef")],
            codings=[self._coding(c) for c in kids(element, "Coding")],
            line=element.sourceline,
        )
        positions = units_to_code_points(text) if self.atlas and "\r\n" in text else None
        for selection in kids(element, "PlainTextSelection"):
            read = self._selection(selection, source, positions)
            if read is None:
                project.not_carried.append(
                    f"empty text selection at {place(self.member, selection)} (start = end)"
                )
            else:
                source.selections.append(read)
        return source

    def _no_controls(self, element, what: str, text: str) -> None:
        """Refuse a text source whose name or text holds a control character (U+0001 ...)."""
        if found := first_control(text):
            line, column, char = found
            raise self.error(
                element,
                f"text source '{element.get('name') or element.get('guid')}': {what} holds "
                f"the control character {char} at line {line}, column {column}",
                "remove it in the QDA program and export again",
            )

    def _plain_text(self, element) -> tuple[str | None, str]:
        """The source's text and where it came from; (None, why) when it cannot be read."""
        content = kid(element, "PlainTextContent")
        if content is not None:
            return content.text or "", "PlainTextContent"
        target = element.get("plainTextPath") or ""
        if not target:
            return None, "it has no plain text (no plainTextPath or PlainTextContent)"
        if not target.lower().startswith("internal://"):
            return None, f"its text lies outside the project file ({target})"
        name = target[len("internal://") :].lstrip("/")
        info = self.members.get(f"sources/{name}".lower())
        if info is None:
            raise self.error(
                element,
                f"plainTextPath '{target}' names sources/{name}, which is not in the zip",
                "export the project again with its sources",
            )
        data = _unpack(self.path, self.archive, info)
        return decode_text(data, self.file, info.filename), info.filename

    def _selection(self, element, source: Source, positions: list[int] | None):
        start, end = (
            self._position(element, "startPosition"),
            self._position(element, "endPosition"),
        )
        limit = len(positions) - 1 if positions else len(source.text)
        if not 0 <= start <= end <= limit:
            raise self.error(
                element,
                f"the selection [{start}, {end}) does not lie within the text of source "
                f"'{source.name}' ({limit} characters)",
                "the source text and the codings do not belong together; export again",
            )
        if start == end:
            return None
        if positions:
            start, end = positions[start], positions[end]
        return Selection(
            guid=self.guid(element),
            start=start,
            end=end,
            user=self.guid(element, "creatingUser", required=False),
            description=text_of(element, "Description").strip(),
            codings=[self._coding(c) for c in kids(element, "Coding")],
            notes=[self.guid(ref, "targetGUID") for ref in kids(element, "NoteRef")],
            line=element.sourceline,
        )

    def _position(self, element, attribute: str) -> int:
        value = element.get(attribute)
        try:
            return int(value)
        except (TypeError, ValueError):
            raise self.error(
                element, f"'{attribute}' must be a whole number (got {value!r})"
            ) from None

    def _coding(self, element) -> CodingRef:
        ref = kid(element, "CodeRef")
        if ref is None:
            raise self.error(element, "a <Coding> must hold a <CodeRef>")
        return CodingRef(
            guid=self.guid(element),
            code=self.guid(ref, "targetGUID"),
            user=self.guid(element, "creatingUser", required=False),
            notes=[self.guid(r, "targetGUID") for r in kids(element, "NoteRef")],
            line=element.sourceline,
        )

    # -- cases and notes -----------------------------------------------------------------

    def _case(self, element, project: Project) -> Case:
        case = Case(
            self.guid(element), (element.get("name") or "").strip(), line=element.sourceline
        )
        for value in kids(element, "VariableValue"):
            ref = kid(value, "VariableRef")
            if ref is None:
                raise self.error(value, "a <VariableValue> must hold a <VariableRef>")
            target = self.guid(ref, "targetGUID")
            if target not in self.variables:
                raise self.error(ref, f"VariableRef {target} names no <Variable> of the project")
            given = [child for child in value if local(child).endswith("Value")]
            case.values[self.variables[target]] = (given[0].text or "").strip() if given else ""
        case.sources = [self.guid(ref, "targetGUID") for ref in kids(element, "SourceRef")]
        for kind in ("CodeRef", "SelectionRef"):
            if kids(element, kind):
                project.not_carried.append(
                    f"case '{case.name or case.guid}': {len(kids(element, kind))} {kind}(s)"
                )
        return case

    def _note(self, element) -> Note:
        text, _ = self._plain_text(element)
        return Note(
            guid=self.guid(element),
            text=(text or "").strip(),
            user=self.guid(element, "creatingUser", required=False),
            created=element.get("creationDateTime") or "",
            line=element.sourceline,
        )


class _References:
    """Every GUID a project refers to must name something of the right kind in the file."""

    def __init__(self, reader: _Reader, project: Project):
        self.reader, self.project = reader, project

    def unique(self, kind: str, items) -> set[str]:
        seen: dict[str, int | None] = {}
        for item in items:
            if item.guid in seen:
                raise QdpxError(
                    self.reader.file,
                    f"{self.reader.member}, lines {seen[item.guid]} and {item.line}",
                    f"two {kind} elements have the same GUID {item.guid}",
                )
            seen[item.guid] = item.line
        return set(seen)

    def missing(self, line, what: str, guid: str) -> QdpxError:
        return QdpxError(
            self.reader.file,
            f"{self.reader.member}, line {line}" if line else f"{self.reader.member}, <Project>",
            f"{what} {guid} refers to nothing in the project",
            "the project file is incomplete; export it again",
        )

    def check(self) -> None:
        p = self.project
        codes = self.unique("Code", [n for root in p.codes for n in root.walk()])
        cases = self.unique("Case", p.cases)
        notes = self.unique("Note", p.notes)
        sources = self.unique("TextSource", p.sources) | self.reader.media
        for guid in p.project_notes:
            self.need(guid, notes, None, "NoteRef")
        for node in (n for root in p.codes for n in root.walk()):
            for guid in node.notes:
                self.need(guid, notes, node.line, "NoteRef")
        for case in p.cases:
            for guid in case.sources:
                self.need(guid, sources, case.line, "SourceRef")
        for source in p.sources:
            self.source(source, codes, cases, notes)

    def need(self, guid: str, known: set[str], line, what: str) -> None:
        if guid not in known:
            raise self.missing(line, what, guid)

    def source(self, source: Source, codes: set, cases: set, notes: set) -> None:
        for holder in [source, *source.selections]:
            for guid in holder.notes:
                self.need(guid, notes, holder.line, "NoteRef")
            kept = []
            for coding in holder.codings:
                for guid in coding.notes:
                    self.need(guid, notes, coding.line, "NoteRef")
                if coding.code in cases and coding.code not in codes:
                    self.project.not_carried.append(
                        f"coding at line {coding.line} assigns text to a case, not a code"
                    )
                    continue
                self.need(coding.code, codes, coding.line, "CodeRef")
                kept.append(coding)
            holder.codings = kept
