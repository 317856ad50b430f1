"""The live board and the room, driven in-process on a real store: each page acts as its person.

A page served by a personal link has a `Workbook` with the person and role the server knew from
the link. These tests build such workbooks (each on its own connection, as each page is its own
kernel), click as the browser would (`BoardCards` messages, buttons) and read the store.
"""

from __future__ import annotations

import re
import time

import pandas as pd
import pytest

from wwlib.core.labels import Labels
from wwlib.core.pseudonym import Pseudonymiser
from wwlib.present.workbook import Workbook
from wwlib.store import Store
from wwlib.ui import NoteBoard, ThemeBoards, VotePanel
from wwlib.ui.board import STATIC

BOARD = "flap-samen-werken"  # notes: n-korte-lijnen (by Anna), n-oude-regels (anonymous)
NOTE, ANONYMOUS_NOTE = "n-korte-lijnen", "n-oude-regels"
ANNA, BRAM, CHLOE, FEMKE = "anna-jansen", "bram-de-vries", "chloe-peeters", "femke-bos"
CHOOSERS = {"ww-note-author", "ww-vote-voter"}
FACILITATOR_ONLY = {
    "ww-vote-open", "ww-vote-close", "ww-vote-budget", "ww-vote-anonymous", "ww-vote-timer",
    "ww-vote-not-voted", "ww-board-lock", "ww-board-private", "ww-board-timer", "ww-note-move",
    "ww-cluster-rename", "ww-note-cluster", "ww-theme-boards-make",
}  # fmt: skip


@pytest.fixture
def page(mini_store):
    """Make the workbook of a page: `page(person, role)`; `page()` is a notebook's."""
    stores = []

    def make(person: str = "", role: str = "facilitator", lang: str = "nl") -> Workbook:
        store = Store(mini_store.path, actor=person or "notebook")
        stores.append(store)
        names = Pseudonymiser(store.people(), False)
        return Workbook(store, Labels(lang), names, lang, False, True, person, role)

    yield make
    for store in stores:
        store.close()


def classes(widget) -> set[str]:
    """The CSS classes of a widget and everything inside it (what its page can show)."""
    found = set(getattr(widget, "_dom_classes", ()))
    for child in getattr(widget, "children", ()):
        found |= classes(child)
    return found


def click(board: NoteBoard, note: str, kind: str = "card", **forged) -> None:
    """What the browser sends when a card (or its take-back button) is clicked; `forged` adds
    what a hand-made message might claim."""
    board.board._handle_custom_msg({"kind": kind, "note": note, **forged}, [])


def cards(board: NoteBoard) -> dict[str, dict]:
    """The cards the kernel handed the browser, by note id."""
    return {n["id"]: n for c in board.board.view["clusters"] for n in c["notes"]}


def votes_of(store: Store, round_: int) -> dict[str, int]:
    return store.round_votes(round_).groupby("voter")["dots"].sum().to_dict()


def actors(store: Store, entity: str, action: str = "add") -> list[str]:
    log = store.change_log()
    return log[(log["entity"] == entity) & (log["action"] == action)]["actor"].tolist()


# -- who a page acts as ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("person", "role", "shown", "absent"),
    [
        (ANNA, "participant", set(), CHOOSERS | FACILITATOR_ONLY),
        ("iris", "support", set(), CHOOSERS | FACILITATOR_ONLY),
        (FEMKE, "facilitator", FACILITATOR_ONLY, CHOOSERS),
        ("", "facilitator", CHOOSERS | FACILITATOR_ONLY, set()),  # a notebook: every control
    ],
)
def test_a_page_shows_the_controls_of_its_role_and_no_chooser_of_whom_one_is(
    page, person, role, shown, absent
):
    wb = page(person, role)
    panels = [NoteBoard(wb, BOARD, live=False), VotePanel(wb, BOARD, live=False), ThemeBoards(wb)]
    found = set().union(*map(classes, panels))
    assert {"ww-note-text", "ww-note-add", "ww-note-board", "ww-status"} <= found
    assert shown <= found and not absent & found


