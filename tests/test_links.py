"""Personal links: secrets kept as hashes, the links file, and a real server that knows each
person from their link alone (and refuses every other request before a kernel starts)."""

from __future__ import annotations

import csv
import http.client
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import psutil
import pytest
from browser_helpers import DATA, ROOT, browser_cohort, chromium, chromium_page

from wwlib.app import cli, dashboard
from wwlib.app.links import key_of, read_links, revoke, write_links
from wwlib.cohorts.home import init_cohort
from wwlib.store import Store
from wwlib.store.session import secret_hash

COHORT = browser_cohort()
NOTEBOOKS = ["01_kickoff.ipynb", "02_interviews.ipynb"]
TIMEOUT_MS = 150_000  # a page waits for its kernel, which shares two cores with the other worker


@pytest.fixture
def store_path(tmp_path) -> Path:
    return init_cohort(DATA / COHORT, tmp_path / "store.sqlite")


def a_room_dashboard(store_path: Path, port: int = 8800) -> dashboard.Dashboard:
    """A Dashboard object that only makes URLs (no process): enough for the links file."""
    room = dashboard.Room(COHORT, DATA / COHORT, store_path)
    return dashboard.Dashboard(None, port, "", dashboard.Serving(room=room))


# -- the store keeps hashes -------------------------------------------------------------------


def test_a_link_secret_is_long_random_and_stored_only_as_its_hash(store_path):
    with Store(store_path) as store:
        person = store.people()["id"].iloc[0]
        secret = store.issue_link(person)
        other = store.issue_link(store.people()["id"].iloc[1])
        assert len(secret) >= 43 and secret != other  # 32 random bytes, base64
        assert store.person_for_secret(secret)[0] == person
        other_last = "E" if secret.endswith("A") else "A"  # one character off, never the same
        assert store.person_for_secret(secret[:-1] + other_last) != (person, "participant")
        log = store.change_log()
    wal = Path(f"{store_path}-wal")
    raw = store_path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    assert secret.encode() not in raw and secret_hash(secret).encode() in raw
    assert secret not in log.to_string()


def test_a_new_link_makes_the_old_one_useless(store_path):
    with Store(store_path) as store:
        person = store.people()["id"].iloc[0]
        old = store.issue_link(person)
        new = store.issue_link(person)
        assert store.person_for_secret(old) is None
        assert store.person_for_secret(new)[0] == person
        assert list(store.change_log()["action"].tail(2)) == ["issue", "revoke"]


@pytest.mark.parametrize("secret", ["", "kort", "x" * 500, None, 12])
def test_odd_secrets_open_nothing(store_path, secret):
    with Store(store_path) as store:
        assert store.person_for_secret(secret) is None


# -- the links file ---------------------------------------------------------------------------


def test_the_links_file_has_a_row_per_person_and_notebook_and_only_its_owner_reads_it(
    store_path, tmp_path
):
    path = write_links(store_path, a_room_dashboard(store_path), NOTEBOOKS, tmp_path / "l.csv")
    rows = read_links(path)
    with Store(store_path) as store:
        people = store.people()
        for row in rows:
            assert store.person_for_secret(key_of(row["url"]))[0] == row["person"]
    assert len(rows) == len(people) * len(NOTEBOOKS)
    assert {r["notebook"] for r in rows} == {"01_kickoff", "02_interviews"}
    assert dict(zip(people["id"], people["role"], strict=True)) == {
        r["person"]: r["role"] for r in rows
    }
    assert all(r["url"].startswith("http://127.0.0.1:8800/voila/render/0") for r in rows)
    assert all("token=" not in r["url"] and "cohort=" not in r["url"] for r in rows)
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_restart_keeps_working_links_and_renews_lost_ones(store_path, tmp_path):
    path = tmp_path / "l.csv"
    first = read_links(write_links(store_path, a_room_dashboard(store_path), NOTEBOOKS, path))
    victim = first[0]["person"]
    with path.open("w", newline="") as out:  # someone deleted a person's rows
        writer = csv.DictWriter(out, fieldnames=first[0].keys())
        writer.writeheader()
        writer.writerows(r for r in first if r["person"] != victim)
    second = read_links(write_links(store_path, a_room_dashboard(store_path), NOTEBOOKS, path))
    keys = {r["person"]: key_of(r["url"]) for r in first}
    again = {r["person"]: key_of(r["url"]) for r in second}
    assert {p: k for p, k in again.items() if p != victim} == {
        p: k for p, k in keys.items() if p != victim
    }
    assert again[victim] != keys[victim]
    with Store(store_path) as store:
        assert store.person_for_secret(keys[victim]) is None


def test_revoking_updates_that_persons_rows_only(store_path, tmp_path):
    path = write_links(store_path, a_room_dashboard(store_path), NOTEBOOKS, tmp_path / "l.csv")
    before = read_links(path)
    person = before[-1]["person"]
    message = revoke(store_path, person, path)
    after = read_links(path)
    assert person in message and str(path) in message
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert {a["person"] for a, _ in changed} == {person} and len(changed) == len(NOTEBOOKS)
    with Store(store_path) as store:
        assert store.person_for_secret(key_of(before[-1]["url"])) is None
        assert store.person_for_secret(key_of(after[-1]["url"]))[0] == person


