"""The SQLite store (wwlib/store/): schema, pragmas, logged writes, safety and concurrency."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest

from wwlib.core.errors import NotFound, StoreError, ValidationError, WorkbookError
from wwlib.store import SCHEMA_VERSION, Store
from wwlib.store.schema import MIGRATIONS

# -- reading the file behind the store's back ---------------------------------------------


def rows(path: Path) -> dict[str, list[dict]]:
    """Every row of every table, through a connection of its own (not the store's); not the
    search index, which every write keeps up to date (tests/test_search.py)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    try:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'search_%' ORDER BY name"
            )
        ]
        return {
            t: [dict(r) for r in con.execute(f'SELECT * FROM "{t}" ORDER BY rowid')] for t in tables
        }
    finally:
        con.close()


def changes(before: dict, after: dict) -> dict[str, tuple[list, list]]:
    """Per changed table: (rows gone, rows new)."""
    out = {}
    for table in before:
        gone = [r for r in before[table] if r not in after[table]]
        new = [r for r in after[table] if r not in before[table]]
        if gone or new:
            out[table] = (gone, new)
    return out


def logged(change: tuple[list, list], actor: str, action: str, entity: str, entity_id) -> dict:
    """The one new change_log row, checked; returns its detail."""
    gone, new = change
    assert gone == [] and len(new) == 1
    (row,) = new
    assert (row["actor"], row["action"], row["entity"], row["entity_id"]) == (
        actor,
        action,
        entity,
        str(entity_id),
    )
    assert dt.datetime.fromisoformat(row["at"]).tzinfo is not None
    return json.loads(row["detail"])


@pytest.fixture
def facts(mini_store):
    """Ids of the mini cohort, taken from the store itself."""
    people = mini_store.people()
    interviews = mini_store.interviews()
    with_text = interviews[interviews["transcript"].notna()]
    without_text = interviews[interviews["transcript"].isna()]
    codings = mini_store.codings()
    votes = mini_store.votes()
    first_vote = votes.iloc[0]
    steps, tasks = mini_store.steps(), mini_store.tasks()
    with_tasks = set(zip(tasks["plan"], tasks["step"], strict=True))
    numbers = zip(steps["plan"], steps["number"], strict=True)
    empty_step = steps[[(p, n) not in with_tasks for p, n in numbers]]
    interview = with_text["participant"].iloc[0]
    return SimpleNamespace(
        path=mini_store.path,
        participant=people[people["role"] == "participant"]["id"].iloc[0],
        facilitator=people[people["role"] == "facilitator"]["id"].iloc[0],
        board=mini_store.boards()["id"].iloc[-1],
        note=mini_store.notes()["id"].iloc[0],
        interview=interview,
        text=mini_store.transcript(interview),
        no_transcript=without_text["participant"].iloc[0],
        code=mini_store.codes()["id"].iloc[0],
        coding=codings.iloc[0],
        vote_round=int(first_vote["round"]),
        voter=first_vote["voter"],
        spent=int(
            votes[
                (votes["round"] == first_vote["round"]) & (votes["voter"] == first_vote["voter"])
            ]["dots"].sum()
        ),
        plan=empty_step["plan"].iloc[0],
        step=int(empty_step["number"].iloc[0]),
        task=mini_store.tasks().iloc[0],
    )


# -- schema and opening ------------------------------------------------------------------


def test_new_store_has_the_current_schema_version(tmp_store):
    assert SCHEMA_VERSION == len(MIGRATIONS) >= 1
    assert tmp_store.schema_version == SCHEMA_VERSION
    assert tmp_store.integrity_check() == "ok"


def test_store_with_a_newer_schema_refuses_to_open(tmp_path):
    path = tmp_path / "newer.sqlite"
    Store(path, create=True).close()
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.close()

    with pytest.raises(StoreError, match="newer") as caught:
        Store(path)
    assert str(SCHEMA_VERSION + 1) in str(caught.value)
    assert "upgrade wwlib" in str(caught.value)
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
    con.close()


