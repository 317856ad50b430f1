"""MediaPlayer: an interview's recording, played in the dashboard from the moment of a passage.

The recording is kept beside the store (`wwlib.cohorts.recordings`), not where a web server
serves files, and reaches the page through the widget's own channel: the kernel that runs the
page reads it and sends it in chunks (`CHUNK_BYTES`), and the browser plays it from a blob: URL
(`static/media.js`). Nothing is loaded from another server and no file is put where a URL can
reach it, so the page's kernel decides alone what a person hears: `may_hear`.

A 1-hour interview (30 to 60 MB as audio) is sent once per page, the first time it is played,
and plays from any moment after that without another byte.

The browser cannot choose the recording: it only asks for "the one you chose" (`{"want":
source}`), and the kernel answers only for the recording it chose itself in `play`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import anywidget
import ipywidgets as ipw
import pandas as pd
import traitlets

from wwlib.cohorts.recordings import mime_type, recorded, recording
from wwlib.core.consent import consenting
from wwlib.core.errors import NotFound
from wwlib.core.limits import MEDIA_BYTES
from wwlib.core.model import Role
from wwlib.present.workbook import Workbook
from wwlib.ui.base import USER_ERRORS, StatusLine, button

STATIC = Path(__file__).parent / "static"
CHUNK_BYTES = 2 * 1024 * 1024  # one message of the widget's channel


def may_hear(wb: Workbook, interview: str) -> bool:
    """Whether this page may play `interview`'s recording: a facilitator's (and a notebook's
    or a researcher's own server, which act as one) every recording, as they read every
    transcript; a participant's or support's page only that of their own interview. No page
    that shows pseudonyms: a voice cannot be pseudonymised. None of someone whose consent to a
    recording is not on record (`wwlib.core.consent`), whoever asks: the import refuses such a
    recording, and one kept before the consent was withdrawn stays silent."""
    if wb.pseudonymise:
        return False
    if not (wb.role == Role.FACILITATOR or (bool(wb.person) and wb.person == interview)):
        return False
    return interview in consenting(wb.store.people(), "recording")


def passage_time(turns: pd.DataFrame, offset: int) -> float | None:
    """Seconds into the recording of the passage that starts at `offset` (code points): the
    start time of the turn it lies in, as the search gives a hit's time (`Store.search`); None
    when that turn has no time."""
    before = turns[turns["start"] <= offset]
    if before.empty:
        return None
    seconds = before["time_start"].iloc[-1]
    return None if pd.isna(seconds) else float(seconds)


def clock(seconds: float) -> str:
    """Seconds as h:mm:ss, as the search's table shows a hit's time."""
    whole = int(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


class MediaPlayer(anywidget.AnyWidget):
    """An <audio> or <video> element (css class `ww-media`) that plays a recording from a
    moment: `play(interview, seconds)` or `play_passage(interview, offset)`.

    `source` is the interview playing, `start` the second it plays from and `request` counts
    the plays (each one seeks, also to the same second again); `caption` says what plays.
    Refusals raise `NotFound` in the page's words, for the panel's status line.
    """

    _esm = STATIC / "media.js"
    kind = traitlets.Unicode("audio").tag(sync=True)
    source = traitlets.Unicode("").tag(sync=True)
    start = traitlets.Float(0.0).tag(sync=True)
    caption = traitlets.Unicode("").tag(sync=True)
    request = traitlets.Int(0).tag(sync=True)
    muted = traitlets.Bool(False).tag(sync=True)

    def __init__(self, wb: Workbook, **kwargs):
        super().__init__(**kwargs)
        self.wb = wb
        self._chosen: tuple[str, Path] | None = None  # what the kernel chose, never the browser
        self.add_class("ww-media-widget")
        self.on_msg(self._on_message)

    def playable(self, interview: str) -> bool:
        """Whether this page can play `interview`'s recording (it has one, and may hear it)."""
        return may_hear(self.wb, interview) and recording(self.wb.store.path, interview) is not None

    def play(self, interview: str, seconds: float | None) -> None:
        """Play `interview`'s recording from `seconds` (None: from the start)."""
        path = self._recording(interview)
        name = self.wb.pseudonyms.name(interview)
        self._chosen = (interview, path)
        with self.hold_sync():
            self.kind = mime_type(path).split("/")[0]
            self.source = interview
            self.start = max(float(seconds or 0), 0.0)
            self.caption = self.wb.labels(
                "ui.media.caption", interview=name, time=clock(self.start)
            )
            self.request += 1

    def play_passage(self, interview: str, offset: int) -> str:
        """Play `interview`'s recording from the passage at `offset`; a note ('' or that the
        transcript has no times and the recording plays from the start)."""
        self._recording(interview)  # refused before the transcript is read
        seconds = passage_time(self.wb.store.turns(interview), offset)
        self.play(interview, seconds)
        if seconds is not None:
            return ""
        return self.wb.labels("ui.media.no_time", interview=self.wb.pseudonyms.name(interview))

    def _recording(self, interview: str) -> Path:
        """The recording of `interview` this page may play; `NotFound` in the page's words."""
        path = recording(self.wb.store.path, interview) if may_hear(self.wb, interview) else None
        if path is None:
            name = self.wb.pseudonyms.name(interview) if interview else ""
            raise NotFound(self.wb.labels("ui.media.none", interview=name))
        return path

    def answer(self, content: object) -> Iterator[tuple[dict, bytes]]:
        """The chunks to send for a message of the browser: the recording the kernel chose,
        read a chunk at a time, when the browser asks for that one; nothing for any other
        message."""
        if self._chosen is None or not isinstance(content, dict):
            return
        interview, path = self._chosen
        wanted = content.get("want") == interview and path.is_file()  # not erased since
        size = path.stat().st_size if wanted else MEDIA_BYTES + 1
        if size > MEDIA_BYTES:
            return
        count = max(1, -(-size // CHUNK_BYTES))
        head = {"kind": "chunk", "source": interview, "mime": mime_type(path), "count": count}
        with open(path, "rb") as handle:
            for index in range(count):
                yield {**head, "index": index}, handle.read(CHUNK_BYTES)

    def _on_message(self, _widget, content, _buffers) -> None:
        for message, chunk in self.answer(content):
            self.send(message, [chunk])


class PassagePlayer(ipw.VBox):
    """A button (`ww-media-passage`) that plays the passage `passage()` names, (interview,
    start offset), from its moment, with a status line and a `MediaPlayer`: what the coding
    panel shows under its passage. It shows nothing where this page may play no recording."""

    def __init__(self, wb: Workbook, passage: Callable[[], tuple[str, int]], **kwargs):
        super().__init__(**kwargs)
        self.wb, self._passage = wb, passage
        self.status = StatusLine(wb)
        self.player = MediaPlayer(wb)
        self.play = button(wb.labels("ui.media.passage"), "ww-media-passage", self._on_play)
        self.play.button_style = ""
        self.children = [self.play, self.status, self.player]
        if not any(may_hear(wb, i) for i in recorded(wb.store.path)):
            self.layout.display = "none"

    def _on_play(self, _=None) -> None:
        self.status.clear()
        interview, offset = self._passage()
        try:
            note = self.player.play_passage(interview or "", int(offset or 0))
        except USER_ERRORS as exc:
            self.status.error(str(exc), unsaved=False)
            return
        if note:
            self.status.lacking(note)
