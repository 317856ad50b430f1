"""The files people take home: a task list (.xlsx), a calendar (.ics), one handreiking per theme.

The workbook-level functions (`tasks_xlsx`, `tasks_ics`, `handreiking_docx`, `handreikingen`)
take a `Workbook` and write in `wb.lang`, with every name shown as `wb.pseudonymise` decides.
The folder-level ones (`export_tasks`, `export_ics`, `export_handreikingen`) open a cohort
folder's store, as `ww export` does, and call them. Every file is written whole or not at all.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from pathlib import Path

import docx
import icalendar
import pandas as pd
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from wwlib.core.control_chars import printable
from wwlib.core.duedate import DueDate
from wwlib.core.errors import NotFound, ValidationError
from wwlib.core.labels import Labels
from wwlib.core.model import ALL_PARTICIPANTS
from wwlib.outputs.spreadsheet import output_path, write_sheets, write_whole
from wwlib.present import look, views
from wwlib.present.search import search_table
from wwlib.present.workbook import Workbook, opened_workbook

__all__ = [
    "export_handreikingen",
    "export_ics",
    "export_tasks",
    "handreiking_docx",
    "handreikingen",
    "tasks_ics",
    "tasks_xlsx",
]

log = logging.getLogger(__name__)

PRODID = "-//Wij-Werken//wwlib werkmap//NL"
TASK_COLUMNS = [
    "plan", "step", "step_title", "number", "task", "owners", "due", "first_day", "last_day",
    "status", "note",
]  # fmt: skip
OWNER_COLUMNS = ["owner"] + [c for c in TASK_COLUMNS if c != "owners"]
_LONGEST_QUOTE = 280  # characters; a handreiking quotes short fragments only
_LONGEST_PROPERTY = 255  # characters of a Word core property (python-docx refuses more)


# -- from a cohort folder (what `ww export` calls) -------------------------------------------


def export_tasks(folder, out, store=None, lang: str = "nl", pseudonymise: bool = False) -> Path:
    """The cohort's tasks as an Excel task list; returns the written path."""
    with opened_workbook(folder, store, lang, pseudonymise, "ww export tasks") as wb:
        return tasks_xlsx(wb, out)


def export_ics(
    folder,
    out,
    store=None,
    lang: str = "nl",
    pseudonymise: bool = False,
    generated: dt.datetime | None = None,
) -> Path:
    """Every dated task of the cohort as an iCalendar file; returns the written path."""
    with opened_workbook(folder, store, lang, pseudonymise, "ww export ics") as wb:
        return tasks_ics(wb, out, generated)


def export_handreikingen(
    folder, out_dir, store=None, lang: str = "nl", pseudonymise: bool = False
) -> list[Path]:
    """One handreiking (.docx) per theme plan of the cohort in `out_dir`; returns the paths."""
    with opened_workbook(folder, store, lang, pseudonymise, "ww export handreikingen") as wb:
        return handreikingen(wb, out_dir)


# -- task list (.xlsx) ------------------------------------------------------------------------


def tasks_xlsx(wb: Workbook, path: str | Path) -> Path:
    """Write every task to an Excel file: a sheet of tasks and a sheet with a row per owner.

    Due dates keep the words they were written in and add the first and last day of their
    period as real dates; each sheet has a bold, frozen header row and an autofilter.
    """
    path = output_path(path, ".xlsx")
    rows = _task_rows(wb)
    sheets = {
        wb.labels("export.sheet.tasks"): _headed(wb, rows[TASK_COLUMNS]),
        wb.labels("export.sheet.by_owner"): _headed(wb, _by_owner(wb, rows)[OWNER_COLUMNS]),
    }
    return write_sheets(sheets, path, wb.labels("export.date_format"))


