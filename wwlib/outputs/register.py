"""A processing-register entry (verwerkingsregister, AVG article 30) for one cohort, as .docx.

What a privacy officer starts the register entry and the DPIA from: the controller (the
cohort's municipalities, with open fields for the contact and the FG), the purposes (the week
and its research question), the categories of data subjects and of personal data with what the
store really holds, the consent on record (the method section's paragraph), the recipients,
transfers outside the EU (none), the retention (cohort.yaml's `retention`) and the security
measures the workbook takes. It names no person: only counts, roles and the municipalities.
Every text is plain text in a paragraph (python-docx escapes it); no path or user name.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from wwlib.core.control_chars import printable
from wwlib.core.dates import long_date
from wwlib.core.model import Role
from wwlib.outputs.spreadsheet import output_path, write_whole
from wwlib.present.report_method import consent_facts, describe_consent
from wwlib.present.workbook import Workbook

__all__ = ["FIELDS", "register_docx", "register_file_name"]

# The article-30 fields, in the order the entry gives them (label `register.<field>`).
FIELDS = (
    "controller",
    "purposes",
    "subjects",
    "data",
    "consent",
    "recipients",
    "transfers",
    "retention",
    "security",
)
SECURITY = (
    "self_hosted",
    "store",
    "links",
    "no_requests",
    "pseudonymise",
    "small_groups",
    "quotes",
    "forget",
    "purge",
    "backups",
    "no_paths",
)


def register_file_name(wb: Workbook) -> str:
    """'verwerkingsregister-<cohort id>.docx' (in English 'processing-register-<id>.docx')."""
    return wb.labels("register.file", cohort=wb.cohort.id)


def register_docx(wb: Workbook, path: str | Path, today: dt.date | None = None) -> Path:
    """Write the cohort's processing-register entry to `path` (.docx); returns the path.

    `today` is the date the entry says it was made (default: today).
    """
    path = output_path(path, ".docx")
    document = docx.Document()
    _front(document, wb, today or dt.date.today())
    for field in FIELDS:
        document.add_heading(wb.labels(f"register.{field}"), 1)
        for kind, text in _FIELDS[field](wb):
            document.add_paragraph(printable(text), style=kind)
    buffer = io.BytesIO()
    document.save(buffer)
    return write_whole(path, buffer.getvalue())


def _front(document, wb: Workbook, today: dt.date) -> None:
    """Title, properties, spelling language, and what the entry is."""
    cohort, labels = wb.cohort, wb.labels
    title = labels("register.title", title=_text(wb, cohort.title))
    properties = document.core_properties
    properties.title = title[:255]
    properties.author = properties.last_modified_by = "Wij-Werken-werkmap"
    properties.created = properties.modified = dt.datetime.now(dt.UTC)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "nl-NL" if wb.lang == "nl" else "en-GB")
    document.styles["Normal"].element.get_or_add_rPr().append(language)
    document.add_heading(printable(title), 0)
    made = long_date(today, labels, weekday=False)
    document.add_paragraph(labels("register.intro", cohort=cohort.id, date=made))


# -- the fields: each a list of (paragraph style, text) ---------------------------------------

Paragraphs = list[tuple[str, str]]
_TEXT, _ITEM = "Normal", "List Bullet"


def _controller(wb: Workbook) -> Paragraphs:
    municipalities = ", ".join(_text(wb, m) for m in wb.cohort.municipalities)
    said = [(_TEXT, wb.labels("register.controller.who", municipalities=municipalities))]
    return said + [(_ITEM, wb.labels(f"register.controller.{k}")) for k in ("contact", "fg")]


def _purposes(wb: Workbook) -> Paragraphs:
    cohort, labels = wb.cohort, wb.labels
    dates = f"{long_date(cohort.start, labels)} – {long_date(cohort.end, labels)}"
    said = [(_TEXT, labels("register.purposes.week", title=_text(wb, cohort.title), dates=dates))]
    question = _text(wb, cohort.research_question)
    said.append((_TEXT, labels("register.purposes.question", question=question or "—")))
    return said + [(_TEXT, labels("register.purposes.basis"))]


def _subjects(wb: Workbook) -> Paragraphs:
    roles = wb.store.people()["role"].value_counts()
    said = [
        (_ITEM, wb.labels.count(f"register.subjects.{r.value}", int(roles.get(r.value, 0))))
        for r in Role
    ]
    mentioned = len(wb.cohort.mentioned_names)
    return said + [(_ITEM, wb.labels.count("register.subjects.mentioned", mentioned))]


def _data(wb: Workbook) -> Paragraphs:
    """What the store holds of people, category by category: a category it lacks is left out."""
    store, labels = wb.store, wb.labels
    people = store.people()
    held = {
        "identity": len(people),
        "transcripts": int(store.interviews()["transcript"].notna().sum()),
        "codings": len(store.codings()),
        "notes": int(store.notes()["author"].fillna("").ne("").sum()),
        "memos": len(store.memos()),
        "votes": len(store.votes()),
        "tasks": int(store.tasks()["owners"].map(bool).sum()),
        "links": len(store.links()),
        "log": store.change_count(),
    }
    said = [(_ITEM, labels.count(f"register.data.{k}", n)) for k, n in held.items() if n]
    return said + [(_ITEM, labels("register.data.no_recordings"))]


def _consent(wb: Workbook) -> Paragraphs:
    return [(_TEXT, describe_consent(consent_facts(wb.store), wb.labels, wb.pseudonyms))]


def _recipients(wb: Workbook) -> Paragraphs:
    roles = wb.store.people()["role"]
    team = {
        "facilitators": wb.labels.count("count.facilitator", int((roles == "facilitator").sum())),
        "support": wb.labels.count("count.support", int((roles == "support").sum())),
    }
    keys = ("team", "participants", "readers")
    return [(_ITEM, wb.labels(f"register.recipients.{k}", **team)) for k in keys]


def _transfers(wb: Workbook) -> Paragraphs:
    return [(_TEXT, wb.labels("register.transfers.none"))]


def _retention(wb: Workbook) -> Paragraphs:
    until = getattr(wb.cohort, "retention", None)  # cohort.yaml's `retention`, when set
    if not until:
        return [(_TEXT, wb.labels("register.retention.not_set"))]
    return [(_TEXT, wb.labels("register.retention.until", date=long_date(until, wb.labels)))]


def _security(wb: Workbook) -> Paragraphs:
    min_group = wb.cohort.min_group
    return [(_ITEM, wb.labels(f"register.security.{k}", min_group=min_group)) for k in SECURITY]


def _text(wb: Workbook, text: str) -> str:
    """Free text of the cohort as the entry shows it: names of who did not consent hidden."""
    return printable(wb.pseudonyms.text(text) or "")


_FIELDS = {
    "controller": _controller,
    "purposes": _purposes,
    "subjects": _subjects,
    "data": _data,
    "consent": _consent,
    "recipients": _recipients,
    "transfers": _transfers,
    "retention": _retention,
    "security": _security,
}
