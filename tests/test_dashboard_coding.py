"""Coding in the real interviews dashboard: Voila serves 02_interviews.ipynb, chromium drives it."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from browser_helpers import ROOT, chromium_page, voila_serving

from wwlib.store import Store
from wwlib.ui.passages import paragraphs, sentences

INTERVIEWS_NOTEBOOK = ROOT / "notebooks" / "02_interviews.ipynb"  # the real one, served as it is
COHORT = "lindeveen-2026"
INTERVIEW, SHOWN_AS = "ruud-kamphuis", "Ruud Kamphuis"
CODER = "marit-hofstede"  # the first facilitator: the panel's coder unless one is picked
PANEL = ".ww-coding-panel"
TIMEOUT_MS = 90_000


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """Voila serving the interviews notebook, with a fresh Lindeveen store in a temporary home."""
    tmp = tmp_path_factory.mktemp("voila-coding")
    with voila_serving(tmp, INTERVIEWS_NOTEBOOK, COHORT) as (server, store):
        yield server, store


def second_paragraphs_first_sentence(store_path: Path) -> tuple[int, int, str]:
    """What the panel offers as paragraph 2, sentence 1 of the interview, as the store has it."""
    with Store(store_path) as store:
        text = store.transcript(INTERVIEW)
    sentence = sentences(text, paragraphs(text)[1])[0]
    return sentence.start, sentence.end, text[sentence.start : sentence.end]


@pytest.mark.browser
def test_a_passage_coded_in_the_browser_is_in_the_store(served):
    server, store_path = served
    memo = f"Memo uit de browser {time.time_ns()} <&>"
    with chromium_page() as page:
        page.goto(server.url(INTERVIEWS_NOTEBOOK.name, cohort=COHORT), timeout=TIMEOUT_MS)
        page.wait_for_selector(f"{PANEL} .ww-coding-interview select", timeout=TIMEOUT_MS)
        page.select_option(f"{PANEL} .ww-coding-interview select", label=SHOWN_AS)
        page.wait_for_selector(f"{PANEL} .ww-transcript-text", timeout=TIMEOUT_MS)
        page.select_option(f"{PANEL} .ww-coding-paragraph select", index=2)  # 0 is "—"
        page.select_option(f"{PANEL} .ww-coding-sentence select", index=1)
        page.check(f"{PANEL} .ww-code-ochtendronde-behouden input[type=checkbox]")
        page.fill(f"{PANEL} .ww-coding-memo textarea", memo)
        page.click(f"{PANEL} button.ww-coding-add")
        page.wait_for_selector(f"{PANEL} .ww-status .ww-ok", timeout=TIMEOUT_MS)
        page.wait_for_selector(f"{PANEL} .ww-codings :text('{memo[:25]}')", timeout=TIMEOUT_MS)
        assert page.input_value(f"{PANEL} .ww-coding-memo textarea") == ""
        assert page.locator(f"{PANEL} .ww-transcript mark[title*='Ochtendronde behouden']").count()

    start, end, quote = second_paragraphs_first_sentence(store_path)
    with Store(store_path) as store:
        codings = store.codings()
        memos = store.memos("fragment")
        log = store.change_log()
    coding = codings[codings["memo"] == memo]
    assert len(coding) == 1
    coding = coding.iloc[0]
    assert (coding.interview, coding.start, coding.end, coding.code, coding.coder) == (
        INTERVIEW, start, end, "ochtendronde-behouden", CODER,
    )  # fmt: skip
    assert quote.strip() and quote[0].isupper()  # a real sentence, not an empty span
    assert memos.iloc[-1]["text"] == memo and memos.iloc[-1]["target_id"] == str(coding.fragment)
    assert (log.iloc[-1]["entity"], log.iloc[-1]["entity_id"]) == ("coding", str(coding.id))