def _task_rows(wb: Workbook) -> pd.DataFrame:
    """Every task, safe to show, with English column names (owner ids kept for `_by_owner`)."""
    frame = views.task_frame(wb)
    steps = wb.store.steps()
    step_titles = {
        (p, n): wb.pseudonyms.text(t)
        for p, n, t in zip(steps["plan"], steps["number"], steps["title"], strict=True)
    }
    stored = wb.store.tasks().set_index("id")
    first = [views.as_date(d) for d in frame["due_date"]]
    return pd.DataFrame(
        {
            "id": frame["id"],
            "plan": frame["plan_title"],
            "step": frame["step"],
            "step_title": [
                step_titles[(p, s)] for p, s in zip(frame["plan"], frame["step"], strict=True)
            ],
            "number": frame["number"],
            "task": frame["title"],
            "owners": frame["owners"],
            "owner_ids": [stored.at[i, "owners"] for i in frame["id"]],
            "owner_note": [stored.at[i, "owner_note"] for i in frame["id"]],
            "due": frame["due_text"],
            "due_kind": frame["due_kind"],
            "first_day": first,
            "last_day": [
                DueDate("", k, d).last_day if d else None
                for k, d in zip(frame["due_kind"], first, strict=True)
            ],
            "status": [wb.labels(f"status.{s}") for s in frame["status"]],
            "note": frame["note"],
        }
    )


def _by_owner(wb: Workbook, rows: pd.DataFrame) -> pd.DataFrame:
    """One row per owner and task, people in the cohort's order, so each can filter their own.

    "All participants" becomes a row for every participant; a task without owners gets one row.
    """
    people = wb.people()
    participants = list(people.loc[people["role"] == "participant", "name"])
    order = {name: i for i, name in enumerate(people["name"])}
    nobody = wb.labels("export.no_owner")
    expanded = []
    for row in rows.itertuples(index=False):
        names = []
        for owner in row.owner_ids:
            names += participants if owner == ALL_PARTICIPANTS else [wb.pseudonyms.name(owner)]
        if row.owner_note:
            names.append(wb.pseudonyms.text(row.owner_note))
        expanded += [{**row._asdict(), "owner": n} for n in dict.fromkeys(names or [nobody])]
    frame = pd.DataFrame(expanded, columns=[*rows.columns, "owner"])
    rank = [order.get(n, len(order) + (n == nobody)) for n in frame["owner"]]
    return frame.assign(_rank=rank).sort_values("_rank", kind="stable").drop(columns="_rank")


