"""Recordings: kept beside the store (`ww import ... --media`, `ww import media`), erased by
`ww forget` and `ww purge`, and played in the dashboard from a hit's or a passage's moment."""

from __future__ import annotations

import shutil
import wave
from pathlib import Path

import pytest
from store_helpers import dump

from wwlib.app.cli import main
from wwlib.cohorts.forget import forget
from wwlib.cohorts.home import init_cohort, media_folder
from wwlib.cohorts.purge import purge
from wwlib.cohorts.recordings import recording
from wwlib.core.errors import FileRefused, NotFound
from wwlib.core.labels import Labels
from wwlib.core.limits import copy_regular
from wwlib.core.pseudonym import Pseudonymiser
from wwlib.present.workbook import Workbook
from wwlib.store import Store
from wwlib.ui.media import MediaPlayer, PassagePlayer, passage_time
from wwlib.ui.search import SearchPanel

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
CHLOE, ANNA, BRAM = "chloe-peeters", "anna-jansen", "bram-de-vries"
VTT = (
    "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nFemke Bos: Hoe begon je week?\n\n"
    "2\n00:01:23.000 --> 00:01:29.500\nChloë Peeters: Met een overleg over de wijk.\n"
)


def wav(path: Path, seconds: float = 2.0, rate: int = 8000) -> Path:
    """A real, silent mono WAV file of `seconds`."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\0\0" * int(seconds * rate))
    return path


@pytest.fixture
def mini(tmp_path) -> tuple[Path, Path]:
    """The mini cohort in a temporary folder, with its store; (folder, store)."""
    folder = tmp_path / "mini"
    shutil.copytree(MINI, folder)
    return folder, init_cohort(folder)


@pytest.fixture
def chloe(tmp_path, mini, capsys) -> tuple[Path, Path, Path]:
    """Chloë's timed transcript imported with its recording; (folder, store, recording). What
    the command printed is in `tmp_path`/printed.txt."""
    folder, store = mini
    (tmp_path / "chloe.vtt").write_text(VTT, "utf-8")
    given = wav(tmp_path / "opname.wav")
    argv = ["import", "transcripts", str(folder), str(tmp_path / "chloe.vtt")]
    assert main([*argv, "--person", CHLOE, "--media", str(given)]) == 0
    (tmp_path / "printed.txt").write_text(capsys.readouterr().out, "utf-8")
    return folder, store, given


@pytest.fixture(scope="module")
def heard(tmp_path_factory) -> tuple[Path, Path, Path]:
    """As `chloe`, once per module, for the tests that only read; (folder, store, recording)."""
    tmp = tmp_path_factory.mktemp("heard")
    shutil.copytree(MINI, tmp / "mini")
    store = init_cohort(tmp / "mini", tmp / "store.sqlite")
    (tmp / "chloe.vtt").write_text(VTT, "utf-8")
    given = wav(tmp / "opname.wav")
    argv = ["import", "transcripts", str(tmp / "mini"), str(tmp / "chloe.vtt"), "--person", CHLOE]
    assert main([*argv, "--media", str(given), "--store", str(store)]) == 0
    return tmp / "mini", store, given


def workbook(store: Store, person: str = "", role: str = "facilitator", pseudonymise=False):
    names = Pseudonymiser(store.people(), pseudonymise)
    return Workbook(store, Labels("nl"), names, "nl", pseudonymise, True, person, role)


# -- import -------------------------------------------------------------------------------


def test_the_recording_is_kept_beside_the_store_and_not_in_the_folder(chloe, tmp_path):
    folder, store, given = chloe
    kept = recording(store, CHLOE)
    assert kept == media_folder(store) / f"{CHLOE}.wav"
    assert kept.parent.parent == store.parent and kept.read_bytes() == given.read_bytes()
    data = given.read_bytes()
    assert not [p for p in folder.rglob("*") if p.is_file() and p.read_bytes() == data]
    assert not [p for p in folder.rglob("*") if p.suffix == ".wav"]
    assert f"recording {kept} (kept beside the store)" in (tmp_path / "printed.txt").read_text()


def test_an_imported_interview_gets_its_recording_afterwards(tmp_path, mini, capsys):
    folder, store = mini
    given = wav(tmp_path / "anna.wav")
    assert main(["import", "media", str(folder), str(given), "--person", ANNA]) == 0
    out = capsys.readouterr().out
    assert recording(store, ANNA).read_bytes() == given.read_bytes()
    assert "no times" in out  # the mini transcripts are Markdown without times


@pytest.mark.parametrize("name", ["opname.flac", "opname.exe", "opname", "opname.wav.txt"])
@pytest.mark.parametrize("how", ["with the transcript", "afterwards"])
def test_another_type_is_refused_by_name_and_nothing_changes(tmp_path, mini, capsys, name, how):
    folder, store = mini
    (tmp_path / "chloe.vtt").write_text(VTT, "utf-8")
    bad = tmp_path / name
    bad.write_bytes(b"ID3 not what a browser plays")
    before = dump(store)
    if how == "afterwards":
        argv = ["import", "media", str(folder), str(bad), "--person", ANNA]
    else:
        argv = ["import", "transcripts", str(folder), str(tmp_path / "chloe.vtt")]
        argv += ["--person", CHLOE, "--media", str(bad)]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert f"ww import: {name}: is " in err and "nothing was changed" in err and ".m4a" in err
    assert "Traceback" not in err
    assert dump(store) == before
    assert not media_folder(store).exists() or not any(media_folder(store).iterdir())


def test_a_recording_for_no_interview_or_without_person_is_refused(tmp_path, mini, capsys):
    folder, store = mini
    given = wav(tmp_path / "x.wav")
    (tmp_path / "chloe.vtt").write_text(VTT, "utf-8")
    assert main(["import", "media", str(folder), str(given), "--person", "niemand"]) == 1
    argv = ["import", "transcripts", str(folder), str(tmp_path / "chloe.vtt"), "--media"]
    assert main([*argv, str(given)]) == 1
    err = capsys.readouterr().err
    assert "'niemand' has no interview" in err and "--media goes with --person" in err
    assert not media_folder(store).exists() or not any(media_folder(store).iterdir())


def test_a_store_in_the_cohort_folder_keeps_no_recording(tmp_path, mini, capsys):
    folder, _ = mini
    inside = init_cohort(folder, folder / "store.sqlite")
    given = wav(tmp_path / "a.wav")
    argv = ["import", "media", str(folder), str(given), "--person", ANNA, "--store", str(inside)]
    assert main(argv) == 1
    assert "lies in the cohort folder" in capsys.readouterr().err
    assert not media_folder(inside).exists()


# people.csv's rows with a consent to a recording that is not on record
NO_RECORDING = {CHLOE: ("P03,ja,ja,2024-02-26", "P03,ja,nee,2024-02-26")}  # said nee
NO_DATE = {CHLOE: ("P03,ja,ja,2024-02-26", "P03,ja,ja,")}  # said ja, but no date: no consent


def withhold(folder: Path, rows: dict[str, tuple[str, str]]) -> None:
    """Change people.csv's rows (`rows`: person -> (was, now)) and bring it into the store."""
    people = folder / "people.csv"
    text = people.read_text("utf-8")
    for was, now in rows.values():
        assert was in text
        text = text.replace(was, now)
    people.write_text(text, "utf-8")
    assert main(["update", str(folder)]) == 0


