"""Dot voting in rounds: the store's rules, exact counts under concurrency, and the VotePanel."""

from __future__ import annotations

import multiprocessing
import queue
import threading
from dataclasses import replace

import pytest
from store_helpers import all_rows as rows
from store_helpers import wait_until

from wwlib import analysis
from wwlib.core.errors import NotFound, StoreError, ValidationError, WorkbookError
from wwlib.core.labels import Labels
from wwlib.core.pseudonym import Pseudonymiser
from wwlib.present.workbook import Workbook
from wwlib.store import Store
from wwlib.ui import VotePanel
from wwlib.ui.base import StaticView

BOARD, OTHER_BOARD = "flap-samen-werken", "flap-kick-off"
NOTE, SECOND_NOTE, OTHER_NOTE = "n-oude-regels", "n-korte-lijnen", "n-een-team"
ANNA, BRAM, CHLOE, FEMKE = "anna-jansen", "bram-de-vries", "chloe-peeters", "femke-bos"


def last_log(store) -> dict:
    return store.change_log().iloc[-1].to_dict()


def dots_of(store, round_, voter=None) -> int:
    votes = store.round_votes(round_)
    return int(votes[votes["voter"] == voter]["dots"].sum() if voter else votes["dots"].sum())


# -- rounds ------------------------------------------------------------------------------------


def test_a_round_opens_after_the_imported_one_and_is_logged(mini_store):
    assert mini_store.rounds()[["round", "status"]].values.tolist() == [[1, "closed"]]
    number = mini_store.open_round(BOARD, budget=3, anonymous=True, actor="begeleider")
    assert number == 2 and mini_store.open_round_for(BOARD) == 2
    assert mini_store.open_round_for(OTHER_BOARD) is None
    row = mini_store.rounds().set_index("round").loc[2]
    assert (row.board, row.budget, row.anonymous, row.status, row.dots, row.voters) == (
        BOARD, 3, True, "open", 0, 0,
    )  # fmt: skip
    assert row.opened_at and row.closed_at is None
    log = last_log(mini_store)
    assert (log["actor"], log["action"], log["entity"], log["entity_id"]) == (
        "begeleider", "open", "vote_round", "2",
    )  # fmt: skip
    assert log["detail"] == {"board": BOARD, "budget": 3, "anonymous": True}


@pytest.mark.parametrize(
    ("first", "second", "refused"),
    [
        (BOARD, BOARD, True),
        (None, BOARD, True),  # a round on every board covers this one
        (BOARD, None, True),
        (BOARD, OTHER_BOARD, False),
    ],
)
def test_only_one_round_is_open_per_board(mini_store, first, second, refused):
    opened = mini_store.open_round(first)
    if not refused:
        assert mini_store.open_round(second) == opened + 1
        return
    before = rows(mini_store.path)
    with pytest.raises(StoreError, match=f"round {opened} is still open on"):
        mini_store.open_round(second)
    assert rows(mini_store.path) == before


def test_closing_a_round_keeps_it_and_its_votes(mini_store):
    number = mini_store.open_round(BOARD)
    mini_store.add_vote(number, ANNA, NOTE, 2)
    mini_store.close_round(number, actor="begeleider")
    row = mini_store.rounds().set_index("round").loc[number]
    assert (row.status, row.dots, row.voters) == ("closed", 2, 1) and row.closed_at
    assert last_log(mini_store)["detail"] == {"dots": 2, "voters": 1}
    assert mini_store.open_round_for(BOARD) is None
    assert mini_store.open_round(BOARD) == number + 1  # the next round, the old one kept
    assert list(mini_store.rounds()["round"]) == [1, number, number + 1]