def _headed(wb: Workbook, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with the catalogue's column headers."""
    return frame.rename(columns={c: wb.labels(f"export.col.{c}") for c in frame.columns})


# -- calendar (.ics) --------------------------------------------------------------------------


def tasks_ics(wb: Workbook, path: str | Path, generated: dt.datetime | None = None) -> Path:
    """Write an iCalendar file with an all-day event on the due date of every dated task.

    A week or a month stands on its first day, and the event's description says so. Tasks
    without a due date are left out (and counted in the calendar's description and the log).
    `generated` (default now) is the events' DTSTAMP: the same value gives the same bytes.
    """
    path = output_path(path, ".ics")
    stamp = _utc(generated or dt.datetime.now(dt.UTC))
    rows = _task_rows(wb)
    dated = rows[rows["first_day"].notna()]
    cohort = wb.cohort
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add(
        "x-wr-calname",
        wb.labels("export.ics.name", cohort=printable(wb.pseudonyms.text(cohort.title))),
    )
    calendar.add("x-wr-caldesc", wb.labels.count("export.ics.about", len(rows), dated=len(dated)))
    for task in dated.itertuples(index=False):
        calendar.add_component(_event(wb, task, cohort.id, stamp))
    if len(rows) > len(dated):
        log.info("%s: %d task(s) without a due date left out", path, len(rows) - len(dated))
    return write_whole(path, calendar.to_ical())  # CRLF line endings and folding, as RFC 5545 says


def _event(wb: Workbook, task, cohort_id: str, stamp: dt.datetime) -> icalendar.Event:
    """One all-day event; transparent, so a deadline does not block anyone's agenda."""
    event = icalendar.Event()
    event.add("uid", f"{task.id}@{cohort_id}.wij-werken")
    event.add("dtstamp", stamp)
    event.add("dtstart", task.first_day)
    event.add("dtend", task.first_day + dt.timedelta(days=1))
    event.add("summary", printable(task.task))
    event.add("description", printable(_description(wb, task)))
    event.add("categories", [printable(task.plan)])
    event.add("transp", "TRANSPARENT")
    event.add("x-microsoft-cdo-alldayevent", "TRUE")
    event.add("x-microsoft-cdo-busystatus", "FREE")
    return event


def _description(wb: Workbook, task) -> str:
    """Plan, step, owners, status and due date of a task, one per line."""
    lines = [
        wb.labels("export.ics.plan", plan=task.plan),
        wb.labels("export.ics.step", number=task.step, title=task.step_title),
        wb.labels("export.ics.owners", owners=task.owners or wb.labels("export.no_owner")),
        wb.labels("export.ics.status", status=task.status),
    ]
    if task.due_kind in ("week", "month"):
        period = _period(wb.labels, task.first_day, task.last_day)
        lines.append(wb.labels("export.ics.due_period", due=task.due, period=period))
    else:
        day = views.long_date(task.first_day, wb.labels, weekday=False)
        lines.append(wb.labels("export.ics.due", due=day))
    if task.note:
        lines.append(wb.labels("export.ics.note", note=task.note))
    return "\n".join(lines)


def _period(labels: Labels, first: dt.date, last: dt.date) -> str:
    """ "27 april – 3 mei 2020", "1 – 30 juni 2020", the year and month said once if shared."""
    if (first.year, first.month) == (last.year, last.month):
        start = str(first.day)
    else:
        start = views.long_date(first, labels, weekday=False, year=first.year != last.year)
    return f"{start} – {views.long_date(last, labels, weekday=False)}"


def _utc(moment: dt.datetime) -> dt.datetime:
    """A moment in UTC; a naive one is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


# -- handreikingen (.docx) ----------------------------------------------------------------------


def handreikingen(wb: Workbook, folder: str | Path) -> list[Path]:
    """Write a handreiking for every theme plan into `folder`; returns the paths."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ValidationError("out_dir", "a folder", str(folder), "give a folder's name")
    plans = wb.store.plans().query("kind == 'theme'")["id"]
    return [handreiking_docx(wb, p, folder / _file_name(wb, p)) for p in plans]


def handreiking_docx(wb: Workbook, plan_id: str, path: str | Path) -> Path:
    """Write one plan as a short Word document another municipality can adapt.

    Why the theme matters (with short interview quotes when there are codings), the desired
    and current situation, the steps with their tasks (owners as roles, not names), obstacles
    with ways to deal with them, helping factors, and prompts to adapt it. Headings use Word's
    heading styles, so the navigation pane lists the sections.
    """
    path = output_path(path, ".docx")
    plans = wb.store.plans().set_index("id")
    if plan_id not in plans.index:
        raise NotFound(
            f"plan '{plan_id}' is not in cohort {wb.cohort.id}; its plans are: "
            f"{', '.join(plans.index) or 'none'}"
        )
    plan = plans.loc[plan_id]
    document = docx.Document()
    _front(document, wb, plan)
    _why(document, wb, plan.theme)
    for heading, text in (("goal", plan.goal), ("current", plan.current)):
        document.add_heading(wb.labels(f"export.docx.{heading}"), 1)
        document.add_paragraph(_shown(wb, text) or wb.labels("export.docx.not_recorded"))
    _steps(document, wb, plan_id)
    _obstacles(document, wb, plan_id)
    _adapt(document, wb)
    buffer = io.BytesIO()
    document.save(buffer)
    return write_whole(path, buffer.getvalue())


def _file_name(wb: Workbook, plan_id: str) -> str:
    """ "handreiking-<plan id>.docx", with only characters every file system accepts."""
    safe = re.sub(r"[^a-z0-9-]+", "-", plan_id.lower()).strip("-") or "plan"
    return wb.labels("export.docx.file", plan=safe)


def _shown(wb: Workbook, text: object) -> str:
    """Free text as a handreiking shows it: names hidden as decided, control characters replaced."""
    shown = wb.pseudonyms.text(text)
    return printable(shown) if isinstance(shown, str) else shown


def _property(text: str) -> str:
    """`text` short enough for a core property of the document, cut with an ellipsis."""
    if len(text) <= _LONGEST_PROPERTY:
        return text
    return text[: _LONGEST_PROPERTY - 1] + "…"


def _front(document, wb: Workbook, plan) -> None:
    """Title, document properties, spelling language and where the handreiking comes from."""
    cohort = wb.cohort
    title = wb.labels("export.docx.title", plan=_shown(wb, plan.title))
    properties = document.core_properties
    properties.title = _property(title)  # the document itself shows the whole title
    properties.author = properties.last_modified_by = "Wij-Werken-werkmap"
    properties.created = properties.modified = dt.datetime.now(dt.UTC)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "nl-NL" if cohort.language == "nl" else "en-GB")
    document.styles["Normal"].element.get_or_add_rPr().append(language)
    document.add_heading(title, 0)
    dates = _period(wb.labels, cohort.start, cohort.end)
    name = _shown(wb, cohort.title)
    document.add_paragraph(wb.labels("export.docx.intro", cohort=name, dates=dates))


