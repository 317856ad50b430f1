"""A facilitator drops a participant's transcript on the interviews dashboard, in the browser:
the file travels through ipywidgets' FileUpload to the page's kernel, an unknown speaker is
asked for, and the interview is stored with its turns (the panel itself: test_transcripts_person).
"""

from __future__ import annotations

import shutil

import pytest
from browser_helpers import DATA, ROOT, chromium_page
from store_helpers import interview_row

from wwlib.app import dashboard
from wwlib.app.links import read_links, write_links
from wwlib.cohorts.home import init_cohort
from wwlib.store import Store

NOTEBOOK = "02_interviews.ipynb"
PIETER = "pieter-janssen"
NEW_PERSON = (
    f"{PIETER},Pieter Janssen,participant,Gemeente Lindeveen,Lindeveen,adviseur,P10,"
    "ja,ja,ja,2026-10-05,interview\n"
)
ZOOM_NAME = "GMT20240415-090102_Recording.transcript.vtt"
TIMEOUT_MS = 150_000


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """Lindeveen with a participant who has no interview yet, served with personal links."""
    tmp = tmp_path_factory.mktemp("upload")
    folder = tmp / "lindeveen-2026"
    shutil.copytree(DATA / "lindeveen-2026", folder)
    with (folder / "people.csv").open("a", encoding="utf-8") as people:
        people.write(NEW_PERSON)
    store = init_cohort(folder, tmp / "store.sqlite")
    notebooks = tmp / "notebooks"
    notebooks.mkdir()
    shutil.copy(ROOT / "notebooks" / NOTEBOOK, notebooks)
    serving = dashboard.Serving(room=dashboard.Room("lindeveen-2026", folder, store.absolute()))
    with (
        open(tmp / "voila.log", "wb") as log,
        dashboard.start(notebooks, output=log, serving=serving) as server,
    ):
        links = read_links(write_links(store, server, [NOTEBOOK], tmp / "links.csv"))
        yield tmp, store, {row["person"]: row["url"] for row in links}


@pytest.mark.browser
def test_a_transcript_dropped_in_the_browser_is_stored_as_the_interview(served):
    tmp, store, urls = served
    dropped = tmp / ZOOM_NAME
    dropped.write_text(
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nMarit Hofstede: Hoe begon je week?\n\n"
        "2\n00:00:05.000 --> 00:00:09.500\nDr. P. <b>Janssen</b>: Met een overleg.\n",
        encoding="utf-8",
    )
    panel = ".ww-transcript-upload"
    with chromium_page() as page:
        page.goto(urls["marit-hofstede"], timeout=TIMEOUT_MS)
        page.wait_for_selector(f"{panel} .ww-upload-file", timeout=TIMEOUT_MS)
        with page.expect_file_chooser() as chooser:  # as a person picks a file
            page.click(f"{panel} .ww-upload-file")
        chooser.value.set_files(str(dropped))
        page.wait_for_selector(f"{panel} .ww-upload-file:has-text('(1)')", timeout=TIMEOUT_MS)
        page.select_option(f"{panel} .ww-upload-person select", label="Pieter Janssen")
        page.click(f"{panel} .ww-upload-import")
        page.wait_for_selector(f"{panel} .ww-upload-speaker select", timeout=TIMEOUT_MS)
        asked = page.inner_text(f"{panel} .ww-status")
        stored_before = interview_row(store, PIETER)
        page.select_option(f"{panel} .ww-upload-speaker select", label="Pieter Janssen")
        page.click(f"{panel} .ww-upload-import")
        page.wait_for_selector(f"{panel} .ww-status .ww-ok", timeout=TIMEOUT_MS)
        said = page.inner_text(f"{panel} .ww-status")
        bold = page.locator(f"{panel} b").count()
    assert "1 spreker" in asked and stored_before is None  # nothing stored before the choice
    assert "Pieter Janssen" in said and ZOOM_NAME in said
    assert bold == 0  # the speaker's <b> stays text
    assert interview_row(store, PIETER) == ("marit-hofstede", "2024-04-15", "held")
    with Store(store) as opened:
        turns = opened.turns(PIETER)
        log = opened.change_log()
    assert turns["person"].tolist() == ["marit-hofstede", PIETER]
    assert "marit-hofstede" in set(log["actor"])  # the write is the facilitator's
