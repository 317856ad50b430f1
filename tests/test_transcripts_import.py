"""Importing transcripts into a cohort's store, correcting speakers, and the speaker step."""

from __future__ import annotations

import html
import sqlite3

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_transcripts_parse import BAD, CORPUS, NAME, TEAMS_DOCX, TEAMS_VTT, WORDS, ZOOM

from wwlib.app.cli import main
from wwlib.core.errors import NotFound, StoreError
from wwlib.core.labels import Labels
from wwlib.core.pseudonym import Pseudonymiser
from wwlib.exchange.transcripts import import_files
from wwlib.present.workbook import Workbook
from wwlib.store import Store
from wwlib.transcripts import TranscriptError, parse_bytes, parse_file
from wwlib.transcripts.placement import Placer
from wwlib.ui.speakers import SpeakerMap

FEMKE, CHLOE = "femke-bos", "chloe-peeters"
# file, found by, {speaker label: person}
PLACED = [
    ("chloe-peeters.txt", "file name", {"Femke Bos": FEMKE, "Chloë Peeters": CHLOE}),
    ("p03.md", "file name", {"Femke": FEMKE, "Chloë": CHLOE}),
    ("chloe-uitgewerkt.docx", "speaker", {"Femke": FEMKE, "Chloë": CHLOE}),
    (TEAMS_DOCX, "speaker", {"Femke Bos": FEMKE, "Chloë Peeters (Guest)": CHLOE}),
    ("teams-classic-p03.docx", "file name", {"Femke Bos": FEMKE, "Chloë Peeters": CHLOE}),
    (ZOOM, "speaker",
     {"F. Bos": FEMKE, "Chloë Peeters (Guest)": CHLOE, "Vergaderruimte 2.14": None}),
    (TEAMS_VTT, "speaker", {"Femke Bos": FEMKE, "Chloë Peeters (Guest)": CHLOE}),
    ("teams-graph-p03.vtt", "file name", {"Femke Bos": FEMKE, "Chloë Peeters": CHLOE}),
]  # fmt: skip