def _why(document, wb: Workbook, theme: object) -> None:
    """The theme's description from the codebook and a few short quotes from the interviews."""
    document.add_heading(wb.labels("export.docx.why"), 1)
    codes = wb.store.codes().set_index("id")
    known = isinstance(theme, str) and theme in codes.index
    about = codes.at[theme, "description"] if known else ""
    document.add_paragraph(_shown(wb, about) or wb.labels("export.docx.not_recorded"))
    quotes = _quotes(wb, theme) if known else []
    if quotes:
        document.add_paragraph(wb.labels("export.docx.quotes"))
        for quote in quotes:
            document.add_paragraph(f"“{quote}”", style="Quote")


def _quotes(wb: Workbook, theme: str, limit: int = 3) -> list[str]:
    """Up to `limit` short fragments coded with the theme, each from another interview (none
    of an interview whose participant did not consent to be quoted)."""
    codings = wb.store.codings().query("code == @theme")
    quotes: dict[str, str] = {}
    unquoted = wb.unquoted()
    for coding in codings.itertuples():
        if coding.interview in quotes or coding.interview in unquoted:
            continue
        text = wb.store.transcript(coding.interview)[coding.start : coding.end]
        text = " ".join(text.split())
        if len(text) <= _LONGEST_QUOTE:
            quotes[coding.interview] = _shown(wb, text)
        if len(quotes) == limit:
            break
    return list(quotes.values())


def _steps(document, wb: Workbook, plan_id: str) -> None:
    """Each step as a heading with a table of its tasks: task, who (role), due date."""
    document.add_heading(wb.labels("export.docx.steps"), 1)
    steps = wb.store.steps().query("plan == @plan_id")
    if steps.empty:
        document.add_paragraph(wb.labels("export.docx.no_steps"))
        return
    tasks = wb.store.tasks().query("plan == @plan_id and status != 'cancelled'")
    people = wb.store.people()
    functions = dict(zip(people["id"], people["function"], strict=True))
    header = [wb.labels(f"export.docx.col.{k}") for k in ("task", "who", "due")]
    for step in steps.itertuples():
        title = _shown(wb, step.title)
        document.add_heading(wb.labels("export.docx.step", number=step.number, title=title), 2)
        if step.description:
            document.add_paragraph(_shown(wb, step.description))
        own = tasks[tasks["step"] == step.number]
        if own.empty:
            document.add_paragraph(wb.labels("export.docx.no_tasks"))
            continue
        rows = [
            (
                _shown(wb, t.title),
                _roles(wb, t.owners, t.owner_note, functions),
                _due(wb, t),
            )
            for t in own.itertuples()
        ]
        _table(document, header, rows)


