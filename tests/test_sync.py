"""Folder and store as one truth: `ww save`, `ww update`, `ww init --replace`, round trips."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from wwlib.app.cli import main
from wwlib.cohorts.home import default_store_path, init_cohort
from wwlib.core.errors import NotFound
from wwlib.exchange import import_transcripts
from wwlib.qdpx.write import project_files
from wwlib.store import Store

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "fixtures" / "mini"
TRANSCRIPTS = ROOT / "tests" / "fixtures" / "transcripts"
LINDEVEEN = ROOT / "data" / "lindeveen-2026"

# Rows compared between two stores, by natural key or GUID (row ids are the store's own).
CONTENT = {
    "cohort": "SELECT * FROM cohort",
    "person": "SELECT * FROM person",
    "session": "SELECT * FROM session",
    "code": "SELECT * FROM code",
    "interview": "SELECT * FROM interview",
    "transcript": "SELECT interview, text, guid FROM transcript",
    "turn": "SELECT * FROM turn",
    "fragment": 'SELECT interview, start, "end", guid FROM fragment',
    "coding": 'SELECT f.interview, f.start, f."end", c.code, c.coder, c.memo, c.guid '
    "FROM coding c JOIN fragment f ON f.id = c.fragment",
    "memo": "SELECT m.target, CASE m.target WHEN 'fragment' THEN "
    "(SELECT interview || ':' || start || '-' || \"end\" FROM fragment WHERE id = m.target_id) "
    "ELSE m.target_id END, m.author, m.text, m.created_at, m.guid FROM memo m",
    "board": "SELECT * FROM board",
    "note": "SELECT * FROM note",
    "note_fragment": 'SELECT nf.note, f.interview, f.start, f."end" FROM note_fragment nf '
    "JOIN fragment f ON f.id = nf.fragment",
    "vote": "SELECT round, voter, note, sum(dots) FROM vote GROUP BY round, voter, note",
    "vote_round": "SELECT * FROM vote_round",
    "plan": "SELECT * FROM plan",
    "step": "SELECT plan, position, title, description, feedback FROM step",
    "task": "SELECT s.plan, s.position, t.id, t.position, t.title, t.owner_note, t.due_text, "
    "t.due_kind, t.due_date, t.status, t.note FROM task t JOIN step s ON s.id = t.step",
    "task_owner": "SELECT * FROM task_owner",
    "plan_obstacle": "SELECT * FROM plan_obstacle",
    "plan_factor": "SELECT * FROM plan_factor",
    "shortlist": "SELECT * FROM shortlist",
    "focus_group": "SELECT * FROM focus_group",
    "focus_group_member": "SELECT * FROM focus_group_member",
    "focus_group_theme": "SELECT * FROM focus_group_theme",
}


def content(path: Path) -> dict[str, list[tuple]]:
    """Every content row of a store, sorted, row ids left out."""
    con = sqlite3.connect(path)
    try:
        return {
            name: sorted(con.execute(sql).fetchall(), key=repr) for name, sql in CONTENT.items()
        }
    finally:
        con.close()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture
def week(tmp_path) -> tuple[Path, Path]:
    """The mini cohort after a day of work: everything below lives only in its store."""
    folder = tmp_path / "mini"
    shutil.copytree(MINI, folder)
    store_path = init_cohort(folder)
    import_transcripts(folder, [TRANSCRIPTS / "teams-graph-p03.vtt"])  # speakers with times
    with Store(store_path, actor="test") as store:
        store.set_speaker("chloe-peeters", "Femke Bos", None)  # a correction by hand
        store.add_coding("chloe-peeters", 10, 40, "korte-lijnen", "femke-bos", memo="sterk")
        fragment = int(store.codings()["fragment"].iloc[-1])
        store.add_memo("fragment", fragment, "Komt vaker terug.", author="femke-bos")
        store.add_memo("cohort", store.cohort().id, "Dag 2 afgerond.")
        board = store.boards()["id"].iloc[0]
        note = store.add_note(board, "Nieuw idee van dinsdag", "idea_or_need", "anna-jansen")
        store.link_fragments(note, [fragment])
        round_ = store.open_round(board, budget=3, anonymous=True)
        store.add_vote(round_, "anna-jansen", note, dots=2)
        plan = store.plans()["id"].iloc[0]
        store.add_task(plan, 1, "Terugkoppelen", ("anna-jansen",), due="week 12")
    return folder, store_path


def test_save_then_init_elsewhere_gives_the_same_store(week, tmp_path, monkeypatch):
    folder, store_path = week
    assert main(["save", str(folder)]) == 0
    assert main(["check", str(folder)]) == 0
    monkeypatch.setenv("WW_HOME", str(tmp_path / "elsewhere"))
    copy = init_cohort(folder)
    assert copy != store_path
    before, after = content(store_path), content(copy)
    for table in CONTENT:
        assert after[table] == before[table], table
    chloe = [t for t in before["turn"] if t[0] == "chloe-peeters"]
    assert chloe and all(t[6] is not None for t in chloe)  # times from the .vtt
    assert any(t[2] == "Femke Bos" and t[3] is None for t in chloe)  # the correction by hand
    assert len(before["memo"]) == 2 and ("chloe-peeters", 10, 40) in [
        n[1:] for n in before["note_fragment"]
    ]
    with Store(store_path) as a, Store(copy) as b:
        first, second = project_files(a.exchange_content()), project_files(b.exchange_content())
    assert second.sources == first.sources
    assert _without_dates(second.qde) == _without_dates(first.qde)


def _without_dates(qde: bytes) -> bytes:
    import re

    return re.sub(rb'(creationDateTime|modifiedDateTime)="[^"]*"', b"", qde)


def test_save_is_deterministic_and_idempotent(week, tmp_path, capsys):
    folder, store_path = week
    assert main(["save", str(folder)]) == 0
    first = folder_bytes(folder)
    assert main(["save", str(folder)]) == 0
    assert "hold the same" in capsys.readouterr().out
    assert folder_bytes(folder) == first
    with Store(store_path) as store:
        from wwlib.folder.write import write_cohort_folder

        one, two = (write_cohort_folder(store, tmp_path / name) for name in ("one", "two"))
    assert folder_bytes(one) == folder_bytes(two)  # the same store, the same bytes
    assert folder_bytes(one)["notes.csv"] == first["notes.csv"]
    assert "rounds.csv" in first and b",ja," in first["rounds.csv"]  # the anonymous round


def test_update_brings_folder_edits_in_and_keeps_what_only_the_store_holds(week, capsys):
    folder, store_path = week
    people = folder / "people.csv"
    people.write_text(
        people.read_text(encoding="utf-8").replace("Anna Jansen", "Anna Jansen-Smit")
        + "dirk-mol,Dirk Mol,participant,Gemeente Ooststad,Ooststad,,P09,nee,nee,\n",
        encoding="utf-8",
    )
    assert main(["update", str(folder)]) == 0
    said = capsys.readouterr().out
    assert "1 person added" in said and "1 person changed" in said
    with Store(store_path) as store:
        names = dict(zip(store.people()["id"], store.people()["name"], strict=True))
        assert names["anna-jansen"] == "Anna Jansen-Smit" and names["dirk-mol"] == "Dirk Mol"
        assert "Nieuw idee van dinsdag" in set(store.notes()["text"])  # only the store had it
        assert store.transcript("chloe-peeters")
        assert len(store.change_log()) > 5  # the audit trail is kept
    assert "Nieuw idee van dinsdag" in (folder / "notes.csv").read_text(encoding="utf-8")


def test_a_row_changed_on_both_sides_is_a_conflict_and_nothing_changes(week, capsys):
    folder, store_path = week
    assert main(["save", str(folder)]) == 0
    with Store(store_path) as store:
        store.set_task_status(store.tasks()["id"].iloc[0], "done")
        before = content(store_path)
    plans = folder / "plans.yaml"
    plans.write_text(
        plans.read_text(encoding="utf-8").replace("status: open", "status: cancelled", 1),
        encoding="utf-8",
    )
    files = folder_bytes(folder)
    capsys.readouterr()
    assert main(["update", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "plans.yaml" in err and "Traceback" not in err
    assert content(store_path) == before
    assert folder_bytes(folder) == files


def test_save_refuses_to_overwrite_folder_edits_not_brought_in(week, capsys):
    folder, _ = week
    assert main(["save", str(folder)]) == 0
    programme = folder / "programme.csv"
    programme.write_text(
        programme.read_text(encoding="utf-8").replace("09:00", "09:30", 1), encoding="utf-8"
    )
    files = folder_bytes(folder)
    assert main(["save", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "programme.csv" in err and "ww update" in err
    assert folder_bytes(folder) == files


def test_replace_refuses_listing_what_would_be_lost_and_leaves_the_store_as_it_was(week, capsys):
    folder, store_path = week
    digest = sha(store_path)
    assert main(["init", str(folder), "--replace"]) == 1
    err = capsys.readouterr().err
    for lost in ("1 transcript", "1 coding", "1 note", "1 vote", "1 task", "ww save"):
        assert lost in err, lost
    assert sha(store_path) == digest
    assert not list(store_path.parent.glob("*.backup-*"))
    assert main(["save", str(folder)]) == 0
    assert main(["init", str(folder), "--replace"]) == 0  # nothing is lost any more
    assert len(list(store_path.parent.glob("*.backup-*"))) == 1
    with Store(store_path) as store:
        assert "Nieuw idee van dinsdag" in set(store.notes()["text"])


def test_discard_unsaved_is_the_explicit_way_through(week, capsys):
    folder, store_path = week
    assert main(["init", str(folder), "--replace", "--discard-unsaved"]) == 0
    with Store(store_path) as store:
        assert "Nieuw idee van dinsdag" not in set(store.notes()["text"])
        assert any(store.change_log()["action"] == "replace")
    backup = next(store_path.parent.glob("*.backup-*"))
    with Store(backup) as kept:
        assert "Nieuw idee van dinsdag" in set(kept.notes()["text"])


def test_save_and_update_need_a_store(tmp_path, capsys):
    folder = tmp_path / "lindeveen"
    shutil.copytree(LINDEVEEN, folder)
    assert main(["save", str(folder)]) == 1
    assert "ww init" in capsys.readouterr().err
    assert not default_store_path("lindeveen-2026").exists()


def test_a_broken_turns_file_is_named_with_its_line(week):
    folder, _ = week
    assert main(["save", str(folder)]) == 0
    turns = folder / "turns.csv"
    lines = turns.read_text(encoding="utf-8").splitlines()
    turns.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")  # a turn fewer
    from wwlib.folder.dataset import check_dataset

    problems = [str(p) for p in check_dataset(folder)]
    assert any("turns.csv" in p and "chloe-peeters" in p for p in problems), problems


def test_a_new_folder_keeps_its_guidance_until_its_rows_change(tmp_path, capsys):
    from wwlib.folder.scaffold import new_cohort

    folder = new_cohort(tmp_path / "heideveld", "Wij-Werken Week Heideveld", ["Heideveld"],
                        "2027-03-08")  # fmt: skip
    init_cohort(folder)
    scaffold = folder_bytes(folder)
    people = folder / "people.csv"
    people.write_text(
        people.read_text(encoding="utf-8")
        + "sanne-vos,Sanne Vos,participant,,,,P01,ja,ja,ja,2027-03-01,\n",
        encoding="utf-8",
    )
    assert main(["update", str(folder)]) == 0
    assert "1 person added" in capsys.readouterr().out
    after = folder_bytes(folder)
    for name in ("cohort.yaml", "codebook.csv", "programme.csv", "boards.csv", "README.md"):
        assert after[name] == scaffold[name], name  # same rows: left as written, comments too
    assert after["people.csv"] == people.read_bytes() and b"# " in after["people.csv"]
    assert not {"votes.csv", "notes.csv", "plans.yaml", "memos.csv"} & set(after)
    with Store(default_store_path("heideveld")) as store:
        store.set_prioritised_themes([])  # a cohort field changed in the store
        store._con.execute("UPDATE cohort SET research_question = 'Wat houden we vast?'")
    assert main(["save", str(folder)]) == 0
    cohort = (folder / "cohort.yaml").read_text(encoding="utf-8")
    assert "research_question: Wat houden we vast?" in cohort
    assert cohort.count("\n#") >= 10  # the guidance comments are still there
    assert main(["check", str(folder)]) == 0
    assert main(["save", str(folder)]) == 0
    assert "hold the same" in capsys.readouterr().out


def test_an_edit_that_no_longer_fits_the_store_is_refused_by_name(week, capsys):
    folder, store_path = week
    boards = folder / "boards.csv"
    original = boards.read_text(encoding="utf-8")
    boards.write_text(original + "extra,Extra flap,other,\n", encoding="utf-8")
    assert main(["update", str(folder)]) == 0
    with Store(store_path) as store:
        store.add_note("extra", "Alleen in de store", author="anna-jansen")
    boards.write_text(original, encoding="utf-8")  # the board goes in the folder
    before, files = content(store_path), folder_bytes(folder)
    capsys.readouterr()
    assert main(["update", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "'extra' is not a board" in err and "nothing was changed" in err
    assert "Traceback" not in err
    assert content(store_path) == before and folder_bytes(folder) == files


def test_numbers_held_by_an_open_dashboard_find_no_row_after_an_update(week):
    folder, store_path = week
    with Store(store_path) as store:
        old_steps = set(store.steps()["id"])
        old_fragments = set(store.codings()["fragment"])
    people = folder / "people.csv"
    people.write_text(
        people.read_text(encoding="utf-8").replace("Anna Jansen", "Anna J."), encoding="utf-8"
    )
    before = content(store_path)
    assert main(["update", str(folder)]) == 0
    after = content(store_path)
    for table in ("fragment", "coding", "memo", "note_fragment", "task", "step"):
        assert after[table] == before[table], table  # the same rows, numbered anew
    with Store(store_path) as store:
        assert not old_steps & set(store.steps()["id"])
        assert not old_fragments & set(store.codings()["fragment"])
        with pytest.raises(NotFound):
            store.update_step(min(old_steps), title="Van een verouderd scherm")
        assert store.integrity_check() == "ok"
        assert store._con.execute("PRAGMA foreign_key_check").fetchall() == []


def test_save_never_writes_through_a_link_in_the_folder(week, tmp_path, capsys):
    folder, _ = week
    assert main(["save", str(folder)]) == 0
    elsewhere = tmp_path / "elsewhere.csv"
    elsewhere.write_text("niet van de workbook\n", encoding="utf-8")
    (folder / "votes.csv").unlink()
    (folder / "votes.csv").symlink_to(elsewhere)
    with Store(default_store_path("mini-2024")) as store:
        store.add_note(store.boards()["id"].iloc[0], "Nog een idee")
    capsys.readouterr()
    assert main(["save", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "votes.csv" in err and "Traceback" not in err
    assert elsewhere.read_text(encoding="utf-8") == "niet van de workbook\n"


def test_an_edit_of_layout_only_brings_nothing_in_and_changes_nothing(week, capsys):
    folder, store_path = week
    assert main(["save", str(folder)]) == 0
    people = folder / "people.csv"
    header, _, rows = people.read_text(encoding="utf-8").partition("\n")
    people.write_text(f"{header}\n# wie meedoet\n{rows}", encoding="utf-8")  # a comment only
    before = content(store_path)
    capsys.readouterr()
    assert main(["update", str(folder)]) == 0
    printed = capsys.readouterr()
    assert "store:" not in printed.out and "Traceback" not in printed.err
    assert content(store_path) == before
    assert "# wie meedoet" in people.read_text(encoding="utf-8")
    assert main(["save", str(folder)]) == 0  # and the folder counts as saved again
    assert "hold the same" in capsys.readouterr().out