def dump(store: Store) -> list[str]:
    """Every row of every table, read through a connection of its own."""
    con = sqlite3.connect(store.path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def values(frame: pd.DataFrame, column: str) -> list:
    """A column's values with a missing one (None or NaN) as None."""
    return [None if pd.isna(value) else value for value in frame[column]]


def interview(store: Store, participant: str) -> dict:
    rows = store.interviews()
    return rows[rows["participant"] == participant].iloc[0].to_dict()


@pytest.mark.parametrize("name, by, people", PLACED, ids=[row[0] for row in PLACED])
def test_import_stores_text_turns_people_and_times(mini_store, name, by, people):
    assert interview(mini_store, CHLOE)["status"] == "planned"
    summary = import_files(None, [CORPUS / name], store=mini_store)

    parsed = parse_file(CORPUS / name)
    [placed] = summary.files
    assert (placed.interview, placed.placed_by, placed.format) == (CHLOE, by, parsed.format)
    assert mini_store.transcript(CHLOE) == parsed.text
    turns = mini_store.turns(CHLOE)
    assert list(turns["speaker"]) == [t.speaker for t in parsed.turns]
    assert list(turns["text"]) == [parsed.text[t.start : t.end] for t in parsed.turns]
    mapped = zip(turns["speaker"], values(turns, "person"), strict=True)
    assert {speaker: person for speaker, person in mapped if speaker} == people
    times = list(zip(values(turns, "time_start"), values(turns, "time_end"), strict=True))
    assert times == [(t.time_start, t.time_end) for t in parsed.turns]
    assert interview(mini_store, CHLOE)["status"] == "held"
    log = mini_store.change_log().iloc[-1]
    assert (log["action"], log["entity"], log["entity_id"], log["actor"]) == (
        "import", "transcript", CHLOE, "tester",
    )  # fmt: skip
    assert log["detail"]["format"] == parsed.format and log["detail"]["source"] == name


def test_summary_names_interview_format_turns_speakers_and_warnings(mini_store):
    text = str(import_files(None, [CORPUS / ZOOM], store=mini_store))
    for expected in (
        f"{ZOOM} → interview chloe-peeters (found by speaker); Zoom WebVTT; 8 turn(s), "
        "0:00:02-0:00:52",
        "speaker 'F. Bos' → femke-bos (initials and surname)",
        "speaker 'Chloë Peeters (Guest)' → chloe-peeters (name without brackets and dots)",
        "speaker 'Vergaderruimte 2.14' → not mapped",
        "warning: 1 cue(s) name no speaker",
        "1 speaker(s) not mapped to a person",
        "SpeakerMap",
    ):
        assert expected in text


def test_import_into_the_default_store_of_a_cohort_folder(make_cohort, ww_home):
    folder = make_cohort()
    summary = import_files(folder, [CORPUS / "p03.md"])
    assert summary.store == str(ww_home / "stores" / "mini-2024.sqlite")
    with Store(summary.store) as store:
        assert store.turns(CHLOE)["person"].tolist() == [FEMKE, CHLOE, FEMKE, CHLOE]
        assert store.change_log()["actor"].iloc[-1] == "ww import"


def test_several_files_at_once_and_a_new_interview_row(make_cohort, tmp_path):
    people = (CORPUS.parent / "mini" / "people.csv").read_text("utf-8")
    dirk = "dirk-smit,Dirk Smit,participant,,,,P04,ja,nee,\n"
    folder = make_cohort(**{"people.csv": people + dirk})
    transcript = tmp_path / "dirk-smit.md"
    transcript.write_text("Femke Bos: Hoe ging het?\n\nDirk Smit: Goed.\n", "utf-8")
    store_path = tmp_path / "s.sqlite"
    summary = import_files(folder, [CORPUS / ZOOM, transcript], store=store_path)
    assert [f.interview for f in summary.files] == [CHLOE, "dirk-smit"]
    assert (
        "dirk-smit.md → interview dirk-smit (found by file name); Markdown; 2 turn(s); new "
        "interview" in str(summary)
    )
    with Store(store_path) as store:
        row = interview(store, "dirk-smit")
        assert (row["interviewer"], row["status"]) == ("femke-bos", "held")
        assert store.transcript("dirk-smit") == transcript.read_text("utf-8")
        assert store.change_log()["entity_id"].tolist()[-2:] == [CHLOE, "dirk-smit"]


# -- bad input leaves the store as it was --------------------------------------------------

BAD_FILES = sorted({name for name, *_ in BAD})


@pytest.mark.parametrize("name", BAD_FILES)
def test_a_bad_file_leaves_the_store_unchanged(mini_store, name):
    before = dump(mini_store)
    with pytest.raises(TranscriptError) as caught:
        import_files(None, [CORPUS / "p03.md", CORPUS / name], store=mini_store)
    assert dump(mini_store) == before
    assert "nothing was imported" in str(caught.value)
    assert all(p.file == name for p in caught.value.problems)


def test_every_problem_of_every_file_is_reported_at_once(mini_store):
    before = dump(mini_store)
    files = ["p03.md", "latin1.txt", "broken-timestamps.vtt", TEAMS_VTT, "renamed.docx"]
    with pytest.raises(TranscriptError) as caught:
        import_files(None, [CORPUS / f for f in files], store=mini_store)
    assert [p.file for p in caught.value.problems] == [
        "latin1.txt", "broken-timestamps.vtt", "broken-timestamps.vtt", "broken-timestamps.vtt",
        "renamed.docx", TEAMS_VTT,
    ]  # fmt: skip
    assert "belongs to interview chloe-peeters, like p03.md" in str(caught.value)
    assert dump(mini_store) == before


@pytest.mark.parametrize(
    "name, text, message",
    [
        ("opname.vtt", "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nFemke Bos: Hallo?\n",
         "no participant of the cohort speaks in it"),
        ("gesprek.md", "Anna: Hoi.\n\nBram: Hallo.\n", "several participants speak in it"),
        ("anna-jansen-en-p02.md", "Femke: Hoi.\n", "names several participants"),
    ],
)  # fmt: skip
def test_a_file_that_says_no_interview_asks_to_be_renamed(
    mini_store, tmp_path, name, text, message
):
    path = tmp_path / name
    path.write_text(text, "utf-8")
    before = dump(mini_store)
    with pytest.raises(TranscriptError) as caught:
        import_files(None, [path], store=mini_store)
    [found] = caught.value.problems
    assert found.file == name and message in found.message
    assert "rename the file to the participant's id or pseudonym" in found.fix
    assert dump(mini_store) == before


@pytest.mark.parametrize(
    "name, interview",
    [("p03.vtt", CHLOE), ("P03 interview.docx", CHLOE), ("Interview Chloë Peeters.docx", CHLOE),
     ("2024-02-27_chloe-peeters_v2.md", CHLOE), ("anna-jansen.txt", "anna-jansen"),
     ("xp03.md", None), ("p030.md", None), ("chloe.md", None), ("f01.vtt", None)],
)  # fmt: skip
def test_the_file_name_holds_a_participants_id_or_pseudonym(mini_store, name, interview):
    placer = Placer(mini_store.people(), mini_store.interviews())
    assert placer.named_in(name) == ([interview] if interview else [])


def test_unclear_interviewer_of_a_new_interview_is_a_problem(make_cohort, tmp_path):
    people = (CORPUS.parent / "mini" / "people.csv").read_text("utf-8")
    extra = (
        "dirk-smit,Dirk Smit,participant,,,,P04,ja,nee,\n"
        "kees-kok,Kees Kok,facilitator,,,,F02,ja,nee,\n"
    )
    folder = make_cohort(**{"people.csv": people + extra})
    transcript = tmp_path / "p04.txt"
    transcript.write_text("Dirk Smit: Ik vertel maar.\n", "utf-8")
    with pytest.raises(TranscriptError, match="who interviewed is unclear"):
        import_files(folder, [transcript], store=tmp_path / "s.sqlite")


def test_reimporting_an_interview_with_codings_is_refused(mini_store, tmp_path):
    path = tmp_path / "anna-jansen.md"
    path.write_text("Femke: Nieuwe tekst.\n\nAnna: Helemaal anders.\n", "utf-8")
    before = dump(mini_store)
    with pytest.raises(TranscriptError, match=r"anna-jansen.*4 coding\(s\)"):
        import_files(None, [path], store=mini_store)
    with pytest.raises(StoreError, match="4 coding"):
        mini_store.save_transcript("anna-jansen", "Femke: Nieuw.", source="x.md")
    assert dump(mini_store) == before
    assert len(mini_store.codings()) == 6


def test_reimporting_without_codings_replaces_text_and_turns(mini_store):
    import_files(None, [CORPUS / "chloe-peeters.txt"], store=mini_store)
    summary = import_files(None, [CORPUS / "p03.md"], store=mini_store)
    assert "replaces the earlier transcript" in str(summary)
    assert mini_store.transcript(CHLOE) == (CORPUS / "p03.md").read_text("utf-8")
    assert mini_store.turns(CHLOE)["speaker"].tolist() == ["Femke", "Chloë", "Femke", "Chloë"]
    log = mini_store.change_log()
    assert (
        log["detail"].iloc[-1]["replaced"] is True and log["detail"].iloc[-2]["replaced"] is False
    )


# -- correcting a speaker -----------------------------------------------------------------


def test_set_speaker_changes_every_turn_of_the_label_and_logs_it(mini_store):
    import_files(None, [CORPUS / TEAMS_VTT], store=mini_store)
    label = "Chloë Peeters (Guest)"
    assert mini_store.set_speaker(CHLOE, label, "anna-jansen", actor="femke") == 4
    turns = mini_store.turns(CHLOE)
    assert set(turns.loc[turns["speaker"] == label, "person"]) == {"anna-jansen"}
    assert set(turns.loc[turns["speaker"] == "Femke Bos", "person"]) == {FEMKE}
    log = mini_store.change_log().iloc[-1]
    assert (log["action"], log["entity"], log["entity_id"], log["actor"]) == (
        "update", "turn", CHLOE, "femke",
    )  # fmt: skip
    assert log["detail"] == {"speaker": label, "person": "anna-jansen", "was": [CHLOE], "turns": 4}
    assert mini_store.set_speaker(CHLOE, label, None) == 4
    assert mini_store.turns(CHLOE)["person"].isna().sum() == 4


@pytest.mark.parametrize(
    "speaker, person, message",
    [("Iemand", FEMKE, "no turns of speaker 'Iemand'; its speakers are: Chloë"),
     ("Femke Bos", "niemand", "person 'niemand' is not in")],
)  # fmt: skip
def test_set_speaker_refuses_unknown_labels_and_people(mini_store, speaker, person, message):
    import_files(None, [CORPUS / TEAMS_VTT], store=mini_store)
    before = dump(mini_store)
    with pytest.raises(NotFound, match=message):
        mini_store.set_speaker(CHLOE, speaker, person)
    assert dump(mini_store) == before


def test_turns_of_an_interview_without_transcript(mini_store):
    with pytest.raises(NotFound, match="chloe-peeters"):
        mini_store.turns(CHLOE)


# -- the folder's own transcripts get turns too ----------------------------------------------


def test_folder_transcripts_get_turns_mapped_by_first_name(mini_store):
    turns = mini_store.turns("bram-de-vries")
    assert turns[["speaker", "person"]].values.tolist() == [
        ["Femke", FEMKE], ["Bram", "bram-de-vries"], ["Bram", "bram-de-vries"],
    ]  # fmt: skip
    assert turns["text"].iloc[1].endswith("scheelt gedoe 🙂.")
    assert list(mini_store.change_log()["action"]) == ["import"]


def test_every_lindeveen_turn_is_mapped_to_interviewer_or_participant(lindeveen):
    for row in lindeveen.interviews().itertuples():
        turns = lindeveen.turns(row.participant)
        assert len(turns) > 0
        assert set(turns["person"]) == {row.participant, row.interviewer}


# -- the CLI -------------------------------------------------------------------------------


def test_cli_imports_and_prints_the_summary(make_cohort, tmp_path, capsys):
    folder, store = make_cohort(), tmp_path / "cli.sqlite"
    assert (
        main(["import", "transcripts", str(folder), str(CORPUS / ZOOM), "--store", str(store)]) == 0
    )
    assert "interview chloe-peeters" in capsys.readouterr().out
    code = main(
        ["import", "transcripts", str(folder), str(CORPUS / "empty.txt"), "--store", str(store)]
    )
    assert code == 1
    assert "empty.txt, byte 0: is empty (0 bytes)" in capsys.readouterr().err


# -- offsets survive the store: SQLite counts code points as Python does ---------------------


REFUSED = "".join(map(chr, [*range(9), 11, 12, *range(14, 32), 127]))  # control characters


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.tuples(NAME, WORDS), min_size=1, max_size=4),
    st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters=REFUSED), max_size=10),
)
def test_property_stored_turns_cut_out_the_same_words(mini_store, turns, before):
    text = (
        before.replace("\r", "").replace(":", "")
        + "\n"
        + "\n\n".join(f"{name}: {words}" for name, words in turns)
    )
    parsed = parse_bytes(text.encode("utf-8"), "p03.md")
    mini_store.save_transcript(CHLOE, parsed.text, parsed.turns, source="p03.md")
    stored = mini_store.turns(CHLOE)
    assert stored["text"].tolist() == [parsed.text[t.start : t.end] for t in parsed.turns]
    assert stored["start"].tolist() == [t.start for t in parsed.turns]