def test_ww_links_revoke_names_the_person_and_refuses_a_stranger(store_path, capsys):
    with Store(store_path) as store:
        person = store.people()["id"].iloc[0]
    args = ["links", str(DATA / COHORT), "--store", str(store_path)]
    assert cli.main([*args, "--revoke", person]) == 0
    assert person in capsys.readouterr().out
    assert cli.main([*args, "--revoke", "niemand-bekend"]) == 1
    error = capsys.readouterr().err
    assert "niemand-bekend" in error and "Traceback" not in error


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ([], "--links FILE"),
        (["--links", str(DATA / COHORT / "links.csv")], "inside the cohort folder"),
    ],
)
def test_serving_a_cohort_needs_a_links_file_outside_its_folder(tmp_path, capsys, extra, says):
    store = tmp_path / "s.sqlite"
    assert cli.main(["dashboard", str(DATA / COHORT), "--store", str(store), *extra]) == 1
    assert says in capsys.readouterr().err


def test_serving_beyond_this_computer_needs_personal_links(capsys):
    assert cli.main(["dashboard", "--host", "0.0.0.0"]) == 1
    assert "personal links" in capsys.readouterr().err


# -- a real server --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    """Voila serving the real notebooks to the fixture cohort, with everyone's links."""
    tmp = tmp_path_factory.mktemp("room")
    store = init_cohort(DATA / COHORT, tmp / "store.sqlite")
    serving = dashboard.Serving(room=dashboard.Room(COHORT, DATA / COHORT, store))
    with open(tmp / "voila.log", "wb") as log:
        server = dashboard.start(ROOT / "notebooks", output=log, serving=serving)
        with server:
            links = read_links(write_links(store, server, NOTEBOOKS, tmp / "links.csv"))
            yield server, store, links


def get(server, path: str, headers: dict | None = None) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    body = response.read().decode("utf-8", "replace")
    connection.close()
    return response.status, body


def kernels(server) -> int:
    """How many kernels the server runs now (its child processes)."""
    return len(dashboard._children(server.process.pid))


@pytest.mark.browser
@pytest.mark.parametrize("key", [None, "onzin-" * 8, "revoked"])
def test_a_page_without_a_working_link_is_refused_in_dutch_and_starts_no_kernel(room, key):
    server, store, links = room
    if key == "revoked":
        row = links[-1]  # the last person's: the other tests use the first participant
        key = key_of(row["url"])
        with Store(store) as opened:
            opened.issue_link(row["person"])
    before = kernels(server)
    query = "?" + urllib.parse.urlencode({"key": key}) if key else ""
    status, body = get(server, f"/voila/render/01_kickoff.ipynb{query}")
    assert status == 403
    assert 'lang="nl"' in body and "Geen toegang" in body and "link" in body
    time.sleep(1)
    assert kernels(server) == before


@pytest.mark.browser
def test_the_kernel_takes_the_person_from_the_link_not_from_the_browser(room):
    """A participant's page writes as them, even when the browser claims to be someone else."""
    server, store, links = room
    mine = next(r for r in links if r["role"] == "participant" and r["notebook"] == "01_kickoff")
    other = next(r["person"] for r in links if r["person"] != mine["person"])
    text = f"Geeltje van {mine['person']} {time.time_ns()}"
    with chromium_page() as page:
        page.set_extra_http_headers({"X-WW-Person": other, "X-WW-Role": "facilitator"})
        page.goto(mine["url"], timeout=TIMEOUT_MS)
        page.wait_for_selector(".ww-note-text textarea", timeout=TIMEOUT_MS)
        page.fill(".ww-note-text textarea", text)
        page.click(".ww-note-add")
        page.wait_for_selector(".ww-status .ww-ok", timeout=TIMEOUT_MS)
    with Store(store) as opened:
        note = opened.notes().query("text == @text")
        log = opened.change_log()
    assert len(note) == 1
    assert log[log["entity_id"] == note["id"].iloc[0]]["actor"].tolist() == [mine["person"]]


@pytest.mark.browser
def test_closing_a_tab_stops_its_kernel(room):
    server, _, links = room
    before = kernels(server)
    with chromium_page() as page:
        page.goto(links[0]["url"], timeout=TIMEOUT_MS)
        page.wait_for_selector(".jupyter-widgets", timeout=TIMEOUT_MS)
        assert kernels(server) == before + 1
        page.goto("about:blank")  # the page's unload asks the server to stop its kernel
    deadline = time.monotonic() + 20
    while kernels(server) > before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert kernels(server) == before


@pytest.mark.browser
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_ww_dashboard_stopped_by_ctrl_c_or_sigterm_leaves_no_process(tmp_path, stop):
    """`ww dashboard` as a facilitator runs it: the links file appears once it serves; two
    people's pages start a kernel each; Ctrl+C (SIGINT) or SIGTERM, while both pages are still
    open, ends the command, the server and every kernel it started."""
    links = tmp_path / "links.csv"
    command = [sys.executable, "-m", "wwlib.app.cli", "dashboard", str(DATA / COHORT)]
    command += ["--links", str(links), "--store", str(tmp_path / "s.sqlite")]
    command += ["--port", str(dashboard.free_port())]
    with open(tmp_path / "ww.log", "wb") as log:
        ww = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while not links.exists() and time.monotonic() < deadline and ww.poll() is None:
            time.sleep(0.2)
        assert links.exists(), (tmp_path / "ww.log").read_text()
        with chromium() as browser:
            for row in read_links(links)[:2]:  # two people, each in a browser of their own
                page = browser.new_context().new_page()
                page.goto(row["url"], timeout=TIMEOUT_MS)
                page.wait_for_selector(".jupyter-widgets", timeout=TIMEOUT_MS)
            family = psutil.Process(ww.pid).children(recursive=True)
            assert len(family) >= 3  # the server and the two pages' kernels
            ww.send_signal(stop)
            assert ww.wait(30) == 0
    finally:
        if ww.poll() is None:
            ww.kill()
    gone, alive = psutil.wait_procs(family, timeout=10)
    assert [p for p in alive if p.status() != psutil.STATUS_ZOMBIE] == []
