"""CodingPanel: read a transcript with its coded passages marked, and code a passage."""

from __future__ import annotations

import ipywidgets as ipw
import pandas as pd
import traitlets
from markupsafe import Markup

from wwlib.core.model import Category, category_colour
from wwlib.present.missing import missing
from wwlib.present.render import empty_html, styled, table_html
from wwlib.present.workbook import Workbook
from wwlib.ui.base import (
    Panel,
    ScrollingHTML,
    StaticView,
    button,
    escape,
    field,
    snippet,
    wrapped,
)
from wwlib.ui.codebook import CodebookPanel, code_tree, swatch
from wwlib.ui.media import PassagePlayer
from wwlib.ui.passages import Mark, Span, highlighted, paragraphs, sentences
from wwlib.ui.roles import Act, may, read_only_note, refused
from wwlib.ui.selection import Marked, Shown, TranscriptSelector
from wwlib.ui.suggest import SuggestionBox

COLUMNS = ("span", "code", "coder", "quote", "memo")  # of the table of an interview's codings


class CodePicker(ipw.VBox):
    """The codebook as tick boxes, by category in the week's colours, nested codes indented.

    `value` holds the ids of the ticked codes; setting it ticks them. A code's description is
    shown beside it and, in full, when the pointer rests on it.
    """

    value = traitlets.Tuple(help="ids of the ticked codes")

    def __init__(self, wb: Workbook, **kwargs):
        super().__init__(**kwargs)
        self.wb = wb
        self.boxes: dict[str, ipw.Checkbox] = {}
        self._syncing = False
        self.add_class("ww-coding-codes")
        self.observe(self._on_value, "value")
        self.refresh()

    def refresh(self) -> None:
        """Read the codebook again, keeping the ticks of codes that still exist."""
        codes = self.wb.store.codes()
        kept = tuple(c for c in self.value if c in set(codes["id"]))
        self.boxes, rows = {}, []
        for category in Category:
            tree = code_tree(codes, category.value)
            if tree:
                rows.append(self._heading(category.value))
                rows += [self._row(code, depth, code.id in kept) for code, depth in tree]
        self.children = rows
        self.value = kept

    def _heading(self, category: str) -> ipw.HTML:
        name = self.wb.labels(f"category.{category}")
        text = escape(name[:1].upper() + name[1:])
        heading = ipw.HTML(
            f"<b>{swatch(category_colour(category))}{text}</b>", layout=ipw.Layout(flex="0 0 auto")
        )
        heading.add_class("ww-coding-category")
        return heading

    def _row(self, code, depth: int, ticked: bool) -> ipw.HBox:
        """Colour, tick box with the name, and the description (in full on hover)."""
        box = ipw.Checkbox(
            value=ticked, description=code.name, indent=False, tooltip=code.description
        )
        box.layout = ipw.Layout(width="auto")
        box.add_class("ww-coding-code")
        box.add_class(f"ww-code-{code.id}")
        box.observe(self._on_tick, "value")
        self.boxes[code.id] = box
        colour = ipw.HTML(swatch(code.colour))
        described = escape(snippet(code.description, 70)) if code.description else ""
        beside = ipw.HTML(
            f'<small title="{escape(code.description)}" style="color:#555">{described}</small>'
        )
        beside.add_class("ww-coding-code-description")
        indent = f"0 0 0 {depth * 1.5}em"  # flex: keep the row's height in the scrolling list
        return ipw.HBox([colour, box, beside], layout=ipw.Layout(flex="0 0 auto", margin=indent))

    def _on_tick(self, change) -> None:
        if not self._syncing:
            self.value = tuple(c for c, box in self.boxes.items() if box.value)

    def _on_value(self, change) -> None:
        """Tick exactly the codes in `value` (when it is set from outside)."""
        self._syncing = True
        try:
            for code, box in self.boxes.items():
                box.value = code in change.new
        finally:
            self._syncing = False


