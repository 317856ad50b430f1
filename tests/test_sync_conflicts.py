"""`ww update` names a conflict down to the field: the file, the row, and what the store and the
folder each hold now, so that one knows what to make agree (and nothing changes meanwhile)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from wwlib.app.cli import main
from wwlib.cohorts.home import init_cohort
from wwlib.store import Store

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"


@pytest.fixture
def saved(tmp_path, monkeypatch):
    """The mini cohort in a folder of its own, loaded and saved once (the baseline)."""
    monkeypatch.setenv("WW_HOME", str(tmp_path / "home"))
    folder = tmp_path / "mini"
    shutil.copytree(MINI, folder)
    store = init_cohort(folder, tmp_path / "home" / "stores" / "mini-2024.sqlite")
    assert main(["save", str(folder)]) == 0
    return folder, store


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def update_error(folder: Path, capsys) -> str:
    capsys.readouterr()
    assert main(["update", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


def test_a_csv_row_changed_on_both_sides_names_the_field_and_both_values(saved, capsys):
    folder, store_path = saved
    with Store(store_path) as store:
        code = store.codes()["id"].iloc[0]
        old = store.codes().set_index("id").loc[code, "description"]
        store.set_code_description(code, "Zo staat het in de store")
    edit(folder / "codebook.csv", old, "Zo staat het in de map")
    err = update_error(folder, capsys)
    line = next(line for line in err.splitlines() if "codebook.csv" in line)
    assert code in line
    assert "description: store 'Zo staat het in de store', folder 'Zo staat het in de map'" in line


def test_a_plans_task_changed_on_both_sides_is_named_by_its_path(saved, capsys):
    folder, store_path = saved
    with Store(store_path) as store:
        task = store.tasks().iloc[0]
        store.set_task_status(task["id"], "done")
    edit(folder / "plans.yaml", f"status: {task['status']}", "status: cancelled")
    err = update_error(folder, capsys)
    assert f".tasks[{task['id']}].status: store 'done', folder 'cancelled'" in err


def test_a_row_removed_on_one_side_and_changed_on_the_other_says_so(saved, capsys):
    folder, store_path = saved
    elsewhere = "".join(
        p.read_text(encoding="utf-8") for p in folder.glob("*.csv") if p.name != "notes.csv"
    )
    with Store(store_path) as store:
        notes = store.notes()
        note = notes[[n not in elsewhere for n in notes["id"]]].iloc[0]  # no vote names it
        store.move_note(note["id"], "Verplaatst in de store")
    lines = (folder / "notes.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(f"{note['id']},")]
    assert len(kept) == len(lines) - 1
    (folder / "notes.csv").write_text("".join(kept), encoding="utf-8")
    err = update_error(folder, capsys)
    assert f"{note['id']} (removed in the folder, changed in the store)" in err


def test_save_writes_a_codes_colour_only_where_the_folder_chose_one(saved):
    """The store fills in each category's colour; the folder keeps only the colours chosen."""
    folder, _ = saved
    rows = (folder / "codebook.csv").read_text(encoding="utf-8").splitlines()[1:]
    colours = sorted(row.split(",")[3] for row in rows)
    chosen = (MINI / "codebook.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert colours == sorted(row.split(",")[3].lower() for row in chosen)  # stored lower-case
    assert colours.count("") == len(rows) - 1
