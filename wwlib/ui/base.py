"""What every dashboard widget shares: the status line, the static stand-in, a few helpers.

Voila hides tracebacks, so a widget shows what went wrong in its status line instead. Only
errors the user can act on are caught (`WorkbookError` from the store and model, `ValueError`
from bad input); anything else is a bug and raises.
"""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Callable
from dataclasses import replace

import ipywidgets as ipw
import traitlets

from wwlib.core.errors import WorkbookError
from wwlib.present.missing import missing
from wwlib.present.render import empty_html, escape, note_html
from wwlib.present.workbook import Workbook
from wwlib.ui.live import StoreFollower

USER_ERRORS = (WorkbookError, ValueError)
POLL_SECONDS = 0.5  # what one page changes shows on the others within about this much
OK_COLOUR = "#2e7d32"
ERROR_COLOUR = "#b00020"


class StatusLine(ipw.HTML):
    """One line under a form: "Opgeslagen" in green or the readable error in red."""

    def __init__(self, wb: Workbook, **kwargs):
        super().__init__(**kwargs)
        self._labels = wb.labels
        self._pseudonyms = wb.pseudonyms
        ids = sorted(wb.store.people()["id"], key=len, reverse=True)
        alternatives = "|".join(map(re.escape, ids))
        self._person_ids = re.compile(rf"(?<![\w-])({alternatives})(?![\w-])") if ids else None
        self.add_class("ww-status")

    def saved(self, text: str = "") -> None:
        """Show that the change was stored."""
        message = text or self._labels("ui.saved")
        self.value = f'<span class="ww-ok" style="color:{OK_COLOUR}">{escape(message)}</span>'

    def error(self, message: str, unsaved: bool = True) -> None:
        """Show a problem the user can fix (the text is escaped, never a traceback)."""
        text = self._shown(message)
        text = self._labels("ui.not_saved", message=text) if unsaved else text
        self.value = f'<span class="ww-error" style="color:{ERROR_COLOUR}">{escape(text)}</span>'

    def _shown(self, message: str) -> str:
        """Store messages name people by id, a slug of their name: show them as names are."""
        if self._person_ids:
            message = self._person_ids.sub(lambda m: self._pseudonyms.name(m.group(0)), message)
        return self._pseudonyms.text(message)

    def clear(self) -> None:
        """Empty the line, e.g. when the form starts over."""
        self.value = ""

    def lacking(self, text: str) -> None:
        """Say what the panel's part of the week lacks and which step fills it (no error)."""
        self.value = empty_html(text)


