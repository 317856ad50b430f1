"""Outputs hold no place on the computer, no user name, and no name a person may not be shown."""

from __future__ import annotations

import getpass
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from shared_runs import USER

from wwlib.app.cli import main
from wwlib.cohorts.home import default_store_path, init_cohort
from wwlib.cohorts.privacy import pseudonymiser, review
from wwlib.core.labels import Labels
from wwlib.present import views
from wwlib.present.workbook import Workbook
from wwlib.qdpx.model import PROJECT_NS
from wwlib.store import Store

DATA = Path(__file__).resolve().parents[1] / "data"
NOT_NAMED = ("Joost", "Meulen", "Gerda", "Smeets")  # Lindeveen's two with consent_named: nee
MENTIONED = ("Henk", "Mirjam", "Fatima")


def readable(path: Path) -> dict[str, bytes]:
    """A file's bytes, or each member of a zip (.xlsx, .docx, .qdpx) unpacked, with its name."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return {f"{path}:{m}": m.encode() + archive.read(m) for m in archive.namelist()}
    return {str(path): path.read_bytes()}


@pytest.mark.slow
def test_no_output_names_a_place_or_the_user(limburg_run, tmp_path, ww_home, monkeypatch):
    """The run's outputs (made from another folder and home, by USER), and every export of
    its store in a copy of that folder, made here by USER with a home of its own."""
    home = tmp_path / f"thuis-{USER}"
    home.mkdir()
    for variable in ("USER", "LOGNAME", "USERNAME"):
        monkeypatch.setenv(variable, USER)
    monkeypatch.setenv("HOME", str(home))
    shutil.copytree(limburg_run / "data", tmp_path / "data")
    shutil.copytree(limburg_run / "out" / "limburg", tmp_path / "out")
    shutil.copytree(limburg_run / "home", ww_home)  # the run's store, exported below
    monkeypatch.chdir(tmp_path)
    for what, name in [
        ("qdpx", "project.qdpx"),
        ("qdc", "codeboek.qdc"),
        ("xlsx", "analyse.xlsx"),
        ("tasks", "taken.xlsx"),
        ("ics", "taken.ics"),
        ("handreiking", "handreikingen"),
    ]:
        assert main(["export", what, "data/limburg-2020", f"out/{name}"]) == 0
    outputs = {}
    for path in sorted(p for p in (tmp_path / "out").rglob("*") if p.is_file()):
        outputs |= readable(path)
    assert len(outputs) > 20 and any(".ipynb" in name for name in outputs)
    places = {str(tmp_path), str(ww_home), str(home), USER, getpass.getuser(), str(limburg_run)}
    if len(Path.home().parts) > 1 and getpass.getuser() != "root":  # "root" is also a word
        places.add(str(Path.home()))
    places.discard("root")
    found = [
        f"{name}: {place}"
        for name, data in outputs.items()
        for place in places
        for encoding in ("utf-8", "utf-16-le")
        if place.encode(encoding) in data
    ]
    assert found == []


@pytest.fixture
def lindeveen_folder(tmp_path, monkeypatch) -> Path:
    """Lindeveen with its store; deduce's search for unlisted names out of the way (slow)."""
    monkeypatch.setattr("wwlib.cohorts.privacy.person_names", lambda texts: [])
    folder = tmp_path / "lindeveen-2026"
    shutil.copytree(DATA / "lindeveen-2026", folder)
    init_cohort(folder)
    return folder


def project(path: Path) -> tuple[etree._Element, dict[str, str], str]:
    """project.qde, the sources' texts by GUID, and everything as one text."""
    with zipfile.ZipFile(path) as archive:
        qde = etree.fromstring(archive.read("project.qde"))
        sources = {
            Path(m).stem: archive.read(m).decode("utf-8")
            for m in archive.namelist()
            if m.startswith("sources/")
        }
        everything = "\n".join(archive.read(m).decode("utf-8") for m in archive.namelist())
    return qde, sources, everything


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text))


def test_qdpx_never_names_who_did_not_consent(lindeveen_folder, tmp_path):
    out = tmp_path / "lindeveen.qdpx"
    assert main(["export", "qdpx", str(lindeveen_folder), str(out)]) == 0
    qde, _, everything = project(out)
    assert not words(everything) & set(NOT_NAMED)
    assert "Ineke Verhoeven" in everything  # named with consent
    users = {u.get("id") for u in qde.iter(f"{{{PROJECT_NS}}}User")}
    assert "marit-hofstede" in users and not any("meulen" in u for u in users)