@pytest.mark.parametrize(
    "rows, field", [(NO_RECORDING, "consent_recording"), (NO_DATE, "consent_date")]
)
@pytest.mark.parametrize("how", ["with the transcript", "afterwards"])
def test_no_recording_is_kept_without_consent_on_record(tmp_path, mini, capsys, rows, field, how):
    folder, store = mini
    withhold(folder, rows)
    (tmp_path / "chloe.vtt").write_text(VTT, "utf-8")
    given = wav(tmp_path / "opname.wav")
    if how == "afterwards":  # Chloë's interview first, without its recording
        argv = ["import", "transcripts", str(folder), str(tmp_path / "chloe.vtt")]
        assert main([*argv, "--person", CHLOE]) == 0
    before = dump(store)
    capsys.readouterr()
    if how == "afterwards":
        argv = ["import", "media", str(folder), str(given), "--person", CHLOE]
    else:
        argv = ["import", "transcripts", str(folder), str(tmp_path / "chloe.vtt")]
        argv += ["--person", CHLOE, "--media", str(given)]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"ww import: Chloë Peeters ({CHLOE}) has no consent to a recording")
    assert f"field '{field}'" in err and "ww update" in err and "Traceback" not in err
    assert dump(store) == before and recording(store, CHLOE) is None
    assert not media_folder(store).exists() or not any(media_folder(store).iterdir())


