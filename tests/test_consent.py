"""Consent on record: people.csv's consent columns through folder and store, quotes only with
consent, and the report's method paragraph on consent (issue 13, part 6)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import DATA, line_of, replace, write_override

from wwlib import analysis
from wwlib.app.cli import main
from wwlib.core.consent import KINDS, consents
from wwlib.core.errors import ValidationError
from wwlib.core.labels import Labels
from wwlib.core.model import Person
from wwlib.core.pseudonym import Pseudonymiser
from wwlib.folder.dataset import check_dataset, load_dataset
from wwlib.folder.scaffold import new_cohort
from wwlib.folder.write import write_cohort_folder
from wwlib.outputs.report import build_report
from wwlib.present.report_method import consent_facts, method_paragraphs
from wwlib.present.workbook import Workbook
from wwlib.store import Store

WHEN = dt.datetime(2026, 10, 16, 17, 0)
GERDA = "gerda-smeets"  # Lindeveen's participant who consented neither to a recording nor quotes


def lindeveen_copy(tmp_path: Path, **overrides) -> Path:
    folder = tmp_path / "lindeveen-2026"
    shutil.copytree(DATA / "lindeveen-2026", folder)
    for name, content in overrides.items():
        write_override(folder / name, content)
    return folder


def loaded(folder: Path, path: Path) -> Store:
    store = Store(path, create=True)
    store.load_dataset(load_dataset(folder), source=str(folder))
    return store


def workbook(store: Store, lang: str = "nl") -> Workbook:
    names = Pseudonymiser(store.people(), False, store.cohort().mentioned_names)
    return Workbook(store, Labels(lang), names, lang, False, interactive=False)


def people(store: Store) -> dict[str, tuple]:
    frame = store.people().set_index("id")
    columns = ["consent_named", "consent_recording", "consent_quotes", "consent_date"]
    rows = zip(frame.index, frame[columns].values.tolist(), frame["consent_covers"], strict=True)
    return {i: (*r, c) for i, r, c in rows}


# -- the record and the folder ------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, value, fix",
    [
        ("consent_recording", "ja", "ja or nee"),
        ("consent_quotes", 1, "ja or nee"),
        ("consent_date", "2026-10-05", "YYYY-MM-DD"),
        ("consent_covers", "opname\x07", "control characters"),
    ],
)
def test_a_person_refuses_a_consent_field_of_the_wrong_kind(field, value, fix):
    with pytest.raises(ValidationError) as caught:
        Person("anna", "Anna", "participant", "P01", **{field: value})
    assert caught.value.field == field and fix in str(caught.value)


def test_people_csv_consent_goes_into_the_store_and_back_unchanged(tmp_path):
    folder, store = lindeveen_copy(tmp_path), tmp_path / "s.sqlite"
    assert main(["init", str(folder), "--store", str(store)]) == 0
    with Store(store) as opened:
        gerda = people(opened)[GERDA]
    assert gerda[:4] == (False, False, False, "2026-10-06")
    assert gerda[4].startswith("interview zonder opname")
    assert main(["save", str(folder), "--store", str(store)]) == 0
    bundled = (DATA / "lindeveen-2026" / "people.csv").read_bytes()
    assert (folder / "people.csv").read_bytes() == bundled
    with Store(store) as opened:  # written from the store alone, into a new folder
        fresh = write_cohort_folder(opened, tmp_path / "fresh")
    assert (fresh / "people.csv").read_bytes() == bundled


def test_ww_update_sees_a_changed_consent_as_a_change(tmp_path, capsys):
    folder, store = lindeveen_copy(tmp_path), tmp_path / "s.sqlite"
    assert main(["init", str(folder), "--store", str(store)]) == 0
    edit = replace(
        "P07,nee,nee,nee,2026-10-06,", "P07,nee,nee,ja,2026-10-09,"
    )  # Gerda consents to quotes after all, three days later
    write_override(folder / "people.csv", edit)
    capsys.readouterr()
    assert main(["update", str(folder), "--store", str(store)]) == 0
    assert "1 person changed" in capsys.readouterr().out
    with Store(store) as opened:
        assert people(opened)[GERDA][2:4] == (True, "2026-10-09")


def test_a_bad_consent_date_is_refused_and_the_store_is_unchanged(tmp_path, capsys):
    folder, store = lindeveen_copy(tmp_path), tmp_path / "s.sqlite"
    assert main(["init", str(folder), "--store", str(store)]) == 0
    with Store(store) as opened:
        before, changes = people(opened), opened.change_count()
    write_override(
        folder / "people.csv", replace("P07,nee,nee,nee,2026-10-06", "P07,nee,nee,nee,6-10-2026")
    )
    line = line_of(folder / "people.csv", "P07,")
    (problem,) = check_dataset(folder)
    assert (problem.file, problem.line, problem.field) == ("people.csv", line, "consent_date")
    capsys.readouterr()
    assert main(["update", str(folder), "--store", str(store)]) == 1
    said = capsys.readouterr().err
    assert f"people.csv, line {line}, field 'consent_date'" in said
    assert "YYYY-MM-DD" in said and "leave it empty" in said and "Traceback" not in said
    with Store(store) as opened:
        assert people(opened) == before and opened.change_count() == changes


@pytest.mark.parametrize(
    "lang, words", [("nl", "consent_quotes (ja of nee"), ("en", "consent_quotes (yes or no")]
)
def test_ww_new_writes_and_explains_the_consent_columns(tmp_path, lang, words):
    folder = new_cohort(
        tmp_path / "heideveld", "Week Heideveld", ["Heideveld"], "2027-03-08", lang=lang
    )
    text = (folder / "people.csv").read_text("utf-8")
    header = text.splitlines()[0].split(",")
    assert header[-5:] == [
        "consent_named",
        "consent_recording",
        "consent_quotes",
        "consent_date",
        "consent_covers",
    ]
    assert words in text and "consent_date" in text.split("\n", 1)[1]
    assert check_dataset(folder) == []


# -- quotes only with consent -------------------------------------------------------------------


@pytest.fixture(scope="module")
def lindeveen_stores(tmp_path_factory):
    """Lindeveen as bundled, and the same week had Gerda consented to be quoted."""
    root = tmp_path_factory.mktemp("consent")
    bundled = loaded(DATA / "lindeveen-2026", root / "bundled.sqlite")
    consenting = lindeveen_copy(
        root, **{"people.csv": replace("P07,nee,nee,nee", "P07,nee,nee,ja")}
    )
    quoted = loaded(consenting, root / "quoted.sqlite")
    yield bundled, quoted
    bundled.close()
    quoted.close()


def their_words(store: Store, fragments) -> list[str]:
    """The texts of these fragments of Gerda's interview, as the report shows them."""
    shown, text = workbook(store).pseudonyms.text, store.transcript(GERDA)
    return [shown(text[s:e]) for s, e in zip(fragments["start"], fragments["end"], strict=True)]