# -- the speaker step in the notebook ----------------------------------------------------------


@pytest.fixture
def wb(mini_store):
    return Workbook(
        mini_store, Labels("nl"), Pseudonymiser(mini_store.people(), False), "nl", False
    )


def test_speaker_map_shows_a_dropdown_per_speaker_and_saves_a_correction(wb):
    import_files(None, [CORPUS / ZOOM], store=wb.store)
    panel = SpeakerMap(wb, CHLOE)
    assert list(panel.choices) == ["F. Bos", "Chloë Peeters (Guest)", "Vergaderruimte 2.14"]
    assert [d.value for d in panel.choices.values()] == [FEMKE, CHLOE, ""]
    assert all("ww-speaker-choice" in d._dom_classes for d in panel.choices.values())
    assert (
        "1 beurt, bijvoorbeeld: “Mag ik daar iets op aanvullen?"
        in panel.rows.children[2].children[1].value
    )

    panel.choices["Vergaderruimte 2.14"].value = "anna-jansen"
    panel.save.click()
    assert "1 spreker opgeslagen" in panel.status.value
    turns = wb.store.turns(CHLOE)
    assert set(turns.loc[turns["speaker"] == "Vergaderruimte 2.14", "person"]) == {"anna-jansen"}
    assert wb.store.change_log().iloc[-1]["entity"] == "turn"

    panel.save.click()
    assert "Niets gewijzigd" in panel.status.value


