"""SearchPanel: find words in the cohort's transcripts, notes and memos, hits as a table, and
play a hit's recording from its moment (`wwlib.ui.media`)."""

from __future__ import annotations

import ipywidgets as ipw

from wwlib.cohorts.recordings import recorded
from wwlib.present.render import note_html, table_html
from wwlib.present.search import search_table
from wwlib.present.workbook import Workbook
from wwlib.ui.base import USER_ERRORS, Panel, StaticView, button, field, snippet
from wwlib.ui.media import MediaPlayer, clock, may_hear

SHOWN = 200  # hits a page shows at once: a word said in every interview has thousands


class SearchPanel(Panel):
    """A query (words and "phrases"), optional speaker, code and interview, and the hits as a
    keyword-in-context table. It only reads the store; a bad query shows in the status line.

    Hits in a transcript with times whose recording this page may play (`media.may_hear`) are
    offered in `play_hit`; `play` plays the chosen one in `player` from the hit's moment.
    """

    @classmethod
    def static(cls, wb: Workbook, *args, **kwargs) -> StaticView:
        """A static run's stand-in: where one searches instead."""
        return StaticView(note_html(wb.labels("ui.search.static")))

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
        self.player = MediaPlayer(wb)
        self.play_hit = field(
            ipw.Dropdown(options=[]), "ww-search-play-hit", self._label("ui.media.hit")
        )
        self.play = button(self._label("ui.media.play"), "ww-search-play", self._on_play)
        self._cues: list[tuple[str, float]] = []  # (interview, seconds) per play_hit option
        self.playing = ipw.VBox([ipw.HBox([self.play_hit, self.play]), self.player])
        self.playing.layout.display = "none"
        self.children = [
            ipw.HBox([self.query, run]),
            ipw.HBox([self.speaker, self.code, self.interview]),
            self.status,
            self.playing,
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
                limit=SHOWN,
            )
        except USER_ERRORS as exc:
            self.status.error(str(exc), unsaved=False)
            self.hits.value = ""
            self._offer([])
            return
        found = self._label("ui.search.found", n=len(table)) if len(table) else ""
        if table.attrs.get("more"):
            found = self._label("ui.search.first", n=len(table))
        self.hits.value = (
            f"<p>{found}</p>{table_html(table)}" if found else self._label("ui.search.none")
        )
        self._offer(self._playable_hits() if len(table) else [])

    def _playable_hits(self) -> list[tuple[str, tuple[str, float]]]:
        """(option text, (interview, seconds)) for every hit at a moment of a recording this
        page may play; none, without searching again, when there is no such recording."""
        playable = {i for i in recorded(self.wb.store.path) if may_hear(self.wb, i)}
        if not playable:
            return []
        hits = self.wb.store.search(
            self.query.value,
            speaker=self.speaker.value or None,
            code=self.code.value or None,
            interview=self.interview.value or None,
            limit=SHOWN,
        )
        hits = hits[hits["interview"].isin(playable) & hits["time"].notna()]
        names = self.wb.pseudonyms
        return [
            (
                f"{clock(h.time)} · {names.name(h.interview)} · {snippet(names.text(h.hit), 40)}",
                (h.interview, float(h.time)),
            )
            for h in hits.itertuples()
        ]

    def _offer(self, cues: list[tuple[str, tuple[str, float]]]) -> None:
        self._cues = [cue for _, cue in cues]
        self.play_hit.options = [(text, i) for i, (text, _) in enumerate(cues)]
        self.play_hit.value = 0 if cues else None
        self.playing.layout.display = "" if cues else "none"

    def _on_play(self, _=None) -> None:
        """Play the chosen hit's recording from its moment."""
        self.status.clear()
        if self._missing(self.play_hit):
            return
        interview, seconds = self._cues[self.play_hit.value]
        try:
            self.player.play(interview, seconds)
        except USER_ERRORS as exc:
            self.status.error(str(exc), unsaved=False)
