"""`ww forget`: a person's data out of the store, its backups and the folder, the rest intact."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from wwlib.app.cli import main
from wwlib.cohorts.home import init_cohort
from wwlib.cohorts.sync import backups_of, save_folder
from wwlib.store import Store

DATA = Path(__file__).resolve().parents[1] / "data"
INEKE = "ineke-verhoeven"  # a participant others mention ("En Ineke had in het crisisteam ...")
FORMS = ("ineke", "verhoeven")  # in any case: name, first name, surname, id, e-mail forms


@pytest.fixture
def week(tmp_path, ww_home) -> tuple[Path, Path]:
    """Lindeveen after a live day in which Ineke wrote, was written about and voted; saved,
    and rebuilt once with `ww init --replace` (which keeps a backup)."""
    folder = tmp_path / "lindeveen-2026"
    shutil.copytree(DATA / "lindeveen-2026", folder)
    path = init_cohort(folder)
    with Store(path, actor="ww") as store:
        board = store.boards()["id"].iloc[0]
        mine = store.add_note(board, "Ineke Verhoeven: elke week een ochtendronde", author=INEKE)
        store.add_note(board, "Een anoniem idee van haar pagina", actor=INEKE)
        store.add_memo("interview", INEKE, "Gesprek met Ineke liep uit.", author="marit-hofstede")
        plan = store.plans()["id"].iloc[0]
        store.add_task(plan, 1, "Verhoeven belt de OR", (INEKE,), due="week 44", actor=INEKE)
        number = store.open_round(board, budget=2)
        store.add_vote(number, INEKE, mine, 1, actor=INEKE)
        store.add_vote(number, "ruud-kamphuis", mine, 2, actor="ruud-kamphuis")
        store.close_round(number)
        save_folder(folder, store)
    init_cohort(folder, replace=True)
    assert len(backups_of(path)) == 1
    return folder, path


def counts(path: Path) -> dict:
    with Store(path) as store:
        codings, notes = store.codings(), store.notes()
        others = ~codings["interview"].isin([INEKE, "p01"])
        authors = notes["author"].fillna("")
        return {
            "codings": codings[others].groupby("interview").size(),
            "notes": notes[~authors.isin([INEKE, ""])].groupby("author").size(),
            "people": len(store.people()),
        }


def holding(places: list[Path]) -> list[str]:
    """Files that hold a form of Ineke's name, in UTF-8 or UTF-16, in any case."""
    found = []
    for place in places:
        for path in (p for p in place.rglob("*") if p.is_file()):
            data = path.read_bytes().lower()
            for form in FORMS:
                for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
                    if form.encode(encoding) in data:
                        found.append(f"{path}: {form} ({encoding})")
    return found


@pytest.mark.parametrize(
    ("notes", "transcript"), [("anonymous", "notice"), ("remove", "pseudonymised")]
)
def test_forgetting_leaves_no_byte_of_the_name_and_the_rest_intact(
    week, ww_home, notes, transcript, capsys
):
    folder, path = week
    assert holding([ww_home, folder])  # the search finds her before
    before = counts(path)
    options = ["--notes", notes, "--transcript", transcript]
    assert main(["forget", str(folder), INEKE, "--yes", *options]) == 0
    assert "'p01'" in capsys.readouterr().out
    assert holding([ww_home, folder]) == []
    after = counts(path)
    assert after["people"] == before["people"]
    assert after["codings"].equals(before["codings"])  # other interviews' codings
    assert after["notes"].equals(before["notes"])
    with Store(path) as store:
        person = store.people().set_index("id").loc["p01"]
        assert (person["name"], person["function"], person["organisation"]) == ("P01", "", "")
        own = store.codings().query("interview == 'p01'")
        assert own.empty == (transcript == "notice")
        log = store.change_log()
        forget = log.iloc[-1]
        assert (forget["action"], forget["actor"], forget["entity_id"]) == (
            "forget",
            "ww forget",
            "p01",
        )
        assert set(log.loc[log["actor"] == "forgotten", "detail"].map(str)) == {
            "{'redacted': 'forget'}"
        }
        assert "P01" in store.transcript("ruud-kamphuis")  # "En P01 had in het crisisteam"
    assert main(["check", str(folder)]) == 0
    assert not (ww_home / "stores" / f"{path.name}-wal").exists()


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["nobody", "--yes"], "'nobody' is not in this cohort"),
        ([INEKE], "add --yes"),
    ],
)
def test_forget_refuses_and_changes_nothing(week, argv, said, capsys):
    folder, path = week
    before = path.read_bytes(), sorted(p.name for p in folder.rglob("*"))
    assert main(["forget", str(folder), *argv]) == 1
    assert said in capsys.readouterr().err
    assert (path.read_bytes(), sorted(p.name for p in folder.rglob("*"))) == before