@pytest.mark.parametrize("rows", [NO_RECORDING, NO_DATE])
def test_a_recording_kept_before_consent_was_withdrawn_is_not_played(chloe, rows):
    folder, store_path, _ = chloe
    withhold(folder, rows)  # the recording stays beside the store: no page may play it
    assert recording(store_path, CHLOE) is not None
    with Store(store_path) as store:
        player = MediaPlayer(workbook(store))  # a facilitator, who hears every recording
        assert not player.playable(CHLOE)
        with pytest.raises(NotFound, match="geen opname"):
            player.play(CHLOE, 0)
        assert list(player.answer({"want": CHLOE})) == []


def test_a_copy_over_the_limit_is_refused_and_leaves_nothing(tmp_path):
    given = wav(tmp_path / "lang.wav")
    with pytest.raises(FileRefused, match=r"lang\.wav: is .* more than the 100 bytes"):
        copy_regular(given, tmp_path / "copy.wav", 100, "a recording")
    assert not (tmp_path / "copy.wav").exists()


# -- forget and purge ---------------------------------------------------------------------


def test_forget_erases_the_persons_recording_and_keeps_the_others(chloe, tmp_path):
    folder, store, _ = chloe
    assert (
        main(["import", "media", str(folder), str(wav(tmp_path / "a.wav")), "--person", ANNA]) == 0
    )
    result = forget(folder, CHLOE)
    assert recording(store, CHLOE) is None and recording(store, ANNA) is not None
    assert [p.name for p in result.recordings] == [f"{CHLOE}.wav"]
    assert "recording deleted" in str(result)
    assert not [p for p in result.leftovers if p.endswith(".wav")]


def test_purge_erases_every_recording(chloe):
    folder, store, _ = chloe
    result = purge(folder, store)
    assert not media_folder(store).exists()
    assert any(d.endswith(".media") for d in result.deleted)
    assert not [p for p in result.leftovers if ".media" in p]


# -- playing ------------------------------------------------------------------------------


def test_a_hit_plays_from_its_second_and_only_its_recording_is_sent(heard):
    _, store_path, given = heard
    with Store(store_path) as store:
        panel = SearchPanel(workbook(store))
        panel.query.value = "Overleg"  # folded: finds "overleg"
        panel._on_search()
        assert panel.playing.layout.display == ""
        assert [text.split(" · ")[:2] for text, _ in panel.play_hit.options] == [
            ["0:01:23", "Chloë Peeters"]
        ]
        panel._on_play()
        player = panel.player
        assert (player.source, player.start, player.request) == (CHLOE, 83.0, 1)
        assert player.kind == "audio" and "vanaf 0:01:23" in player.caption
        sent = list(player.answer({"want": CHLOE}))
        assert b"".join(chunk for _, chunk in sent) == given.read_bytes()
        assert {m["mime"] for m, _ in sent} == {"audio/wav"}
        assert list(player.answer({"want": ANNA})) == []  # the browser cannot choose
        assert list(player.answer("want")) == []


def test_a_hit_without_a_recording_offers_nothing_to_play(mini):
    _, store_path = mini
    with Store(store_path) as store:
        panel = SearchPanel(workbook(store))
        panel.query.value = "lijnen"
        panel._on_search()
        assert panel.play_hit.options == () and panel.playing.layout.display == "none"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_static_run_shows_where_to_search_instead(mini, lang):
    with Store(mini[1]) as store:
        wb = Workbook(store, Labels(lang), Pseudonymiser(store.people(), False), lang, False, False)
        shown = SearchPanel(wb)._repr_html_()
    assert Labels(lang)("ui.search.static") in shown and "ww-static" in shown


@pytest.mark.parametrize(
    ("person", "role", "pseudonymise", "hears"),
    [
        ("", "facilitator", False, True),
        ("femke-bos", "facilitator", False, True),
        (CHLOE, "participant", False, True),  # their own interview
        (ANNA, "participant", False, False),
        (BRAM, "support", False, False),
        ("", "facilitator", True, False),  # a voice cannot be pseudonymised
    ],
)
def test_who_may_hear_chloes_recording(heard, person, role, pseudonymise, hears):
    _, store_path, _ = heard
    with Store(store_path) as store:
        player = MediaPlayer(workbook(store, person, role, pseudonymise))
        assert player.playable(CHLOE) is hears
        if hears:
            player.play(CHLOE, 83)
            assert len(list(player.answer({"want": CHLOE}))) == 1
        else:
            with pytest.raises(NotFound, match="geen opname"):
                player.play(CHLOE, 83)
            assert list(player.answer({"want": CHLOE})) == []


