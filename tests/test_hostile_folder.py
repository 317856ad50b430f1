"""Hostile cohort folders: control characters, numbers out of bounds, deep YAML, repeated votes.

Each bad folder is the mini cohort with one file changed. `ww check` refuses it naming the
file, line and field; `ww init` makes no store of it; `ww update` leaves a store as it was.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest
from conftest import append, line_of, replace, write_override

from wwlib.app.cli import main
from wwlib.core.errors import ValidationError
from wwlib.exchange.qdpx import import_project
from wwlib.qdpx import QdpxError

OTHER = Path(__file__).resolve().parent / "fixtures" / "qdpx" / "other-tool"
DAAN = "Sources/D4A0F1C2-7B3E-4C55-9E21-0F6A2B8C9D10.txt"
ROUNDS = "round,board,budget\n"
TURNS = "interview,turn,speaker,time_start\n"
VOTER, NOTE = "anna-jansen", "n-korte-lijnen"

# (what is wrong, {file: override}, file named, the line named or text on it, field named)
HOSTILE = [
    ("NUL in a note", {"notes.csv": replace("Korte lijnen houden", "Korte\x00lijnen")},
     "notes.csv", "Korte", "text"),
    ("escape in a task title", {"plans.yaml": replace("Belrooster maken", '"Bel\\x01rooster"')},
     "plans.yaml", "Bel", "title"),
    ("raw control in a task title", {"plans.yaml": replace("Belrooster maken", "Bel\x01rooster")},
     "plans.yaml", "Bel", "title"),
    ("DEL in a cohort title", {"cohort.yaml": replace("Week Ooststad", "Week\x7fOoststad")},
     "cohort.yaml", "title:", "title"),
    ("control in a transcript", {"transcripts/anna-jansen.md": append("Anna: ja\x1bnee")},
     "transcripts/anna-jansen.md", "ja\x1bnee", "column 9"),
    ("huge dots", {"votes.csv": append("1,bram-de-vries,n-korte-lijnen,99999999999999999999999")},
     "votes.csv", "9999999", "dots"),
    ("round beyond int64", {"votes.csv": append("9223372036854775807,bram-de-vries,n-een-team,1")},
     "votes.csv", "92233720", "round"),
    ("repeated vote", {"votes.csv": append("1,bram-de-vries,n-oude-regels,1")},
     "votes.csv", 5, "note"),
    ("budget too large", {"rounds.csv": ROUNDS + "1,flap-samen-werken,1000\n"},
     "rounds.csv", "1000", "budget"),
    ("occurrence too large", {"codings.csv": append("anna-jansen,korte-lijnen,femke-bos,de,"
                                                    "100001,")},
     "codings.csv", "100001", "occurrence"),
    ("time not finite", {"turns.csv": TURNS + "anna-jansen,1,Femke,nan\n"},
     "turns.csv", "nan", "time_start"),
    ("time beyond a week", {"turns.csv": TURNS + "anna-jansen,1,Femke,1e400\n"},
     "turns.csv", "1e400", "time_start"),
    ("turn beyond int64", {"turns.csv": TURNS + "anna-jansen,99999999999999999999,Femke,\n"},
     "turns.csv", "9999999", "turn"),
    ("deep list in cohort.yaml", {"cohort.yaml": append("mentioned_names: " + "[" * 20_000
                                                        + "]" * 20_000)},
     "cohort.yaml", "mentioned_names:", "mentioned_names"),
    ("deep list in plans.yaml", {"plans.yaml": append("- id: diep\n  helping_factors: "
                                                      + "[" * 5_000 + "]" * 5_000)},
     "plans.yaml", "[[[[", "helping_factors"),
]  # fmt: skip


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("overrides", "file", "marker", "field"),
    [case[1:] for case in HOSTILE],
    ids=[case[0] for case in HOSTILE],
)
def test_hostile_folder_is_refused_by_check_init_and_update(
    make_cohort, tmp_path, capsys, overrides, file, marker, field
):
    bad = make_cohort(**overrides)
    assert main(["check", str(bad)]) == 1
    out = capsys.readouterr()
    said = out.out + out.err
    line = marker if isinstance(marker, int) else line_of(bad / file, marker)
    assert f"{file}, line {line}" in said
    assert field in said
    assert "Traceback" not in said

    fresh = tmp_path / "fresh.sqlite"
    assert main(["init", str(bad), "--store", str(fresh)]) == 1
    assert not fresh.exists()

    folder, store = make_cohort(), tmp_path / "kept.sqlite"
    assert main(["init", str(folder), "--store", str(store)]) == 0
    before = sha(store)
    for name, override in overrides.items():
        write_override(folder / name, override)
    capsys.readouterr()
    assert main(["update", str(folder), "--store", str(store)]) == 1
    assert "Traceback" not in capsys.readouterr().err
    assert sha(store) == before


def test_a_repeated_vote_names_both_lines(make_cohort, capsys):
    folder = make_cohort(**{"votes.csv": append("1,bram-de-vries,n-oude-regels,1")})
    assert main(["check", str(folder)]) == 1
    assert "votes.csv, line 5, field 'note': repeats the vote of line 3" in capsys.readouterr().out


def test_a_vote_spends_the_rounds_budget_only(mini_store):
    round_ = mini_store.open_round(budget=2)
    mini_store.add_vote(round_, VOTER, NOTE, dots=2)

    with pytest.raises(ValidationError, match="spent 2 of 2"):
        mini_store.add_vote(round_, VOTER, NOTE, dots=1)
    with pytest.raises(TypeError):  # the caller cannot give itself a larger budget
        mini_store.add_vote(round_, VOTER, NOTE, dots=50, budget=99)
    votes = mini_store.round_votes(round_)
    assert votes["dots"].sum() == 2


@pytest.mark.parametrize("dots", [101, 2**63, True])
def test_the_store_refuses_dots_out_of_bounds(mini_store, dots):
    round_ = mini_store.open_round(budget=100)
    with pytest.raises(ValidationError, match="'dots' must be a whole number from 1 to 100"):
        mini_store.add_vote(round_, VOTER, NOTE, dots=dots)
    assert mini_store.round_votes(round_).empty


@pytest.mark.parametrize("budget", [0, 101, 2**63])
def test_a_round_refuses_a_budget_out_of_bounds(mini_store, budget):
    with pytest.raises(ValidationError, match="'budget' must be a whole number from 1 to 100"):
        mini_store.open_round(budget=budget)
    assert (mini_store.rounds()["status"] == "closed").all()


@pytest.mark.parametrize(
    ("where", "text", "name"),
    [("text", b"Eerste regel.\nTweede\x00regel.", "Daan.txt"), ("name", None, "Daan\x7f.txt")],
)
def test_a_qdpx_source_with_a_control_character_is_refused(tmp_path, where, text, name):
    qde = (OTHER / "project.qde").read_text(encoding="utf-8")
    assert 'name="Daan Visser.txt"' in qde
    qde = qde.replace('name="Daan Visser.txt"', f'name="{name}"', 1)
    path = tmp_path / "bad.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde.encode("utf-8"))
        archive.writestr(DAAN, text if text is not None else (OTHER / DAAN).read_bytes())
    with pytest.raises(QdpxError, match=f"its {where}.* holds the control character") as caught:
        import_project(tmp_path / "new-cohort", path)
    assert "U+00" in str(caught.value) and "line" in str(caught.value)
    assert not (tmp_path / "new-cohort").exists()


@pytest.mark.parametrize("text", ["Idee\x00", "\x01begin", "met \x0b verticale tab", "del\x7f"])
def test_the_store_takes_no_control_character_from_a_dashboard(mini_store, text):
    board = mini_store.boards()["id"].iloc[0]
    before = mini_store.change_count()
    with pytest.raises(ValidationError, match="control character"):
        mini_store.add_note(board, text)
    assert mini_store.change_count() == before
    assert mini_store.add_note(board, "tab\tis tekst\nen een regel ook")  # these stay
