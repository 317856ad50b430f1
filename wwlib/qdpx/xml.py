"""Small helpers shared by reading and writing REFI-QDA XML with lxml."""

from __future__ import annotations

import re

from lxml import etree

from wwlib.qdpx.errors import QdpxError
from wwlib.qdpx.model import normal_guid

# XML 1.0 allows tab, LF, CR and everything from U+0020 except surrogates, FFFE and FFFF.
NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
DATE_TIME = re.compile(r"^-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$")


def parse(data: bytes, file: str, member: str) -> etree._Element:
    """The root element of an XML document; a clear error with its line when it is broken."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (None, None)
        place = f"{member}, line {line}, column {column}" if line else member
        raise QdpxError(
            file,
            place,
            f"is not well-formed XML ({exc.msg})",
            "the file is damaged or cut off; export it again from the QDA program",
        ) from None


def local(element) -> str:
    """The element's name without its namespace ('' for comments and the like)."""
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def kids(element, name: str) -> list:
    """The child elements called `name`, in any namespace."""
    return [child for child in element if local(child) == name]


def kid(element, name: str):
    """The first child element called `name`, or None."""
    found = kids(element, name)
    return found[0] if found else None


def text_of(element, name: str) -> str:
    """The text of the first child called `name` ('' when there is none)."""
    child = kid(element, name)
    return (child.text or "") if child is not None else ""


def place(member: str, element) -> str:
    """Where an element is, for messages: member, line and the element with its GUID."""
    guid = element.get("guid")
    label = f'<{local(element)} guid="{guid}">' if guid else f"<{local(element)}>"
    return f"{member}, line {element.sourceline}, {label}"


def guid_of(element, file: str, member: str, attribute: str = "guid", required=True) -> str:
    """A GUID attribute, normalised; a missing or malformed required one is an error."""
    value = element.get(attribute)
    guid = normal_guid(value) if value else ""
    if required and not guid:
        raise QdpxError(
            file,
            place(member, element),
            f"attribute '{attribute}' must be a GUID like 1b594544-2954-4b67-86ff-fb552f090ba8 "
            f"(got {value!r})",
        )
    return guid


def xml_safe(text: str) -> tuple[str, int]:
    """`text` with characters XML cannot hold replaced by U+FFFD, and how many there were."""
    return NOT_XML.subn("\ufffd", text)
