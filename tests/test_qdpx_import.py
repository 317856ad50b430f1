"""Importing REFI-QDA projects (wwlib/qdpx/read.py, resolve.py, people.py, new_cohort.py)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import line_of
from hypothesis import given
from hypothesis import strategies as st
from store_helpers import all_rows as rows
from store_helpers import everyone_named

from wwlib.app.cli import main
from wwlib.cohorts.home import init_cohort
from wwlib.core.errors import StoreError
from wwlib.core.records import ExchangeRows, MemoRecord
from wwlib.exchange.qdpx import export_project, import_project
from wwlib.folder.dataset import check_dataset
from wwlib.folder.write import write_cohort_folder
from wwlib.qdpx import QdpxError
from wwlib.qdpx.offsets import line_end_map, units_to_code_points
from wwlib.store import Store

ROOT = Path(__file__).resolve().parents[1]
LINDEVEEN = ROOT / "data" / "lindeveen-2026"
ATLAS = ROOT.parent / "shared" / "refi-qda"
OTHER = Path(__file__).resolve().parent / "fixtures" / "qdpx" / "other-tool"
DAAN = "Sources/D4A0F1C2-7B3E-4C55-9E21-0F6A2B8C9D10.txt"


def qdpx(path: Path, qde: str | bytes | None = None, **files: bytes) -> Path:
    """A .qdpx at `path` from the other-tool fixture, with project.qde and files replaced."""
    members = {
        "project.qde": (OTHER / "project.qde").read_bytes(),
        DAAN: (OTHER / DAAN).read_bytes(),
    }
    if qde is not None:
        members["project.qde"] = qde.encode("utf-8") if isinstance(qde, str) else qde
    members.update({name.replace("__", "/"): data for name, data in files.items()})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            if data is not None:
                archive.writestr(name, data)
    return path


def fixture_qde(*edits: tuple[str, str]) -> str:
    """The other-tool project.qde with each (old, new) replaced once (old must be there)."""
    text = (OTHER / "project.qde").read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


@pytest.fixture
def mini(make_cohort, tmp_path):
    """The mini cohort folder and its store, made as `ww init` makes it."""
    folder = make_cohort()
    return folder, init_cohort(folder, tmp_path / "mini.sqlite")


def quotes(store_path: Path, interview: str) -> dict[str, str]:
    """code -> coded text of one interview."""
    with Store(store_path) as store:
        text = store.transcript(interview)
        codings = store.codings()
    mine = codings[codings["interview"] == interview]
    return {r.code: text[r.start : r.end] for r in mine.itertuples()}


# -- round trip ---------------------------------------------------------------------------


def normalised(store: Store) -> dict[str, object]:
    """A store's exchangeable content keyed by GUIDs, so that ids may differ."""
    c = store.exchange_content()
    person, code = c.guids.person, c.guids.code
    texts = {t.interview: t.text for t in c.transcripts}
    return {
        "codes": {
            code[k.id]: (k.name, k.category, k.colour, code.get(k.parent), k.description)
            for k in c.codes
        },
        "people": {
            person[p.id]: (
                p.name,
                p.role,
                p.organisation,
                p.municipality,
                p.function,
                p.pseudonym,
                p.consent_named,
            )
            for p in c.people
        },
        "interviews": {
            person[i.participant]: (person[i.interviewer], i.date, i.status) for i in c.interviews
        },
        "transcripts": {c.guids.transcript[i]: text for i, text in texts.items()},
        "codings": sorted(
            (
                texts[x.fragment.interview],
                x.fragment.start,
                x.fragment.end,
                code[x.code],
                person[x.coder],
                x.memo,
                c.guids.coding[(x.fragment, x.code, x.coder)],
            )
            for x in c.codings
        ),
        "memos": {
            m.guid: (
                m.target,
                m.text,
                person.get(m.author),
                m.created_at,
                (texts[m.fragment.interview], m.fragment.start, m.fragment.end)
                if m.fragment
                else code.get(m.target_id, person.get(m.target_id)),
            )
            for m in c.memos
        },
    }


