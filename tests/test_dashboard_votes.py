"""Dot voting in the real Thursday dashboard: Voila serves 04_road_to_progress.ipynb, and three
browser contexts (the facilitator's and two participants', each its own kernel) drive it.
"""

from __future__ import annotations

import asyncio
import time

import pytest
from browser_helpers import CHROMIUM, CHROMIUM_ARGS, ROOT, voila_serving

from wwlib.store import Store

NOTEBOOK = ROOT / "notebooks" / "04_road_to_progress.ipynb"  # the real one, served as it is
COHORT = "lindeveen-2026"
BOARD, NOTE = "oplossingen", "i-01"  # the ideas board and its first note
VOTERS = {"ineke-verhoeven": "Ineke Verhoeven", "naima-bakkali": "Naima Bakkali"}
BUDGET = 4
PANEL = ".ww-vote-panel"
TIMEOUT_MS = 90_000


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """Voila serving the Thursday notebook, with a fresh Lindeveen store in a temporary home."""
    tmp = tmp_path_factory.mktemp("voila-votes")
    with voila_serving(tmp, NOTEBOOK, COHORT) as (server, store):
        yield server, store


async def open_panel(browser, url: str):
    """A new browser context (a participant's own browser) showing the vote panel."""
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(url, timeout=TIMEOUT_MS)
    await page.wait_for_selector(f"{PANEL} button.ww-vote-open", timeout=TIMEOUT_MS)
    return page


async def open_round(page, budget: int) -> None:
    await page.fill(f"{PANEL} .ww-vote-budget input", str(budget))
    await page.press(f"{PANEL} .ww-vote-budget input", "Tab")
    await page.click(f"{PANEL} button.ww-vote-open")
    await page.wait_for_selector(
        f"{PANEL} .ww-vote-round :text('{budget} stippen per deelnemer')", timeout=TIMEOUT_MS
    )


async def spend_all_dots(page, name: str) -> None:
    """Choose yourself and the note, put every dot on it one click at a time, and one more."""
    await page.wait_for_selector(f"{PANEL} button.ww-vote-add:enabled", timeout=TIMEOUT_MS)
    await page.select_option(f"{PANEL} .ww-vote-voter select", label=name)
    await page.select_option(f"{PANEL} .ww-vote-note select", index=0)
    for _ in range(BUDGET + 1):  # the last click is one dot too many
        await page.click(f"{PANEL} button.ww-vote-add")
    # A kernel handles one tab's clicks in order: once the extra one is refused, all are done.
    await page.wait_for_selector(
        f"{PANEL} .ww-status .ww-error:text('nog 0 van {BUDGET} stippen')", timeout=TIMEOUT_MS
    )


async def vote_in_three_tabs(url: str) -> dict:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            facilitator, *participants = await asyncio.gather(
                *(open_panel(browser, url) for _ in range(3))
            )
            await open_round(facilitator, BUDGET)
            # The participants' tabs see the round open by themselves, then all vote at once.
            voting = zip(participants, VOTERS.values(), strict=True)
            await asyncio.gather(*(spend_all_dots(page, name) for page, name in voting))
            voted = time.monotonic()
            total = f"tr[data-note='{NOTE}'][data-dots='{BUDGET * len(VOTERS)}']"
            await facilitator.wait_for_selector(
                f"{PANEL} .ww-vote-totals {total}", timeout=TIMEOUT_MS
            )
            seconds = time.monotonic() - voted
            await facilitator.click(f"{PANEL} button.ww-vote-close")
            await participants[0].wait_for_selector(
                f"{PANEL} button.ww-vote-add:disabled", timeout=TIMEOUT_MS
            )
            return {"chart_seconds": seconds, "names": await facilitator.inner_text(PANEL)}
        finally:
            await browser.close()


@pytest.mark.browser
def test_two_participants_voting_at_once_are_counted_exactly(served):
    server, store_path = served
    with Store(store_path) as store:
        before = len(store.votes())
        number = int(store.rounds()["round"].max()) + 1
    seen = asyncio.run(vote_in_three_tabs(server.url(NOTEBOOK.name, cohort=COHORT)))
    print(f"\nlive chart showed the totals {seen['chart_seconds']:.2f} s after the last vote")

    with Store(store_path) as store:
        votes = store.round_votes(number)
        rounds = store.rounds().set_index("round")
        log = store.change_log()
        assert len(store.votes()) == before + len(votes)
    assert votes.groupby("voter")["dots"].sum().to_dict() == dict.fromkeys(VOTERS, BUDGET)
    assert set(votes["note"]) == {NOTE} and set(votes["dots"]) == {1}
    assert (rounds.at[number, "board"], rounds.at[number, "budget"]) == (BOARD, BUDGET)
    assert rounds.at[number, "status"] == "closed" and rounds.at[number, "dots"] == BUDGET * len(
        VOTERS
    )
    added = log[(log["action"] == "add") & (log["entity"] == "vote")]
    assert len(added) == BUDGET * len(VOTERS)
    assert "Ineke Verhoeven (4)" in seen["names"]  # an open round shows who voted