def _roles(wb: Workbook, owners: list[str], owner_note: str, functions: dict) -> str:
    """Owners as the functions they hold ("teamleider buitendienst"), or a placeholder.

    A person whose name is hidden gets the placeholder too: a function such as
    "wijkcoördinator Lindeveen-Oost" names the one person who holds it.
    """
    placeholder = wb.labels("export.docx.owner_placeholder")
    roles = [
        wb.labels("everyone")
        if o == ALL_PARTICIPANTS
        else placeholder
        if wb.pseudonyms.hides(o)
        else _shown(wb, functions.get(o, "")) or placeholder
        for o in owners
    ]
    if owner_note:
        roles.append(_shown(wb, owner_note))
    return "; ".join(dict.fromkeys(roles)) or placeholder


def _due(wb: Workbook, task) -> str:
    """A due date as written ("week 44", "juni 2027"); a day in words ("16 oktober 2026")."""
    if task.due_kind == "date":
        return views.long_date(task.due_date, wb.labels, weekday=False)
    return printable(task.due_text)


def _obstacles(document, wb: Workbook, plan_id: str) -> None:
    """Obstacles beside their ways to deal, then the helping factors as a list."""
    document.add_heading(wb.labels("export.docx.obstacles"), 1)
    obstacles = wb.store.plan_obstacles().query("plan == @plan_id")
    if obstacles.empty:
        document.add_paragraph(wb.labels("export.docx.not_recorded"))
    else:
        header = [wb.labels("export.docx.col.obstacle"), wb.labels("export.docx.col.way_to_deal")]
        rows = [
            (_shown(wb, o), _shown(wb, w) or wb.labels("export.docx.not_recorded"))
            for o, w in zip(obstacles["obstacle"], obstacles["way_to_deal"], strict=True)
        ]
        _table(document, header, rows)
    document.add_heading(wb.labels("export.docx.factors"), 1)
    factors = wb.store.plan_factors().query("plan == @plan_id")["text"]
    if factors.empty:
        document.add_paragraph(wb.labels("export.docx.not_recorded"))
    for factor in factors:
        document.add_paragraph(_shown(wb, factor), style="List Bullet")


def _adapt(document, wb: Workbook) -> None:
    """Questions that help another municipality make the handreiking its own."""
    cohort = _shown(wb, wb.cohort.title)
    document.add_heading(wb.labels("export.docx.adapt"), 1)
    for number in range(1, 7):
        text = wb.labels(f"export.docx.adapt.{number}", cohort=cohort)
        document.add_paragraph(text, style="List Number")
    made = document.add_paragraph().add_run(wb.labels("export.docx.made", cohort=cohort))
    made.italic = True


def _table(document, header: list[str], rows: list[tuple[str, ...]]) -> None:
    """A grid table with a bold header row that repeats on every page."""
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    repeat = OxmlElement("w:tblHeader")
    table.rows[0]._tr.get_or_add_trPr().append(repeat)
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text


# -- writing ------------------------------------------------------------------------------------


def analysis_xlsx(
    wb: Workbook, path: str | Path, attribute: str = "organisation", search: str | None = None
) -> Path:
    """Write every table of the analysis day (`look.sheets`) to one .xlsx, one sheet a table,
    and with `search` a sheet of that query's hits (`search_table`)."""
    sheets = look.sheets(wb, attribute)
    if search is not None:
        sheets[wb.labels("search.sheet")] = search_table(wb, search, quoted_only=True)
    return write_sheets(sheets, path, wb.labels("export.date_format"))