def test_export_then_import_into_a_new_folder_gives_the_same_store(lindeveen, tmp_path):
    lindeveen.backup(tmp_path / "before.sqlite")
    everyone_named(tmp_path / "before.sqlite")  # who has not consented is written by pseudonym
    with Store(tmp_path / "before.sqlite") as before:
        content = before.exchange_content()
        memos = [
            MemoRecord(
                "fragment",
                "",
                "Sterk citaat.",
                "",
                "marit-hofstede",
                "2026-10-13T10:00:00Z",
                content.codings[5].fragment,
            ),
            MemoRecord("code", "regeldruk", "Komt overal terug.", "", "thijs-van-wezel"),
            MemoRecord("interview", "gerda-smeets", "Namens de OR.", ""),
            MemoRecord("cohort", content.cohort.id, "Over de week.", ""),
        ]
        before.import_exchange(lambda _: (ExchangeRows(memos=memos), None), source="memos")
        export_project(LINDEVEEN, tmp_path / "l.qdpx", store=before.path)
        expected = normalised(before)
    summary = import_project(
        tmp_path / "new-cohort", tmp_path / "l.qdpx", store=tmp_path / "after.sqlite"
    )
    assert check_dataset(tmp_path / "new-cohort") == []
    with Store(tmp_path / "after.sqlite") as after:
        got = normalised(after)
    for part in expected:
        assert got[part] == expected[part], part
    assert len(expected["codings"]) == 183 and len(expected["memos"]) == 4
    assert sum(1 for c in expected["codings"] if c[5]) > 0  # coding memos came along
    assert summary.added == {
        "people": 12,
        "codes": 31,
        "interviews": 9,
        "transcripts": 9,
        "codings": 183,
        "memos": 4,
    }
    assert "made cohort folder" in str(summary)


def test_importing_our_own_export_again_adds_nothing(tmp_path, mini):
    folder, store = mini
    everyone_named(store)  # who has not consented is written by pseudonym: another person
    export_project(folder, tmp_path / "m.qdpx", store=store)
    before = rows(store)
    summary = import_project(folder, tmp_path / "m.qdpx", store=store)
    assert rows(store) == before
    assert summary.nothing_added
    assert summary.present == {"people": 4, "codes": 5, "transcripts": 2, "codings": 6}


# -- ATLAS.ti and other tools ------------------------------------------------------------


def test_blank_atlas_project_adds_nothing_and_says_so(mini):
    folder, store = mini
    before = rows(store)
    summary = import_project(folder, ATLAS / "atlas-ti-23-blank.qdpx", store=store)
    assert rows(store) == before
    assert summary.nothing_added
    assert "holds no codes, sources, cases or notes" in str(summary)
    assert "ATLAS.ti" in str(summary)


def test_blank_atlas_project_makes_a_cohort_with_its_creator(tmp_path):
    summary = import_project(
        tmp_path / "blank", ATLAS / "atlas-ti-23-blank.qdpx", store=tmp_path / "b.sqlite"
    )
    assert check_dataset(tmp_path / "blank") == []
    with Store(tmp_path / "b.sqlite") as store:
        assert store.cohort().title == "blank-atlas-project"
        assert store.cohort().start.isoformat() == "2023-08-14"  # the Monday of its week
        assert list(store.people()["name"]) == ["Enric Llagostera"]
        assert store.people()["guid"][0] == "088b08ac-d5cd-4adb-8b71-b4f3459c177f"
    assert summary.added["people"] == 1


def test_target_atlas_project_brings_its_nested_codes(mini):
    folder, store = mini
    summary = import_project(folder, ATLAS / "atlas-ti-23-target.qdpx", store=store)
    with Store(store) as s:
        codes = s.codes().set_index("name")
    commits = codes.loc["Commits"]
    assert commits["category"] == "theme" and pd.isna(commits["parent"])
    assert commits["guid"] == "a182cd3a-d83c-4d8c-bc80-26d9103ec6d6"
    for name in ("2022-05-10T02:05:59Z 19e4dce", "2022-02-11T10:39:25Z cdbfd92"):
        assert codes.loc[name, "parent"] == commits["id"]
    assert summary.added["codes"] == 3


