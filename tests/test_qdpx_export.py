"""Exporting a cohort as a REFI-QDA project (wwlib/qdpx/write.py, api.export_project)."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
import xmlschema
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree
from store_helpers import everyone_named

from wwlib.core.model import Code, Coding, Cohort, Fragment, Interview, Person, Transcript
from wwlib.core.records import ExchangeContent, ExchangeRows, Guids, MemoRecord
from wwlib.exchange.qdpx import export_project
from wwlib.qdpx.model import user_guid
from wwlib.qdpx.read import read_project
from wwlib.qdpx.write import project_files

ROOT = Path(__file__).resolve().parents[1]
LINDEVEEN = ROOT / "data" / "lindeveen-2026"
SHARED = ROOT.parent / "shared" / "refi-qda"
PACKAGED = ROOT / "wwlib" / "qdpx" / "schemas"
NS = {"q": "urn:QDA-XML:project:1.0"}


def add_memos(store) -> dict[str, str]:
    """One memo of each kind (fragment, code, interview, cohort); returns target -> GUID."""
    content = store.exchange_content()
    fragment = content.codings[0].fragment
    memos = [
        MemoRecord(
            "fragment",
            "",
            "Mooi citaat voor de flap.",
            "",
            "marit-hofstede",
            "2026-10-13T10:00:00Z",
            fragment,
        ),
        MemoRecord("code", content.codes[0].id, "Code & <memo> met één teken.", ""),
        MemoRecord("interview", fragment.interview, "Een open gesprek.", "", "thijs-van-wezel"),
        MemoRecord("cohort", content.cohort.id, "Over de hele week.", ""),
    ]
    store.import_exchange(lambda _: (ExchangeRows(memos=memos), None), source="test memos")
    return {m.target: m.guid for m in store.exchange_content().memos}


@pytest.fixture(scope="module")
def exported(lindeveen, tmp_path_factory):
    """Lindeveen with four memos, exported once: (store, path of the .qdpx)."""
    folder = tmp_path_factory.mktemp("export")
    lindeveen.backup(folder / "s.sqlite")
    everyone_named(folder / "s.sqlite")  # the names as stored (tests/test_output_privacy.py)
    from wwlib.store import Store

    store = Store(folder / "s.sqlite")
    add_memos(store)
    out = folder / "lindeveen.qdpx"
    export_project(LINDEVEEN, out, store=store.path)
    yield store, out
    store.close()


@pytest.fixture(scope="module")
def qde(exported):
    with zipfile.ZipFile(exported[1]) as archive:
        return archive.read("project.qde")


@pytest.fixture(scope="module")
def root(qde):
    return etree.fromstring(qde)


def test_the_packaged_schemas_are_the_shared_ones():
    for name in ("Project.xsd", "Codebook.xsd"):
        assert (PACKAGED / name).read_bytes() == (SHARED / name).read_bytes()
    assert "MIT license" in (PACKAGED / "Project.xsd").read_text(encoding="utf-8")


def test_project_qde_is_valid_against_the_refi_schema(root):
    xmlschema.XMLSchema(str(SHARED / "Project.xsd")).validate(root)


def test_no_bom_before_the_xml_declaration_nor_in_sources(qde, exported):
    assert qde.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    with zipfile.ZipFile(exported[1]) as archive:
        for name in archive.namelist():
            assert not archive.read(name).startswith(b"\xef\xbb\xbf"), name


def test_sources_are_plain_text_files_in_a_lowercase_sources_folder(root, exported):
    with zipfile.ZipFile(exported[1]) as archive:
        members = set(archive.namelist())
    paths = [s.get("plainTextPath") for s in root.iterfind(".//q:TextSource", NS)]
    assert len(paths) == 9 and all(p.startswith("internal://") for p in paths)
    assert members == {"project.qde"} | {"sources/" + p[len("internal://") :] for p in paths}


def test_every_guid_is_unique(root):
    guids = [e.get("guid") for e in root.iter() if e.get("guid")]
    assert len(guids) == len(set(guids)) > 300
    assert all(g == g.lower() for g in guids)


def test_every_reference_resolves(root):
    def guids(tag, **where):
        return {
            e.get("guid")
            for e in root.iterfind(f".//q:{tag}", NS)
            if all(e.get(k) == v for k, v in where.items())
        }

    targets = {
        "CodeRef": guids("Code", isCodable="true"),
        "NoteRef": guids("Note"),
        "SourceRef": guids("TextSource"),
        "VariableRef": guids("Variable"),
    }
    users = guids("User")
    checked = 0
    for element in root.iter():
        name = etree.QName(element).localname
        if name in targets:
            assert element.get("targetGUID") in targets[name], etree.tostring(element)
            checked += 1
        if element.get("creatingUser"):
            assert element.get("creatingUser") in users
    assert checked > 200


def test_selections_cut_out_exactly_the_coded_text(root, exported):
    store, path = exported
    content = store.exchange_content()
    by_guid = {g: f for f, g in content.guids.fragment.items()}
    texts = {t.interview: t.text for t in content.transcripts}
    with zipfile.ZipFile(path) as archive:
        for source in root.iterfind(".//q:TextSource", NS):
            name = source.get("plainTextPath").removeprefix("internal://")
            text = archive.read(f"sources/{name}").decode("utf-8")
            selections = source.findall("q:PlainTextSelection", NS)
            assert selections
            for selection in selections:
                start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
                fragment = by_guid[selection.get("guid")]
                assert text == texts[fragment.interview]
                assert (start, end) == (fragment.start, fragment.end)
                assert text[start:end] == fragment.quote(texts[fragment.interview])


def test_people_are_cases_with_their_attributes_as_variables(root, exported):
    store, _ = exported
    people = store.people().set_index("guid")
    variables = {v.get("guid"): v.get("name") for v in root.iterfind(".//q:Variable", NS)}
    cases = root.findall(".//q:Case", NS)
    assert {c.get("guid") for c in cases} == set(people.index)
    for case in cases:
        person = people.loc[case.get("guid")]
        values = {
            variables[v.find("q:VariableRef", NS).get("targetGUID")]: v[1].text
            for v in case.findall("q:VariableValue", NS)
        }
        assert case.get("name") == person["name"]
        assert values["role"] == person["role"] and values["pseudonym"] == person["pseudonym"]
        assert values["consent_named"] == str(bool(person["consent_named"])).lower()
        assert values.get("organisation", "") == person["organisation"]


def test_coders_are_users_whose_guid_follows_from_the_person(root, exported):
    store, _ = exported
    people = store.people()
    coders = set(store.codings()["coder"])
    expected = {
        user_guid(g) for i, g in zip(people["id"], people["guid"], strict=True) if i in coders
    }
    assert {u.get("guid") for u in root.iterfind(".//q:User", NS)} >= expected


def test_memos_are_notes_referred_to_from_what_they_are_about(root, exported):
    store, _ = exported
    memos = {m.target: m for m in store.exchange_content().memos}
    notes = {n.get("guid"): n for n in root.iterfind(".//q:Note", NS)}
    assert notes[memos["code"].guid].find("q:PlainTextContent", NS).text.startswith("Code & <memo>")

    def holder_of(guid):
        (ref,) = [r for r in root.iterfind(".//q:NoteRef", NS) if r.get("targetGUID") == guid]
        return etree.QName(ref.getparent()).localname

    assert holder_of(memos["fragment"].guid) == "PlainTextSelection"
    assert holder_of(memos["code"].guid) == "Code"
    assert holder_of(memos["interview"].guid) == "TextSource"
    assert holder_of(memos["cohort"].guid) == "Project"
    coding_memos = [c for c in store.exchange_content().codings if c.memo]
    assert len(notes) == 4 + len(coding_memos)


def test_category_folders_hold_the_codes_nested_as_in_the_workbook(root, exported):
    store, _ = exported
    codes = store.codes().set_index("guid")
    folders = root.findall("q:CodeBook/q:Codes/q:Code", NS)
    assert [f.get("isCodable") for f in folders] == ["false"] * 5
    for folder in folders:
        for code in folder.iter(f"{{{NS['q']}}}Code"):
            if code is folder:
                continue
            row = codes.loc[code.get("guid")]
            assert code.get("color") == row["colour"].upper()
            parent = code.getparent()
            if parent is not folder:
                assert codes.loc[parent.get("guid"), "id"] == row["parent"]


# -- offsets for any text: the property --------------------------------------------------

TRICKY = st.sampled_from(["\r\n", "\r", "\n", "😀", "𝄞", "\ufeff", "\t", "é", "\u0301", " "])
# control characters other than tab, LF and CR are refused on import (wwlib.core.control_chars)
REFUSED = "".join(map(chr, [*range(9), 11, 12, *range(14, 32), 127]))
STORED = st.text(
    st.characters(blacklist_categories=["Cs"], blacklist_characters=REFUSED), max_size=12
)
TEXTS = st.lists(st.one_of(STORED, TRICKY), min_size=1, max_size=20).map("".join)


def one_transcript(text: str, spans: list[tuple[int, int]]) -> ExchangeContent:
    """A cohort of two people and one transcript coded at `spans`, with made-up GUIDs."""
    guid = iter(f"00000000-0000-4000-8000-{n:012x}" for n in range(1, 10_000))
    day = dt.date(2024, 2, 26)
    people = [Person("p", "Pim", "participant", "P01"), Person("f", "Fee", "facilitator", "F01")]
    code = Code("c", "theme", "Thema")
    fragments = sorted({Fragment("p", s, e) for s, e in spans}, key=lambda f: (f.start, f.end))
    codings = [Coding(f, "c", "f") for f in fragments]
    return ExchangeContent(
        cohort=Cohort("x", "X", ("Ooststad",), day, day),
        cohort_guid=next(guid),
        people=people,
        codes=[code],
        interviews=[Interview("p", "f", "coded")],
        transcripts=[Transcript("p", "t.txt", text)],
        fragments=fragments,
        codings=codings,
        guids=Guids(
            person={"p": next(guid), "f": next(guid)},
            code={"c": next(guid)},
            transcript={"p": next(guid)},
            fragment={f: next(guid) for f in fragments},
            coding={(c.fragment, c.code, c.coder): next(guid) for c in codings},
        ),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS, data=st.data())
def test_offsets_are_code_points_that_cut_out_the_coded_text(tmp_path_factory, text, data):
    assume(text.strip())
    points = st.integers(0, len(text))
    spans = data.draw(st.lists(st.tuples(points, points), min_size=1, max_size=5))
    spans = [(min(s), max(s)) for s in spans if s[0] != s[1]]
    assume(spans)
    content = one_transcript(text, spans)
    files = project_files(content)
    path = tmp_path_factory.mktemp("prop") / "p.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", files.qde)
        for name, data_bytes in files.sources.items():
            archive.writestr(name, data_bytes)
    project = read_project(path)
    assert project.warnings == []  # valid against Project.xsd, names and all
    (source,) = project.sources
    assert source.text == text
    with zipfile.ZipFile(path) as archive:
        written = archive.read(source.path).decode("utf-8").removeprefix("\ufeff")
    assert written == text
    read_spans = sorted((s.start, s.end) for s in source.selections)
    assert read_spans == sorted({(f.start, f.end) for f in content.fragments})
    for selection in source.selections:
        assert written[selection.start : selection.end] == text[selection.start : selection.end]
