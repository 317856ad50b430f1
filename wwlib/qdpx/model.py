"""The XML side of REFI-QDA exchange: a project as read from a file, and the GUID conventions.

Records here mirror the elements of project.qde closely (a `Selection` is a
`PlainTextSelection`, a `Source` a `TextSource`) with GUIDs already normalised and offsets
already in code points of `Source.text`. Each keeps the `line` of its element for messages.

GUIDs: ours are lower case without braces; other tools' are normalised the same way (braces
stripped, lower-cased) on reading. A person is one REFI Case and, when they code or write memos,
one User as well; REFI objects need distinct GUIDs, so the Case carries the person's GUID and
the User `user_guid(person_guid)`. Other derived GUIDs (category folders, variables, notes that
hold a coding's memo) are name-based UUIDs too, so that every export of a cohort gives the same.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

# The namespace of every GUID wwlib derives from another (uuid5 of a kind and a GUID).
WWLIB_NS = uuid.UUID("6f1c3a52-8d0e-4f3b-9a57-2b8e4c1d7e90")


def normal_guid(value: str) -> str:
    """A GUID as we keep it: braces stripped, lower case ('' when it is no GUID at all)."""
    guid = value.strip().removeprefix("{").removesuffix("}").lower()
    return guid if GUID.match(guid) else ""


def derived_guid(kind: str, *parts: str) -> str:
    """A GUID that always follows from `kind` and `parts` (e.g. a person's User GUID)."""
    return str(uuid.uuid5(WWLIB_NS, "/".join((kind, *parts))))


def user_guid(person_guid: str) -> str:
    """The GUID of the REFI User that stands for a person (whose Case has `person_guid`)."""
    return derived_guid("user", person_guid)


@dataclass
class User:
    guid: str
    name: str
    line: int | None = None


@dataclass
class CodeNode:
    """A Code element with its children; `codable=False` is a folder (isCodable="false")."""

    guid: str
    name: str
    codable: bool = True
    colour: str = ""
    description: str = ""
    notes: list[str] = field(default_factory=list)  # note GUIDs
    children: list[CodeNode] = field(default_factory=list)
    line: int | None = None

    def walk(self):
        """This node and every node below it, parents first."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Case:
    guid: str
    name: str
    values: dict[str, str] = field(default_factory=dict)  # variable name -> value as text
    sources: list[str] = field(default_factory=list)  # source GUIDs
    line: int | None = None


@dataclass
class CodingRef:
    """A Coding element: which code, by whom, with which notes."""

    guid: str
    code: str
    user: str = ""
    notes: list[str] = field(default_factory=list)
    line: int | None = None


@dataclass
class Selection:
    """A PlainTextSelection, its span in code points of the source's text: [start, end)."""

    guid: str
    start: int
    end: int
    user: str = ""
    description: str = ""
    codings: list[CodingRef] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    line: int | None = None


@dataclass
class Source:
    """A TextSource with its plain text (BOM removed, line ends as in the file)."""

    guid: str
    name: str
    text: str
    path: str  # the zip member it was read from, or 'PlainTextContent'
    user: str = ""
    description: str = ""
    selections: list[Selection] = field(default_factory=list)
    codings: list[CodingRef] = field(default_factory=list)  # codings of the whole source
    notes: list[str] = field(default_factory=list)
    line: int | None = None


@dataclass
class Note:
    guid: str
    text: str
    user: str = ""
    created: str = ""
    line: int | None = None


@dataclass
class Project:
    """Everything of a project.qde that wwlib reads, plus what it could not carry over."""

    name: str
    origin: str = ""
    created: str = ""
    creating_user: str = ""
    description: str = ""
    users: dict[str, User] = field(default_factory=dict)
    codes: list[CodeNode] = field(default_factory=list)  # the roots of the code tree
    cases: list[Case] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    project_notes: list[str] = field(default_factory=list)  # NoteRef of the project itself
    not_carried: list[str] = field(default_factory=list)  # what the summary must name
    warnings: list[str] = field(default_factory=list)