def test_other_tools_quirks_are_read(mini):
    folder, store = mini
    summary = import_project(folder, qdpx(folder.parent / "o.qdpx"), store=store)
    with Store(store) as s:
        codes = s.codes().set_index("id")
        people = s.people().set_index("id")
        interviews = s.interviews().set_index("participant")
        memos = s._con.execute("SELECT target, text, author FROM memo ORDER BY id").fetchall()
        daan_text = s.transcript("daan-visser")
    # codes: category from the top folder, #RGB colours, nesting, a folder made a parent code
    assert codes.loc["regeldruk", ["category", "colour"]].tolist() == ["obstacle", "#cc0000"]
    assert codes.loc["parafen", "parent"] == "regeldruk"
    assert codes.loc["een-loket", ["category", "parent"]].tolist() == ["theme", "ideeen"]
    assert codes.loc["regeldruk", "guid"] == "c0de0000-0000-4000-8000-000000000002"
    assert "Belemmering" not in set(codes["name"])  # a category folder is no code
    # sources: BOM dropped, CRLF kept, offsets are code points; inline text; names matched
    assert daan_text.startswith("Interviewer:") and "\r\n" in daan_text
    assert quotes(store, "daan-visser") == {
        "korte-lijnen": "korte lijnen met de wijk",  # the mini's own code, matched by name
        "parafen": "De parafenroute kost weken",
        "regeldruk": "wijk. 🙂\r\nDaan",
    }
    assert quotes(store, "chloe-peeters") == {"een-loket": "Eén loket voor alle vragen"}
    assert interviews.loc["chloe-peeters", "status"] == "coded"  # was planned
    assert people.loc["daan-visser", ["role", "organisation"]].tolist() == [
        "participant",
        "Gemeente Westerkerk",
    ]
    assert people.loc["nieuwe-codeur", ["role", "pseudonym"]].tolist() == ["facilitator", "F02"]
    assert "interview-eva" in interviews.index
    assert ("fragment", "Korte lijnen komen in elk interview terug.", "femke-bos") in memos
    assert ("cohort", "Een losse gedachte over het project.", None) in memos
    text = str(summary)
    for said in (
        "flap.jpg",
        "verslag.pdf",
        "gesprek.m4a",
        "1 sets",
        "Age group",
        "without a name",
        "start = end",
        "made participant interview-eva",
        "Nieuwe Codeur",
    ):
        assert said in text


def test_atlas_counts_a_crlf_as_one_character(mini):
    folder, store = mini
    qde = fixture_qde(
        ('origin="OtherQDA 2.0"', 'origin="ATLAS.ti for Windows 23.2.3.27778"'),
        ('startPosition="64" endPosition="88"', 'startPosition="63" endPosition="87"'),
        ('startPosition="106" endPosition="132"', 'startPosition="104" endPosition="130"'),
        ('startPosition="84" endPosition="97"', 'startPosition="83" endPosition="95"'),
    )
    import_project(folder, qdpx(folder.parent / "a.qdpx", qde), store=store)
    assert quotes(store, "daan-visser") == {
        "korte-lijnen": "korte lijnen met de wijk",
        "parafen": "De parafenroute kost weken",
        "regeldruk": "wijk. 🙂\r\nDaan",
    }


def test_a_new_cohort_trims_spans_to_what_codings_csv_can_hold(tmp_path):
    qde = fixture_qde(
        ('startPosition="64" endPosition="88"', 'startPosition="63" endPosition="88"')
    )
    summary = import_project(
        tmp_path / "nieuw", qdpx(tmp_path / "o.qdpx", qde), store=tmp_path / "n.sqlite"
    )
    assert check_dataset(tmp_path / "nieuw") == []
    assert (
        quotes(tmp_path / "n.sqlite", "daan-visser")["korte-lijnen"] == "korte lijnen met de wijk"
    )
    assert summary.added["codings"] == 5 and summary.added["memos"] == 2
    with Store(tmp_path / "n.sqlite") as s:
        guids = set(s.codings().merge(s.codes(), left_on="code", right_on="id")["guid"])
        assert "c0de0000-0000-4000-8000-000000000003" in guids  # GUIDs survive the folder


def test_the_folder_writer_writes_boards_notes_votes_and_plans_too(mini_store, tmp_path):
    write_cohort_folder(mini_store, tmp_path / "out")
    assert check_dataset(tmp_path / "out") == []
    boards = (tmp_path / "out" / "boards.csv").read_text(encoding="utf-8").splitlines()
    assert len(boards) == 1 + len(mini_store.boards())
    with pytest.raises(StoreError, match="not empty"):
        write_cohort_folder(mini_store, tmp_path / "out")


# -- bad input ----------------------------------------------------------------------------