# fmt: off
REFUSED = [
    ("vote in a closed round", ValidationError, "round 1 is closed",
     lambda s, r: s.add_vote(1, ANNA, NOTE)),
    ("vote in an unknown round", NotFound, "round 9 is not in this cohort's store",
     lambda s, r: s.add_vote(9, ANNA, NOTE)),
    ("note on another board", ValidationError, f"a note on board '{BOARD}'",
     lambda s, r: s.add_vote(r, ANNA, OTHER_NOTE)),
    ("over the round's budget", ValidationError, "at most 3 more in round 2",
     lambda s, r: s.add_vote(r, ANNA, NOTE, dots=4)),
    ("facilitator votes", ValidationError, "femke-bos is a facilitator",
     lambda s, r: s.add_vote(r, FEMKE, NOTE)),
    ("no dots", ValidationError, "'dots' must be a whole number",
     lambda s, r: s.add_vote(r, ANNA, NOTE, dots=0)),
    ("nothing to take back", ValidationError, "there is no dot to take back",
     lambda s, r: s.take_back_dot(r, BRAM, NOTE)),
    ("take back in a closed round", ValidationError, "round 1 is closed",
     lambda s, r: s.take_back_dot(1, ANNA, SECOND_NOTE)),
    ("close a closed round", ValidationError, "round 1 is closed",
     lambda s, r: s.close_round(1)),
    ("budget of nothing", ValidationError, "'budget' must be a whole number from 1 to 100",
     lambda s, r: s.open_round(OTHER_BOARD, budget=0)),
    ("budget as text", ValidationError, "(got '5')",
     lambda s, r: s.open_round(OTHER_BOARD, budget="5")),
    ("unknown board", NotFound, "board 'flap-niet' is not in",
     lambda s, r: s.open_round("flap-niet")),
]
# fmt: on


@pytest.mark.parametrize(
    ("write", "error", "message"),
    [pytest.param(write, error, message, id=name) for name, error, message, write in REFUSED],
)
def test_a_refused_change_names_the_problem_and_changes_nothing(mini_store, write, error, message):
    number = mini_store.open_round(BOARD, budget=3)
    before = rows(mini_store.path)
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")) as caught:
        write(mini_store, number)
    assert isinstance(caught.value, WorkbookError)
    assert rows(mini_store.path) == before
    mini_store.add_vote(number, ANNA, NOTE)  # still usable: the transaction was rolled back


def test_each_round_has_its_own_budget_and_dots_stack(mini_store):
    first = mini_store.open_round(BOARD, budget=3)
    for dots in (2, 1):  # stacked on one note
        mini_store.add_vote(first, ANNA, NOTE, dots)
    with pytest.raises(ValidationError, match="at most 0 more in round 2"):
        mini_store.add_vote(first, ANNA, SECOND_NOTE)
    mini_store.add_vote(first, BRAM, NOTE, 3)  # another voter has a budget of their own
    mini_store.close_round(first)
    second = mini_store.open_round(BOARD, budget=1)
    mini_store.add_vote(second, ANNA, SECOND_NOTE)
    with pytest.raises(ValidationError, match="at most 0 more in round 3"):
        mini_store.add_vote(second, ANNA, NOTE)
    totals = analysis.vote_totals(mini_store.votes(), mini_store.notes(), round=first)
    assert totals.set_index("note").loc[NOTE, ["dots", "voters"]].tolist() == [6, 2]
    assert (dots_of(mini_store, first, ANNA), dots_of(mini_store, second, ANNA)) == (3, 1)


def test_the_rounds_own_budget_limits_a_vote(mini_store):
    number = mini_store.open_round(BOARD, budget=2)
    with pytest.raises(ValidationError, match="at most 2 more"):
        mini_store.add_vote(number, ANNA, NOTE, 3)


def test_a_round_on_every_board_takes_notes_of_any_board(mini_store):
    number = mini_store.open_round(None, budget=2)
    assert mini_store.open_round_for(BOARD) == mini_store.open_round_for(OTHER_BOARD) == number
    mini_store.add_vote(number, ANNA, NOTE)
    mini_store.add_vote(number, ANNA, OTHER_NOTE)
    assert set(mini_store.round_votes(number)["note"]) == {NOTE, OTHER_NOTE}


def test_taking_back_a_dot_lowers_the_stack_then_removes_the_vote(mini_store):
    number = mini_store.open_round(BOARD, budget=3)
    vote_id = mini_store.add_vote(number, ANNA, NOTE, 2)
    assert mini_store.take_back_dot(number, ANNA, NOTE, actor="anna") == vote_id
    assert mini_store.round_votes(number)["dots"].tolist() == [1]
    log = last_log(mini_store)
    assert (log["actor"], log["action"], log["entity_id"]) == ("anna", "take_back", str(vote_id))
    assert log["detail"] == {"round": number, "voter": ANNA, "note": NOTE, "dots": 1}
    mini_store.take_back_dot(number, ANNA, NOTE)
    assert mini_store.round_votes(number).empty
    mini_store.add_vote(number, ANNA, NOTE, 3)  # the budget is whole again


