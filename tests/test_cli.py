"""The `ww` command: exit codes and messages; the library does the work."""

import re
import shutil
from pathlib import Path

import pytest

from wwlib.app.cli import main
from wwlib.store import Store

DATA = Path(__file__).resolve().parents[1] / "data"


def test_check_accepts_a_bundled_cohort(capsys):
    assert main(["check", str(DATA / "limburg-2020")]) == 0
    assert "ok" in capsys.readouterr().out


def test_check_lists_every_problem_and_exits_non_zero(tmp_path, capsys):
    folder = tmp_path / "broken"
    shutil.copytree(DATA / "limburg-2020", folder)
    people = folder / "people.csv"
    lines = people.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[1]  # a duplicate id on line 3
    people.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "programme.csv").unlink()
    assert main(["check", str(folder)]) == 1
    captured = capsys.readouterr()
    assert "people.csv, line 3, field 'id': duplicate id" in captured.out
    assert "programme.csv: file is missing" in captured.out
    # the same problem on several lines is said once, with its lines
    assert "plans.yaml, lines 47, 52 and 57, field 'owners': 'harry-coumans'" in captured.out
    listed = [line for line in captured.out.splitlines() if line.startswith("  - ")]
    counted = int(re.search(r"(\d+) problem\(s\)", captured.err)[1])
    assert counted == len(listed) + 2 and len(listed) >= 2


def test_init_refuses_to_overwrite_and_replace_keeps_a_backup(tmp_path, capsys):
    store = tmp_path / "limburg.sqlite"
    assert main(["init", str(DATA / "limburg-2020"), "--store", str(store)]) == 0
    with Store(store) as s:
        note = s.add_note(s.boards()["id"][0], "getypt tijdens de week")
    assert main(["init", str(DATA / "limburg-2020"), "--store", str(store)]) == 1
    assert "exists already" in capsys.readouterr().err
    with Store(store) as s:
        assert note in set(s.notes()["id"])
    replace = ["init", str(DATA / "limburg-2020"), "--store", str(store), "--replace"]
    before = store.read_bytes()
    assert main(replace) == 1
    refusal = capsys.readouterr().err
    assert "1 note" in refusal and "ww save" in refusal and "Traceback" not in refusal
    assert store.read_bytes() == before and not list(tmp_path.glob("limburg.backup-*"))
    assert main([*replace, "--discard-unsaved"]) == 0
    backups = list(tmp_path.glob("limburg.backup-*.sqlite"))
    assert len(backups) == 1
    with Store(backups[0]) as s:
        assert note in set(s.notes()["id"])
    with Store(store) as s:
        assert note not in set(s.notes()["id"])


def test_init_of_a_bad_folder_leaves_no_store(tmp_path, capsys):
    folder = tmp_path / "bad"
    shutil.copytree(DATA / "limburg-2020", folder)
    (folder / "cohort.yaml").write_text("id: bad\ntitle: x\nstart: 2020-13-01\n", encoding="utf-8")
    store = tmp_path / "s.sqlite"
    assert main(["init", str(folder), "--store", str(store)]) == 1
    assert "cohort.yaml" in capsys.readouterr().err
    assert not store.exists()
    assert list(tmp_path.glob("*.tmp*")) == []


@pytest.mark.parametrize("argv", [["run"], ["batch", "--out", "x"], ["nonsense"]])
def test_bad_arguments_exit_with_usage(argv):
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2


def test_export_qdpx_then_import_into_a_new_cohort_folder(tmp_path, capsys):
    project = tmp_path / "lindeveen.qdpx"
    assert main(["export", "qdpx", str(DATA / "lindeveen-2026"), str(project)]) == 0
    assert project.is_file()
    new = tmp_path / "data" / "uit-qdpx"
    assert main(["import", "qdpx", str(new), str(project)]) == 0
    assert main(["check", str(new)]) == 0
    with Store(tmp_path / "ww-home" / "stores" / "uit-qdpx.sqlite") as imported:
        assert len(imported.codings()) == 183
        assert len(imported.interviews()) == 9
    assert "uit-qdpx" in capsys.readouterr().out


def test_import_of_a_broken_project_names_the_file(tmp_path, capsys):
    bad = tmp_path / "kapot.qdpx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    assert main(["import", "qdpx", str(DATA / "limburg-2020"), str(bad)]) == 1
    assert "kapot.qdpx" in capsys.readouterr().err
