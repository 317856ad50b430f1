"""SuggestionBox: up to three codes for the passage being coded, each with its evidence.

The model (`wwlib.analysis.suggest`) learns from the cohort's own codings, on this machine; it
is fitted again only when the codings or the codebook changed. Accepting a suggestion ticks its
code in the coding panel's code picker and remembers the evidence, so the coding's log line can
say it was a suggestion (`Store.add_codings(..., suggested=box.suggested)`).
"""

from __future__ import annotations

import ipywidgets as ipw

from wwlib.analysis.suggest import (
    Evidence,
    Suggester,
    Suggestion,
    Suggestions,
    code_texts,
    coded_passages,
)
from wwlib.present.workbook import Workbook
from wwlib.ui.base import escape, snippet
from wwlib.ui.codebook import swatch

CODING_KEY = ["fragment", "interview", "start", "end", "code"]  # what a fitted model depends on
EVIDENCE_WIDTH = 110  # characters of the similar passage shown


class SuggestionBox(ipw.VBox):
    """Suggested codes for a span of a transcript, each with a "Gebruik" button.

    `picker` is the panel's code picker (anything with a `value` tuple of code ids): accepting
    adds the code to its value. `accepted` maps each accepted, still ticked, code to its
    evidence; `suggested` is that as the store's `add_codings` takes it.
    """

    def __init__(self, wb: Workbook, picker: ipw.Widget | None = None, **kwargs):
        super().__init__(**kwargs)
        self.wb = wb
        self.picker = picker
        self.suggestions = Suggestions()
        self.accepted: dict[str, Evidence] = {}
        self._model: Suggester | None = None
        self._fitted_on: tuple | None = None
        self._changes = -1  # the store's change count when the codings were last read
        self.note = ipw.HTML(escape(wb.labels("ui.suggest.pick_passage")))
        self.note.add_class("ww-suggestions-note")
        self.rows = ipw.VBox()
        heading = ipw.HTML(f"<b>{escape(wb.labels('ui.suggest.heading'))}</b>")
        self.children = [heading, self.note, self.rows]
        self.add_class("ww-suggestions")
        if picker is not None:
            picker.observe(self._on_ticked, "value")

    @property
    def suggested(self) -> dict[str, dict]:
        """The accepted codes still ticked, each with its evidence as the change log keeps it."""
        return {code: evidence.as_detail() for code, evidence in self.accepted.items()}

    def show(self, interview: str, start: int, end: int) -> None:
        """Suggest codes for [start, end) of the interview's transcript (none for no span)."""
        text = (
            self.wb.store.transcript(interview)[start:end] if interview and 0 <= start < end else ""
        )
        if not text.strip():
            self.suggestions = Suggestions()
            self.note.value = escape(self.wb.labels("ui.suggest.pick_passage"))
        else:
            self.suggestions = self.model().suggest(text, interview, start, end)
            reason = self.suggestions.reason
            self.note.value = escape(self.wb.labels(f"suggest.reason.{reason}")) if reason else ""
        codes = self.wb.store.codes().set_index("id")
        old_rows = self.rows.children
        self.rows.children = [self._row(codes.loc[s.code], s) for s in self.suggestions.rows]
        for row in old_rows:  # their widgets would stay open in the kernel and the page
            for part in (*row.children, row):
                part.close()
        self.show_accepted()

    def model(self) -> Suggester:
        """The model of the store's codings now: the one fitted before unless they changed
        (read again only after a change to the store, fitted again only if it changed them)."""
        changes = self.wb.store.change_count()
        if self._model is not None and changes == self._changes:
            return self._model
        self._changes = changes
        codings = self.wb.store.codings()
        codebook = code_texts(self.wb.store.codes())
        key = (tuple(codings[CODING_KEY].itertuples(index=False)), tuple(codebook.items()))
        if self._model is None or key != self._fitted_on:
            texts = self.wb.store.fragment_texts(list(codings["fragment"].unique()))
            self._model = Suggester(coded_passages(codings, texts), codebook)
            self._fitted_on = key
        return self._model

    def accept(self, code: str) -> None:
        """Tick a suggested code in the picker and remember the suggestion that led to it."""
        found = {s.code: s.evidence for s in self.suggestions.rows}
        self.accepted[code] = found[code]
        if self.picker is not None and code not in self.picker.value:
            self.picker.value = (*self.picker.value, code)
        self.show_accepted()

    def show_accepted(self) -> None:
        """Disable the button of every suggestion whose code is ticked already."""
        ticked = set(self.picker.value) if self.picker is not None else set(self.accepted)
        for row, suggestion in zip(self.rows.children, self.suggestions.rows, strict=True):
            use = row.children[-1]
            use.disabled = suggestion.code in ticked
            use.description = self.wb.labels(
                "ui.suggest.used" if use.disabled else "ui.suggest.use"
            )

    def _row(self, code, suggestion: Suggestion) -> ipw.HBox:
        """The code in its colour, the passage like this one, and "Gebruik"."""
        labels, pseudonyms, evidence = self.wb.labels, self.wb.pseudonyms, suggestion.evidence
        like = labels(
            "ui.suggest.evidence",
            interview=pseudonyms.name(evidence.interview),
            similarity=labels.percent(evidence.similarity, 0),
        )
        passage = snippet(pseudonyms.text(evidence.text), EVIDENCE_WIDTH)
        html = ipw.HTML(
            f"<div style='line-height:1.4'>{swatch(code['colour'])}<b>{escape(code['name'])}</b> "
            f"<small style='color:#555'>{escape(like)} “{escape(passage)}”</small></div>",
            layout=ipw.Layout(flex="1 1 auto"),
        )
        use = ipw.Button(
            tooltip=labels("ui.suggest.use_code", code=code["name"]),
            layout=ipw.Layout(width="auto", flex="0 0 auto"),
        )
        use.add_class("ww-suggestion-accept")
        use.on_click(lambda _button: self.accept(suggestion.code))
        row = ipw.HBox([html, use])
        row.add_class("ww-suggestion")
        row.add_class(f"ww-suggestion-{suggestion.code}")
        return row

    def _on_ticked(self, change) -> None:
        """A code unticked (or every code, after storing) is no longer an accepted suggestion."""
        self.accepted = {c: e for c, e in self.accepted.items() if c in change.new}
        self.show_accepted()
