"""A panel that follows the other pages: re-read the store when its change count grows.

Every page is a kernel of its own, so a panel learns of another person's change only from the
store. A daemon thread opens a connection of its own (a connection belongs to one thread),
reads `change_count()` every `seconds`, the id of the change log's last line, one indexed
look-up, and calls `on_change(store)` when it grew. It stops when told, when its widget is
closed, or at a store error, which it hands to `on_error` once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from wwlib.core.errors import WorkbookError
from wwlib.store import Store

LIVE_SECONDS = 0.5
LIVE_ERRORS = (WorkbookError,)  # the store turns SQLite's errors into StoreError


class StoreFollower:
    """A daemon thread calling `on_change(store)` after every change to the store at `path`.

    `alive()` (e.g. "the widget still has its comm") is asked before each reading; the thread
    ends when it says no.
    """

    def __init__(
        self,
        path: str | Path,
        on_change: Callable[[Store], None],
        on_error: Callable[[WorkbookError], None],
        alive: Callable[[], bool] = lambda: True,
        seconds: float = LIVE_SECONDS,
        name: str = "ww-live",
        on_poll: Callable[[Store], None] | None = None,
    ):
        self.path, self.seconds = Path(path), seconds
        self._on_change, self._on_error, self._alive = on_change, on_error, alive
        self._on_poll = on_poll  # e.g. closing the rounds whose countdown ended
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._follow, name=name, daemon=True)

    def start(self, count: int | None) -> None:
        """Start following; `count` is the change count the panel shows now (None: unknown,
        so the first reading calls `on_change`)."""
        self._seen = count
        self._thread.start()

    def stop(self) -> None:
        """Stop (the thread ends within one interval)."""
        self._stop.set()

    @property
    def running(self) -> bool:
        return self._thread.is_alive() and not self._stop.is_set()

    def _follow(self) -> None:
        try:
            with Store(self.path, actor="live") as store:
                while not self._stop.wait(self.seconds) and self._alive():
                    if self._on_poll is not None:
                        self._on_poll(store)
                    count = store.change_count()
                    if count != self._seen:
                        self._seen = count
                        self._on_change(store)
        except LIVE_ERRORS as exc:
            self._stop.set()
            self._on_error(exc)
