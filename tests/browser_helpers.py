"""Helpers for the browser tests: a kick-off notebook of the real shape, a store, chromium."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import nbformat

from wwlib.store import Store
from wwlib.workbook import init_cohort

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

PARAMETERS = """\
cohort: str = "{cohort}"  # the cohort's id: a folder in data_dir, or ?cohort=... in Voila
data_dir: str = "../data"  # where the bundled cohort folders are
lang: str = "nl"  # "nl" or "en", or ?lang=en in Voila
pseudonymise: bool = False  # show pseudonym codes instead of names
store: str = ""  # the store file; "" means $WW_HOME/stores/<cohort>.sqlite"""


def browser_cohort() -> str:
    """The fictional cohort once it is complete, else the Limburg one."""
    return (
        "lindeveen-2026" if (DATA / "lindeveen-2026" / "cohort.yaml").is_file() else "limburg-2020"
    )


def make_store(ww_home: Path, cohort: str) -> Path:
    """A store for `cohort` where `open_workbook` looks for it when WW_HOME is `ww_home`."""
    return init_cohort(DATA / cohort, ww_home / "stores" / f"{cohort}.sqlite")


def kickoff_board(store_path: Path) -> str:
    """The id of the cohort's first kick-off board."""
    with Store(store_path) as store:
        boards = store.boards()
    return boards.loc[boards["kind"] == "kickoff", "id"].iloc[0]


def write_kickoff_notebook(folder: Path, cohort: str, board: str) -> Path:
    """notebooks/01_kickoff.ipynb in miniature: a parameters cell, open_workbook, NoteBoard."""
    cells = [
        nbformat.v4.new_markdown_cell("# Kick-off"),
        nbformat.v4.new_code_cell(PARAMETERS.format(cohort=cohort)),
        nbformat.v4.new_code_cell("import wwlib as ww\nimport wwlib.ui"),
        nbformat.v4.new_code_cell(
            "wb = ww.open_workbook(cohort, data_dir=data_dir, lang=lang, "
            "pseudonymise=pseudonymise, store=store)"
        ),
        nbformat.v4.new_code_cell(f'ww.ui.NoteBoard(wb, "{board}")'),
    ]
    cells[1].metadata["tags"] = ["parameters"]
    notebook = nbformat.v4.new_notebook(
        cells=cells,
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}},
    )  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "01_kickoff.ipynb"
    nbformat.write(notebook, path)
    return path


@contextlib.contextmanager
def chromium_page() -> Iterator:
    """A page in headless Debian chromium, closed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser.new_page()
        finally:
            browser.close()
