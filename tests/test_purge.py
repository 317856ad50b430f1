"""Retention: `retention` in cohort.yaml, a warning from every command once it has passed, and
`ww purge`, which deletes the store, its backups and the folder's files that name people."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import shutil
from pathlib import Path

import pytest

from wwlib.app.cli import main
from wwlib.cohorts.forget import name_forms
from wwlib.cohorts.home import init_cohort
from wwlib.cohorts.purge import IDENTIFYING, NOTE, retention_warning
from wwlib.cohorts.sync import backups_of, save_folder
from wwlib.folder.dataset import load_dataset
from wwlib.store import Store

DATA = Path(__file__).resolve().parents[1] / "data"
PASSED, COMING = "2026-11-30", "2099-12-31"  # the week ends on 2026-10-16
KEPT = ("cohort.yaml", "programme.csv", "codebook.csv", "boards.csv")


def digest(*places: Path) -> dict[str, str]:
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest()
        for place in places
        for p in sorted(place.rglob("*"))
        if p.is_file()
    }


def with_retention(tmp_path: Path, until: str) -> Path:
    folder = tmp_path / "lindeveen-2026"
    shutil.copytree(DATA / "lindeveen-2026", folder)
    with open(folder / "cohort.yaml", "a", encoding="utf-8") as handle:
        handle.write(f"retention: {until}\n")
    return folder


@pytest.fixture
def expired(tmp_path, ww_home) -> tuple[Path, Path, list[str]]:
    """Lindeveen past its retention date, after a live day (a note only the store held, then
    saved) and a rebuild that kept a backup; with the name forms of everyone in it."""
    folder = with_retention(tmp_path, PASSED)
    path = init_cohort(folder)
    with Store(path, actor="ww") as store:
        board = store.boards()["id"].iloc[0]
        store.add_note(
            board, "Ineke Verhoeven: elke week een ochtendronde", author="ineke-verhoeven"
        )
        save_folder(folder, store)
        people = store.people()
    init_cohort(folder, replace=True)
    assert len(backups_of(path)) == 1
    forms = sorted({f for _, p in people.iterrows() for f in name_forms(p["name"], p["id"])})
    return folder, path, forms


def holding(forms: list[str], *places: Path) -> list[str]:
    """Files holding a form of a name as a whole word, in UTF-8 or UTF-16: a name's word as
    written or in capitals ("iris" in a script is not Iris), anything else (an id,
    "i.verhoeven") in any case."""
    kinds = [[f for f in forms if _is_word(f)], [f for f in forms if not _is_word(f)]]
    found = []
    for place in places:
        for path in (p for p in place.rglob("*") if p.is_file()):
            data = path.read_bytes()
            texts = [data.decode(e, errors="ignore") for e in ("utf-8", "utf-16-le")]
            there = {f for kind in kinds if kind for t in texts for f in _forms_in(t, kind)}
            found += [f"{path.name}: {form}" for form in forms if form in there]
    return found


def _forms_in(text: str, forms: list[str]) -> set[str]:
    """The forms (all a name's word, or none) in a text: one search for any of them finds
    each place where one starts, and only there is each tried (form by form over a store's
    megabytes took seconds)."""
    anyone, there, start = _form_pattern(tuple(forms)), set(), 0
    while (hit := anyone.search(text, start)) is not None:
        there.update(f for f in forms if _form_pattern((f,)).match(text, hit.start()))
        start = hit.start() + 1
    return there


def _is_word(form: str) -> bool:
    return form.isalpha() and form[:1].isupper()


@functools.cache
def _form_pattern(forms: tuple[str, ...]) -> re.Pattern:
    """Any of `forms` as a whole word, as written or in capitals; a name's word (all of them
    are, or none) only so, anything else in any case."""
    flags = 0 if _is_word(forms[0]) else re.IGNORECASE
    alternatives = "|".join(f"{re.escape(f)}|{re.escape(f.upper())}" for f in forms)
    return re.compile(rf"(?<![^\W_])({alternatives})(?![^\W_])", flags)


def test_the_retention_date_goes_from_the_folder_to_the_store_and_back(tmp_path, ww_home):
    folder = with_retention(tmp_path, COMING)
    path = init_cohort(folder)
    with Store(path) as store:
        assert store.cohort().retention == dt.date(2099, 12, 31)
        (folder / "cohort.yaml").unlink()
        save_folder(folder, store)  # cohort.yaml written anew from the store
    assert load_dataset(folder).cohort.retention == dt.date(2099, 12, 31)


@pytest.mark.parametrize(
    ("until", "says"),
    [("2026-10-01", "on or after the week's end 2026-10-16"), ("eind 2027", "YYYY-MM-DD")],
)
def test_a_wrong_retention_date_is_refused_with_its_line(tmp_path, ww_home, capsys, until, says):
    folder = with_retention(tmp_path, until)
    line = len((folder / "cohort.yaml").read_text(encoding="utf-8").splitlines())
    assert main(["init", str(folder)]) == 1
    err = capsys.readouterr().err
    assert f"cohort.yaml, line {line}, field 'retention'" in err and says in err
    assert not list(ww_home.rglob("*.sqlite"))  # no store made


def test_every_command_warns_once_the_date_has_passed(tmp_path, ww_home, capsys):
    folder = with_retention(tmp_path, PASSED)
    assert main(["check", str(folder)]) == 0
    err = capsys.readouterr().err
    assert "warning: the retention date of lindeveen-2026 (2026-11-30) has passed" in err
    assert "ww purge" in err and "--keep-report" in err
    assert retention_warning(folder, today=dt.date(2026, 11, 30)) == ""  # the last day: kept
    assert retention_warning(folder, today=dt.date(2026, 12, 1))
    coming = with_retention(tmp_path / "later", COMING)
    assert main(["check", str(coming)]) == 0
    assert "retention" not in capsys.readouterr().err


def test_purge_asks_for_yes_and_waits_for_the_date(expired, tmp_path, ww_home, capsys):
    folder, path, _ = expired
    before = digest(folder, ww_home)
    assert main(["purge", str(folder)]) == 1
    assert "nothing was changed: add --yes" in capsys.readouterr().err
    coming = with_retention(tmp_path / "later", COMING)
    assert main(["purge", str(coming), "--yes"]) == 1
    err = capsys.readouterr().err
    assert "retention" in err and "2099-12-31" in err and "--early" in err
    assert "Traceback" not in err
    assert digest(folder, ww_home) == before  # nothing deleted


def test_purge_deletes_every_name_and_keeps_a_pseudonymised_report(
    expired, tmp_path, ww_home, capsys
):
    folder, path, forms = expired
    assert holding(forms, folder, ww_home)  # the search finds them before
    report = tmp_path / "bewaard" / "rapport.html"
    assert main(["purge", str(folder), "--keep-report", str(report), "--yes"]) == 0
    out = capsys.readouterr().out
    assert "purged" in out and "pseudonymised report kept" in out
    assert not path.exists() and not backups_of(path)
    assert not [p for p in path.parent.iterdir() if p.name.startswith(path.stem)]
    assert not [name for name in IDENTIFYING if (folder / name).exists()]
    assert all((folder / name).is_file() for name in KEPT)
    note = (folder / NOTE).read_text(encoding="utf-8")
    assert "people.csv" in note and "rapport.html" in note and str(tmp_path) not in note
    assert holding(forms, folder, ww_home) == []  # no byte of any name is left
    kept = report.read_text(encoding="utf-8")
    assert "Lindeveen" in kept and "P01" in kept
    assert holding(forms, report.parent) == []
    # purged once: a second purge says so and changes nothing
    assert main(["purge", str(folder), "--yes"]) == 1
    assert "purged already" in capsys.readouterr().err


def test_a_folder_with_problems_is_purged_all_the_same(expired, ww_home, capsys):
    folder, path, forms = expired
    with open(folder / "people.csv", "a", encoding="utf-8") as handle:
        handle.write("kapot,,participant\n")  # a row without a name: the folder has a problem
    assert main(["check", str(folder)]) == 1
    capsys.readouterr()
    assert main(["purge", str(folder), "--yes"]) == 0
    assert not path.exists() and not (folder / "people.csv").exists()
    assert holding(forms, folder, ww_home) == []
