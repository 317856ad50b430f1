"""Panels that follow the other pages (wwlib/ui/live.py): the task list without a refresh."""

from __future__ import annotations

import threading
import time

from store_helpers import wait_until

from wwlib.core.labels import Labels
from wwlib.core.pseudonym import Pseudonymiser
from wwlib.present.workbook import Workbook
from wwlib.store import Store
from wwlib.ui import TaskPanel
from wwlib.ui.live import StoreFollower

PLAN = "samen-werken"


def workbook(store: Store, person: str = "", role: str = "facilitator") -> Workbook:
    names = Pseudonymiser(store.people(), False)
    return Workbook(store, Labels("nl"), names, "nl", False, True, person, role)


def test_the_follower_calls_back_once_per_change_on_its_own_connection(mini_store):
    seen: list[int] = []
    follower = StoreFollower(
        mini_store.path, lambda store: seen.append(store.change_count()), print, seconds=0.02
    )
    follower.start(mini_store.change_count())
    time.sleep(0.2)
    assert seen == []  # nothing changed: no call
    mini_store.add_note("flap-kick-off", "Een")
    assert wait_until(lambda: len(seen) == 1)
    assert seen == [mini_store.change_count()]
    follower.stop()
    follower._thread.join(timeout=30)
    assert not follower.running


def test_a_task_from_another_page_appears_and_its_status_follows(mini_store):
    panel = TaskPanel(workbook(mini_store, "bram-de-vries", "participant"), PLAN, live=False)
    with Store(mini_store.path, actor="anna-jansen") as other_page:
        panel.start_live(seconds=0.05)
        assert panel.live and "vanzelf" in panel.live_note.value
        title = "Ook <van> Anna & co"
        task = other_page.add_task(PLAN, 1, title, owners=("@participants",))
        assert wait_until(lambda: "Ook &lt;van&gt; Anna &amp; co" in panel.overview.value)
        assert task in {value for _, value in panel.task.options}  # Bram may update it
        other_page.set_task_status(task, "done")
        assert wait_until(lambda: panel.overview.value.count("klaar") == 1)
    thread = panel._follower._thread
    panel.close()
    thread.join(timeout=30)
    assert not thread.is_alive() and not panel.live


def test_what_is_being_typed_stays_when_the_list_changes(mini_store):
    panel = TaskPanel(workbook(mini_store), PLAN, live=False)
    panel.step.value = panel.step.options[1][1]
    panel.title.value, panel.task.value = "Half getypt", "sw-2"
    children = panel.children
    panel.start_live(seconds=0.05)
    with Store(mini_store.path, actor="tab 2") as other_page:
        other_page.add_task(PLAN, 1, "Van elders")
    assert wait_until(lambda: "Van elders" in panel.overview.value)
    assert (panel.title.value, panel.step.value, panel.task.value) == (
        "Half getypt", panel.step.options[1][1], "sw-2",
    )  # fmt: skip
    assert panel.children == children  # nothing drawn again but the list
    panel.close()


def test_displaying_starts_following_and_a_newer_panel_takes_over(mini_store):
    wb = workbook(mini_store)
    older, newer = TaskPanel(wb, PLAN), TaskPanel(wb, PLAN)
    assert not older.live  # built but not shown: no thread
    older._repr_mimebundle_()  # what a notebook or Voila does to show it
    assert older.live
    newer._repr_mimebundle_()
    older._follower._thread.join(timeout=30)
    assert not older.live and newer.live
    newer.close()
    assert not newer.live
    still = TaskPanel(wb, PLAN, live=False)
    still._repr_mimebundle_()
    assert not still.live


def test_following_stops_once_with_a_message_when_the_store_is_gone(mini_store, tmp_path):
    panel = TaskPanel(workbook(mini_store), PLAN, live=False)
    mini_store.path.rename(tmp_path / "elders.sqlite")
    panel.start_live(seconds=0.05)
    panel._follower._thread.join(timeout=30)
    assert not panel.live
    note = panel.live_note.value
    assert "niet meer vanzelf" in note and "does not exist" in note


def test_a_click_and_the_follower_redraw_one_at_a_time(mini_store):
    """The follower's thread and a click both redraw; neither sees the other's half-done work."""
    panel = TaskPanel(workbook(mini_store), PLAN, live=False)
    panel.start_live(seconds=0.01)
    statuses: list[str] = []

    def other_page() -> None:
        with Store(mini_store.path, actor="tab 2") as store:
            for n in range(20):
                store.add_task(PLAN, 2, f"Elders {n}")

    writer = threading.Thread(target=other_page)
    writer.start()
    for n in range(20):
        panel.step.value = panel.step.options[0][1]
        panel.title.value = f"Hier {n}"
        panel.add.click()
        statuses.append(panel.status.value)
    writer.join()
    assert all("ww-ok" in status for status in statuses), statuses
    assert wait_until(lambda: panel.overview.value.count("Elders ") == 20)
    assert panel.overview.value.count("Hier ") == 20
    panel.close()
