"""Everyone as themselves on Tuesday's and Friday's pages, served for real with personal links.

Two participants on Friday's page (05_integration): what one adds or updates in the tasks shows
on the other's page without a refresh. A participant on Tuesday's page (02_interviews) reads
the transcripts and the codebook but has no coding form and no chooser of whom they are.
"""

from __future__ import annotations

import time

import pytest
from a11y_helpers import axe_serious, tab_to
from browser_helpers import DATA, ROOT, chromium

from wwlib.app import dashboard
from wwlib.app.links import read_links, write_links
from wwlib.cohorts.home import init_cohort
from wwlib.store import Store

COHORT = "lindeveen-2026"
NOTEBOOKS = ["02_interviews.ipynb", "05_integration.ipynb"]
PANEL = ".ww-task-panel"
TIMEOUT_MS = 120_000


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    """Voila serving the real notebooks to the fictional cohort, with everyone's links."""
    tmp = tmp_path_factory.mktemp("tasks")
    store = init_cohort(DATA / COHORT, tmp / "store.sqlite")
    serving = dashboard.Serving(room=dashboard.Room(COHORT, DATA / COHORT, store))
    with open(tmp / "voila.log", "wb") as log:
        server = dashboard.start(ROOT / "notebooks", output=log, serving=serving)
        with server:
            yield store, read_links(write_links(store, server, NOTEBOOKS, tmp / "links.csv"))


def link(links: list[dict], notebook: str, role: str, skip: int = 0) -> dict:
    return [r for r in links if r["notebook"] == notebook and r["role"] == role][skip]


@pytest.mark.browser
@pytest.mark.slow
def test_a_task_added_on_one_page_shows_on_another_without_a_refresh(room):
    store, links = room
    adder, watcher = (
        link(links, "05_integration", "participant", 0),
        link(links, "05_integration", "participant", 1),
    )
    title = f"Terugkoppelen <aan> de raad & de OR {time.time_ns()}"
    with chromium() as browser:
        pages = []
        for row in (adder, watcher):
            page = browser.new_context().new_page()
            page.goto(row["url"], timeout=TIMEOUT_MS)
            page.wait_for_selector(f"{PANEL} .ww-task-title input", timeout=TIMEOUT_MS)
            pages.append(page)
        mine, theirs = pages
        violations = axe_serious(mine)
        # the keyboard alone: Tab to each control, type into it, Enter on the button
        tab_to(mine, f"{PANEL} .ww-task-step select")
        mine.keyboard.type("1")  # step 1 (options read "1. ...")
        tab_to(mine, f"{PANEL} .ww-task-title input")
        mine.keyboard.insert_text(title)  # as typed at once (one change, as a paste)
        tab_to(mine, f"{PANEL} .ww-task-owners select")
        mine.keyboard.type(name_of(store, adder["person"]))  # a list box takes a name typed
        tab_to(mine, f"{PANEL} button.ww-task-add")
        clicked = time.monotonic()
        mine.keyboard.press("Enter")
        theirs.wait_for_selector(f"{PANEL} .ww-task-list :text('{title}')", timeout=TIMEOUT_MS)
        seen = time.monotonic() - clicked
        # the watcher does not own it, so cannot update it; the adder can
        assert title[:20] not in theirs.inner_text(f"{PANEL} .ww-task-select")
        mine.wait_for_selector(f"{PANEL} .ww-task-select :text('{title[:20]}')", state="attached")
    print(f"\na task added on one page showed on another {seen:.2f} s after the click")
    with Store(store) as opened:
        tasks, log = opened.tasks(), opened.change_log()
    assert violations == []  # no serious or critical WCAG A/AA violation on the page
    added = tasks[tasks["title"] == title]
    assert len(added) == 1 and added["owners"].iloc[0] == [adder["person"]]
    assert log[log["entity_id"] == added["id"].iloc[0]]["actor"].tolist() == [adder["person"]]


def name_of(store, person: str) -> str:
    with Store(store) as opened:
        return opened.people().set_index("id").at[person, "name"]


@pytest.mark.browser
@pytest.mark.slow
def test_a_participant_reads_the_codings_but_cannot_code_or_be_someone_else(room):
    _, links = room
    row = link(links, "02_interviews", "participant")
    with chromium() as browser:
        page = browser.new_context().new_page()
        page.goto(row["url"], timeout=TIMEOUT_MS)
        page.wait_for_selector(".ww-coding-panel .ww-transcript mark", timeout=TIMEOUT_MS)
        assert page.locator(".ww-read-only").count() >= 3  # coding, codebook, interviews
        for control in (".ww-coding-coder", ".ww-coding-add", ".ww-codebook-add",
                        ".ww-speaker-save"):  # fmt: skip
            assert page.locator(control).count() == 0, control
        assert page.locator(".ww-interviews-status select:enabled").count() == 0
