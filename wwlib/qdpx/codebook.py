"""REFI-QDA codebooks (.qdc): one XML file with the code tree, read and written.

The tree follows the same category convention as a project's codebook (see `codetree.py`).
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from wwlib.core.limits import CODEBOOK_BYTES, read_regular_or
from wwlib.core.records import ExchangeContent
from wwlib.qdpx.codetree import CodeTreeWriter, read_code_tree
from wwlib.qdpx.errors import QdpxError
from wwlib.qdpx.model import CODEBOOK_NS, CodeNode
from wwlib.qdpx.validate import schema_problems
from wwlib.qdpx.write import origin
from wwlib.qdpx.xml import kids, local, parse, place


def read_codebook(path: str | Path) -> tuple[list[CodeNode], list[str], list[str]]:
    """The code tree of a .qdc file, what it holds that is not carried over, and warnings.

    Raises `QdpxError` naming the file and the place when the file cannot be read.
    """
    path = Path(path)
    data = read_regular_or(path, CODEBOOK_BYTES, "a codebook", QdpxError)
    if not data.strip():
        raise QdpxError(path.name, "the whole file", "is empty", "export the codebook again")
    root = parse(data, path.name, path.name)
    if local(root) != "CodeBook":
        raise QdpxError(
            path.name,
            place(path.name, root),
            f"the root element is <{local(root)}>, not <CodeBook>",
            "give a REFI-QDA codebook (.qdc); a project (.qdpx) is imported with `ww import qdpx`",
        )
    codes = kids(root, "Codes")
    if not codes:
        raise QdpxError(path.name, place(path.name, root), "the codebook has no <Codes>")
    warnings = [
        f"not valid against Codebook.xsd, {p}" for p in schema_problems(root, "Codebook.xsd")
    ]
    tree = [node for element in codes for node in read_code_tree(element, path.name, path.name)]
    seen: dict[str, int | None] = {}
    for node in (n for root_node in tree for n in root_node.walk()):
        if node.guid in seen:
            raise QdpxError(
                path.name,
                f"lines {seen[node.guid]} and {node.line}",
                f"two codes have the same GUID {node.guid}",
            )
        seen[node.guid] = node.line
    sets = sum(len(kids(element, "Set")) for element in kids(root, "Sets"))
    return tree, [f"{sets} set(s) of codes (the workbook has none)"] if sets else [], warnings


def codebook_xml(content: ExchangeContent) -> tuple[etree._Element, int]:
    """A cohort's codebook as a <CodeBook> element, and how many characters were replaced."""
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS})
    root.set("origin", origin())
    writer = CodeTreeWriter(
        CODEBOOK_NS,
        content.codes,
        content.guids.code,
        content.cohort.language,
        content.cohort_guid or content.cohort.id,
    )
    writer.write(root)
    return root, writer.replaced