def snippet(text: str, width: int = 60) -> str:
    """The start of a text on one line, for a dropdown option."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


class StaticView:
    """What a panel shows in a static run (papermill, `interactive=False`): HTML, no widgets.

    Widgets there would be dead, and each opens a comm that the runner records (the coding page
    alone builds about 700 widget models), so a static run shows this instead. It carries the
    attributes later cells read (`board_id`, `interview`).
    """

    def __init__(self, html: str, **attributes: object):
        self.html = str(html)
        self.__dict__.update(attributes)

    def _repr_html_(self) -> str:
        return self.html

    @classmethod
    def of_section(cls, wb: Workbook, key: str, **options: object) -> StaticView:
        """A section of the week without its heading (the notebook shows that above it): the
        same HTML the report shows of it."""
        from wwlib.present.sections import build  # the figures and analysis: on first use

        return cls(build(wb, key, **options).body_html())


class Panel(ipw.VBox):
    """A VBox with a workbook, a status line and `saved`: the id of the last stored record.

    With a workbook opened for a static run (`wb.interactive` false) the class gives a
    `StaticView` from `static()` instead of a widget. `part` names the part of the week the
    panel fills (`wwlib.present.missing`): while the cohort lacks it, the static view says what is
    missing and which step fills it.
    """

    saved = traitlets.Unicode("", help="id of the last record this widget stored")
    part = ""
    section = ""  # the section of the week its static view shows, as the report does

    def __new__(cls, wb: Workbook | None = None, *args, **kwargs):
        if wb is not None and not getattr(wb, "interactive", True):
            return cls.static(wb, *args, **kwargs)
        return super().__new__(cls, wb, *args, **kwargs)

    @classmethod
    def static(cls, wb: Workbook, *args, **kwargs) -> StaticView:
        """The static stand-in: its `section` (`StaticView.of_section`); else what the panel's
        part lacks, or a note that this is where the dashboard takes input."""
        if cls.section:
            return StaticView.of_section(wb, cls.section)
        lacking = missing(wb, cls.part) if cls.part else ""
        if lacking:
            return StaticView(empty_html(lacking))
        return StaticView(note_html(wb.labels("ui.static")))

    def __init__(self, wb: Workbook, **kwargs):
        super().__init__(**kwargs)
        self.wb = wb
        self.status = StatusLine(wb)

    def _label(self, key: str, **values: object) -> str:
        return self.wb.labels(key, **values)

    def _attempt(self, action: Callable[[], object]) -> bool:
        """Run one store change; show "Opgeslagen" or the user's error; True when stored."""
        try:
            result = action()
        except USER_ERRORS as exc:
            self.status.error(str(exc))
            return False
        self.saved = "" if result is None else str(result)
        self.status.saved()
        return True

    def _missing(self, *widgets: ipw.ValueWidget) -> bool:
        """Say which dropdown still needs a choice (by its label); True if one does."""
        empty = [w.description for w in widgets if w.value in (None, "")]
        if empty:
            self.status.error(self._label("ui.choose", what=", ".join(empty)))
        return bool(empty)

    def _people_options(self, role: str | None = None) -> list[tuple[str, str]]:
        """(shown name, id) per person, pseudonymised where it must be."""
        people = self.wb.store.people()
        if role:
            people = people[people["role"] == role]
        return [(self.wb.pseudonyms.name(pid), pid) for pid in people["id"]]

    @property
    def acts_for_others(self) -> bool:
        """Whether this page may choose whom it acts as (author, voter): only where nobody in
        particular uses it (a notebook, `ww run`, a researcher's own server). A page served by
        a personal link acts as its person, taken from the server, never from the browser."""
        return not self.wb.person


# The live panel that follows each (kind, store, board) in this kernel: re-running a cell must
# not leave the older panel polling the store for ever.
_LIVE: weakref.WeakValueDictionary = weakref.WeakValueDictionary()


class LivePanel(Panel):
    """A panel that follows what other pages change, without a click.

    Once displayed (or `start_live`), a `StoreFollower` thread reads the store's change count
    every `POLL_SECONDS` on a connection of its own; when it grew, `_follow` reads and redraws.
    Each poll also closes the voting rounds whose countdown has ended (`close_ended_rounds`),
    so a round closes on time while any page shows it. The thread stops when the panel is
    closed, when a newer panel of the same kind on the same board takes over in this kernel,
    or at a store error, which `_live_note` shows once. A subclass names its own status texts
    (`live_label`, `live_stopped_label`).
    """

    board_id = ""
    live_label = "ui.vote.live"
    live_stopped_label = "ui.vote.live_stopped"
    _count: int | None = None  # the change count the panel shows; None: redraw on first poll

    def __init__(self, wb: Workbook, live: bool = True, **kwargs):
        super().__init__(wb, **kwargs)
        self._live = live
        self._lock = threading.RLock()  # the follower and click handlers both redraw
        self._follower: StoreFollower | None = None

    def _follow(self, wb: Workbook) -> None:
        """Read again through `wb` (the thread's own store) and redraw what changed."""
        raise NotImplementedError

    def _live_note(self, text: str, error: bool = False) -> None:
        """Say whether the panel refreshes by itself ('' while it does not), in its
        `live_note` widget when it has one (a board says it on its cards instead)."""
        note = getattr(self, "live_note", None)
        if note is None:
            return
        if not text:
            note.value = ""
        elif error:
            note.value = f'<p class="ww-error">{escape(text)}</p>'
        else:
            note.value = f"<p><small>{escape(text)}</small></p>"

    def start_live(self, seconds: float = POLL_SECONDS) -> None:
        """Follow the store in a thread, reading again every `seconds` when it changed."""
        key = (type(self).__name__, str(self.wb.store.path), self.board_id)
        previous = _LIVE.get(key)
        if previous is not None and previous is not self:
            previous.stop_live()
        _LIVE[key] = self
        if self.live:
            return
        self._follower = StoreFollower(
            self.wb.store.path,
            lambda store: self._follow(replace(self.wb, store=store)),
            self._live_stopped,
            alive=lambda: self.comm is not None,
            seconds=seconds,
            on_poll=lambda store: store.close_ended_rounds(),
        )
        self._live_note(self._label(self.live_label))
        with self._lock:
            self._follower.start(self._count)

    def stop_live(self) -> None:
        """Stop refreshing by itself (the thread ends within one interval)."""
        if self._follower is not None:
            self._follower.stop()
        self._live_note("")

    @property
    def live(self) -> bool:
        """Whether the panel is refreshing by itself."""
        return self._follower is not None and self._follower.running

    @property
    def _poller(self):
        """The follower's thread (None before the panel follows the store)."""
        return self._follower._thread if self._follower is not None else None

    def _live_stopped(self, exc: WorkbookError) -> None:
        message = self.wb.pseudonyms.text(str(exc))
        with self._lock:
            self._live_note(self._label(self.live_stopped_label, message=message), error=True)

    def _repr_mimebundle_(self, **kwargs):
        """Displayed in a notebook or dashboard: from now on it follows other pages."""
        if self._live:
            self.start_live()
        return super()._repr_mimebundle_(**kwargs)

    def close(self) -> None:
        """Close the widget and stop its thread."""
        self.stop_live()
        super().close()