def test_missing_store_is_not_created_without_create(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        Store(tmp_path / "nergens.sqlite")
    assert not (tmp_path / "nergens.sqlite").exists()


def test_reopening_keeps_the_rows(mini_store):
    before = rows(mini_store.path)
    mini_store.close()
    with Store(mini_store.path) as again:
        assert again.schema_version == SCHEMA_VERSION
    assert rows(mini_store.path) == before


def test_pragmas_keep_the_store_safe(tmp_store):
    con = sqlite3.connect(tmp_store.path)  # journal_mode is a property of the file
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()
    # The others are per connection, so only the store's own connection can tell.
    own = tmp_store._con
    assert own.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert own.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert own.execute("PRAGMA busy_timeout").fetchone()[0] > 0


# -- writes: each changes exactly what it should and logs it --------------------------------


def test_add_note(mini_store, facts):
    before = rows(facts.path)
    note_id = mini_store.add_note(
        facts.board, "Één geeltje 🙂", "obstacle", facts.participant, "Regels", actor="anna"
    )
    changed = changes(before, rows(facts.path))

    assert set(changed) == {"note", "change_log"}
    assert changed["note"] == (
        [],
        [
            {
                "id": note_id,
                "board": facts.board,
                "text": "Één geeltje 🙂",
                "category": "obstacle",
                "author": facts.participant,
                "cluster": "Regels",
                "position": len(before["note"]),
            }
        ],
    )
    detail = logged(changed["change_log"], "anna", "add", "note", note_id)
    assert detail["text"] == "Één geeltje 🙂" and detail["board"] == facts.board


def test_anonymous_note_uses_the_store_actor(mini_store, facts):
    before = rows(facts.path)
    note_id = mini_store.add_note(facts.board, "Zonder naam")
    changed = changes(before, rows(facts.path))
    assert changed["note"][1][0]["author"] is None
    logged(changed["change_log"], "tester", "add", "note", note_id)


def test_add_coding_on_a_new_span(mini_store, facts):
    word = "gewoon" if "gewoon" in facts.text else facts.text.split()[1]
    start = facts.text.index(word)
    before = rows(facts.path)
    coding_id = mini_store.add_coding(
        facts.interview, start, start + len(word), facts.code, facts.facilitator, "memo", "femke"
    )
    changed = changes(before, rows(facts.path))

    assert set(changed) == {"fragment", "coding", "change_log"}
    (fragment,) = changed["fragment"][1]
    assert (fragment["interview"], fragment["start"], fragment["end"]) == (
        facts.interview,
        start,
        start + len(word),
    )
    (coding,) = changed["coding"][1]
    assert len(coding.pop("guid")) == 36, "every new coding gets a GUID for REFI-QDA exchange"
    assert changed["coding"] == (
        [],
        [
            {
                "id": coding_id,
                "fragment": fragment["id"],
                "code": facts.code,
                "coder": facts.facilitator,
                "memo": "memo",
            }
        ],
    )
    detail = logged(changed["change_log"], "femke", "add", "coding", coding_id)
    assert (detail["start"], detail["end"], detail["code"]) == (
        start,
        start + len(word),
        facts.code,
    )
    assert mini_store.transcript(facts.interview)[fragment["start"] : fragment["end"]] == word


def test_add_coding_on_an_existing_fragment_adds_no_fragment(mini_store, facts):
    c = facts.coding
    codings = mini_store.codings()
    on_fragment = set(codings[codings["fragment"] == c["fragment"]]["code"])
    other = next(k for k in mini_store.codes()["id"] if k not in on_fragment)
    before = rows(facts.path)
    coding_id = mini_store.add_coding(
        c["interview"], int(c["start"]), int(c["end"]), other, c["coder"]
    )
    changed = changes(before, rows(facts.path))

    assert set(changed) == {"coding", "change_log"}
    assert changed["coding"][1][0]["fragment"] == c["fragment"]
    logged(changed["change_log"], "tester", "add", "coding", coding_id)


@pytest.mark.parametrize("budget", [5, 2])  # 2: room for exactly these 2 dots
def test_add_vote(mini_store, facts, budget):
    round_ = mini_store.open_round(budget=budget)  # the imported round is closed
    before = rows(facts.path)
    vote_id = mini_store.add_vote(round_, facts.voter, facts.note, dots=2, actor="stemmer")
    changed = changes(before, rows(facts.path))

    assert set(changed) == {"vote", "change_log"}
    assert changed["vote"] == (
        [],
        [
            {
                "id": vote_id,
                "round": round_,
                "voter": facts.voter,
                "note": facts.note,
                "dots": 2,
            }
        ],
    )
    detail = logged(changed["change_log"], "stemmer", "add", "vote", vote_id)
    assert detail == {
        "round": round_,
        "voter": facts.voter,
        "note": facts.note,
        "dots": 2,
    }


def test_add_task(mini_store, facts):
    year = mini_store.cohort().start.year
    owners = (facts.participant, facts.facilitator)
    before = rows(facts.path)
    task_id = mini_store.add_task(
        facts.plan, facts.step, "Nieuwe taak", owners, due="week 10", note="n", actor="lead"
    )
    changed = changes(before, rows(facts.path))

    assert set(changed) == {"task", "task_owner", "change_log"}
    (task,) = changed["task"][1]
    assert task["id"] == task_id and task["title"] == "Nieuwe taak" and task["status"] == "open"
    assert (task["due_text"], task["due_kind"]) == ("week 10", "week")
    assert task["due_date"] == dt.date.fromisocalendar(year, 10, 1).isoformat()
    assert task["position"] == 0  # the first task of an empty step
    assert sorted(r["owner"] for r in changed["task_owner"][1]) == sorted(owners)
    detail = logged(changed["change_log"], "lead", "add", "task", task_id)
    assert (detail["plan"], detail["step"], detail["title"]) == (
        facts.plan,
        facts.step,
        "Nieuwe taak",
    )

    tasks = mini_store.tasks().set_index("id")
    assert tasks.loc[task_id, "plan"] == facts.plan and tasks.loc[task_id, "step"] == facts.step
    assert sorted(tasks.loc[task_id, "owners"]) == sorted(owners)


def test_set_task_status(mini_store, facts):
    task, new = facts.task, "done" if facts.task["status"] != "done" else "open"
    before = rows(facts.path)
    mini_store.set_task_status(task["id"], new, actor="lead")
    changed = changes(before, rows(facts.path))

    assert set(changed) == {"task", "change_log"}
    (old_row,), (new_row,) = changed["task"]
    assert new_row == {**old_row, "status": new}
    detail = logged(changed["change_log"], "lead", "update", "task", task["id"])
    assert detail == {"status": new, "was": task["status"]}


def test_set_interview_status(mini_store, facts):
    before = rows(facts.path)
    mini_store.set_interview_status(facts.no_transcript, "held", actor="femke")
    changed = changes(before, rows(facts.path))

    assert set(changed) == {"interview", "change_log"}
    (old_row,), (new_row,) = changed["interview"]
    assert old_row["status"] != "held" and new_row == {**old_row, "status": "held"}
    assert logged(changed["change_log"], "femke", "update", "interview", facts.no_transcript) == {
        "status": "held"
    }


# -- failing writes change nothing -----------------------------------------------------------

# fmt: off
FAILING_WRITES = [
    # (what goes wrong, the error it raises, the write given the store `s` and the facts `f`)
    ("note on unknown board", NotFound, lambda s, f: s.add_note("flap-onbekend", "tekst")),
    ("note by unknown author", NotFound, lambda s, f: s.add_note(f.board, "x", author="wie")),
    ("empty note", ValidationError, lambda s, f: s.add_note(f.board, "  ")),
    ("note category", ValidationError, lambda s, f: s.add_note(f.board, "x", category="paars")),
    ("unknown code", NotFound,
     lambda s, f: s.add_coding(f.interview, 0, 4, "onbekend", f.facilitator)),
    ("unknown coder", NotFound, lambda s, f: s.add_coding(f.interview, 0, 4, f.code, "wie")),
    ("offsets beyond the text", ValidationError,
     lambda s, f: s.add_coding(f.interview, 1, len(f.text) + 1, f.code, f.facilitator)),
    ("empty span", ValidationError,
     lambda s, f: s.add_coding(f.interview, 5, 5, f.code, f.facilitator)),
    ("no transcript", NotFound,
     lambda s, f: s.add_coding(f.no_transcript, 0, 1, f.code, f.facilitator)),
    ("same coding twice", StoreError,
     lambda s, f: s.add_coding(f.coding["interview"], int(f.coding["start"]),
                               int(f.coding["end"]), f.coding["code"], f.coding["coder"])),
    ("vote in a closed (imported) round", ValidationError,
     lambda s, f: s.add_vote(f.vote_round, f.voter, f.note, dots=1)),
    ("vote on unknown note", NotFound, lambda s, f: s.add_vote(1, f.voter, "n-onbekend")),
    ("unknown voter", NotFound, lambda s, f: s.add_vote(1, "onbekend", f.note)),
    ("zero dots", ValidationError, lambda s, f: s.add_vote(1, f.voter, f.note, dots=0)),
    ("vote by a facilitator", WorkbookError, lambda s, f: s.add_vote(1, f.facilitator, f.note)),
    ("task in unknown plan", NotFound, lambda s, f: s.add_task("plan-onbekend", 1, "x")),
    ("task in unknown step", NotFound, lambda s, f: s.add_task(f.plan, 99, "x")),
    ("unknown owner", StoreError,
     lambda s, f: s.add_task(f.plan, f.step, "x", owners=("onbekend",))),
    ("same owner twice", WorkbookError,
     lambda s, f: s.add_task(f.plan, f.step, "x", owners=(f.participant, f.participant))),
    ("bad due", ValidationError, lambda s, f: s.add_task(f.plan, f.step, "x", due="week 60")),
    ("unknown task", NotFound, lambda s, f: s.set_task_status("t-onbekend", "done")),
    ("bad task status", ValidationError, lambda s, f: s.set_task_status(f.task["id"], "klaar")),
    ("unknown interview", NotFound, lambda s, f: s.set_interview_status("onbekend", "held")),
    ("bad interview status", ValidationError,
     lambda s, f: s.set_interview_status(f.interview, "afgerond")),
]
# fmt: on


@pytest.mark.parametrize(
    "write, error", [pytest.param(write, error, id=name) for name, error, write in FAILING_WRITES]
)
def test_failing_write_changes_nothing(mini_store, facts, write, error):
    before = rows(facts.path)
    with pytest.raises(error) as caught:
        write(mini_store, facts)
    assert isinstance(caught.value, WorkbookError)
    assert rows(facts.path) == before
    # The store is still usable: the failed transaction was rolled back, not left open.
    mini_store.add_note(facts.board, "daarna")


def test_change_log_is_append_only(mini_store):
    mini_store.add_note(mini_store.boards()["id"].iloc[0], "iets")
    before = rows(mini_store.path)["change_log"]
    assert len(before) == 2  # the import and the note
    for statement in ("UPDATE change_log SET actor = 'iemand anders'", "DELETE FROM change_log"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            mini_store._con.execute(statement)
    assert rows(mini_store.path)["change_log"] == before


# -- safety ------------------------------------------------------------------------------------


def test_backup_opens_as_a_store_with_the_same_rows(mini_store, facts, tmp_path):
    mini_store.add_note(facts.board, "voor de backup")
    mini_store.add_vote(mini_store.open_round(), facts.voter, facts.note)
    copy = mini_store.backup(tmp_path / "backups" / "mini.sqlite")

    with Store(copy) as restored:
        assert restored.integrity_check() == "ok"
        assert restored.schema_version == SCHEMA_VERSION
        assert len(restored.notes()) == len(mini_store.notes())
    assert rows(copy) == rows(mini_store.path)


def test_integrity_check_of_a_loaded_store(limburg_store):
    assert limburg_store.integrity_check() == "ok"


# -- concurrency: real processes on one file -----------------------------------------------

VOTES_PER_PROCESS = 25
PROCESSES = 4  # 100 dots: the largest budget a round may have


def _cast_votes(path, index, round_, voter, note, count, start, results):
    """`count` single-dot votes in the one open round, all processes sharing the budget."""
    store = Store(path, actor=f"proces-{index}")
    start.wait()
    ids = [store.add_vote(round_, voter, note, dots=1) for _ in range(count)]
    store.close()
    results.put(ids)


def _spend_dots(path, round_, voter, note, budget, start, results):
    """Try to spend the whole budget one dot at a time; count what was accepted and refused."""
    store = Store(path, actor="race")
    start.wait()
    accepted = refused = 0
    for _ in range(budget):
        try:
            store.add_vote(round_, voter, note, dots=1)
            accepted += 1
        except ValidationError:
            refused += 1
    store.close()
    results.put((accepted, refused))


def _run_all(target, args_per_process) -> list:
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Barrier(len(args_per_process)), ctx.Queue()
    processes = [
        ctx.Process(target=target, args=(*args, start, results)) for args in args_per_process
    ]
    for p in processes:
        p.start()
    try:
        out = [results.get(timeout=60) for _ in processes]
    finally:
        for p in processes:
            p.join(timeout=10)
    assert [p.exitcode for p in processes] == [0] * len(processes)
    return out


def test_parallel_votes_are_all_kept(mini_store, facts):
    round_ = mini_store.open_round(budget=VOTES_PER_PROCESS * PROCESSES)
    before = len(mini_store.votes())
    path = str(mini_store.path)
    ids = _run_all(
        _cast_votes,
        [(path, i, round_, facts.voter, facts.note, VOTES_PER_PROCESS) for i in range(PROCESSES)],
    )

    total = PROCESSES * VOTES_PER_PROCESS
    assert len({i for batch in ids for i in batch}) == total
    votes = mini_store.votes()
    assert len(votes) == before + total
    log = mini_store.change_log()
    added = log[(log["action"] == "add") & (log["entity"] == "vote")]
    assert len(added) == total
    assert set(added["actor"]) == {f"proces-{i}" for i in range(PROCESSES)}
    assert mini_store.integrity_check() == "ok"


def test_budget_race_never_overspends(mini_store, facts):
    budget = 5
    round_ = mini_store.open_round(budget=budget)
    path = str(mini_store.path)
    outcomes = _run_all(_spend_dots, [(path, round_, facts.voter, facts.note, budget)] * PROCESSES)

    assert sum(a for a, _ in outcomes) == budget
    assert sum(r for _, r in outcomes) == budget * PROCESSES - budget
    votes = mini_store.votes()
    spent = votes[(votes["round"] == round_) & (votes["voter"] == facts.voter)]["dots"].sum()
    assert spent == budget


# -- a killed writer loses nothing it acknowledged --------------------------------------------

WRITER = textwrap.dedent(
    """
    import sys
    from wwlib.store import Store

    store = Store(sys.argv[1], actor="killed-writer")
    n = 0
    while True:
        n += 1
        note_id = store.add_note(sys.argv[2], f"geeltje {n}")
        print(note_id, flush=True)
    """
)


def test_killed_writer_loses_no_acknowledged_note(mini_store, facts):
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(mini_store.path), facts.board],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    acknowledged = []
    try:
        while len(acknowledged) < 50:
            line = child.stdout.readline()
            assert line, f"writer stopped early: {child.stderr.read()}"
            acknowledged.append(line.strip())
    finally:
        child.kill()  # SIGKILL: no cleanup, no atexit, maybe mid-transaction
        child.wait(timeout=10)
    # Ids printed before the kill but not read yet were acknowledged too.
    acknowledged += [
        line.strip()
        for line in child.stdout.read().splitlines(keepends=True)
        if line.endswith("\n")
    ]
    child.stdout.close()
    child.stderr.close()
    assert child.returncode == -9

    mini_store.close()
    with Store(mini_store.path) as after:
        assert after.integrity_check() == "ok"
        stored = set(after.notes()["id"])
    assert len(acknowledged) >= 50
    assert set(acknowledged) <= stored


def test_a_version_1_store_is_migrated_and_keeps_its_rows(tmp_path):
    import sqlite3

    from wwlib.store.core import _statements
    from wwlib.store.schema import MIGRATIONS

    path = tmp_path / "v1.sqlite"
    con = sqlite3.connect(path)
    for statement in _statements(MIGRATIONS[0]):
        con.execute(statement)
    con.execute(
        "INSERT INTO person (id, name, role, pseudonym, position) "
        "VALUES ('ann', 'Ann', 'participant', 'P01', 0)"
    )
    con.execute("PRAGMA user_version=1")
    con.commit()
    con.close()
    with Store(path) as store:
        assert store.schema_version == len(MIGRATIONS)
        people = store.people()
        assert list(people["id"]) == ["ann"]
        guid = store._con.execute("SELECT guid FROM person").fetchone()[0]
        assert len(guid) == 36 and guid[14] == "4"


def test_a_note_and_its_link_to_a_fragment_are_one_transaction(mini_store):
    board = mini_store.boards()["id"].iloc[0]
    fragment = int(mini_store.codings()["fragment"].iloc[0])
    notes, changes = len(mini_store.notes()), mini_store.change_count()
    with pytest.raises(ValidationError, match="fragment"):
        mini_store.add_note(board, "Uit een interview", fragments=(fragment, 999_999))
    assert len(mini_store.notes()) == notes and mini_store.change_count() == changes
    note = mini_store.add_note(board, "Uit een interview", fragments=(fragment,))
    linked = mini_store.note_fragments()
    assert len(linked[linked["note"] == note]) == 1
    assert mini_store.change_count() == changes + 1  # one action, one line in the log


def test_sqlite_errors_reach_callers_as_store_errors(mini_store):
    mini_store._con.execute("PRAGMA query_only = ON")  # every write now fails inside SQLite
    board = mini_store.boards()["id"].iloc[0]
    with pytest.raises(StoreError, match="not saved"):
        mini_store.add_note(board, "wordt niet bewaard")
    mini_store._con.execute("PRAGMA query_only = OFF")
    with pytest.raises(StoreError, match="could not be read"):
        mini_store._frame("SELECT * FROM no_such_table")
    assert mini_store.add_note(board, "daarna wel")  # the failed transaction was rolled back
