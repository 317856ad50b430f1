"""Helpers for the browser tests: a kick-off notebook of the real shape, a store, chromium."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from wwlib.cohorts.home import init_cohort

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
CHROMIUM = "/usr/bin/chromium"  # Debian's; never a downloaded browser
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def browser_cohort() -> str:
    """The fictional cohort once it is complete, else the Limburg one."""
    return (
        "lindeveen-2026" if (DATA / "lindeveen-2026" / "cohort.yaml").is_file() else "limburg-2020"
    )


def make_store(ww_home: Path, cohort: str) -> Path:
    """A store for `cohort` where `open_workbook` looks for it when WW_HOME is `ww_home`."""
    return init_cohort(DATA / cohort, ww_home / "stores" / f"{cohort}.sqlite")


@contextlib.contextmanager
def chromium() -> Iterator:
    """Headless Debian chromium (a Playwright Browser), closed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def chromium_page() -> Iterator:
    """A page in headless Debian chromium, closed afterwards."""
    with chromium() as browser:
        yield browser.new_page()


@contextlib.contextmanager
def voila_serving(tmp: Path, notebook: Path, cohort: str) -> Iterator[tuple]:
    """Voila serving `notebook`'s folder, with a fresh store for `cohort` in `tmp`/home.

    Yields (server, store path). Debian's chromium must be there for the tests that use it.
    """
    import os

    from wwlib.app import dashboard

    assert Path(CHROMIUM).exists(), f"no chromium at {CHROMIUM}: apt-get install chromium"
    store = make_store(tmp / "home", cohort)
    env = {**os.environ, "WW_HOME": str(tmp / "home")}
    env.pop("QUERY_STRING", None)
    with open(tmp / "voila.log", "wb") as log:
        server = dashboard.start(notebook.parent, env=env, output=log)
        with server:
            yield server, store
