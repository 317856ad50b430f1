"""`ww import transcripts DIR FILE --person ID`: a file as people have it, and the upload panel."""

from __future__ import annotations

import datetime as dt
import html
import shutil
from pathlib import Path

import pytest
from store_helpers import dump, interview_row

from wwlib.app.cli import main
from wwlib.cohorts.home import init_cohort
from wwlib.core.labels import Labels
from wwlib.core.pseudonym import Pseudonymiser
from wwlib.present.workbook import Workbook
from wwlib.store import Store
from wwlib.ui.upload import TranscriptUpload

LINDEVEEN = Path(__file__).resolve().parents[1] / "data" / "lindeveen-2026"
PIETER = "pieter-janssen"
NEW_PERSON = f"{PIETER},Pieter Janssen,participant,Gemeente Lindeveen,Lindeveen,adviseur,P10,ja,ja,ja,2026-10-05,interview\n"  # noqa: E501
ZOOM_NAME = "GMT20240415-090102_Recording.transcript.vtt"


def vtt(guest: str) -> str:
    return (
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nMarit Hofstede: Hoe begon je week?\n\n"
        f"2\n00:00:05.000 --> 00:00:09.500\n{guest}: Met een overleg over de wijk.\n"
    )


@pytest.fixture
def cohort(tmp_path) -> tuple[Path, Path]:
    """Lindeveen with one participant more, who has no interview yet; (folder, store)."""
    folder = tmp_path / "lindeveen"
    shutil.copytree(LINDEVEEN, folder)
    with (folder / "people.csv").open("a", encoding="utf-8") as people:
        people.write(NEW_PERSON)
    return folder, init_cohort(folder)


def zoom_file(tmp_path: Path, guest: str) -> Path:
    path = tmp_path / ZOOM_NAME
    path.write_text(vtt(guest), "utf-8")
    return path


def ww(*args) -> int:
    return main([str(a) for a in args])


def test_a_zoom_named_file_creates_the_interview_and_maps_speakers(cohort, tmp_path, capsys):
    folder, store = cohort
    assert interview_row(store, PIETER) is None
    assert ww("import", "transcripts", folder, zoom_file(tmp_path, "Pieter Janssen"),
              "--person", PIETER) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "new interview" in out
    assert "interviewer marit-hofstede (the first facilitator in people.csv)" in out
    assert "date 2024-04-15 (the file's name)" in out
    assert interview_row(store, PIETER) == ("marit-hofstede", "2024-04-15", "held")
    with Store(store) as opened:
        turns = opened.turns(PIETER)
    assert turns["person"].tolist() == ["marit-hofstede", PIETER]


def test_an_unknown_speaker_lists_the_closest_names_and_the_option(cohort, tmp_path, capsys):
    folder, store = cohort
    before = dump(store)
    file = zoom_file(tmp_path, "Dr. P. Janssen")
    assert ww("import", "transcripts", folder, file, "--person", PIETER) == 1
    err = capsys.readouterr().err
    assert "speaker 'Dr. P. Janssen': is not a person of people.csv; closest: Pieter Janssen" in err
    assert err.count("(") >= 3 and "Traceback" not in err
    assert err.rstrip().endswith('add --speaker "Dr. P. Janssen=pieter-janssen"')
    assert dump(store) == before

    option = "--speaker=Dr. P. Janssen=pieter-janssen"
    assert ww("import", "transcripts", folder, file, "--person", PIETER, option) == 0
    assert "'Dr. P. Janssen' → pieter-janssen (by hand)" in capsys.readouterr().out
    with Store(store) as opened:
        assert opened.turns(PIETER)["person"].tolist() == ["marit-hofstede", PIETER]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--person", "pieter-jansen"],
         "'pieter-jansen' is not in people.csv (the closest ids: pieter-janssen (Pieter Janssen)"),
        (["--person", "marit-hofstede"], "'marit-hofstede' is a facilitator, not a participant"),
        (["--person", PIETER, "--interviewer", "marit"], "the closest ids: marit-hofstede"),
        (["--person", PIETER, "--date", "15-04-2024"], "write it as YYYY-MM-DD"),
        (["--person", PIETER, "--speaker", "Niemand=x"], "'Niemand' does not speak in this file"),
        (["--date", "2024-04-15"], "--interviewer and --date go with --person"),
        (["--person", "ineke-verhoeven"], "already has a transcript with 32 coding(s)"),
    ],
)  # fmt: skip
def test_wrong_options_are_clear_errors_and_change_nothing(cohort, tmp_path, capsys, args, message):
    folder, store = cohort
    before = dump(store)
    assert ww("import", "transcripts", folder, zoom_file(tmp_path, "Pieter Janssen"), *args) == 1
    assert message in capsys.readouterr().err
    assert dump(store) == before


