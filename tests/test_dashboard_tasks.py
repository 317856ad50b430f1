"""A task added in the real integration dashboard reaches the final report, as ww run writes it."""

from __future__ import annotations

import html
import time

import pytest
from browser_helpers import DATA, ROOT, chromium_page, voila_serving

from wwlib.app.runner import write_cohort_report
from wwlib.store import Store

INTEGRATION_NOTEBOOK = ROOT / "notebooks" / "05_integration.ipynb"  # the real one
COHORT = "limburg-2020"
PANEL = ".ww-task-panel"
TIMEOUT_MS = 150_000  # a page waits for its kernel, which shares two cores with the other worker


@pytest.mark.browser
@pytest.mark.slow
def test_a_task_added_in_the_dashboard_is_in_the_report(tmp_path):
    title = f"Terugkoppeling aan de raad <{time.time_ns()}> & de OR"
    serving = voila_serving(tmp_path, INTEGRATION_NOTEBOOK, COHORT)
    with serving as (server, store_path), chromium_page() as page:
        page.goto(server.url(INTEGRATION_NOTEBOOK.name, cohort=COHORT), timeout=TIMEOUT_MS)
        page.wait_for_selector(f"{PANEL} .ww-task-title input", timeout=TIMEOUT_MS)
        page.select_option(f"{PANEL} .ww-task-step select", index=3)  # step 4: feedback
        page.fill(f"{PANEL} .ww-task-title input", title)
        page.fill(f"{PANEL} .ww-task-due input", "week 25")
        page.click(f"{PANEL} button.ww-task-add")
        page.wait_for_selector(f"{PANEL} .ww-status .ww-ok", timeout=TIMEOUT_MS)

    with Store(store_path) as store:
        tasks = store.tasks()
    added = tasks[tasks["title"] == title].iloc[0]
    assert (added["step"], added["due_kind"], added["due_date"]) == (4, "week", "2020-06-15")

    # the report as `ww run` writes it (the notebooks' run is in test_runner.py)
    written = write_cohort_report(
        DATA / COHORT, tmp_path / "report.html", pseudonymise=False, store=store_path
    )
    report = written.read_text(encoding="utf-8")
    assert html.escape(title, quote=False) in report
    assert title not in report  # the < and & arrive escaped