class CodingPanel(Panel):
    """Pick an interview, select a passage (in the text, or by paragraph, sentence or offsets),
    give it codes; pick a coding (click its mark) to widen, narrow or remove it.

    The codes of one passage are stored in one transaction with the memo, which is kept on
    every coding and on the passage (the fragment). `interview` is the participant id of the
    interview shown; `saved` the id of the last coding. With `codebook`, a change made in that
    `CodebookPanel` shows here at once, and a coding made here updates its counts.

    On a page of a person (`wb.person`) they are the coder: there is no chooser. Coding is
    research work: a participant's or support's page shows the transcript and its codings only
    (`wwlib.ui.roles`).
    """

    interview = traitlets.Unicode("", allow_none=True, help="participant id of the interview shown")

    @classmethod
    def static(cls, wb: Workbook, *args, **kwargs) -> StaticView:
        """A static run's stand-in, showing which interview the page's tables are about (or
        what is missing before there is anything to code)."""
        lacking = missing(wb, "transcripts") or missing(wb, "codebook")
        note = empty_html(lacking) if lacking else super().static(wb).html
        return StaticView(note, interview=wb.first_interview() or None)

    def __init__(
        self, wb: Workbook, coder: str = "", codebook: CodebookPanel | None = None, **kwargs
    ):
        super().__init__(wb, **kwargs)
        self._text, self._paragraphs, self._sentences = "", [], []
        self._codebook = codebook
        interviews = wb.store.interviews()
        with_text = interviews[interviews["transcript"].notna()]["participant"]
        self.pick = self._dropdown(
            [(wb.pseudonyms.name(p), p) for p in with_text], "ww-coding-interview", "interview"
        )
        self.coder = None if wb.person else self._coder_pick(coder)
        self.transcript = field(
            ScrollingHTML(self._label("ui.region.transcript"), "28em"), "ww-transcript"
        )
        hint = {
            "region": self._label("ui.region.transcript"),
            "hint": self._label("ui.selection.hint"),
        }
        self.selector = field(TranscriptSelector(hint), "ww-transcript")
        self.selector.add_class("ww-coding-selector")
        self.picked = self._dropdown([], "ww-coding-picked", "picked")
        self.respan = button(self._label("ui.coding.respan"), "ww-coding-respan", self._on_respan)
        self.remove = button(self._label("ui.coding.remove"), "ww-coding-remove", self._on_remove)
        for plain in (self.respan, self.remove):
            plain.button_style, plain.layout.width = "", "auto"
        self._syncing, self._codings = False, pd.DataFrame()
        self.paragraph = self._dropdown([], "ww-coding-paragraph", "paragraph")
        self.sentence = self._dropdown([], "ww-coding-sentence", "sentence")
        self.start = field(ipw.IntText(0), "ww-coding-start", self._label("ui.coding.start"))
        self.end = field(ipw.IntText(0), "ww-coding-end", self._label("ui.coding.end"))
        self.quote = field(ipw.HTML(), "ww-coding-quote")
        # the recording from the passage's moment (hidden where this page may play none)
        self.listen = PassagePlayer(wb, lambda: (self.interview, self.start.value))
        self.codes = CodePicker(wb, layout=ipw.Layout(max_height="22em", overflow="auto"))
        self.suggestions = SuggestionBox(wb, self.codes)  # accepting ticks the code above
        self.memo = field(ipw.Textarea(rows=4), "ww-coding-memo", self._label("ui.coding.memo"))
        self.add = button(self._label("ui.coding.add"), "ww-coding-add", self._on_add)
        self.reload = button(self._label("ui.refresh"), "ww-coding-refresh", self._on_reload)
        self.reload.button_style = ""
        self.codings = field(ScrollingHTML(self._label("ui.region.codings"), "16em"), "ww-codings")
        self.no_codes = field(ipw.HTML(), "ww-coding-no-codes")
        self.children = self._layout(with_text.empty)
        self.add_class("ww-coding-panel")
        self.paragraph.observe(self._on_paragraph, "value")
        self.sentence.observe(self._on_sentence, "value")
        self.start.observe(self._on_span, "value")
        self.end.observe(self._on_span, "value")
        self.selector.observe(self._on_selection, "selection")
        self.selector.observe(self._on_picked, "picked_coding")
        self.picked.observe(self._on_picked_option, "value")
        self.observe(self._on_interview, "interview")
        ipw.link((self.pick, "value"), (self, "interview"))
        if codebook is not None:
            codebook.observe(self._on_codebook, "changes")

    def _dropdown(self, options: list, css_class: str, key: str) -> ipw.Dropdown:
        return field(ipw.Dropdown(options=options), css_class, self._label(f"ui.coding.{key}"))

    def _coder_pick(self, coder: str) -> ipw.Dropdown:
        """Whom one codes as, where the page is nobody's in particular (a notebook)."""
        people = self._people_options()
        pick = self._dropdown(people, "ww-coding-coder", "coder")
        pick.value = coder if coder in dict(people).values() else self._default_coder()
        return pick

    def _coder_chooser(self) -> list[ipw.Dropdown]:
        return [] if self.coder is None else [self.coder]

    def _default_coder(self) -> str | None:
        """The first facilitator: in a Wij-Werken Week they code the interviews."""
        facilitators = self._people_options("facilitator") or self._people_options()
        return facilitators[0][1] if facilitators else None

    def _layout(self, nothing_to_code: bool) -> list[ipw.Widget]:
        if nothing_to_code:
            self.add.disabled = True
            lacking = missing(self.wb, "transcripts") or self._label("ui.coding.no_transcripts")
            return [ipw.HTML(empty_html(lacking))]
        choosers = [self.pick, *self._coder_chooser(), self.reload]
        if not may(self.wb, Act.CODE):  # read-only: the transcript and its codings
            self.add.disabled = True
            read_only = ipw.HTML(read_only_note(self.wb))
            return [read_only, ipw.HBox(choosers), self.transcript, self.status, self.codings]
        codes_label = ipw.HTML(f"<b>{escape(self._label('ui.coding.codes'))}</b>")
        self._show_no_codes()
        return [
            self.no_codes,
            ipw.HBox(choosers),
            self.selector,
            wrapped([self.paragraph, self.sentence]),
            wrapped([self.start, self.end]),
            wrapped([self.picked, self.respan, self.remove]),
            self.quote,
            self.listen,
            ipw.HBox([ipw.VBox([codes_label, self.codes, self.suggestions]), self.memo]),
            self.add,
            self.status,
            self.codings,
        ]

    def refresh(self) -> None:
        """Show the transcript with every coding marked, and this interview's codings."""
        if not self.interview:
            return
        codings = self.wb.store.codings()
        codings = self._codings = codings[codings["interview"] == self.interview]
        codes = self.wb.store.codes().set_index("id")
        marks = [
            Mark(int(c.start), int(c.end), codes.at[c.code, "colour"], codes.at[c.code, "name"])
            for c in codings.itertuples()
        ]
        show = self.wb.pseudonyms.text
        # as HTML for a read-only page (and a static copy); the selector is where one codes
        self.transcript.value = highlighted(self._text, marks, self._paragraphs, show)
        self._show_selector(codings, codes)
        rows = [
            [
                f"[{c.start}, {c.end})",
                Markup(swatch(codes.at[c.code, "colour"])) + codes.at[c.code, "name"],
                self.wb.pseudonyms.name(c.coder),
                snippet(show(self._text[c.start : c.end]), 80),
                show(c.memo),
            ]
            for c in codings.itertuples()
        ]
        heading = Markup(f"<h4>{escape(self._label('ui.coding.codings'))}</h4>")
        head = [self._label(f"ui.coding.column.{k}") for k in COLUMNS]
        shown = styled(table_html(pd.DataFrame(rows, columns=head, dtype=object)))
        self.codings.value = heading + shown if rows else ""

    def _show_selector(self, codings: pd.DataFrame, codes: pd.DataFrame) -> None:
        """The transcript as this page may show it, every coding marked, and the codings one
        can pick (to widen, narrow or remove) in the dropdown too (the keyboard's way)."""
        marked = [
            Marked(int(c.id), int(c.start), int(c.end), codes.at[c.code, "colour"],
                   codes.at[c.code, "name"])
            for c in codings.itertuples()
        ]  # fmt: skip
        pseudonyms = self.wb.pseudonyms
        shown = Shown.of(self._text, pseudonyms.text, pseudonyms.finds(self._text))
        self.selector.show(shown, marked, [p.start for p in self._paragraphs])
        options = [(self._label("ui.none_chosen"), 0)] + [
            (f"{m.name}: {snippet(pseudonyms.text(self._text[m.start : m.end]), 50)}", m.coding)
            for m in marked
        ]
        picked = self.selector.picked_coding
        self._syncing = True
        try:
            self.picked.options = options
            self.picked.value = picked if picked in {m.coding for m in marked} else 0
        finally:
            self._syncing = False

    def _on_reload(self, _button) -> None:
        """Read the codebook and the codings again (other tabs may have changed them)."""
        self.codes.refresh()
        self._show_no_codes()
        self.refresh()

    def _show_no_codes(self) -> None:
        """Without a codebook there is nothing to tick: say what fills it."""
        lacking = missing(self.wb, "codebook")
        self.no_codes.value = empty_html(lacking) if lacking else ""

    def _on_codebook(self, change) -> None:
        self._on_reload(None)

    def _on_interview(self, change) -> None:
        self._text = self.wb.store.transcript(self.interview) if self.interview else ""
        self._paragraphs = paragraphs(self._text)
        self.paragraph.options = self._numbered(self._paragraphs)
        self.paragraph.value = None
        self.selector.picked_coding = 0
        self._select(Span(0, 0))
        self.status.clear()
        self.refresh()

    def _numbered(self, spans: list[Span]) -> list[tuple[str, int | None]]:
        """Dropdown options "3. Dat ging goed…" for spans, after a "—" for none."""
        show = self.wb.pseudonyms.text
        return [(self._label("ui.none_chosen"), None)] + [
            (f"{i + 1}. {snippet(show(self._text[s.start : s.end]))}", i)
            for i, s in enumerate(spans)
        ]

    def _on_paragraph(self, change) -> None:
        chosen = self._paragraphs[change.new] if change.new is not None else None
        self._sentences = sentences(self._text, chosen) if chosen else []
        self.sentence.options = self._numbered(self._sentences)
        self.sentence.value = None
        if chosen:
            self._select(chosen)

    def _on_sentence(self, change) -> None:
        if change.new is not None:
            self._select(self._sentences[change.new])

    def _select(self, span: Span) -> None:
        """Show a span in the start and end fields, the text and the quote, at once."""
        self._syncing = True
        try:
            self.start.value, self.end.value = span.start, span.end
        finally:
            self._syncing = False
        self._on_span(None)

    def _on_selection(self, change) -> None:
        """A passage selected in the text: the fields show its exact offsets."""
        if not self._syncing:
            self._select(Span(*change.new))

    def _on_picked(self, change) -> None:
        """A coding picked in the text: it is chosen in the dropdown and its span selected,
        ready to be widened or narrowed."""
        if not self._syncing and change.new in {v for _, v in self.picked.options}:
            self._syncing = True
            try:
                self.picked.value = change.new
            finally:
                self._syncing = False
        row = self._codings[self._codings["id"] == change.new]
        if len(row):
            self._select(Span(int(row["start"].iloc[0]), int(row["end"].iloc[0])))

    def _on_picked_option(self, change) -> None:
        if not self._syncing:
            self.selector.picked_coding = change.new or 0

    def _on_span(self, change) -> None:
        if self._syncing:
            return
        start, end = self.start.value, self.end.value
        self._syncing = True
        try:
            self.selector.selection = (start, end) if 0 <= start < end else (0, 0)
        finally:
            self._syncing = False
        quote = self._text[start:end] if 0 <= start < end <= len(self._text) else ""
        self.quote.value = f"<blockquote>{escape(self.wb.pseudonyms.text(quote))}</blockquote>"
        self.suggestions.show(self.interview, start, end)

    def _on_add(self, _button) -> None:
        """Store every ticked code on the passage, with the memo, in one transaction; the coder
        is the page's person where there is one (the kernel knows them, not the browser)."""
        if refused(self, Act.CODE) or self._missing(self.pick, *self._coder_chooser()):
            return
        coder = self.wb.person or self.coder.value
        if not self.codes.value:
            self.status.error(self._label("ui.coding.pick_codes"))
            return
        stored = self._attempt(
            lambda: self.wb.store.add_codings(
                self.interview, self.start.value, self.end.value, list(self.codes.value),
                coder, memo=self.memo.value, suggested=self.suggestions.suggested,
            )[-1]
        )  # fmt: skip
        if not stored:
            return  # the codes, the span and the memo stay as typed
        self.status.saved(self._label("ui.coding.stored", n=len(self.codes.value)))
        self.memo.value = ""
        self.codes.value = ()
        self.refresh()
        if self._codebook is not None:
            self._codebook.refresh()

    def _on_respan(self, _button) -> None:
        """Widen or narrow the picked coding to the span in the start and end fields."""
        picked = self._picked()
        if not picked:
            return
        start, end = self.start.value, self.end.value
        if self._attempt(lambda: self.wb.store.respan_coding(picked, start, end)):
            self.status.saved(self._label("ui.coding.respanned", start=start, end=end))
            self.refresh()

    def _on_remove(self, _button) -> None:
        """Remove the picked coding (the change log keeps what it was)."""
        picked = self._picked()
        if picked and self._attempt(lambda: self.wb.store.remove_coding(picked)):
            self.status.saved(self._label("ui.coding.removed"))
            self.selector.picked_coding = 0
            self.refresh()
            if self._codebook is not None:
                self._codebook.refresh()

    def _picked(self) -> int:
        """The picked coding's id, once this page may code; else 0, saying why."""
        if refused(self, Act.CODE):
            return 0
        if not self.selector.picked_coding:
            self.status.error(self._label("ui.coding.pick_first"))
        return self.selector.picked_coding