def test_a_participants_note_and_dots_are_theirs(page, mini_store):
    number = mini_store.open_round(BOARD, budget=3)
    anna = NoteBoard(page(ANNA, "participant"), BOARD, live=False)
    anna.text.value = "Samen lunchen op vrijdag"
    anna.add.click()
    stored = mini_store.notes(BOARD).set_index("id").loc[anna.saved]
    assert (stored.text, stored.author) == ("Samen lunchen op vrijdag", ANNA)
    click(anna, anna.saved)
    click(anna, NOTE)
    assert votes_of(mini_store, number) == {ANNA: 2}
    assert actors(mini_store, "note")[-1] == ANNA and actors(mini_store, "vote")[-2:] == [ANNA] * 2
    assert (cards(anna)[NOTE]["dots"], cards(anna)[NOTE]["mine"]) == (1, 1)
    assert anna.board.view["left"] == "Je hebt nog 1 van 3 stippen in ronde 2."
    assert "Stip gezet" in anna.status.value


def test_a_note_written_in_an_anonymous_round_has_no_author(page, mini_store):
    mini_store.open_round(BOARD, anonymous=True)
    anna = NoteBoard(page(ANNA, "participant"), BOARD, live=False)
    anna.text.value = "Niemand hoeft te weten van wie dit is"
    anna.add.click()
    assert pd.isna(mini_store.notes(BOARD).set_index("id").at[anna.saved, "author"])
    assert cards(anna)[anna.saved]["meta"].endswith("anoniem")


def test_forged_messages_and_traits_cannot_spend_anothers_dots(page, mini_store):
    """A malicious front end claims to be Bram: in a message, in the panel's voter trait and by
    setting the card widget's synced state. Anna's page still votes as Anna."""
    number = mini_store.open_round(BOARD, budget=2)
    wb = page(ANNA, "participant")
    anna, panel = NoteBoard(wb, BOARD, live=False), VotePanel(wb, BOARD, live=False)
    panel.voter = BRAM
    anna.board.set_state({"view": {"board": BOARD, "voting": True, "left": "hacked"}})
    click(anna, NOTE, voter=BRAM, person=BRAM, role="facilitator")
    click(anna, NOTE, kind="take_back", voter=BRAM)
    click(anna, NOTE, voter=BRAM)
    click(anna, NOTE, kind="vote_as", voter=BRAM)  # no such kind: ignored
    click(anna, "x" * 500)  # no such note: ignored before the store
    assert votes_of(mini_store, number) == {ANNA: 1}
    assert BRAM not in actors(mini_store, "vote") + actors(mini_store, "vote", "take_back")
    assert "Je hebt nog 1 van 2 stippen" in panel.remaining.value + anna.board.view["left"]


@pytest.mark.parametrize("handler", ["_on_open", "_on_close", "_on_timer"])
def test_a_participant_page_opens_closes_and_times_no_round(page, mini_store, handler):
    """The round's handlers ask the page's role first: a forged click reaching them stops."""
    mini_store.open_round(BOARD)
    before = mini_store.change_count()
    panel = VotePanel(page(BRAM, "participant"), BOARD, live=False)
    getattr(panel, handler)(None)
    assert mini_store.change_count() == before
    assert "ww-error" in panel.status.value and "facilitator" in panel.status.value


def test_a_participant_page_makes_no_theme_board(page, mini_store):
    mini_store.add_code("ruimte", "theme", "Ruimte geven")
    mini_store.set_shortlist(["samen-werken", "ruimte"])  # the second has no board yet
    themes = ThemeBoards(page(ANNA, "participant"))
    assert themes.make not in themes.children
    themes.make.click()  # a forged click on the button the page does not show
    assert "ruimte" not in set(mini_store.theme_boards()["theme"])
    assert "facilitator" in themes.status.value


def test_support_and_facilitators_put_no_dots_by_clicking(page, mini_store):
    number = mini_store.open_round(BOARD)
    support = NoteBoard(page(CHLOE, "support"), BOARD, live=False)
    click(support, NOTE)
    assert "Alleen deelnemers zetten stippen" in support.status.value
    femke = NoteBoard(page(FEMKE, "facilitator"), BOARD, live=False)
    click(femke, NOTE)
    assert (
        femke.controls.chosen == NOTE and cards(femke)[NOTE] and votes_of(mini_store, number) == {}
    )
    assert femke.board.view["selected"] == NOTE