class ScrollingHTML(ipw.HTML):
    """HTML that scrolls within `max_height` in a region of its own: reachable with the
    keyboard (a scrolling box one cannot focus cannot be scrolled without a mouse) and named
    `label` for a screen reader (WCAG 2.1.1)."""

    def __init__(self, label: str, max_height: str, **kwargs):
        self._region = (label, max_height)
        super().__init__(**kwargs)

    @traitlets.validate("value")
    def _in_region(self, proposal) -> str:
        value = proposal["value"]
        if not value or value.startswith('<div class="ww-scroll"'):
            return value
        label, height = self._region
        return (
            f'<div class="ww-scroll" tabindex="0" role="region" aria-label="{escape(label)}" '
            f'style="max-height:{height};overflow:auto">{value}</div>'
        )


def field(widget: ipw.Widget, css_class: str, description: str = "") -> ipw.Widget:
    """Give an input its stable CSS class (for tests and styling) and its label.

    A text box sends its text when it loses the focus (or on Enter), not at every keystroke:
    the browser sends a widget's changes one at a time, waiting for the kernel's answer to each,
    and a button is another widget, so a click right after typing could reach the kernel
    before the last letters did and store a note cut short. Leaving the box for the button
    sends the whole text first.
    """
    if isinstance(widget, ipw.Text | ipw.Textarea):
        widget.continuous_update = False
    widget.add_class(css_class)
    if description:
        widget.description = description
        widget.style = {"description_width": "initial"}
    return widget


def button(text: str, css_class: str, on_click: Callable) -> ipw.Button:
    """A primary button with a stable CSS class."""
    btn = ipw.Button(description=text, button_style="primary")
    btn.add_class(css_class)
    btn.on_click(on_click)
    return btn


def wrapped(children: list[ipw.Widget]) -> ipw.HBox:
    """A row of controls that wraps on a narrow screen (a phone) instead of running off it."""
    return ipw.HBox(children, layout=ipw.Layout(flex_flow="row wrap"))


def follow(source: ipw.Widget, target: ipw.Widget, name: str = "interview") -> traitlets.dlink:
    """Keep `target.<name>` in step with `source.<name>` (None, for nothing chosen, as '').

    Does nothing between static stand-ins (a static run has no widgets to link).
    """
    if not (isinstance(source, ipw.Widget) and isinstance(target, ipw.Widget)):
        return None
    return traitlets.dlink((source, name), (target, name), transform=lambda value: value or "")