def test_anonymous_round_totals_name_nobody(mini_store):
    number = mini_store.open_round(BOARD, anonymous=True)
    mini_store.add_vote(number, ANNA, NOTE, 2)
    mini_store.add_vote(number, BRAM, NOTE, 1)
    assert set(mini_store.round_votes(number)["voter"]) == {ANNA, BRAM}  # kept for the budget
    totals = analysis.vote_totals(mini_store.votes(), mini_store.notes(), round=number)
    shown = totals.astype(str).to_numpy().ravel().tolist() + list(totals.columns)
    assert not {ANNA, BRAM, "voter"} & set(shown)
    assert totals.set_index("note").loc[NOTE, ["dots", "voters"]].tolist() == [3, 2]


# -- exact counts when many vote at once -------------------------------------------------------

BUDGET = 12
TRIES = 12  # each worker tries to spend the whole budget; two workers share each voter


def _spend(path, round_, voter, start, results):
    """Try to spend `TRIES` single dots; report how many the store accepted."""
    store = Store(path, actor=f"tab-{voter}")
    start.wait()
    accepted = 0
    for i in range(TRIES):
        try:
            store.add_vote(round_, voter, (NOTE, SECOND_NOTE)[i % 2])
            accepted += 1
        except ValidationError:
            pass
    store.close()
    results.put((voter, accepted))


def _check_exact(store, number, outcomes, voters) -> None:
    per_voter = {v: sum(a for w, a in outcomes if w == v) for v in set(voters)}
    assert per_voter == {v: BUDGET for v in set(voters)}  # never more, never less
    votes = store.round_votes(number)
    assert votes.groupby("voter")["dots"].sum().to_dict() == per_voter
    totals = analysis.vote_totals(store.votes(), store.notes(), round=number)
    assert totals["dots"].sum() == BUDGET * len(set(voters))
    log = store.change_log()
    assert ((log["action"] == "add") & (log["entity"] == "vote")).sum() == len(votes)
    assert store.integrity_check() == "ok"


def test_threads_voting_at_once_get_exact_totals(mini_store):
    number = mini_store.open_round(BOARD, budget=BUDGET)
    voters = [ANNA, ANNA, BRAM, BRAM]
    start, results = threading.Barrier(len(voters)), queue.Queue()
    threads = [
        threading.Thread(target=_spend, args=(mini_store.path, number, v, start, results))
        for v in voters
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    outcomes = [results.get_nowait() for _ in threads]
    _check_exact(mini_store, number, outcomes, voters)


def test_processes_voting_at_once_get_exact_totals(mini_store):
    number = mini_store.open_round(BOARD, budget=BUDGET)
    voters = [ANNA, ANNA, BRAM, BRAM, CHLOE, CHLOE]
    ctx = multiprocessing.get_context("spawn")
    start, queue = ctx.Barrier(len(voters)), ctx.Queue()
    processes = [
        ctx.Process(target=_spend, args=(str(mini_store.path), number, v, start, queue))
        for v in voters
    ]
    for p in processes:
        p.start()
    try:
        outcomes = [queue.get(timeout=120) for _ in processes]
    finally:
        for p in processes:
            p.join(timeout=30)
    assert [p.exitcode for p in processes] == [0] * len(processes)
    _check_exact(mini_store, number, outcomes, voters)


# -- the panel -----------------------------------------------------------------------------------


def workbook(store, lang="nl", pseudonymise=False) -> Workbook:
    return Workbook(
        store, Labels(lang), Pseudonymiser(store.people(), pseudonymise), lang, pseudonymise
    )


@pytest.fixture
def panel(mini_store):
    made = VotePanel(workbook(mini_store), BOARD, live=False)
    yield made
    made.close()


def open_round(panel, budget=3, anonymous=False):
    panel.budget_pick.value, panel.anonymous.value = budget, anonymous
    panel.open_button.click()


def vote(panel, voter, note, dots):
    panel.voter_pick.value, panel.note.value, panel.dots.value = voter, note, dots
    panel.add.click()


def row_dots(panel, note) -> int | None:
    """The dots the chart shows for a note (None when it has no bar)."""
    marker = f'data-note="{note}" data-dots="'
    html = panel.totals.value
    return int(html.split(marker)[1].split('"')[0]) if marker in html else None


def shows_error(panel, *fragments) -> bool:
    value = panel.status.value
    return "ww-error" in value and all(f in value for f in fragments)


def test_the_panel_opens_a_round_and_votes_stack(panel, mini_store):
    assert panel.add.disabled and not panel.open_button.disabled
    assert "geen open stemronde" in panel.round_info.value
    open_round(panel, budget=3)
    assert mini_store.open_round_for(BOARD) == panel.round == 2
    assert "Ronde 2 is geopend" in panel.status.value
    assert "Ronde 2 is open: 3 stippen per deelnemer" in panel.round_info.value
    assert panel.dots.options == (1, 2, 3) and panel.open_button.disabled
    vote(panel, ANNA, NOTE, 2)
    vote(panel, ANNA, NOTE, 1)
    assert dots_of(mini_store, 2, ANNA) == 3 and row_dots(panel, NOTE) == 3
    assert panel.saved == str(mini_store.round_votes(2)["id"].iloc[-1])
    assert "Anna Jansen heeft nog 0 van 3 stippen in ronde 2" in panel.remaining.value
    assert "Anna Jansen (3)" in panel.totals.value  # an open (not anonymous) round says who
    panel.take_back.click()
    assert "Eén stip teruggenomen" in panel.status.value and row_dots(panel, NOTE) == 2
    panel.close_button.click()
    assert mini_store.rounds().set_index("round").at[2, "status"] == "closed"
    assert panel.add.disabled and "Ronde 2 is gesloten" in panel.round_info.value
    assert row_dots(panel, NOTE) == 2  # the closed round's totals stay on screen


def test_an_anonymous_round_shows_totals_but_not_who(panel, mini_store):
    open_round(panel, anonymous=True)
    vote(panel, ANNA, NOTE, 2)
    vote(panel, BRAM, NOTE, 1)
    assert row_dots(panel, NOTE) == 3
    assert "Anoniem" in panel.round_info.value
    for name in ("Anna Jansen", "P02", "Wie"):
        assert name not in panel.totals.value


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("nl", "Niet opgeslagen: ronde 2 is gesloten; vraag de begeleider om een nieuwe ronde"),
        ("en", "Not saved: round 2 is closed; ask the facilitator for a new round"),
    ],
)
def test_a_vote_after_another_tab_closed_the_round_is_refused_in_words(mini_store, lang, message):
    panel = VotePanel(workbook(mini_store, lang), BOARD, live=False)
    open_round(panel)
    with Store(mini_store.path) as other_tab:
        other_tab.close_round(2)
    before = rows(mini_store.path)
    vote(panel, CHLOE, SECOND_NOTE, 2)
    assert shows_error(panel, message)
    assert rows(mini_store.path) == before
    assert (panel.voter, panel.note.value, panel.dots.value) == (CHLOE, SECOND_NOTE, 2)
    assert panel.add.disabled  # the panel now shows the round as closed


