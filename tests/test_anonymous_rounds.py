"""An anonymous round, once closed, keeps its totals and forgets who voted (schema V7)."""

from __future__ import annotations

import sqlite3

import pytest

from wwlib import analysis
from wwlib.app.cli import main
from wwlib.cohorts.home import init_cohort
from wwlib.store import Store
from wwlib.store.schema import MIGRATIONS

BOARD = "flap-samen-werken"
NOTE, SECOND_NOTE = "n-oude-regels", "n-korte-lijnen"
ANNA, BRAM = "anna-jansen", "bram-de-vries"


def cast(store: Store, anonymous: bool = True) -> int:
    """A round as a live session fills it: each voter votes from their own page."""
    number = store.open_round(BOARD, budget=3, anonymous=anonymous)
    store.add_vote(number, ANNA, NOTE, 2, actor=ANNA)
    store.add_vote(number, BRAM, NOTE, 1, actor=BRAM)
    store.add_vote(number, ANNA, SECOND_NOTE, 1, actor=ANNA)
    store.add_vote(number, BRAM, SECOND_NOTE, 1, actor=BRAM)
    store.take_back_dot(number, BRAM, SECOND_NOTE, actor=BRAM)
    return number


def totals(store: Store, number: int) -> dict:
    frame = analysis.vote_totals(store.votes(), store.notes(), round=number)
    return {r.note: (r.dots, r.voters) for r in frame.itertuples() if r.dots}


def stored_bytes(path) -> bytes:
    with sqlite3.connect(path) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_closing_an_anonymous_round_forgets_who_voted_and_keeps_the_totals(mini_store):
    number = cast(mini_store)
    before = totals(mini_store, number)
    assert before == {NOTE: (3, 2), SECOND_NOTE: (1, 1)}
    mini_store.close_round(number, actor="begeleider")
    assert totals(mini_store, number) == before
    votes = mini_store.round_votes(number)
    assert votes["voter"].isna().all() and sorted(votes["dots"]) == [1, 1, 2]
    round_ = mini_store.rounds().set_index("round").loc[number]
    assert (round_.dots, round_.voters, round_.status) == (4, 2, "closed")
    lines = mini_store.change_log()
    of_votes = lines[lines["entity"] == "vote"]
    assert len(of_votes) == 5 and set(of_votes["actor"]) == {"anonymous"}
    assert all("voter" not in d and d["redacted"] == "anonymous round" for d in of_votes["detail"])
    data = stored_bytes(mini_store.path)  # free pages and the write-ahead log too
    for voter in (ANNA, BRAM):
        assert f'"voter": "{voter}"'.encode() not in data


def test_a_round_that_is_not_anonymous_keeps_its_voters(mini_store):
    number = cast(mini_store, anonymous=False)
    mini_store.close_round(number)
    assert set(mini_store.round_votes(number)["voter"]) == {ANNA, BRAM}
    assert set(mini_store.change_log().query("entity == 'vote'")["actor"]) == {ANNA, BRAM}


def test_the_change_log_may_be_redacted_but_not_rewritten(mini_store):
    with sqlite3.connect(mini_store.path) as con:
        with pytest.raises(sqlite3.IntegrityError, match="may only be redacted"):
            con.execute("UPDATE change_log SET detail = '{}' WHERE id = 1")
        with pytest.raises(sqlite3.IntegrityError, match="may only be redacted"):
            con.execute("""UPDATE change_log SET action = 'x', detail = '{"redacted": 1}'""")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            con.execute("DELETE FROM change_log")


def test_a_closed_anonymous_round_goes_through_the_folder_and_back(
    make_cohort, tmp_path, monkeypatch
):
    folder = make_cohort()
    path = init_cohort(folder)
    with Store(path) as store:
        number = cast(store)
        store.close_round(number)
        before = totals(store, number)
    assert main(["save", str(folder)]) == 0
    votes = (folder / "votes.csv").read_text(encoding="utf-8").splitlines()
    assert [v for v in votes if v.startswith(f"{number},")] == [
        f"{number},,{SECOND_NOTE},1",
        f"{number},,{NOTE},2",
        f"{number},,{NOTE},1",
    ]
    rounds = (folder / "rounds.csv").read_text(encoding="utf-8").splitlines()
    assert rounds[0].endswith(",voters") and rounds[number].startswith(
        f"{number},{BOARD},3,ja,closed,"
    )
    assert rounds[number].endswith(",2")
    assert main(["check", str(folder)]) == 0
    monkeypatch.setenv("WW_HOME", str(tmp_path / "elsewhere"))
    with Store(init_cohort(folder)) as copy:
        assert totals(copy, number) == before
        assert copy.rounds().set_index("round").loc[number, "voters"] == 2


def test_a_round_that_comes_in_closed_forgets_its_voters_on_load(make_cohort, tmp_path):
    rounds = "round,board,budget,anonymous,status\n1,flap-samen-werken,5,ja,closed\n"
    folder = make_cohort(**{"rounds.csv": rounds})
    with Store(init_cohort(folder)) as store:
        votes = store.round_votes(1)
        assert len(votes) and votes["voter"].isna().all()
        assert store.rounds()["voters"].iloc[0] > 0


def test_a_store_made_before_forgets_the_voters_of_its_closed_anonymous_rounds(tmp_path):
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as con:
        for script in MIGRATIONS[:6]:
            con.executescript(script)
        con.executescript(
            f"""
            PRAGMA user_version = 6;
            INSERT INTO person (id, name, role, pseudonym, position) VALUES
                ('{ANNA}', 'Anna Jansen', 'participant', 'P01', 0),
                ('{BRAM}', 'Bram de Vries', 'participant', 'P02', 1);
            INSERT INTO board (id, title, kind, position) VALUES ('{BOARD}', 'Flap', 'other', 0);
            INSERT INTO note (id, board, text, category, position)
                VALUES ('{NOTE}', '{BOARD}', 'Een idee', 'other', 0);
            INSERT INTO vote_round (round, board, budget, anonymous, status)
                VALUES (1, '{BOARD}', 3, 1, 'closed');
            INSERT INTO vote (round, voter, note, dots) VALUES
                (1, '{ANNA}', '{NOTE}', 2), (1, '{BRAM}', '{NOTE}', 1), (1, '{ANNA}', '{NOTE}', 1);
            INSERT INTO change_log (at, actor, action, entity, entity_id, detail) VALUES
                ('2026-10-15', '{ANNA}', 'add', 'vote', '1', '{{"round": 1, "voter": "{ANNA}"}}');
            """
        )
    with Store(path) as store:
        assert sorted(store.round_votes(1)["dots"]) == [1, 3]  # Anna's two votes are one row
        assert store.round_votes(1)["voter"].isna().all()
        assert store.rounds()["voters"].tolist() == [2]
        line = store.change_log().iloc[0]
        assert (line["actor"], line["detail"]) == (
            "anonymous",
            {"round": 1, "redacted": "anonymous round"},
        )