def their_quotes(store: Store) -> list[str]:
    """Gerda's fragments among the strongest quotes of every code, as the report shows them."""
    chosen = analysis.strongest_quotes(store.codings())
    return their_words(store, chosen[chosen["interview"] == GERDA])


def test_the_report_quotes_no_one_who_did_not_consent_and_says_how_many_were_left_out(
    lindeveen_stores,
):
    bundled, quoted = lindeveen_stores
    left_out = their_quotes(bundled)
    assert left_out  # the bundled week would quote her
    report = html.unescape(build_report(workbook(bundled), WHEN))
    consenting = html.unescape(build_report(workbook(quoted), WHEN))
    sentence = Labels("nl").count("look.quotes.left_out", len(left_out))
    assert sentence in report and "weggelaten: er was geen toestemming" not in consenting
    for quote in left_out:
        assert quote not in report
        assert quote in consenting  # with consent the same words are quoted


def test_evidence_trails_in_the_report_leave_out_fragments_without_consent(lindeveen_stores):
    bundled, quoted = lindeveen_stores
    texts = their_words(quoted, quoted.codings().query("interview == @GERDA"))
    consenting = html.unescape(build_report(workbook(quoted), WHEN))
    report = html.unescape(build_report(workbook(bundled), WHEN))
    assert any(f"{t}<footer>" in consenting for t in texts)  # her words stand in a trail
    assert not any(f"{t}<footer>" in report for t in texts)
    assert "fragmenten zijn weggelaten" in report or "fragment is weggelaten" in report


# -- the method paragraph -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "lang, given, dates, everyone",
    [
        (
            "nl",
            "Van de 9 deelnemers gaven er 7 toestemming om met naam genoemd te worden, 8 voor een "
            "opname van hun interview en 8 om letterlijk geciteerd te worden.",
            "De toestemming is gegeven tussen 28 september 2026 en 8 oktober 2026.",
            "Van iedereen staat de toestemming vast.",
        ),
        (
            "en",
            "Of the 9 participants, 7 consented to being named, 8 to a recording of their "
            "interview and 8 to being quoted verbatim.",
            "Consent was given between 28 September 2026 and 8 October 2026.",
            "Everyone's consent is on record.",
        ),
    ],
)
def test_the_method_section_states_the_consent_in_one_paragraph(
    lindeveen_stores, lang, given, dates, everyone
):
    bundled, _ = lindeveen_stores
    paragraphs = method_paragraphs(bundled, Labels(lang), "Week")
    consent = [p for p in paragraphs if p["phase"] == Labels(lang)("report.method.consent")]
    assert len(consent) == 1
    text = consent[0]["text"]
    assert text.startswith(given) and dates in text and text.endswith(everyone)
    assert "interview zonder opname (aantekeningen)" in text  # what it covers
    report = html.unescape(build_report(workbook(bundled, lang), WHEN))
    assert f"<strong>{consent[0]['phase']}.</strong> {text}" in report


