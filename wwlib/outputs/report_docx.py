"""The final report ("eindrapportage") as a Word document that municipal staff can amend.

The same chapters as `report.html` (`wwlib.outputs.report`), built from the same `Section`
objects of the week (`wwlib.present.sections`) with the same Workbook, so names and language
are as the HTML report shows them: a title page with the cohort's title and dates, a table of
contents field that Word fills on opening, chapters as Heading 1 (their sections Heading 2,
parts Heading 3: Word's navigation pane works), tables as Word tables whose header row repeats
on every page, figures as PNG images with alt text that says what they show (drawn by kaleido
in the installed Chromium, `figure_png`; without it the figure's data as a table, saying so),
every board ("flap") as a numbered appendix, and the cohort in the document's properties.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import docx
import pandas as pd
import plotly.graph_objects as go
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from lxml import html as lxml_html
from markupsafe import Markup

from wwlib import analysis
from wwlib.core.consent import consents
from wwlib.core.control_chars import printable
from wwlib.core.errors import WorkbookError
from wwlib.core.model import PlanKind, Role
from wwlib.figures.alt import alt_text, figure_data
from wwlib.figures.base import empty_message
from wwlib.outputs import figure_png
from wwlib.outputs.docx_parts import (
    cell_text,
    field_char,
    header_rows,
    merge_equal,
    page_setup,
    repeat_header,
)
from wwlib.outputs.report import (  # report.py's own pieces: the two reports cannot drift
    ANALYSIS,
    board_of,
    board_reference,
    date_range,
    joined,
    people_of_role,
    plans_of_kind,
    step_tasks,
    workbook_version,
)
from wwlib.outputs.spreadsheet import output_path, write_whole
from wwlib.present import views
from wwlib.present.boards import Board, board
from wwlib.present.evidence import evidence_trails, render_trail
from wwlib.present.missing import missing, sentence
from wwlib.present.report_method import method_paragraphs
from wwlib.present.sections import Part, Section, build
from wwlib.present.tables import shown_numbers
from wwlib.present.workbook import Workbook

TEXT_WIDTH = Cm(16)  # A4 less 2.5 cm margins
TALLEST_FIGURE = Cm(21)
GREY = RGBColor(0x55, 0x55, 0x55)
_BLOCKS = {"p", "li", "blockquote", "summary", "h4", "h5"}  # HTML fragments' paragraphs
_PROPERTY = 255  # characters of a Word core property at most


def write_docx(
    wb: Workbook, path: str | Path, generated: dt.datetime | None = None, images: bool = True
) -> Path:
    """Write the final report as a Word document to `path` (.docx); returns the path.

    `generated` is the date and time written in it and its properties (default: now). With
    `images` False every figure is its data as a table (no browser needed), as it is anyway
    when the figures cannot be drawn on this machine.
    """
    path = output_path(path, ".docx")
    buffer = io.BytesIO()
    build_docx(wb, generated, images).save(buffer)
    return write_whole(path, buffer.getvalue())


def build_docx(
    wb: Workbook, generated: dt.datetime | None = None, images: bool = True
) -> docx.document.Document:
    """The final report as a python-docx `Document` (labels in `wb.lang`; see `write_docx`)."""
    writer = _Writer(wb, generated or dt.datetime.now(), images)
    writer.write()
    return writer.document


class _Writer:
    """One document being written: the chapters in order, then the figures drawn at once."""

    def __init__(self, wb: Workbook, generated: dt.datetime, images: bool):
        self.wb, self.t, self.generated, self.images = wb, wb.labels, generated, images
        self.trails = evidence_trails(wb.store)
        self.document = docx.Document()
        self.figures: list[tuple[Paragraph, go.Figure, str]] = []  # waiting to be drawn
        self.headings: list[tuple[int, str]] = []  # for the contents shown before Word updates
        ids = list(wb.store.boards()["id"])
        self.appendix = {b: n for n, b in enumerate(ids, start=1)}

    def write(self) -> None:
        page_setup(self.document, self.wb.lang)
        self._properties()
        self._title_page()
        self.section(build(self.wb, "summary"), level=1, new_page=True)  # as the HTML: first
        contents_end = self._contents()
        for chapter in (self._intro, self._look, self._think, self._act, self._integration):
            chapter()
        self._appendices()
        self.paragraph(self._footer(), grey=True)
        self._draw_figures()
        for level, text in self.headings:
            entry = contents_end.insert_paragraph_before(text)
            entry.paragraph_format.left_indent = Cm(0.6 * (level - 1))

    # -- pieces of text ----------------------------------------------------------------------

    def text(self, value: object) -> str:
        """Free text as the report shows it: names as the pseudonymiser decides, printable."""
        shown = self.wb.pseudonyms.text(value)
        return printable(shown) if isinstance(shown, str) else ""

    def heading(self, text: str, level: int, new_page: bool = False) -> None:
        shown = self.document.add_heading(printable(text), level)
        shown.paragraph_format.page_break_before = new_page
        if level <= 2:
            self.headings.append((level, printable(text)))

    def paragraph(self, text: str, style: str | None = None, grey: bool = False) -> Paragraph:
        shown = self.document.add_paragraph(printable(text), style)
        if grey:
            for run in shown.runs:
                run.font.color.rgb, run.italic = GREY, True
        return shown

    def lines(self, texts: list[str], style: str = "List Bullet") -> None:
        for text in texts:
            self.paragraph(text, style)

    # -- front matter --------------------------------------------------------------------------

    def _properties(self) -> None:
        """Title, subject, dates and language in the document's properties; no user name."""
        cohort, properties = self.wb.cohort, self.document.core_properties
        title = self.text(cohort.title)
        properties.title = f"{self.t('report.title')} — {title}"[:_PROPERTY]
        properties.subject = f"{title} · {date_range(cohort.start, cohort.end, self.wb)}"[
            :_PROPERTY
        ]
        properties.author = properties.last_modified_by = "Wij-Werken-werkmap"
        properties.comments = properties.keywords = properties.category = ""
        properties.identifier = cohort.id
        properties.language = "nl-NL" if self.wb.lang == "nl" else "en-GB"
        properties.created = properties.modified = self.generated.astimezone(dt.UTC)
        properties.revision = 1

    def _title_page(self) -> None:
        cohort = self.wb.cohort
        self.document.add_heading(self.t("report.title"), 0)
        self.paragraph(self.text(cohort.title), "Subtitle")
        self.paragraph(date_range(cohort.start, cohort.end, self.wb))
        self.paragraph(joined(list(cohort.municipalities), self.wb))
        self.paragraph(self._generated(), grey=True)

    def _contents(self) -> Paragraph:
        """The table of contents: a TOC field that Word fills on opening (the document asks
        it to update its fields), showing the chapters until then. Returns the field's last
        paragraph, before which the chapters are listed once they are known."""
        self.paragraph("").add_run().add_break(WD_BREAK.PAGE)
        self.paragraph(self.t("report.contents"), "TOC Heading")
        start = self.paragraph("")
        field_char(start, "begin")
        instruction = OxmlElement("w:instrText")
        instruction.set(qn("xml:space"), "preserve")
        instruction.text = 'TOC \\o "1-2" \\h \\z \\u'
        start.add_run()._r.append(instruction)
        field_char(start, "separate")
        end = self.paragraph("")
        field_char(end, "end")
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        self.document.settings.element.append(update)
        return end

    def _generated(self) -> str:
        when = self.generated
        date = views.long_date(when.date(), self.t)
        return self.t("report.generated", date=date, time=when.strftime("%H:%M"))

    def _footer(self) -> str:
        made = self.t("report.footer", version=workbook_version(), cohort=self.wb.cohort.id)
        return f"{made} {self._generated()}"

    # -- chapters ------------------------------------------------------------------------------

    def _intro(self) -> None:
        wb, t, cohort = self.wb, self.t, self.wb.cohort
        title = self.text(cohort.title)
        self.heading(f"1 {t('report.intro.title')}", 1, new_page=True)
        dates = date_range(cohort.start, cohort.end, wb)
        municipalities = joined(list(cohort.municipalities), wb)
        self.paragraph(
            t("report.intro.text", dates=dates, title=title, municipalities=municipalities)
        )
        self.heading(t("report.intro.question"), 2)
        question = self.text(cohort.research_question)
        self.paragraph(question or t("report.intro.no_question"), grey=not question)
        people = wb.store.people()
        for role, key in (("participant", "participants"), ("facilitator", "facilitators")):
            self._people(people, role, key)
        self._people(people, "support", "support")
        if wb.pseudonymise:
            self.paragraph(t("report.pseudonymised"), grey=True)
        elif not consents(people, "named").all():
            self.paragraph(t("report.some_hidden"), grey=True)
        if views.people_note(wb):
            self.paragraph(views.people_note(wb), grey=True)
        self.heading(t("report.intro.programme"), 2)
        self.table(views.programme_table(wb))
        self.figure(build(wb, "kickoff").part("programme"), t("report.intro.programme"))
        self.heading(t("report.intro.method"), 2)
        for paragraph in method_paragraphs(wb.store, t, title, wb.pseudonyms):
            shown = self.document.add_paragraph()
            if paragraph["phase"]:
                shown.add_run(f"{paragraph['phase']}. ").bold = True
            shown.add_run(printable(paragraph["text"]))
        if self.text(cohort.source):
            self.heading(t("report.intro.source"), 2)
            self.paragraph(self.text(cohort.source), grey=True)

    def _people(self, people: pd.DataFrame, role: str, key: str) -> None:
        names = people_of_role(self.wb, people, Role(role))
        if names:
            self.heading(self.t(f"report.intro.{key}"), 3)
            self.lines(names)

    def _look(self) -> None:
        wb, t = self.wb, self.t
        self.heading(f"2 {t('report.look.title')}", 1, new_page=True)
        self.paragraph(t("report.look.text"))
        self.section(build(wb, "interviews"))
        self.section(build(wb, "codebook"))
        statuses = analysis.interview_statuses(wb.store.interviews(), wb.store.people())
        if not wb.store.codings().empty:
            for key in ANALYSIS:
                self.section(build(wb, key))
        elif (statuses["status"] != "none").any():
            self.paragraph(missing(wb, "codings"), grey=True)
        else:
            self.paragraph(t("report.look.no_codings_without_interviews"), grey=True)

    def _think(self) -> None:
        wb, t = self.wb, self.t
        self.heading(f"3 {t('report.think.title')}", 1, new_page=True)
        self.paragraph(t("report.think.text"))
        boards = wb.store.boards()
        ideas = boards[boards["kind"].isin(["ideas", "theme"])].sort_values("kind", kind="stable")
        for row in ideas.itertuples():
            reference = board_reference(wb, row)
            self.heading(reference["heading"], 2)
            see = t("docx.see_appendix", number=self.appendix[row.id])
            self.paragraph(f"{reference['summary']} ({see}).", grey=True)
        if ideas.empty:
            self.paragraph(missing(wb, "ideas_board"), grey=True)
        self.section(build(wb, "votes"), aside=t("report.think.votes_text"))
        self.section(build(wb, "priorities"))

    def _act(self) -> None:
        t = self.t
        self.heading(f"4 {t('report.act.title')}", 1, new_page=True)
        self.paragraph(t("report.act.text"))
        self.paragraph(t("report.act.trail"))
        self._plans(PlanKind.THEME, "plans")

    def _integration(self) -> None:
        wb, t = self.wb, self.t
        self.heading(f"5 {t('report.integration.title')}", 1, new_page=True)
        self.paragraph(t("report.integration.text"))
        self._plans(PlanKind.INTEGRATION, "integration_plan")
        if not views.task_frame(wb).empty:
            self.heading(t("report.integration.timeline"), 2)
            self.figure(build(wb, "tasks").part("timeline"), t("report.integration.timeline"))

    def _appendices(self) -> None:
        self.heading(self.t("report.appendix.title"), 1, new_page=True)
        for board_id, number in self.appendix.items():
            self._board(board(self.wb, board_id), number)
        if not self.appendix:
            self.paragraph(missing(self.wb, "boards"), grey=True)

    # -- plans ---------------------------------------------------------------------------------

    def _plans(self, kind: PlanKind, lacking: str) -> None:
        plans = plans_of_kind(self.wb, kind)
        for plan in plans:
            self._plan(plan, self.trails)
        if not plans:
            self.paragraph(missing(self.wb, lacking), grey=True)

    def _plan(self, plan, trails: dict) -> None:
        """A plan as the HTML report's plan block shows it: goal, current situation, steps with
        their tasks and each task's evidence trail, obstacles, helping factors."""
        wb, t, store = self.wb, self.t, self.wb.store
        self.heading(self.text(plan.title), 2)
        names = store.codes().set_index("id")["name"]
        if isinstance(plan.theme, str) and plan.theme in names.index:
            self.paragraph(f"{t('report.plan.theme')}: {self.text(names[plan.theme])}")
        steps = store.steps().query("plan == @plan.id")
        see = board_of(wb, plan)
        if not (self.text(plan.goal) or self.text(plan.current) or len(steps)):
            lacks = missing(wb, "plan_text", plan=plan.id)
            self.paragraph(f"{lacks} {t('report.plan.see_board', board=see)}" if see else lacks)
        for key, value in (("goal", plan.goal), ("current", plan.current)):
            if self.text(value):
                self.heading(t(f"report.plan.{key}"), 3)
                self.paragraph(self.text(value))
        if len(steps):
            self.heading(t("report.plan.steps"), 3)
            tasks = views.task_frame(wb).query("plan == @plan.id")
            for step in steps.itertuples():
                self._step(step, tasks[tasks["step"] == step.number], trails)
        obstacles = store.plan_obstacles().query("plan == @plan.id")
        if len(obstacles):
            self.heading(t("report.plan.obstacles"), 3)
            self.lines([self._obstacle(o) for o in obstacles.itertuples()])
        factors = store.plan_factors().query("plan == @plan.id")["text"]
        if len(factors):
            self.heading(t("report.plan.factors"), 3)
            self.lines([self.text(f) for f in factors])
        if see and (self.text(plan.goal) or self.text(plan.current) or len(steps)):
            self.paragraph(t("report.plan.see_board", board=see), grey=True)

    def _obstacle(self, obstacle) -> str:
        way = self.text(obstacle.way_to_deal)
        return f"{self.text(obstacle.obstacle)} → {way}" if way else self.text(obstacle.obstacle)

    def _step(self, step, tasks: pd.DataFrame, trails: dict) -> None:
        """A step: its number and title, description, its tasks as a table, then per task
        "Waarom deze taak?" (the evidence trail, as the HTML report shows it)."""
        wb, t = self.wb, self.t
        title = self.document.add_paragraph(style="List Number")
        title.add_run(f"{step.number}. {self.text(step.title)}").bold = True
        if step.feedback:
            title.add_run(f" ({t('report.plan.feedback')})").italic = True
        if self.text(step.description):
            self.paragraph(self.text(step.description))
        if tasks.empty:
            self.paragraph(sentence(wb, "step_tasks"), grey=True)
            return
        self.table(step_tasks(wb, tasks))
        for task in tasks.itertuples():
            if task.id in trails:
                why = self.document.add_paragraph()
                why.add_run(f"{t('evidence.summary')} ({printable(str(task.title))})").bold = True
                self.fragment(render_trail(wb, trails[task.id], 3), skip_summary=True)

    # -- sections, tables, figures, boards -------------------------------------------------------

    def section(
        self, section: Section, aside: str = "", level: int = 2, new_page: bool = False
    ) -> None:
        """A section of the week: heading, explanation, then what it lacks or its parts (their
        headings a level lower)."""
        self.heading(section.title, level, new_page)
        if section.text:
            self.paragraph(section.text)
        if aside:
            self.paragraph(aside)
        if section.missing:
            self.paragraph(section.missing, grey=True)
            return
        for part in section.parts:
            self.part(part, section.title, level + 1)

    def part(self, part: Part, section: str, level: int = 3) -> None:
        if part.heading:
            self.heading(part.heading, level)
        if part.note:
            self.paragraph(part.note, grey=True)
        content = part.content
        if part.missing:
            self.paragraph(part.missing, grey=True)
        elif part.is_figure:
            self.figure(part, section)
        elif isinstance(content, pd.DataFrame):
            self.table(content)
        elif isinstance(content, tuple):
            self.lines([printable(str(c)) for c in content], "List Number")
        elif content:
            self.fragment(Markup(content))

    def table(self, frame: pd.DataFrame, spacer: bool = True):
        """A DataFrame as a Word table: numbers as its language writes them, a named index as
        leading columns, column levels as header rows that repeat on every page."""
        shown_frame = frame if isinstance(frame.index, pd.RangeIndex) else frame.reset_index()
        shown = shown_numbers(shown_frame, frame.attrs.get("lang")).astype(object)
        shown = shown.where(shown_frame.notna(), "")
        header = header_rows(list(shown_frame.columns))
        table = self.document.add_table(rows=0, cols=max(len(shown_frame.columns), 1))
        table.style = "Table Grid"
        for texts in header:
            row = table.add_row()
            repeat_header(row)
            for cell, text in zip(row.cells, texts, strict=True):
                cell.paragraphs[0].add_run(text).bold = True
            merge_equal(row, texts)
        for values in shown.itertuples(index=False, name=None):
            for cell, value in zip(table.add_row().cells, values, strict=True):
                cell.paragraphs[0].add_run(cell_text(value))
        for cell in table._cells:
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(9)
        if spacer:
            self.paragraph("")
        return table

    def figure(self, part: Part, section: str) -> None:
        """A figure's place; it is drawn with the others at the end (one browser for all)."""
        fig = part.content
        lacking = part.missing or (empty_message(fig) if isinstance(fig, go.Figure) else "")
        if lacking or not isinstance(fig, go.Figure):
            self.paragraph(lacking, grey=True)
            return
        place = self.document.add_paragraph()
        self.figures.append((place, fig, alt_text(self.t, fig, section)))

    def _draw_figures(self) -> None:
        """Every figure as a PNG with its alt text; when they cannot be drawn on this machine,
        each figure's data as a table, with the reason above it."""
        images, why = [], self.t("docx.figure_as_table.asked")
        if self.images:
            try:
                images = figure_png.png_images([fig for _, fig, _ in self.figures])
            except WorkbookError as exc:
                why = self.t("docx.figure_as_table", why=str(exc))
        if len(images) < len(self.figures):
            for place, fig, alt in self.figures:
                self._figure_as_table(place, fig, alt, why)
            return
        for (place, fig, alt), image in zip(self.figures, images, strict=True):
            options = figure_png.png_options(fig)
            width = min(TEXT_WIDTH, int(TALLEST_FIGURE * options["width"] / options["height"]))
            shape = place.add_run().add_picture(io.BytesIO(image), width=width)
            shape._inline.docPr.set("descr", alt)  # Word's alt text
            shape._inline.docPr.set("title", printable(fig.layout.title.text or ""))

    def _figure_as_table(self, place: Paragraph, fig: go.Figure, alt: str, why: str) -> None:
        note = place.insert_paragraph_before(why)
        note.runs[0].italic = True
        place.insert_paragraph_before(alt)
        place._p.addprevious(self.table(figure_data(fig), spacer=False)._tbl)  # to its place

    def fragment(self, fragment: Markup, skip_summary: bool = False) -> None:
        """An HTML fragment of the week (quotes, an evidence trail) as paragraphs: each block
        (paragraph, list item, quote) one paragraph, its text as shown on the page."""
        for element in lxml_html.fragments_fromstring(str(fragment)):
            if isinstance(element, str):
                continue
            for block in element.iter(*_BLOCKS):
                if any(a.tag in _BLOCKS for a in block.iterancestors()):
                    continue
                text = " ".join(block.text_content().split())
                if not text or (skip_summary and block.tag == "summary"):
                    continue
                style = {"li": "List Bullet", "blockquote": "Quote"}.get(block.tag)
                shown = self.paragraph(text, style)
                if block.tag in {"summary", "h4", "h5"}:
                    shown.runs[0].bold = True

    def _board(self, shown: Board, number: int) -> None:
        """A board as a numbered appendix: its kind, then its notes by cluster."""
        heading = self.t("docx.appendix", number=number, board=shown.heading)
        self.heading(heading, 2, new_page=number > 1)
        self.paragraph(shown.kind, grey=True)
        if not shown.clusters:
            self.paragraph(shown.missing, grey=True)
        for cluster, notes in shown.clusters:
            self.heading(cluster, 3)
            for note in notes:
                item = self.document.add_paragraph(style="List Bullet")
                item.add_run(printable(note.text))
                dots = f" · {'●' * note.dots if note.dots <= 12 else f'● × {note.dots}'}"
                meta = f"{note.category} · {note.author}{dots if note.dots else ''}"
                about = item.add_run(f" — {meta}" + (f" · {note.source}" if note.source else ""))
                about.font.color.rgb, about.font.size = GREY, Pt(9)