def truncated() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", (OTHER / "project.qde").read_bytes())
    return buffer.getvalue()[: len(buffer.getvalue()) // 2]


def damaged_member(path: Path) -> Path:
    """A zip whose project.qde data is overwritten in the middle (the CRC no longer holds)."""
    qdpx(path)
    data = bytearray(path.read_bytes())
    data[200:260] = b"\x00" * 60
    path.write_bytes(bytes(data))
    return path


CODE_3 = 'guid="C0DE0000-0000-4000-8000-000000000003"'
CODE_5 = 'guid="C0DE0000-0000-4000-8000-000000000005"'


def line(needle: str) -> int:
    """The line of the fixture's project.qde where `needle` is."""
    return line_of(OTHER / "project.qde", needle)


def at(needle: str) -> str:
    return f"line {line(needle)}"


def written(data: bytes):
    """A maker that writes `data` as the file."""

    def make(path: Path) -> Path:
        path.write_bytes(data)
        return path

    return make


def edited(*edits: tuple[str, str]):
    """A maker of the fixture with its project.qde edited."""
    return lambda path: qdpx(path, fixture_qde(*edits))


def dangling(ref: str, guid: str):
    """A maker of the fixture whose first `ref` to `guid` leads nowhere."""
    old = f'<{ref} targetGUID="{guid}"'
    return edited((old, old[:-5] + 'dead"'))


SELECTION_1 = '<PlainTextSelection guid="5E100000-0000-4000-8000-000000000001"'
SELECTION_2 = '<PlainTextSelection guid="5E100000-0000-4000-8000-000000000002"'
VARIABLE_1 = "7A000000-0000-4000-8000-000000000001"
BAD = {  # name -> (how to make the file from a path, what the place must say, the message)
    "empty": (written(b""), "the whole file", "empty"),
    "no zip": (written(b"<Project/>"), "the zip archive", "not a readable"),
    "cut off zip": (written(truncated()), "the zip archive", "readable"),
    "damaged member": (damaged_member, "project.qde in the zip", "cannot be unpacked"),
    "no project.qde": (
        lambda p: qdpx(p, None, **{"project.qde": None, "notes.txt": b"x"}),
        "the zip archive",
        "holds no project.qde",
    ),
    "cut off xml": (lambda p: qdpx(p, fixture_qde()[:3000]), "project.qde, line", "well-formed"),
    "dangling CodeRef": (
        dangling("CodeRef", "C0DE0000-0000-4000-8000-000000000006"),
        at('<Coding guid="C0D10000-0000-4000-8000-000000000001"'),
        "refers to nothing",
    ),
    "dangling NoteRef": (
        dangling("NoteRef", "40E70000-0000-4000-8000-000000000001"),
        at(SELECTION_1),
        "refers to nothing",
    ),
    "dangling SourceRef": (
        dangling("SourceRef", "5C000000-0000-4000-8000-000000000003"),
        at('<Case guid="CA5E0000-0000-4000-8000-000000000002"'),
        "refers to nothing",
    ),
    "dangling VariableRef": (
        dangling("VariableRef", VARIABLE_1),
        at(f'<VariableRef targetGUID="{VARIABLE_1}"'),
        "names no <Variable>",
    ),
    "missing source file": (
        lambda p: qdpx(p, None, **{DAAN: None}),
        at('<TextSource guid="D4A0'),
        "not in the zip",
    ),
    "offsets beyond the text": (
        edited(('endPosition="132"', 'endPosition="999"')),
        at(SELECTION_2),
        "does not lie within the text",
    ),
    "position no number": (
        edited(('startPosition="106"', 'startPosition="zes"')),
        at(SELECTION_2),
        "whole number",
    ),
    "malformed guid": (
        edited((SELECTION_2, '<PlainTextSelection guid="5E10-not-a-guid"')),
        at(SELECTION_2),
        "must be a GUID",
    ),
    "same guid twice": (
        edited((CODE_5, CODE_3)),
        f"lines {line(CODE_3)} and {line(CODE_5)}",
        "same GUID",
    ),
    "source not utf-8": (
        lambda p: qdpx(p, None, **{DAAN: "Daan: één".encode("latin-1")}),
        DAAN,
        "not UTF-8",
    ),
    "a codebook, not a project": (
        lambda p: qdpx(p, '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>'),
        "project.qde, line 1",
        "not <Project>",
    ),
}


@pytest.mark.parametrize("name", BAD)
def test_bad_input_names_the_file_and_the_place_and_changes_nothing(name, mini, tmp_path):
    folder, store = mini
    make, where, message = BAD[name]
    bad = make(tmp_path / "bad.qdpx")
    before = rows(store)
    with pytest.raises(QdpxError) as caught:
        import_project(folder, bad, store=store)
    error = caught.value
    assert error.file == "bad.qdpx" and where in error.place, str(error)
    assert message in error.message and str(error).startswith("bad.qdpx: ")
    assert rows(store) == before
    with pytest.raises(QdpxError):  # and no new cohort folder is made from it either
        import_project(tmp_path / "nieuw", bad, store=tmp_path / "n.sqlite")
    assert not (tmp_path / "nieuw").exists() and not (tmp_path / "n.sqlite").exists()


def test_a_known_source_with_another_text_rolls_the_whole_import_back(mini, tmp_path):
    folder, store = mini
    export_project(folder, tmp_path / "m.qdpx", store=store)
    with zipfile.ZipFile(tmp_path / "m.qdpx") as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    source = sorted(n for n in members if n.startswith("sources/"))[0]
    members[source] = members[source].replace(b"e", b"E")
    codebook = b'<Code guid="99999999-0000-4000-8000-000000000001" name="Nieuw" isCodable="true"/>'
    members["project.qde"] = members["project.qde"].replace(b"</Codes>", codebook + b"</Codes>")
    with zipfile.ZipFile(tmp_path / "changed.qdpx", "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    before = rows(store)
    with pytest.raises(QdpxError, match="its text differs") as caught:
        import_project(folder, tmp_path / "changed.qdpx", store=store)
    assert source in caught.value.place
    assert rows(store) == before  # the new code was decided on, but rolled back


def test_a_failed_new_cohort_leaves_neither_folder_nor_store(tmp_path):
    taken = tmp_path / "taken.sqlite"
    import_project(tmp_path / "first", qdpx(tmp_path / "o.qdpx"), store=taken)
    before = rows(taken)
    with pytest.raises(StoreError, match="exists already"):
        import_project(tmp_path / "second", tmp_path / "o.qdpx", store=taken)
    assert not (tmp_path / "second").exists()
    assert rows(taken) == before
    left = sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(("-wal", "-shm")))
    assert left == ["first", "o.qdpx", "taken.sqlite"]


def test_the_cli_prints_the_summary_or_the_error(mini, tmp_path, capsys):
    folder, store = mini
    assert (
        main(["export", "qdpx", str(folder), str(tmp_path / "m.qdpx"), "--store", str(store)]) == 0
    )
    assert "2 sources" in capsys.readouterr().out
    (tmp_path / "leeg.qdpx").write_bytes(b"")
    assert (
        main(["import", "qdpx", str(folder), str(tmp_path / "leeg.qdpx"), "--store", str(store)])
        == 1
    )
    assert "leeg.qdpx: the whole file: is empty" in capsys.readouterr().err


# -- positions: the properties -----------------------------------------------------------

LINES = st.lists(
    st.one_of(
        st.text(alphabet=st.characters(blacklist_characters="\r\n"), max_size=8),
        st.sampled_from(["\r\n", "\n", "\r", "😀"]),
    ),
    max_size=30,
).map("".join)


@given(text=LINES, data=st.data())
def test_crlf_counted_as_one_maps_onto_code_points(text, data):
    points = units_to_code_points(text)
    assert len(points) == len(text.replace("\r\n", "\n")) + 1
    start = data.draw(st.integers(0, len(points) - 1))
    end = data.draw(st.integers(start, len(points) - 1))
    as_one = text.replace("\r\n", "\n")
    assert text[points[start] : points[end]].replace("\r\n", "\n") == as_one[start:end]


@given(text=LINES, data=st.data())
def test_positions_carry_over_when_only_the_line_ends_differ(text, data):
    theirs = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
    mapping = line_end_map(theirs, text)
    assert mapping is not None and len(mapping) == len(theirs) + 1
    start = data.draw(st.integers(0, len(theirs)))
    end = data.draw(st.integers(start, len(theirs)))

    def normal(s: str) -> str:
        return s.replace("\r\n", "\n").replace("\r", "\n")

    # unless the texts are equal, an end between CR and LF lands before the line end
    cut = end - 1 if theirs[end - 1 : end + 1] == "\r\n" and theirs != text else end
    assert normal(text[mapping[start] : mapping[end]]) == normal(theirs[start:cut])
    assert line_end_map(theirs + "x", text) is None
