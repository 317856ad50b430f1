"""SpeakerMap: say who each speaker of an imported transcript is, and correct a wrong mapping."""

from __future__ import annotations

import ipywidgets as ipw
import pandas as pd
import traitlets

from wwlib.present.missing import missing
from wwlib.present.render import empty_html, heading_html, note_html
from wwlib.present.workbook import Workbook
from wwlib.ui.base import USER_ERRORS, Panel, button, escape, field, snippet
from wwlib.ui.roles import Act, may, read_only_note, refused


class SpeakerMap(Panel):
    """One dropdown per speaker label of an interview's transcript, with the cohort's people.

    The import maps names it recognises; Zoom credits speech to whoever held the active speaker
    tile, and a meeting-room or phone name maps to no one, so this is where a person corrects
    it. Saving calls `store.set_speaker` for every label whose choice changed. Correcting it is
    research work: a participant's or support's page shows the mapping read-only.
    """

    part = "transcripts"

    interview = traitlets.Unicode("", help="participant id of the interview shown")

    def __init__(self, wb: Workbook, interview: str, **kwargs):
        super().__init__(wb, **kwargs)
        self.choices: dict[str, ipw.Dropdown] = {}
        self._stored: dict[str, str] = {}
        self.rows = field(ipw.VBox(), "ww-speaker-rows")
        self.save = button(
            self._label("transcripts.speakers.save"), "ww-speaker-save", self._on_save
        )
        title, help_text = (self._label(f"transcripts.speakers.{k}") for k in ("title", "help"))
        self.children = [
            ipw.HTML(heading_html(title, help_text)),
            self.rows,
            self.save,
            self.status,
        ]
        if not may(wb, Act.MAP_SPEAKERS):
            self.children = [self.children[0], ipw.HTML(read_only_note(wb)), self.rows]
        self.add_class("ww-speaker-map")
        self.interview = interview
        self.observe(self._on_interview, "interview")
        self.refresh()

    def refresh(self) -> None:
        """Read the interview's turns again and show one row per speaker label."""
        if not self.interview:  # no interview with a transcript to choose from
            lacking = missing(self.wb, "transcripts")
            text = lacking or self._label("transcripts.speakers.no_turns")
            self._show_rows([ipw.HTML(empty_html(text))], disabled=True)
            return
        try:
            turns = self.wb.store.turns(self.interview)
        except USER_ERRORS as exc:
            self._show_rows([], disabled=True)
            self.status.error(str(exc), unsaved=False)
            return
        labelled = turns[turns["speaker"] != ""]
        if labelled.empty:
            note = ipw.HTML(note_html(self._label("transcripts.speakers.no_turns"), "ww-none"))
            self._show_rows([note], disabled=True)
            return
        options = [(self._label("transcripts.speakers.nobody"), "")] + self._people_options()
        self.choices, self._stored, rows = {}, {}, []
        for speaker, group in labelled.groupby("speaker", sort=False):
            self._stored[speaker] = _person(group)
            self.choices[speaker] = self._dropdown(speaker, options, self._stored[speaker])
            rows.append(ipw.HBox([self.choices[speaker], self._sample(group)]))
        self._show_rows(rows, disabled=False)

    def _dropdown(self, speaker: str, options: list, person: str) -> ipw.Dropdown:
        known = person if person in {value for _, value in options} else ""
        shown = self.wb.pseudonyms.text(speaker)
        pick = ipw.Dropdown(
            options=options, value=known, disabled=not may(self.wb, Act.MAP_SPEAKERS)
        )
        return field(pick, "ww-speaker-choice", shown)

    def _sample(self, group: pd.DataFrame) -> ipw.HTML:
        """How often the label speaks, and the start of its longest turn, to recognise it by."""
        longest = max(group["text"], key=len)
        text = self._label(
            "transcripts.speakers.turns",
            n=len(group),
            sample=snippet(self.wb.pseudonyms.text(longest), 70),
        )
        return field(ipw.HTML(f"<small>{escape(text)}</small>"), "ww-speaker-sample")

    def _show_rows(self, rows: list[ipw.Widget], disabled: bool) -> None:
        if disabled:
            self.choices, self._stored = {}, {}
        self.rows.children = rows
        self.save.disabled = disabled or not may(self.wb, Act.MAP_SPEAKERS)

    def _on_interview(self, change) -> None:
        self.status.clear()
        self.refresh()

    def _on_save(self, _button) -> None:
        if refused(self, Act.MAP_SPEAKERS):
            return
        changed = {s: d.value for s, d in self.choices.items() if d.value != self._stored[s]}
        if not changed:
            self.status.saved(self._label("transcripts.speakers.unchanged"))
            return

        def store_all() -> None:
            for speaker, person in changed.items():
                self.wb.store.set_speaker(self.interview, speaker, person or None)

        if self._attempt(store_all):
            self.status.saved(self._label("transcripts.speakers.saved", n=len(changed)))
            self.refresh()


def _person(group: pd.DataFrame) -> str:
    """The person a label's turns are mapped to ('' for no one)."""
    people = group["person"].dropna()
    return str(people.iloc[0]) if len(people) else ""
