"""Coding in the real interviews dashboard: Voila serves 02_interviews.ipynb, chromium drives it
with the keyboard alone, and the page passes axe-core's WCAG A/AA rules."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from a11y_helpers import axe_serious, tab_to
from browser_helpers import ROOT, chromium_page, voila_serving

from wwlib.store import Store
from wwlib.ui.passages import paragraphs, sentences

INTERVIEWS_NOTEBOOK = ROOT / "notebooks" / "02_interviews.ipynb"  # the real one, served as it is
COHORT = "lindeveen-2026"
INTERVIEW, SHOWN_AS = "ruud-kamphuis", "Ruud Kamphuis"
CODER = "marit-hofstede"  # the first facilitator: the panel's coder unless one is picked
PANEL = ".ww-coding-panel"
TIMEOUT_MS = 150_000  # a page waits for its kernel, which shares two cores with the other worker
# the kernel answers a dropdown's change (new options for the next one): wait for it
SELECTED = "([css, index]) => document.querySelector(css).selectedIndex === index"
OFFERS = """([css, words]) => [...document.querySelector(css).options]
    .some(o => o.text.replace(/\\u00a0/g, ' ').includes(words))"""


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
    expected = second_paragraphs_first_sentence(store_path)
    with chromium_page() as page:
        page.goto(server.url(INTERVIEWS_NOTEBOOK.name, cohort=COHORT), timeout=TIMEOUT_MS)
        page.wait_for_selector(f"{PANEL} .ww-coding-interview select", timeout=TIMEOUT_MS)
        violations = axe_serious(page)
        # the keyboard alone: Tab to each control; a select takes typed letters and arrows
        tab_to(page, f"{PANEL} .ww-coding-interview select")
        page.keyboard.type(SHOWN_AS[:4])
        page.wait_for_selector(f"{PANEL} .ww-transcript-text", timeout=TIMEOUT_MS)
        page.wait_for_selector(f"{PANEL} .ww-coding-paragraph option >> nth=2", state="attached")
        tab_to(page, f"{PANEL} .ww-coding-paragraph select")
        page.keyboard.type("2")  # a select takes the start of an option: "2. Mijn team ..."
        page.wait_for_function(SELECTED, arg=[f"{PANEL} .ww-coding-paragraph select", 2])
        words = " ".join(expected[2].split()[:3])  # its first sentence, as the panel offers it
        page.wait_for_function(OFFERS, arg=[f"{PANEL} .ww-coding-sentence select", words])
        tab_to(page, f"{PANEL} .ww-coding-sentence select")
        page.keyboard.type("1")
        tab_to(page, f"{PANEL} .ww-code-ochtendronde-behouden input[type=checkbox]")
        page.keyboard.press("Space")
        tab_to(page, f"{PANEL} .ww-coding-memo textarea")
        page.keyboard.insert_text(memo)  # as typed at once (one change, as a paste)
        tab_to(page, f"{PANEL} button.ww-coding-add")
        page.keyboard.press("Enter")
        page.wait_for_selector(f"{PANEL} .ww-status .ww-ok", timeout=TIMEOUT_MS)
        page.wait_for_selector(f"{PANEL} .ww-codings :text('{memo[:25]}')", timeout=TIMEOUT_MS)
        assert page.input_value(f"{PANEL} .ww-coding-memo textarea") == ""
        assert page.locator(f"{PANEL} .ww-transcript mark[title*='Ochtendronde behouden']").count()

    assert violations == []  # no serious or critical WCAG A/AA violation
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
