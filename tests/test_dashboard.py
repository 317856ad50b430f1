"""The Voila dashboards: the command line, and a real server driven through chromium."""

from __future__ import annotations

import http.client
import json
import time
import urllib.parse

import pytest
from browser_helpers import (
    ROOT,
    browser_cohort,
    chromium_page,
    voila_serving,
)

from wwlib.app import dashboard
from wwlib.core.errors import RunError
from wwlib.store import Store

KICKOFF_NOTEBOOK = ROOT / "notebooks" / "01_kickoff.ipynb"  # the real one, served as it is
FIRST_WIDGET = ".ww-note-text textarea"
TIMEOUT_MS = 150_000  # a page waits for its kernel, which shares two cores with the other worker


# -- the command line (no server) ----------------------------------------------------------


def test_voila_command_serves_the_folder_locally_with_token_and_no_sources(tmp_path):
    command = dashboard.voila_command(tmp_path, 8899, "geheim")
    assert command[1:4] == ["-m", "voila", str(tmp_path.resolve())]
    for flag in ("--port=8899", "--Voila.ip=127.0.0.1", "--token=geheim",
                 "--strip_sources=True", "--no-browser", "--Voila.port_retries=0"):  # fmt: skip
        assert flag in command


@pytest.mark.parametrize(
    ("notebook", "query", "token", "url"),
    [
        ("01_kickoff.ipynb", {"cohort": "limburg-2020"}, "t0k",
         "http://127.0.0.1:8866/voila/render/01_kickoff.ipynb?cohort=limburg-2020&token=t0k"),
        ("01_kickoff.ipynb", {"cohort": "x", "lang": "en"}, "",
         "http://127.0.0.1:8866/voila/render/01_kickoff.ipynb?cohort=x&lang=en"),
        ("", {}, "t0k", "http://127.0.0.1:8866/voila/tree?token=t0k"),
    ],
)  # fmt: skip
def test_dashboard_urls_carry_cohort_and_token(notebook, query, token, url):
    assert dashboard.Dashboard(None, 8866, token).url(notebook, **query) == url


def test_cohorts_and_phases_are_listed_in_order(tmp_path):
    for name in ("b-2021", "a-2020"):
        (tmp_path / "data" / name).mkdir(parents=True)
        (tmp_path / "data" / name / "cohort.yaml").write_text("id: x\n")
    (tmp_path / "data" / "no-cohort").mkdir()
    (tmp_path / "nb").mkdir()
    for name in ("02_interviews.ipynb", "01_kickoff.ipynb", "notes.md"):
        (tmp_path / "nb" / name).write_text("{}")
    assert dashboard.cohorts(tmp_path / "data") == ["a-2020", "b-2021"]
    assert dashboard.phases(tmp_path / "nb") == ["01_kickoff.ipynb", "02_interviews.ipynb"]


def test_pages_load_no_plotly_extension_and_wait_for_late_outputs(tmp_path):
    command = dashboard.voila_command(tmp_path, 8899, "t")
    at = command.index("--VoilaConfiguration.extension_denylist")
    assert command[at + 1] == "jupyterlab-plotly"
    assert f"--VoilaExecutor.iopub_timeout={dashboard.IOPUB_TIMEOUT}" in command
    assert dashboard.IOPUB_TIMEOUT >= 30  # nbclient's 4 s lost panels on a busy machine
    assert not any("preheat" in flag or "fill_delay" in flag for flag in command)


def test_a_preheated_pool_refills_late_and_only_for_the_chosen_notebooks(tmp_path):
    every = dashboard.voila_command(tmp_path, 1, "t", serving=dashboard.Serving(preheat=3))
    assert {"--preheat_kernel=True", "--pool_size=3"} <= set(every)
    assert f"--VoilaKernelManager.fill_delay={dashboard.FILL_DELAY}" in every
    assert not any("kernel_pools_config" in flag for flag in every)
    chosen = dashboard.Serving(preheat=11, preheat_notebooks=("04_road_to_progress.ipynb",))
    command = dashboard.voila_command(tmp_path, 1, "t", serving=chosen)
    [pools] = [f for f in command if f.startswith("--VoilaKernelManager.kernel_pools_config=")]
    assert json.loads(pools.split("=", 1)[1]) == {
        "default": {"pool_size": 0},
        "04_road_to_progress.ipynb": {"pool_size": 11},
    }