@pytest.mark.parametrize(
    ("act", "message"),
    [
        pytest.param(
            lambda p: vote(p, ANNA, NOTE, 3),
            "Anna Jansen heeft nog 2 van 3 stippen in ronde 2; kies hoogstens 2",
            id="over the budget",
        ),
        pytest.param(
            lambda p: (setattr(p.voter_pick, "value", CHLOE), p.take_back.click()),
            "Chloë Peeters heeft in ronde 2 geen stip op dit geeltje",
            id="nothing to take back",
        ),
    ],
)
def test_refusals_are_explained_and_keep_the_choices(panel, mini_store, act, message):
    open_round(panel)
    vote(panel, ANNA, NOTE, 1)
    before = rows(mini_store.path)
    act(panel)
    assert shows_error(panel, "Niet opgeslagen", message)
    assert rows(mini_store.path) == before
    assert panel.note.value == NOTE


def test_opening_a_second_round_names_the_open_one(mini_store):
    stale = VotePanel(workbook(mini_store), BOARD, live=False)
    with Store(mini_store.path) as other_tab:
        other_tab.open_round(BOARD)
    open_round(stale)
    assert shows_error(stale, "ronde 2 is nog open; sluit die eerst")
    assert list(mini_store.rounds()["round"]) == [1, 2]
    assert not stale.add.disabled  # and it now follows round 2


def test_voting_without_an_open_round_says_so(panel, mini_store):
    before = rows(mini_store.path)
    vote(panel, ANNA, NOTE, 1)  # the button is disabled; a click that gets through is refused
    assert shows_error(panel, "er is geen open stemronde op deze flap")
    assert rows(mini_store.path) == before


