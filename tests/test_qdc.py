"""REFI-QDA codebooks (.qdc): wwlib/qdpx/codebook.py, codetree.py, api import/export_codebook."""

from __future__ import annotations

from pathlib import Path

import pytest
import xmlschema
from conftest import replace
from lxml import etree
from store_helpers import all_rows as rows

from wwlib.cohorts.home import init_cohort
from wwlib.exchange.qdpx import export_codebook, import_codebook
from wwlib.qdpx import QdpxError
from wwlib.qdpx.codetree import category_of_folder, colour_of
from wwlib.store import Store

ROOT = Path(__file__).resolve().parents[1]
LINDEVEEN = ROOT / "data" / "lindeveen-2026"
SHARED = ROOT.parent / "shared" / "refi-qda"
OTHER = Path(__file__).resolve().parent / "fixtures" / "qdpx" / "other-tool.qdc"
NS = {"c": "urn:QDA-XML:codebook:1.0"}


@pytest.fixture
def mini(make_cohort, tmp_path):
    folder = make_cohort()
    return folder, init_cohort(folder, tmp_path / "mini.sqlite")


@pytest.fixture(scope="module")
def lindeveen_qdc(lindeveen, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("qdc") / "lindeveen.qdc"
    export_codebook(LINDEVEEN, out, store=lindeveen.path)
    return out


def test_export_is_valid_and_nests_codes_under_category_folders(lindeveen, lindeveen_qdc):
    data = lindeveen_qdc.read_bytes()
    assert data.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = etree.fromstring(data)
    xmlschema.XMLSchema(str(SHARED / "Codebook.xsd")).validate(root)
    folders = root.findall("c:Codes/c:Code", NS)
    assert [f.get("name") for f in folders] == [
        "Succesfactor",
        "Thema",
        "Idee of behoefte",
        "Belemmering",
        "Manier om ermee om te gaan",
    ]
    codes = lindeveen.codes().set_index("guid")
    (child,) = root.iterfind(".//c:Code[@name='Onduidelijkheid over gegevensdeling']", NS)
    assert codes.loc[child.getparent().get("guid"), "id"] == "regeldruk"
    assert child.get("color") == "#F2C94C"
    listed = [c.get("guid") for c in root.iterfind(".//c:Code[@isCodable='true']", NS)]
    assert sorted(listed) == sorted(codes.index)


def test_lindeveen_codebook_into_the_mini_cohort(mini, lindeveen, lindeveen_qdc):
    folder, store = mini
    summary = import_codebook(folder, lindeveen_qdc, store=store)
    with Store(store) as s:
        got = s.codes().set_index("guid")
    theirs = lindeveen.codes()
    mini_names = {"Korte lijnen"}  # the mini has a code of this name: it is kept, not doubled
    for code in theirs.itertuples():
        if code.name in mini_names:
            assert code.guid not in got.index
            continue
        mine = got.loc[code.guid]
        assert (mine["name"], mine["category"], mine["colour"], mine["description"]) == (
            code.name,
            code.category,
            code.colour,
            code.description,
        )
    parent = got.loc[theirs.set_index("id").loc["privacyregels", "guid"], "parent"]
    assert got.set_index("id").loc[parent, "name"] == "Regeldruk"
    assert summary.added == {
        "codes": 30,
        "people": 0,
        "interviews": 0,
        "transcripts": 0,
        "codings": 0,
        "memos": 0,
    }
    assert "same name" in str(summary)


def test_another_tools_codebook(mini):
    folder, store = mini
    summary = import_codebook(folder, OTHER, store=store)
    with Store(store) as s:
        codes = s.codes().set_index("name")
    assert codes.loc["Werkdruk", ["category", "colour"]].tolist() == ["obstacle", "#ff0000"]
    assert codes.loc["Werkdruk", "guid"] == "ab000000-0000-4000-8000-000000000002"
    assert codes.loc["Uitval", ["category", "parent"]].tolist() == ["obstacle", "werkdruk"]
    assert codes.loc["Bewust stoppen", "category"] == "way_to_deal"
    assert codes.loc["Losse gedachte", ["category", "parent"]].tolist() == ["theme", "overig"]
    assert "Obstacle" not in codes.index and "way_to_deal" not in codes.index
    assert "1 set(s)" in str(summary)


def test_importing_a_codebook_twice_adds_it_once(mini):
    folder, store = mini
    import_codebook(folder, OTHER, store=store)
    before = rows(store)
    summary = import_codebook(folder, OTHER, store=store)
    assert rows(store) == before and summary.nothing_added
    assert summary.present == {"codes": 5}


def test_our_own_codebook_round_trips_with_a_category_across_nesting(mini, make_cohort, tmp_path):
    folder, store = mini  # the mini nests success factor korte-lijnen under theme samen-werken
    export_codebook(folder, tmp_path / "m.qdc", store=store)
    assert b"[wwlib category: success_factor]" in (tmp_path / "m.qdc").read_bytes()
    empty = make_cohort(
        **{
            "codebook.csv": "id,category,name,colour,parent,description\n",
            "cohort.yaml": replace("prioritised_themes: [samen-werken]", "prioritised_themes: []"),
            **dict.fromkeys(["codings.csv", "boards.csv", "notes.csv", "votes.csv", "plans.yaml"]),
        }
    )
    fresh = init_cohort(empty, tmp_path / "fresh.sqlite")
    import_codebook(empty, tmp_path / "m.qdc", store=fresh)
    columns = ["guid", "id", "category", "name", "colour", "parent", "description"]
    with Store(store) as a, Store(fresh) as b:
        before, after = a.codes()[columns], b.codes()[columns]
    assert after.sort_values("guid").values.tolist() == before.sort_values("guid").values.tolist()


@pytest.mark.parametrize(
    ("content", "place", "message"),
    [
        (b"", "the whole file", "is empty"),
        (b"<CodeBook><Codes>", "line 1", "not well-formed"),
        (b'<Project xmlns="urn:QDA-XML:project:1.0" name="x"/>', "line 1", "not <CodeBook>"),
        (
            b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>\n'
            b'<Code guid="AB000000-0000-4000-8000-000000000001" name="a" isCodable="true"/>\n'
            b'<Code guid="{AB000000-0000-4000-8000-000000000001}" name="b" isCodable="true"/>\n'
            b"</Codes></CodeBook>",
            "lines 2 and 3",
            "same GUID",
        ),
        (
            b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>\n'
            b'<Code guid="nope" name="a" isCodable="true"/></Codes></CodeBook>',
            "line 2",
            "must be a GUID",
        ),
    ],
)
def test_bad_codebooks_name_the_file_and_place_and_change_nothing(
    mini, tmp_path, content, place, message
):
    folder, store = mini
    bad = tmp_path / "bad.qdc"
    bad.write_bytes(content)
    before = rows(store)
    with pytest.raises(QdpxError) as caught:
        import_codebook(folder, bad, store=store)
    assert caught.value.file == "bad.qdc" and place in caught.value.place
    assert message in caught.value.message
    assert rows(store) == before


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("Belemmering", "obstacle"),
        ("OBSTACLE", "obstacle"),
        ("way_to_deal", "way_to_deal"),
        ("Way to deal with it", "way_to_deal"),
        ("  idee   of behoefte ", "idea_or_need"),
        ("success factor", "success_factor"),
        ("Thema's", ""),
        ("Commits", ""),
    ],
)
def test_category_folder_names(name, category):
    assert category_of_folder(name) == category


@pytest.mark.parametrize(
    ("given", "colour"),
    [("#C00", "#cc0000"), ("#ABCDEF", "#abcdef"), (" #abc ", "#aabbcc"), ("red", ""), (None, "")],
)
def test_refi_colours(given, colour):
    assert colour_of(given) == colour