def test_one_file_per_person(cohort, tmp_path, capsys):
    folder, store = cohort
    other = tmp_path / "other.txt"
    other.write_text("Pieter Janssen: Ja.\n", "utf-8")
    file = zoom_file(tmp_path, "Pieter Janssen")
    assert ww("import", "transcripts", folder, file, other, "--person", PIETER) == 1
    assert "takes one file (got 2:" in capsys.readouterr().err
    assert interview_row(store, PIETER) is None


def test_an_existing_interview_keeps_its_interviewer_and_date(cohort, tmp_path, capsys):
    folder, store = cohort
    file = zoom_file(tmp_path, "Pieter Janssen")
    assert ww("import", "transcripts", folder, file, "--person", PIETER, "--interviewer",
              "thijs-van-wezel", "--date", "2026-10-13") == 0  # fmt: skip
    assert interview_row(store, PIETER) == ("thijs-van-wezel", "2026-10-13", "held")
    assert ww("import", "transcripts", folder, file, "--person", PIETER) == 0
    out = capsys.readouterr().out
    assert "interviewer thijs-van-wezel (the interview's row)" in out
    assert interview_row(store, PIETER) == ("thijs-van-wezel", "2026-10-13", "held")


def test_save_writes_the_new_interview_and_update_sees_no_difference(cohort, tmp_path, capsys):
    folder, _ = cohort
    file = zoom_file(tmp_path, "Pieter Janssen")
    assert ww("import", "transcripts", folder, file, "--person", PIETER) == 0
    assert ww("save", folder) == 0
    rows = (folder / "interviews.csv").read_text("utf-8").splitlines()
    assert f"{PIETER},marit-hofstede,2024-04-15,held,transcripts/{PIETER}.txt" in rows
    capsys.readouterr()
    assert ww("update", folder) == 0
    assert "hold the same" in capsys.readouterr().out


# -- the upload panel ----------------------------------------------------------------------


def page(store: Path, person: str, role: str) -> Workbook:
    opened = Store(store, actor=person)
    names = Pseudonymiser(opened.people(), False)
    return Workbook(opened, Labels("nl"), names, "nl", False, True, person, role)


def drop(panel: TranscriptUpload, guest: str, name: str = ZOOM_NAME) -> None:
    """Set the FileUpload's value as ipywidgets 8 does for a file dropped in the browser."""
    content = vtt(guest).encode("utf-8")
    panel.upload.value = (
        {"name": name, "type": "text/vtt", "size": len(content), "content": memoryview(content),
         "last_modified": dt.datetime(2024, 4, 15, tzinfo=dt.UTC)},
    )  # fmt: skip


def test_the_upload_panel_imports_for_a_facilitator(cohort):
    _, store = cohort
    wb = page(store, "marit-hofstede", "facilitator")
    panel = TranscriptUpload(wb)
    assert panel.upload.accept == ".vtt,.docx,.txt,.md"
    drop(panel, "Dr. P. <b>Janssen</b>")
    panel.person.value = PIETER
    panel.send.click()
    assert "kies wie 1 spreker is" in panel.status.value and interview_row(store, PIETER) is None
    [choice] = panel.choices.values()
    assert choice.options[1] == ("Pieter Janssen", PIETER)
    assert "<b>" not in panel.status.value

    choice.value = PIETER
    panel.send.click()
    assert "geïmporteerd als interview met Pieter Janssen" in html.unescape(panel.status.value)
    assert interview_row(store, PIETER) == ("marit-hofstede", "2024-04-15", "held")
    assert wb.store.turns(PIETER)["person"].tolist() == ["marit-hofstede", PIETER]
    wb.store.close()


def test_the_upload_panel_refuses_a_participant_and_escapes_errors(cohort):
    _, store = cohort
    wb = page(store, "ineke-verhoeven", "participant")
    panel = TranscriptUpload(wb)
    assert panel.send not in panel.children
    drop(panel, "Pieter Janssen")
    panel.person.value = PIETER
    panel.send.click()
    assert "facilitator" in panel.status.value and interview_row(store, PIETER) is None
    wb.store.close()

    wb = page(store, "marit-hofstede", "facilitator")
    panel = TranscriptUpload(wb)
    drop(panel, "Pieter Janssen", name="<script>.pdf")
    panel.person.value = PIETER
    panel.send.click()
    assert "&lt;script&gt;.pdf" in panel.status.value and "<script>" not in panel.status.value
    wb.store.close()