def test_the_panel_speaks_english_and_escapes_note_texts(mini_store):
    mini_store.add_note(BOARD, "Regels <b>& meer</b>")
    note = mini_store.notes(BOARD)["id"].iloc[-1]
    panel = VotePanel(workbook(mini_store, "en"), BOARD, live=False)
    assert (panel.open_button.description, panel.take_back.description) == (
        "Open round", "Take back a dot",
    )  # fmt: skip
    open_round(panel)
    vote(panel, ANNA, note, 1)
    assert "Regels &lt;b&gt;&amp; meer&lt;/b&gt;" in panel.totals.value
    assert "<b>&" not in panel.totals.value
    assert "Anna Jansen has 2 of 3 dots left in round 2" in panel.remaining.value


def test_live_totals_follow_votes_from_another_tab_and_stop_when_closed(mini_store):
    panel = VotePanel(workbook(mini_store), BOARD, live=False)
    with Store(mini_store.path, actor="tab 2") as other_tab:
        number = other_tab.open_round(BOARD)
        panel.start_live(seconds=0.05)
        assert panel.live and "ververst vanzelf" in panel.live_note.value
        assert wait_until(lambda: panel.round == number and not panel.add.disabled)
        other_tab.add_vote(number, BRAM, SECOND_NOTE, 4)
        assert wait_until(lambda: row_dots(panel, SECOND_NOTE) == 4)
    thread = panel._poller
    panel.close()
    thread.join(timeout=30)
    assert not thread.is_alive() and not panel.live


def test_displaying_starts_the_live_totals_and_a_newer_panel_takes_over(mini_store):
    wb = workbook(mini_store)
    older, newer = VotePanel(wb, BOARD), VotePanel(wb, BOARD)
    assert not older.live  # built but not shown: no thread
    older._repr_mimebundle_()  # what a notebook or Voila does to show it
    assert older.live
    newer._repr_mimebundle_()
    older._poller.join(timeout=30)
    assert not older.live and newer.live
    newer.close()
    assert not newer.live
    still = VotePanel(wb, BOARD, live=False)
    still._repr_mimebundle_()
    assert not still.live


def test_pseudonymised_names_in_refusals(mini_store):
    panel = VotePanel(workbook(mini_store, pseudonymise=True), BOARD, live=False)
    open_round(panel, budget=2)
    vote(panel, ANNA, NOTE, 2)
    vote(panel, ANNA, SECOND_NOTE, 1)
    assert shows_error(panel, "P01 heeft nog 0 van 2 stippen in ronde 2")
    assert "P01 (2)" in panel.totals.value
    shown = panel.status.value + panel.totals.value + panel.remaining.value
    assert "anna" not in shown.lower()


def test_the_live_totals_stop_once_with_a_message_when_the_store_is_gone(mini_store, tmp_path):
    panel = VotePanel(workbook(mini_store), BOARD, live=False)
    mini_store.path.rename(tmp_path / "elders.sqlite")
    panel.start_live(seconds=0.05)
    panel._poller.join(timeout=30)
    assert not panel.live
    assert "ververst niet meer vanzelf" in panel.live_note.value
    assert "does not exist" in panel.live_note.value


def test_a_static_run_shows_every_round_with_totals_only(mini_store):
    number = mini_store.open_round(BOARD, anonymous=True)
    mini_store.add_vote(number, ANNA, NOTE, 4)
    static = VotePanel(replace(workbook(mini_store), interactive=False), BOARD, budget=5)
    assert isinstance(static, StaticView) and static.board_id == BOARD and static.round == number
    html = static._repr_html_()
    assert "Ronde 1 (gesloten, 3 stippen per deelnemer): 6 stippen van 3 stemmers" in html
    assert "Ronde 2 (open, 5 stippen per deelnemer, anoniem): 4 stippen van 1 stemmer" in html
    assert 'data-note="n-korte-lijnen" data-dots="5"' in html
    assert 'data-note="n-oude-regels" data-dots="4"' in html
    assert "Anna" not in html and "Wie" not in html


def test_in_an_every_board_round_the_panel_counts_dots_spent_on_other_boards(mini_store):
    number = mini_store.open_round(None, budget=2)
    mini_store.add_vote(number, ANNA, OTHER_NOTE)
    panel = VotePanel(workbook(mini_store), BOARD, live=False)
    panel.voter_pick.value = ANNA
    assert "nog 1 van 2 stippen in ronde 2" in panel.remaining.value
    assert row_dots(panel, OTHER_NOTE) is None  # the chart shows this board's notes only
    vote(panel, ANNA, NOTE, 2)
    assert shows_error(panel, "Anna Jansen heeft nog 1 van 2 stippen in ronde 2")