def test_clicking_past_the_budget_is_refused_in_words_and_a_dot_comes_back(page, mini_store):
    number = mini_store.open_round(BOARD, budget=2)
    anna = NoteBoard(page(ANNA, "participant"), BOARD, live=False)
    answered = anna.board.view["answered"]
    for _ in range(3):
        click(anna, NOTE)
    assert votes_of(mini_store, number) == {ANNA: 2}
    assert "Niet opgeslagen: je hebt nog 0 van 2 stippen in ronde 2" in anna.status.value
    assert anna.board.view["answered"] == answered + 3  # every click answered, the refused too
    click(anna, NOTE, kind="take_back")
    assert votes_of(mini_store, number) == {ANNA: 1} and cards(anna)[NOTE]["mine"] == 1
    click(anna, ANONYMOUS_NOTE, kind="take_back")
    assert "je hebt in ronde 2 geen stip op dit geeltje" in anna.status.value


def test_a_click_without_an_open_round_says_so(page, mini_store):
    anna = NoteBoard(page(ANNA, "participant", "en"), BOARD, live=False)
    click(anna, NOTE)
    assert "there is no open voting round on this board" in anna.status.value
    assert mini_store.votes()["round"].max() == 1


# -- the facilitator's room ----------------------------------------------------------------------


def test_private_mode_hides_others_notes_from_participants_until_revealed(page, mini_store):
    mini_store.open_round(BOARD, anonymous=True)
    anna = NoteBoard(page(ANNA, "participant"), BOARD, live=False)
    anna.text.value = "Anoniem maar van mij"
    anna.add.click()
    femke = NoteBoard(page(FEMKE, "facilitator"), BOARD, live=False)
    femke.controls.private.click()  # hide
    assert mini_store.board_state(BOARD)["private"]
    bram_wb = page(BRAM, "participant")
    bram, bram_votes = NoteBoard(bram_wb, BOARD, live=False), VotePanel(bram_wb, BOARD, live=False)
    anna.refresh()
    femke.refresh()
    assert set(cards(anna)) == {NOTE, anna.saved}  # hers: by author, and the anonymous one
    assert set(cards(bram)) == set()
    assert "3 geeltjes van anderen zijn nog verborgen." in bram.board.view["notices"]
    assert set(cards(femke)) == {NOTE, ANONYMOUS_NOTE, anna.saved}
    mini_store.add_vote(2, ANNA, NOTE)
    bram_votes.refresh()
    assert "Korte lijnen" not in bram_votes.totals.value  # the chart hides them too
    femke.controls.private.click()  # reveal all at once
    bram.refresh()
    assert set(cards(bram)) == {NOTE, ANONYMOUS_NOTE, anna.saved}


def test_a_locked_board_refuses_notes_and_moves_and_says_so(page, mini_store):
    femke = NoteBoard(page(FEMKE, "facilitator"), BOARD, live=False)
    femke.controls.lock.click()
    assert femke.controls.lock.description == "Flap ontgrendelen"
    anna = NoteBoard(page(ANNA, "participant"), BOARD, live=False)
    assert any("vergrendeld" in n for n in anna.board.view["notices"])
    before = mini_store.change_count()
    anna.text.value = "Te laat"
    anna.add.click()
    assert "de flap is vergrendeld" in anna.status.value and anna.text.value == "Te laat"
    click(femke, NOTE)
    femke.controls.move_to.value = "Elders"
    femke.controls.move.click()
    assert mini_store.change_count() == before and "locked" in femke.status.value
    femke.controls.lock.click()
    anna.add.click()
    assert mini_store.notes(BOARD).set_index("id").at[anna.saved, "text"] == "Te laat"