def test_speaker_map_shows_a_readable_error_instead_of_a_traceback(wb, monkeypatch):
    panel = SpeakerMap(wb, CHLOE)
    assert panel.save.disabled and "ww-error" in panel.status.value
    assert "chloe-peeters" not in panel.status.value and "Chloë Peeters" in panel.status.value

    panel.interview = "anna-jansen"
    assert not panel.save.disabled and panel.status.value == ""

    def refuse(*args, **kwargs):
        raise NotFound("person 'x' is not in this cohort's store")

    monkeypatch.setattr(wb.store, "set_speaker", refuse)
    panel.choices["Anna"].value = "bram-de-vries"
    panel.save.click()
    assert "Niet opgeslagen: person 'x' is not in" in html.unescape(panel.status.value)


def test_speaker_map_without_speakers(wb, tmp_path):
    notes = tmp_path / "p03.md"
    notes.write_text("Aantekeningen zonder sprekers.\n", "utf-8")
    import_files(None, [notes], store=wb.store)
    panel = SpeakerMap(wb, CHLOE)
    assert panel.save.disabled and "geen sprekers" in panel.rows.children[0].value


def test_speaker_map_in_english_and_pseudonymised(mini_store):
    import_files(None, [CORPUS / TEAMS_VTT], store=mini_store)
    wb = Workbook(mini_store, Labels("en"), Pseudonymiser(mini_store.people(), True), "en", True)
    panel = SpeakerMap(wb, CHLOE)
    assert [d.description for d in panel.choices.values()] == ["F01", "P03 (Guest)"]
    assert "Save speakers" == panel.save.description
    assert ("P03", CHLOE) in panel.choices["Chloë Peeters (Guest)"].options
