"""Word pieces of the final report (`report_docx`): page set-up, fields, table headers, a
figure's alt text and its data as a table. python-docx has no API for these; each sets the
few XML elements Word needs."""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.text.paragraph import Paragraph
from lxml import html as lxml_html

from wwlib.core.control_chars import printable


def page_setup(document, lang: str) -> None:
    """A4 with 2.5 cm margins; the spelling language of every text."""
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(25)
        section.top_margin = section.bottom_margin = Mm(20)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "nl-NL" if lang == "nl" else "en-GB")
    document.styles["Normal"].element.get_or_add_rPr().append(language)


def field_char(paragraph: Paragraph, kind: str) -> None:
    """A field's begin, separate or end mark in a run of its own."""
    mark = OxmlElement("w:fldChar")
    mark.set(qn("w:fldCharType"), kind)
    if kind == "begin":
        mark.set(qn("w:dirty"), "true")  # Word recomputes it on opening
    paragraph.add_run()._r.append(mark)


def repeat_header(row) -> None:
    """Mark a table row as a header row that Word repeats at the top of every page."""
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)


def header_rows(columns: list) -> list[list[str]]:
    """One header row per column level; an upper level's text over each column it spans."""
    keys = [c if isinstance(c, tuple) else (c,) for c in columns] or [("",)]
    depth = max(len(k) for k in keys)
    return [
        ["" if level >= len(k) or k[level] is None else printable(str(k[level])) for k in keys]
        for level in range(depth)
    ]


def merge_equal(row, texts: list[str]) -> None:
    """Merge neighbouring header cells of equal text (an upper column level) into one."""
    start = 0
    for end in range(1, len(texts) + 1):
        if end == len(texts) or texts[end] != texts[start] or not texts[start]:
            if end - start > 1:
                merged = row.cells[start].merge(row.cells[end - 1])
                for extra in merged.paragraphs[1:]:
                    extra._p.getparent().remove(extra._p)
                merged.paragraphs[0].runs[0].text = texts[start]
                for run in merged.paragraphs[0].runs[1:]:
                    run._r.getparent().remove(run._r)
            start = end


def cell_text(value: object) -> str:
    """A cell as text: an HTML cell (a chip, a link) as what it shows."""
    if hasattr(value, "__html__"):
        return printable(
            " ".join(lxml_html.fromstring(f"<div>{value}</div>").text_content().split())
        )
    return printable(str(value))