def test_a_preheated_notebook_is_a_phase_of_the_folder(tmp_path):
    for name in ("01_kickoff.ipynb", "04_road_to_progress.ipynb"):
        (tmp_path / name).write_text("{}")
    chosen = dashboard.preheated(tmp_path, ["04_road_to_progress", "04_road_to_progress.ipynb"])
    assert chosen == ("04_road_to_progress.ipynb",)
    with pytest.raises(RunError, match=r"--preheat-notebook 4_road.*01_kickoff, 04_road_to_prog"):
        dashboard.preheated(tmp_path, ["4_road"])


def test_new_tokens_differ_and_are_long():
    assert dashboard.new_token() != dashboard.new_token()
    assert len(dashboard.new_token()) >= 32


# -- a real server in chromium -------------------------------------------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """Voila serving the kick-off notebook, with a fresh store in a temporary WW_HOME."""
    cohort = browser_cohort()
    tmp = tmp_path_factory.mktemp("voila")
    with voila_serving(tmp, KICKOFF_NOTEBOOK, cohort) as (server, store):
        yield server, KICKOFF_NOTEBOOK.name, cohort, store


def open_dashboard(page, served, **query) -> float:
    """Load the kick-off dashboard; return the seconds until its first widget is visible."""
    server, notebook, cohort, _ = served
    started = time.monotonic()
    page.goto(server.url(notebook, cohort=cohort, **query), timeout=TIMEOUT_MS)
    page.wait_for_selector(FIRST_WIDGET, timeout=TIMEOUT_MS)
    return time.monotonic() - started


@pytest.mark.browser
def test_a_note_typed_in_the_browser_is_stored(served):
    text = f"Geeltje uit de browser {time.time_ns()} <&>"
    with chromium_page() as page:
        seconds = open_dashboard(page, served)
        print(f"\ntime from navigation to first widget: {seconds:.2f} s")
        page.fill(FIRST_WIDGET, text)
        page.click(".ww-note-add")
        page.wait_for_selector(".ww-status .ww-ok", timeout=TIMEOUT_MS)
        page.wait_for_selector(f".ww-note-board :text('{text[:30]}')", timeout=TIMEOUT_MS)
        assert page.input_value(FIRST_WIDGET) == ""
    with Store(served[3]) as store:
        notes = store.notes()
        log = store.change_log()
    stored = notes[notes["text"] == text]
    assert len(stored) == 1
    assert log.iloc[-1]["entity"] == "note" and log.iloc[-1]["entity_id"] == stored["id"].iloc[0]


@pytest.mark.browser
def test_a_figure_is_drawn_by_the_shipped_plotly_without_the_extension(served):
    """The kick-off's programme timeline: drawn by the bundle the kernel sends, on a page that
    loads no script of JupyterLab's plotly extension."""
    with chromium_page() as page:
        open_dashboard(page, served)
        page.wait_for_selector(".ww-chart.js-plotly-plot .main-svg", timeout=TIMEOUT_MS)
        bars = page.locator(".ww-chart .trace").count()
        loaded = page.evaluate("() => performance.getEntriesByType('resource').map(e => e.name)")
    assert bars >= 1
    assert [url for url in loaded if "plotly" in url] == []


@pytest.mark.browser
def test_the_page_shows_widgets_but_no_python_source(served):
    with chromium_page() as page:
        open_dashboard(page, served)
        html = page.content()
    assert "ww-note-add" in html
    for source in ("open_workbook", "import wwlib", "NoteBoard(", "pseudonymise: bool"):
        assert source not in html


@pytest.mark.browser
def test_the_query_string_reaches_the_kernel(served):
    with chromium_page() as page:
        open_dashboard(page, served, lang="en")
        assert page.inner_text(".ww-note-add") == "Add"


@pytest.mark.browser
@pytest.mark.parametrize("token", [None, "wrong"])
def test_a_request_without_the_token_is_refused(served, token):
    server, notebook, cohort, _ = served
    query = {"cohort": cohort} | ({"token": token} if token else {})
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    connection.request("GET", f"/voila/render/{notebook}?{urllib.parse.urlencode(query)}")
    response = connection.getresponse()
    location = response.getheader("Location") or ""
    connection.close()
    assert response.status == 403 or (response.status == 302 and "/login" in location)


def test_a_missing_notebooks_folder_is_named(tmp_path):
    with pytest.raises(RunError, match="nope"):
        dashboard.start(tmp_path / "nope")
