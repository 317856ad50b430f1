"""CodingPanel: read a transcript with its coded passages marked, and code a passage."""

from __future__ import annotations

import ipywidgets as ipw
import traitlets

from wwlib.ui.base import USER_ERRORS, Panel, button, escape, field, snippet, table
from wwlib.ui.passages import Mark, Span, highlighted, paragraphs, sentences
from wwlib.workbook import Workbook


class CodingPanel(Panel):
    """Pick an interview, select a passage (paragraph, sentence or offsets), give it codes.

    `interview` is the participant id of the interview shown; `saved` the id of the last coding.
    """

    interview = traitlets.Unicode("", allow_none=True, help="participant id of the interview shown")

    def __init__(self, wb: Workbook, coder: str = "", **kwargs):
        super().__init__(wb, **kwargs)
        self._text, self._paragraphs, self._sentences = "", [], []
        interviews = wb.store.interviews()
        with_text = interviews[interviews["transcript"].notna()]["participant"]
        self.pick = self._dropdown(
            [(wb.pseudonyms.name(p), p) for p in with_text], "ww-coding-interview", "interview"
        )
        people = self._people_options()
        self.coder = self._dropdown(people, "ww-coding-coder", "coder")
        self.coder.value = coder if coder in dict(people).values() else self._default_coder()
        self.transcript = field(ipw.HTML(), "ww-transcript")
        self.transcript.layout = ipw.Layout(max_height="28em", overflow="auto")
        self.paragraph = self._dropdown([], "ww-coding-paragraph", "paragraph")
        self.sentence = self._dropdown([], "ww-coding-sentence", "sentence")
        self.start = field(ipw.IntText(0), "ww-coding-start", self._label("ui.coding.start"))
        self.end = field(ipw.IntText(0), "ww-coding-end", self._label("ui.coding.end"))
        self.quote = field(ipw.HTML(), "ww-coding-quote")
        self.codes = field(self._codes_select(), "ww-coding-codes", self._label("ui.coding.codes"))
        self.memo = field(ipw.Textarea(rows=2), "ww-coding-memo", self._label("ui.coding.memo"))
        self.add = button(self._label("ui.coding.add"), "ww-coding-add", self._on_add)
        self.codings = field(ipw.HTML(), "ww-codings")
        self.codings.layout = ipw.Layout(max_height="16em", overflow="auto")
        self.children = self._layout(with_text.empty)
        self.add_class("ww-coding-panel")
        self.paragraph.observe(self._on_paragraph, "value")
        self.sentence.observe(self._on_sentence, "value")
        self.start.observe(self._on_span, "value")
        self.end.observe(self._on_span, "value")
        self.observe(self._on_interview, "interview")
        ipw.link((self.pick, "value"), (self, "interview"))

    def _dropdown(self, options: list, css_class: str, key: str) -> ipw.Dropdown:
        return field(ipw.Dropdown(options=options), css_class, self._label(f"ui.coding.{key}"))

    def _codes_select(self) -> ipw.SelectMultiple:
        """The codebook, each code shown with its category."""
        codes = self.wb.store.codes()
        options = [
            (f"{c.name} ({self._label(f'category.{c.category}')})", c.id)
            for c in codes.itertuples()
        ]
        return ipw.SelectMultiple(options=options, rows=min(8, max(2, len(options))))

    def _default_coder(self) -> str | None:
        """The first facilitator: in a Wij-Werken Week they code the interviews."""
        facilitators = self._people_options("facilitator") or self._people_options()
        return facilitators[0][1] if facilitators else None

    def _layout(self, nothing_to_code: bool) -> list[ipw.Widget]:
        if nothing_to_code:
            self.add.disabled = True
            note = f"<p><i>{escape(self._label('ui.coding.no_transcripts'))}</i></p>"
            return [ipw.HTML(note)]
        return [
            ipw.HBox([self.pick, self.coder]),
            self.transcript,
            ipw.HBox([self.paragraph, self.sentence]),
            ipw.HBox([self.start, self.end]),
            self.quote,
            ipw.HBox([self.codes, self.memo]),
            self.add,
            self.status,
            self.codings,
        ]

    def refresh(self) -> None:
        """Show the transcript with every coding marked, and this interview's codings."""
        if not self.interview:
            return
        codings = self.wb.store.codings()
        codings = codings[codings["interview"] == self.interview]
        codes = self.wb.store.codes().set_index("id")
        marks = [
            Mark(int(c.start), int(c.end), codes.at[c.code, "colour"], codes.at[c.code, "name"])
            for c in codings.itertuples()
        ]
        show = self.wb.pseudonyms.text
        self.transcript.value = highlighted(self._text, marks, self._paragraphs, show)
        rows = [
            [
                f"[{c.start}, {c.end})",
                escape(codes.at[c.code, "name"]),
                escape(self.wb.pseudonyms.name(c.coder)),
                escape(snippet(show(self._text[c.start : c.end]), 80)),
            ]
            for c in codings.itertuples()
        ]
        heading = f"<h4>{escape(self._label('ui.coding.codings'))}</h4>"
        self.codings.value = heading + table(rows) if rows else ""

    def _on_interview(self, change) -> None:
        self._text = self.wb.store.transcript(self.interview) if self.interview else ""
        self._paragraphs = paragraphs(self._text)
        self.paragraph.options = self._numbered(self._paragraphs)
        self.paragraph.value = None
        self.start.value = self.end.value = 0
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
        self.start.value, self.end.value = span.start, span.end

    def _on_span(self, change) -> None:
        start, end = self.start.value, self.end.value
        quote = self._text[start:end] if 0 <= start < end <= len(self._text) else ""
        self.quote.value = f"<blockquote>{escape(self.wb.pseudonyms.text(quote))}</blockquote>"

    def _on_add(self, _button) -> None:
        """One coding per chosen code; each is its own transaction in the store."""
        if self._missing(self.pick, self.coder):
            return
        chosen = list(self.codes.value)
        if not chosen:
            self.status.error(self._label("ui.coding.pick_codes"))
            return
        for number, code in enumerate(chosen):
            try:
                coding_id = self.wb.store.add_coding(
                    self.interview, self.start.value, self.end.value, code,
                    self.coder.value, memo=self.memo.value,
                )  # fmt: skip
            except USER_ERRORS as exc:
                self._show_failure(exc, number, len(chosen))
                return
            self.saved = str(coding_id)
        self.status.saved()
        self.memo.value = ""
        self.codes.value = ()
        self.refresh()

    def _show_failure(self, exc: Exception, saved: int, total: int) -> None:
        """Say what failed, and which codes before it were stored all the same."""
        message = str(exc)
        if saved:
            message = self._label("ui.coding.partly_saved", saved=saved, total=total, message=exc)
            self.refresh()
        self.status.error(message)