def test_the_facilitator_moves_a_chosen_note_and_names_clusters(page, mini_store):
    femke = NoteBoard(page(FEMKE, "facilitator"), BOARD, live=False)
    femke.controls.move.click()
    assert "klik eerst op een geeltje" in femke.status.value
    click(femke, ANONYMOUS_NOTE)
    assert "Oude regels schrappen" in femke.controls.chosen_note.value
    femke.controls.move_to.value = "Contact"  # an existing cluster
    femke.controls.move.click()
    clusters = {c["name"]: [n["id"] for n in c["notes"]] for c in femke.board.view["clusters"]}
    assert clusters == {"Contact": [NOTE, ANONYMOUS_NOTE]}
    femke.controls.cluster_pick.value = "Contact"
    femke.controls.new_name.value = "  Korte   lijnen "
    femke.controls.rename.click()
    assert set(mini_store.notes(BOARD)["cluster"]) == {"Korte lijnen"}
    assert list(femke.controls.move_to.options) == ["Korte lijnen"]
    log = mini_store.change_log()
    assert log.iloc[-1][["actor", "action", "entity"]].tolist() == [FEMKE, "rename", "cluster"]
    assert actors(mini_store, "note", "move") == [FEMKE]


def test_a_countdown_shows_on_every_board_and_closes_its_round(page, mini_store):
    femke_wb = page(FEMKE, "facilitator")
    panel = VotePanel(femke_wb, BOARD, live=False)
    panel.budget_pick.value = 2
    panel.open_button.click()
    panel.minutes.value, panel.close_at_end.value = 3, True
    panel.timer_button.click()
    row = mini_store.rounds().set_index("round").loc[2]
    assert row.close_at_end and row.ends_at and "De timer loopt: 3 minuten." in panel.status.value
    assert "de ronde sluit vanzelf" in panel.round_info.value
    assert "Nog niet gestemd: Anna Jansen, P02, Chloë Peeters" in panel.not_voted.value
    anna = NoteBoard(page(ANNA, "participant"), BOARD, live=False)
    timer = anna.board.view["timer"]
    assert timer["label"] == "De stemronde sluit over" and 170_000 < timer["ends"] - timer["now"]
    mini_store.start_timebox(1, round=2, close_at_end=True)  # the last second of it
    anna.start_live(seconds=0.05)  # a participant's page: its poll closes the round on time
    deadline = time.monotonic() + 10
    while mini_store.open_round_for(BOARD) and time.monotonic() < deadline:
        time.sleep(0.05)
    anna.close()
    assert mini_store.rounds().set_index("round").at[2, "status"] == "closed"
    assert actors(mini_store, "vote_round", "close") == ["timer"]


def test_the_board_follows_other_pages_by_itself_and_stops_when_closed(page, mini_store):
    anna = NoteBoard(page(ANNA, "participant"), BOARD, live=False)
    anna.start_live(seconds=0.05)
    with Store(mini_store.path, actor=BRAM) as bram:
        note = bram.add_note(BOARD, "Live erbij gezet", author=BRAM)
        deadline = time.monotonic() + 10
        while note not in cards(anna) and time.monotonic() < deadline:
            time.sleep(0.02)
    assert cards(anna)[note]["text"] == "Live erbij gezet"
    assert anna.live
    anna.close()
    assert not anna.live


def test_theme_boards_follow_the_other_pages_once_displayed(page, mini_store):
    themes = ThemeBoards(page(ANNA, "participant"))
    assert themes.boards and not any(b.live for b in themes.boards)
    themes._repr_mimebundle_()  # what a notebook or Voila does to show it
    assert all(b.live for b in themes.boards)
    themes.close()
    assert not any(b.live for b in themes.boards)


@pytest.mark.parametrize(
    ("lang", "hint"),
    [
        ("nl", "Klik op een geeltje om er een stip op te zetten"),
        ("en", "Click a note to put a dot"),
    ],
)
def test_the_board_speaks_the_pages_language(page, mini_store, lang, hint):
    mini_store.open_round(BOARD)
    anna = NoteBoard(page(ANNA, "participant", lang), BOARD, live=False)
    assert anna.board.view["hint"].startswith(hint)


def test_the_board_script_builds_text_nodes_and_loads_nothing():
    """User text reaches the page through textContent only, and nothing comes from the network
    (the server's Content-Security-Policy forbids it anyway)."""
    script = (STATIC / "board.js").read_text(encoding="utf-8")
    assert "textContent" in script
    for unsafe in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert unsafe not in script
    assert not re.search(r"https?://|\bimport\s|\bfetch\(|XMLHttpRequest", script)
    assert "http" not in (STATIC / "board.css").read_text(encoding="utf-8")
