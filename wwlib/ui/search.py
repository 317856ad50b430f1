"""SearchPanel: find words in the cohort's transcripts, notes and memos, hits as a table."""

from __future__ import annotations

import ipywidgets as ipw

from wwlib.present.render import table_html
from wwlib.present.search import search_table
from wwlib.present.workbook import Workbook
from wwlib.ui.base import USER_ERRORS, Panel, button, field


class SearchPanel(Panel):
    """A query (words and "phrases"), optional speaker, code and interview, and the hits as a
    keyword-in-context table. It only reads the store; a bad query shows in the status line."""

    def __init__(self, wb: Workbook, **kwargs):
        super().__init__(wb, **kwargs)
        anyone = [(self._label("ui.search.any"), "")]
        codes = wb.store.codes()
        interviews = wb.store.interviews()
        with_text = interviews[interviews["transcript"].notna()]["participant"]
        self.query = field(ipw.Text(), "ww-search-query", self._label("ui.search.query"))
        self.query.placeholder = self._label("ui.search.placeholder")
        self.speaker = field(
            ipw.Dropdown(options=anyone + self._people_options()),
            "ww-search-speaker",
            self._label("ui.search.speaker"),
        )
        self.code = field(
            ipw.Dropdown(options=anyone + list(zip(codes["name"], codes["id"], strict=True))),
            "ww-search-code",
            self._label("ui.search.code"),
        )
        self.interview = field(
            ipw.Dropdown(options=anyone + [(wb.pseudonyms.name(i), i) for i in with_text]),
            "ww-search-interview",
            self._label("ui.search.interview"),
        )
        run = button(self._label("ui.search.run"), "ww-search-run", self._on_search)
        self.hits = field(ipw.HTML(), "ww-search-hits")
        self.children = [
            ipw.HBox([self.query, run]),
            ipw.HBox([self.speaker, self.code, self.interview]),
            self.status,
            self.hits,
        ]
        self.add_class("ww-search-panel")

    def _on_search(self, _=None) -> None:
        self.status.clear()
        try:
            table = search_table(
                self.wb,
                self.query.value,
                speaker=self.speaker.value or None,
                code=self.code.value or None,
                interview=self.interview.value or None,
            )
        except USER_ERRORS as exc:
            self.status.error(str(exc), unsaved=False)
            self.hits.value = ""
            return
        found = self._label("ui.search.found", n=len(table)) if len(table) else ""
        self.hits.value = (
            f"<p>{found}</p>{table_html(table)}" if found else self._label("ui.search.none")
        )
