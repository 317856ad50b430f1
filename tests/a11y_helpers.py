"""Accessibility in the browser tests: axe-core's WCAG 2.0/2.1 A and AA rules on a page, and
reaching a control with the Tab key alone.

axe-core comes inside axe-playwright-python (nothing is fetched). A violation whose impact is
serious or critical fails a test; the others are printed by benchmarks/accessibility.py.
"""

from __future__ import annotations

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING = ("serious", "critical")
TAB_LIMIT = 400  # Tab presses before a control counts as out of the keyboard's reach
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_AA}}
FOCUSED = "(selector) => !!document.activeElement && document.activeElement.matches(selector)"


def serious(violations: list[dict]) -> list[str]:
    """The serious and critical ones, each as 'impact rule: the first element it names'."""
    return [
        f"{v['impact']} {v['id']}: {v['nodes'][0]['target'] if v['nodes'] else ''} ({v['help']})"
        for v in violations
        if v.get("impact") in FAILING
    ]


def axe_serious(page) -> list[str]:
    """axe's serious and critical WCAG A/AA violations on a (sync Playwright) page."""
    from axe_playwright_python.sync_playwright import Axe

    return serious(Axe().run(page, options=AXE_OPTIONS).response["violations"])


async def axe_serious_async(page) -> list[str]:
    from axe_playwright_python.async_playwright import Axe

    return serious((await Axe().run(page, options=AXE_OPTIONS)).response["violations"])


def tab_to(page, selector: str) -> int:
    """Press Tab until the element matching `selector` has the focus; the number of presses.
    Fails when TAB_LIMIT presses never reach it: the keyboard cannot."""
    for presses in range(1, TAB_LIMIT + 1):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED, selector):
            return presses
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


async def tab_to_async(page, selector: str) -> int:
    for presses in range(1, TAB_LIMIT + 1):
        await page.keyboard.press("Tab")
        if await page.evaluate(FOCUSED, selector):
            return presses
    raise AssertionError(f"{selector} cannot be reached with the Tab key")