@pytest.mark.parametrize(
    "lang, said",
    [
        ("nl", "Van 2 personen staat geen toestemming vast: P07, S01."),
        ("en", "For 2 people no consent is on record: P07, S01."),
    ],
)
def test_who_has_no_consent_on_record_is_named_as_the_report_shows_them(tmp_path, lang, said):
    edits = replace("P07,nee,nee,nee,2026-10-06,", "P07,nee,nee,nee,,")
    folder = lindeveen_copy(
        tmp_path,
        **{
            "people.csv": lambda t: edits(t).replace("S01,ja,nee,nee,2026-09-28", "S01,ja,nee,nee,")
        },
    )
    with loaded(folder, tmp_path / "s.sqlite") as store:
        facts = consent_facts(store)
        assert facts.unrecorded == (GERDA, "iris-schoenmakers")
        assert (facts.first, facts.last) == (dt.date(2026, 9, 28), dt.date(2026, 10, 8))
        text = method_paragraphs(store, Labels(lang), "Week")[-1]["text"]
    # neither is named: Gerda said nee, and Iris's ja counts for nothing without a date
    assert text.endswith(said) and "Gerda" not in text and "Iris" not in text


def test_one_date_of_consent_is_said_as_one_date(limburg_store):
    facts = consent_facts(limburg_store)
    assert dataclasses.astuple(facts)[:4] == (9, 9, 0, 0)
    text = method_paragraphs(limburg_store, Labels("nl"), "Week")[-1]["text"]
    assert "De toestemming is gegeven op maandag 20 april 2020." in text


# -- no consent on record: no consent for anything ----------------------------------------------

INEKE = "ineke-verhoeven"  # consented to everything, in the bundled week on 2026-10-05


@pytest.mark.parametrize(
    "row, named, recording, quotes",
    [
        ({"consent_named": True, "consent_recording": True, "consent_quotes": True,
          "consent_date": "2026-10-05"}, True, True, True),
        ({"consent_named": True, "consent_recording": True, "consent_quotes": True,
          "consent_date": ""}, False, False, False),  # ja, ja, ja without a date
        ({"consent_named": True, "consent_recording": False, "consent_quotes": True,
          "consent_date": None}, False, False, False),
        ({"consent_named": True, "consent_recording": False, "consent_quotes": True,
          "consent_date": dt.date(2026, 10, 5)}, True, False, True),
        ({"consent_named": True}, False, False, False),  # a frame without the date column
        ({"consent_date": "2026-10-05"}, False, False, False),  # nor the consent columns
    ],
)  # fmt: skip
def test_consent_counts_only_with_its_date_on_record(row, named, recording, quotes):
    people = pd.DataFrame([{"id": "p", **row}])
    given = {kind: bool(consents(people, kind).iloc[0]) for kind in KINDS}
    assert given == {"named": named, "recording": recording, "quotes": quotes}


@pytest.fixture(scope="module")
def undated(tmp_path_factory):
    """Lindeveen had Ineke said ja to everything but no date been recorded."""
    root = tmp_path_factory.mktemp("undated")
    edit = replace("P01,ja,ja,ja,2026-10-05,", "P01,ja,ja,ja,,")
    store = loaded(lindeveen_copy(root, **{"people.csv": edit}), root / "s.sqlite")
    yield store
    store.close()


def test_without_a_date_no_output_counts_names_or_quotes_the_person(undated, lindeveen_stores):
    bundled, _ = lindeveen_stores
    facts = consent_facts(undated)
    assert (facts.named, facts.recording, facts.quotes) == (6, 7, 7)  # bundled: 7, 8, 8
    assert facts.unrecorded == (INEKE,)
    wb = workbook(undated)
    assert wb.pseudonyms.hides(INEKE) and INEKE in wb.unquoted()
    text = method_paragraphs(undated, Labels("nl"), "Week")[-1]["text"]
    assert text.endswith("Van 1 persoon staat geen toestemming vast: P01.")
    chosen = analysis.strongest_quotes(undated.codings())
    texts = bundled.transcript(INEKE)
    quotes = [
        texts[s:e] for s, e in chosen.loc[chosen["interview"] == INEKE, ["start", "end"]].values
    ]
    assert quotes  # the bundled week quotes her
    report = html.unescape(build_report(wb, WHEN))
    assert "Ineke" not in report and "Verhoeven" not in report
    assert not any(q in report for q in quotes)
    assert "Wie geen toestemming gaf om met naam genoemd te worden" in report


# -- forgetting ---------------------------------------------------------------------------------


def test_forgetting_ends_the_consent_but_keeps_when_it_was_given(tmp_path):
    folder, store = lindeveen_copy(tmp_path), tmp_path / "s.sqlite"
    assert main(["init", str(folder), "--store", str(store)]) == 0
    assert main(["forget", str(folder), "ineke-verhoeven", "--yes", "--store", str(store)]) == 0
    with Store(store) as opened:
        (forgotten,) = [
            v for k, v in people(opened).items() if k != "ineke-verhoeven" and k.startswith("p01")
        ]
    assert forgotten[:4] == (False, False, False, "2026-10-05")
