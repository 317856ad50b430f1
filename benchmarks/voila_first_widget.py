"""Voila's time to first widget: navigation to the kick-off board's text box being visible."""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser_helpers import chromium_page, make_store  # noqa: E402

from wwlib.app import dashboard  # noqa: E402

FIRST_WIDGET = ".ww-note-text textarea"


def first_widget_seconds(tmp: Path, runs: int = 3) -> float:
    """Median seconds over `runs` fresh page loads (each starts its own kernel)."""
    cohort = "lindeveen-2026"
    make_store(tmp / "voila-home", cohort)
    env = {**os.environ, "WW_HOME": str(tmp / "voila-home")}
    env.pop("QUERY_STRING", None)
    times = []
    with (
        open(tmp / "voila.log", "wb") as log,
        dashboard.start(ROOT / "notebooks", env=env, output=log) as server,
        chromium_page() as page,
    ):
        for _ in range(runs):
            started = time.monotonic()
            page.goto(server.url("01_kickoff.ipynb", cohort=cohort), timeout=120_000)
            page.wait_for_selector(FIRST_WIDGET, timeout=120_000)
            times.append(time.monotonic() - started)
    return statistics.median(times)