def test_a_pseudonymised_qdpx_names_no_one_and_keeps_codings_on_their_words(
    lindeveen_folder, tmp_path
):
    out = tmp_path / "lindeveen.qdpx"
    assert main(["export", "qdpx", str(lindeveen_folder), str(out), "--pseudonymise"]) == 0
    qde, sources, everything = project(out)
    with Store(init_cohort(lindeveen_folder, replace=True)) as store:
        people = store.people()
        names = pseudonymiser(store, True, "nl")
        quotes = [
            names.text(store.transcript(c.interview)[c.start : c.end])
            for c in store.codings().itertuples()
        ]
    parts = {part for name in people["name"] for part in name.split() if part[0].isupper()}
    assert not words(everything) & (parts | set(MENTIONED))
    users = {u.get("id") for u in qde.iter(f"{{{PROJECT_NS}}}User")}
    assert users == {"f01", "f02"}  # the coders, by pseudonym
    spans = [
        sources[source.get("guid")][int(s.get("startPosition")) : int(s.get("endPosition"))]
        for source in qde.iter(f"{{{PROJECT_NS}}}TextSource")
        for s in source.iter(f"{{{PROJECT_NS}}}PlainTextSelection")
        for _ in s.iter(f"{{{PROJECT_NS}}}Coding")
    ]
    assert sorted(spans) == sorted(quotes)
    cases = {c.get("name") for c in qde.iter(f"{{{PROJECT_NS}}}Case")}
    assert cases == set(people["pseudonym"])
    function = qde.find(f".//{{{PROJECT_NS}}}Variable[@name='function']").get("guid")
    refs = {r.get("targetGUID") for r in qde.iter(f"{{{PROJECT_NS}}}VariableRef")}
    assert function not in refs  # a function next to a pseudonym names the person


def test_a_pseudonymised_codebook(lindeveen_folder, tmp_path, capsys):
    out = tmp_path / "codeboek.qdc"
    assert main(["export", "qdc", str(lindeveen_folder), str(out), "--pseudonymise"]) == 0
    assert "31 codes" in capsys.readouterr().out


# -- speakers: a transcript's labels mapped to people ---------------------------------------------

NEW_PERSON = (
    "pieter-janssen,Pieter Janssen,participant,Gemeente Lindeveen,Lindeveen,adviseur,P10,"
    "nee,ja,ja,2026-10-05,interview\n"  # not to be named, also without --pseudonymise
)
LABELLED = (
    "Dr. M. Hofstede: Goedemorgen, hoe was de week?\n\n"
    "Pieter J.: Druk. Dr. M. Hofstede vroeg het al.\n\n"
    "Interviewer: En verder?\n"
)
SPEAKERS = ["Dr. M. Hofstede=marit-hofstede", "Pieter J.=pieter-janssen", "Interviewer="]


@pytest.fixture
def labelled(tmp_path, monkeypatch) -> Path:
    """Lindeveen with Pieter, whose transcript labels its speakers by title and initials, each
    mapped by hand (the third to no one); saved, so turns.csv holds the labels too."""
    monkeypatch.setattr("wwlib.cohorts.privacy.person_names", lambda texts: [])
    folder = tmp_path / "lindeveen-2026"
    shutil.copytree(DATA / "lindeveen-2026", folder)
    with (folder / "people.csv").open("a", encoding="utf-8") as people:
        people.write(NEW_PERSON)
    init_cohort(folder)
    file = tmp_path / "gesprek.txt"
    file.write_text(LABELLED, encoding="utf-8")
    given = [arg for s in SPEAKERS for arg in ("--speaker", s)]
    argv = ["import", "transcripts", str(folder), str(file), "--person", "pieter-janssen"]
    assert main([*argv, "--interviewer", "marit-hofstede", *given]) == 0
    assert main(["save", str(folder)]) == 0
    return folder


@pytest.mark.parametrize(
    "pseudonymise, speakers, said",
    [
        (True, ["F01", "P10", "Interviewer"], "Druk. F01 vroeg het al."),
        (False, ["Marit Hofstede", "P10", "Interviewer"], "Druk. Dr. M. Hofstede vroeg het al."),
    ],
)
def test_a_mapped_speaker_is_shown_as_the_person_never_by_the_label(
    labelled, pseudonymise, speakers, said
):
    with Store(default_store_path("lindeveen-2026")) as store:
        names = pseudonymiser(store, pseudonymise, "nl")
        wb = Workbook(store, Labels("nl"), names, "nl", pseudonymise, interactive=False)
        table = views.transcript_with_codings(wb, "pieter-janssen")
        text = names.text(store.transcript("pieter-janssen"))
    assert table["Spreker"].tolist() == speakers and table["Tekst"].iloc[1] == said
    # the label in the text itself: the code, whole ("P10 J." would give the surname away)
    assert "P10:" in text and "J." not in text and "Pieter" not in text
    assert ("Hofstede" in text) is not pseudonymise


def test_ww_privacy_replaces_a_mapped_label_by_the_persons_code(labelled, monkeypatch):
    # deduce finds the label as a name the cohort does not list: it is a listed person's
    monkeypatch.setattr("wwlib.cohorts.privacy.person_names", lambda texts: ["Dr. M. Hofstede"])
    findings = [f for f in review(labelled) if f.file == "turns.csv"]
    replaced = {(f.text, f.by) for f in findings if f.replaced}
    assert ("Dr. M. Hofstede", "F01") in replaced and ("Pieter J.", "P10") in replaced
    assert not any("[naam]" in f.by for f in findings)
