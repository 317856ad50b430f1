"""Accessibility of every page of the week: axe-core's WCAG 2.0/2.1 A and AA violations by impact.

    .venv/bin/python benchmarks/accessibility.py [--notebooks 01_kickoff,04_road_to_progress]

A fresh store of the fictional cohort is served for real with personal links (`ww dashboard DIR
--links FILE`, here `dashboard.start` with a `Room`), in Dutch and in English (`&lang=`). Debian's
chromium opens each phase notebook as a participant and as a facilitator, waits until the page
has settled, and runs axe-core (shipped inside axe-playwright-python; nothing is fetched). Then
the final report (report.html) in both languages. Prints one row per page: violations by impact
(critical, serious, moderate, minor), the rules that fired, and the language the page
declares. The browser tests assert no serious or critical violation on the pages they open;
this shows every page.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from a11y_helpers import AXE_OPTIONS  # noqa: E402
from browser_helpers import CHROMIUM, CHROMIUM_ARGS, DATA  # noqa: E402

from wwlib.app import dashboard  # noqa: E402
from wwlib.app.links import read_links, write_links  # noqa: E402
from wwlib.app.runner import NOTEBOOKS, write_cohort_report  # noqa: E402
from wwlib.cohorts.home import init_cohort  # noqa: E402

COHORT = "lindeveen-2026"
IMPACTS = ("critical", "serious", "moderate", "minor")
SETTLE_MS = 4000  # after the first widget: the rest of the page's cells
OPEN_MS = 180_000


async def check(browser, url: str) -> tuple[list[dict], str]:
    """axe's violations on the page at `url`, and the language its <html> declares."""
    from axe_playwright_python.async_playwright import Axe

    page = await (await browser.new_context()).new_page()
    await page.goto(url, timeout=OPEN_MS)
    if not url.startswith("file:"):
        await page.wait_for_selector(".widget-html", state="attached", timeout=OPEN_MS)
    await page.wait_for_timeout(SETTLE_MS)
    found = (await Axe().run(page, options=AXE_OPTIONS)).response["violations"]
    lang = await page.evaluate("() => document.documentElement.lang")
    await page.close()
    return found, lang


def row(name: str, checked: tuple[list[dict], str]) -> str:
    violations, lang = checked
    counts = [sum(len(v["nodes"]) for v in violations if v["impact"] == i) for i in IMPACTS]
    rules = ", ".join(sorted({v["id"] for v in violations})) or "-"
    cells = " | ".join(f"{c:>8}" for c in counts)
    return f"| {name:<42} | {lang:<4} | {cells} | {rules} |"


async def pages(urls: list[tuple[str, str]]) -> list[str]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            rows = []
            for name, url in urls:  # printed as they come: a page that fails leaves the rest
                rows.append(row(name, await check(browser, url)))
                print(rows[-1], file=sys.stderr, flush=True)
            return rows
        finally:
            await browser.close()


def served(lang: str, notebooks: list[str], tmp: Path) -> list[str]:
    store = init_cohort(DATA / COHORT, tmp / f"store-{lang}.sqlite")
    room = dashboard.Room(COHORT, DATA / COHORT, store, lang)
    with open(tmp / f"voila-{lang}.log", "wb") as log:
        server = dashboard.start(
            ROOT / "notebooks", output=log, serving=dashboard.Serving(room=room)
        )
        with server:
            links = read_links(write_links(store, server, notebooks, tmp / f"links-{lang}.csv"))
            urls = [
                (f"{nb.removesuffix('.ipynb')} {role} {lang}", f"{first['url']}&lang={lang}")
                for nb in notebooks
                for role in ("participant", "facilitator")
                for first in [
                    next(r for r in links if r["role"] == role and nb.startswith(r["notebook"]))
                ]
            ]
            return asyncio.run(pages(urls))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--notebooks", default=",".join(n.removesuffix(".ipynb") for n in NOTEBOOKS)
    )
    args = parser.parse_args()
    notebooks = [f"{n}.ipynb" for n in args.notebooks.split(",")]
    tmp = Path(tempfile.mkdtemp(prefix="ww-a11y-"))
    rows = []
    for lang in ("nl", "en"):
        rows += served(lang, notebooks, tmp)
    reports = [
        (
            f"report.html {lang}",
            write_cohort_report(
                DATA / COHORT,
                tmp / f"r-{lang}.html",
                pseudonymise=False,
                lang=lang,
                store=tmp / f"report-{lang}.sqlite",
            ).as_uri(),
        )
        for lang in ("nl", "en")
    ]
    rows += asyncio.run(pages(reports))
    print("| page" + " " * 39 + "| lang | " + " | ".join(f"{i:>8}" for i in IMPACTS) + " | rules |")
    print("|" + "-" * 44 + "|------|" + "|".join(["-" * 10] * 4) + "|-------|")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