def test_a_coded_passage_plays_from_its_turns_time(heard):
    _, store_path, _ = heard
    with Store(store_path) as store:
        turns = store.turns(CHLOE)
        second = int(turns["start"].iloc[1])
        box = PassagePlayer(workbook(store), lambda: (CHLOE, second + 4))
        box._on_play()
        assert (box.player.source, box.player.start) == (CHLOE, 83.0)
        assert box.status.value == ""
        box._passage = lambda: (ANNA, 0)
        box._on_play()
        assert "geen opname" in box.status.value and box.player.source == CHLOE


def test_the_coding_panel_plays_the_selected_passage_from_its_moment(heard):
    from wwlib.ui.coding import CodingPanel

    _, store_path, _ = heard
    with Store(store_path) as store:
        second = int(store.turns(CHLOE)["start"].iloc[1])
        panel = CodingPanel(workbook(store))
        panel.interview = CHLOE
        panel.start.value, panel.end.value = second + 4, second + 10
        assert panel.listen in panel.children and panel.listen.layout.display != "none"
        panel.listen._on_play()
        assert (panel.listen.player.source, panel.listen.player.start) == (CHLOE, 83.0)
        hidden = CodingPanel(workbook(store, pseudonymise=True))  # a voice has no pseudonym
        assert hidden.listen.layout.display == "none"


@pytest.mark.parametrize(("offset", "seconds"), [(0, 1.0), (5, 1.0), (30, 83.0), (10_000, 83.0)])
def test_passage_time_is_the_time_of_the_turn_it_lies_in(offset, seconds):
    import pandas as pd

    turns = pd.DataFrame({"start": [0, 25], "end": [24, 60], "time_start": [1.0, 83.0]})
    assert passage_time(turns, offset) == seconds
    assert passage_time(turns.assign(time_start=[None, None]), offset) is None


# -- in a real browser --------------------------------------------------------------------

PAGE = """import wwlib as ww

wb = ww.open_workbook("mini-2024", data_dir={data!r}, store={store!r})
panel = ww.ui.SearchPanel(wb)
panel.player.muted = True
panel"""
SHORT_VTT = VTT.replace("00:00:01.000 --> 00:00:04.000", "00:00:00.000 --> 00:00:01.000").replace(
    "00:01:23.000 --> 00:01:29.500", "00:00:01.250 --> 00:00:01.900"
)
PLAYED_FROM = "el => el && el.played.length && el.currentTime > 0 ? el.played.start(0) : null"


def page_notebook(folder: Path, store: Path) -> dict:
    source = PAGE.format(data=str(folder.parent), store=str(store))
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None}
    return {"cells": [{**cell, "source": source}], "metadata": {}, "nbformat": 4,
            "nbformat_minor": 5}  # fmt: skip


@pytest.mark.browser
def test_a_hit_plays_in_the_browser_from_its_second(tmp_path, mini, ww_home):
    """Voila serves a page with the search panel; a click plays the 2-second recording, sent
    by the page's own kernel, from the hit's second (1.25 s), not from the start."""
    import json
    import os

    from browser_helpers import chromium_page

    from wwlib.app import dashboard

    folder, store = mini
    (tmp_path / "chloe.vtt").write_text(SHORT_VTT, "utf-8")
    argv = ["import", "transcripts", str(folder), str(tmp_path / "chloe.vtt"), "--person"]
    assert main([*argv, CHLOE, "--media", str(wav(tmp_path / "opname.wav"))]) == 0
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "media.ipynb").write_text(json.dumps(page_notebook(folder, store)))
    env = {k: v for k, v in os.environ.items() if k != "QUERY_STRING"} | {"WW_HOME": str(ww_home)}
    with (
        open(tmp_path / "voila.log", "wb") as log,
        dashboard.start(tmp_path / "pages", env=env, output=log) as server,
        chromium_page() as page,
    ):
        page.goto(server.url("media.ipynb"), timeout=120_000)
        page.fill(".ww-search-query input", "overleg", timeout=120_000)
        page.click(".ww-search-run")
        page.click(".ww-search-play", timeout=60_000)
        player = page.wait_for_selector(".ww-media audio.ww-media-player", timeout=60_000)
        page.wait_for_function(
            f"() => ({PLAYED_FROM})(document.querySelector('.ww-media audio')) !== null",
            timeout=60_000,
        )
        played_from = player.evaluate(PLAYED_FROM)
        assert player.get_attribute("data-start") == "1.25"
        assert player.get_attribute("src").startswith("blob:")  # no URL of the server
        assert player.evaluate("el => el.muted") is True
    assert 1.2 <= played_from < 1.5  # it played from the hit's second, not from 0
