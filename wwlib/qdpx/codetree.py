"""The code tree, shared by projects (.qdpx) and codebooks (.qdc), and how categories ride on it.

Category convention: the export puts the codebook under five top-level folders, one per
category (`isCodable="false"`, named by the category's label in the cohort's language, e.g.
"Belemmering" / "Obstacle"), with each code nested under its parent code as in the workbook.
On import, a top-level node whose name is a category (its id such as `way_to_deal`, or its
Dutch or English label, in any case) gives its category to everything below it; the folder
itself becomes a code only when it is codable. Any other code gets the category `theme`
(`DEFAULT_CATEGORY`). A code nested under a parent of another category says so at the end of its
description, `[wwlib category: obstacle]`, which the import reads back and removes.
"""

from __future__ import annotations

import re

from lxml import etree

from wwlib.core.labels import Labels
from wwlib.core.model import Category, Code
from wwlib.qdpx.model import CodeNode, derived_guid
from wwlib.qdpx.xml import guid_of, kids, text_of, xml_safe

DEFAULT_CATEGORY = Category.THEME.value
CATEGORY_MARK = re.compile(r"\s*\[wwlib category: ([a-z_]+)\]\s*$")
RGB = re.compile(r"^#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")


def category_of_folder(name: str) -> str:
    """The category a top-level folder name stands for, or ''."""
    key = " ".join(name.replace("_", " ").split()).lower()
    for category in Category:
        names = {category.value.replace("_", " ")}
        names |= {
            Labels(lang).get(f"category.{category.value}", "").lower() for lang in ("nl", "en")
        }
        if key in names:
            return category.value
    return ""


def split_category_mark(description: str) -> tuple[str, str]:
    """A description without its `[wwlib category: ...]` mark, and the category it names."""
    match = CATEGORY_MARK.search(description)
    if match and match.group(1) in {c.value for c in Category}:
        return description[: match.start()], match.group(1)
    return description, ""


def colour_of(value: str | None) -> str:
    """A REFI colour (#rgb or #rrggbb) as #rrggbb in lower case; '' when absent or unreadable."""
    if not value or not RGB.match(value.strip()):
        return ""
    digits = value.strip()[1:].lower()
    return "#" + (digits if len(digits) == 6 else "".join(d * 2 for d in digits))


def read_code_tree(codes, file: str, member: str) -> list[CodeNode]:
    """The Code elements under a <Codes> (or <Code>) element, recursively."""
    nodes = []
    for element in kids(codes, "Code"):
        codable = (element.get("isCodable") or "true").strip().lower() not in ("false", "0")
        nodes.append(
            CodeNode(
                guid=guid_of(element, file, member),
                name=(element.get("name") or "").strip(),
                codable=codable,
                colour=colour_of(element.get("color")),
                description=text_of(element, "Description").strip(),
                notes=[guid_of(r, file, member, "targetGUID") for r in kids(element, "NoteRef")],
                children=read_code_tree(element, file, member),
                line=element.sourceline,
            )
        )
    return nodes


class CodeTreeWriter:
    """Writes a cohort's codes as category folders with the codes nested below."""

    def __init__(self, ns: str, codes: list[Code], guids: dict[str, str], lang: str, scope: str):
        self.ns, self.codes, self.guids = ns, codes, guids
        self.labels = Labels(lang)
        self.scope = scope  # makes the folders' GUIDs differ between cohorts
        self.children: dict[str, list[Code]] = {}
        known = {code.id for code in codes}
        for code in codes:
            parent = code.parent if code.parent in known else ""
            self.children.setdefault(parent, []).append(code)
        self.notes: dict[str, list[str]] = {}
        self.replaced = 0

    def write(self, parent, notes: dict[str, list[str]] | None = None) -> None:
        """Append the <Codes> element with the five folders to `parent`."""
        self.notes = notes or {}
        codes = etree.SubElement(parent, f"{{{self.ns}}}Codes")
        for category in Category:
            label = self.labels(f"category.{category.value}")
            folder = etree.SubElement(
                codes,
                f"{{{self.ns}}}Code",
                guid=derived_guid("category", self.scope, category.value),
                name=label[:1].upper() + label[1:],
                isCodable="false",
            )
            for code in self.children.get("", []):
                if code.category == category:
                    self._code(folder, code, category.value, set())

    def _code(self, parent, code: Code, folder_category: str, seen: set[str]) -> None:
        seen = seen | {code.id}
        name, replaced = xml_safe(code.name)
        element = etree.SubElement(
            parent,
            f"{{{self.ns}}}Code",
            guid=self.guids[code.id],
            name=name,
            isCodable="true",
            color=code.colour.upper(),
        )
        description = code.description
        if code.category != folder_category:
            description = f"{description}\n[wwlib category: {code.category}]".lstrip("\n")
        if description:
            text, more = xml_safe(description)
            etree.SubElement(element, f"{{{self.ns}}}Description").text = text
            replaced += more
        self.replaced += replaced
        for note in self.notes.get(code.id, []):
            etree.SubElement(element, f"{{{self.ns}}}NoteRef", targetGUID=note)
        for child in self.children.get(code.id, []):
            if child.id not in seen:
                self._code(element, child, folder_category, seen)
