"""`ww run` on a new cohort at every stage of its week: each empty part says what fills it.

The stages are built once per module (`stage_helpers.build_stages`); at each, the five
notebooks run statically and the report is written, which must say in one sentence what is
still missing (and which step of the week fills it), show what is there, never an empty chart
frame or a traceback, and leave the store byte for byte as it was. At the first and the last
of these stages `ww run` (`run_cohort`) does it all for real, a kernel per notebook; at the
others one warm kernel runs the notebooks and the report is built in this process, which is
what `ww run` does without paying a kernel start per notebook. The interactive path
(JupyterLab, Voila) is in test_stages_interactive.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from stage_helpers import (
    COHORT,
    SOURCE_WORDS,
    STAGE_IDS,
    WarmKernel,
    build_stages,
    check_notebook,
    file_digest,
    filled_by,
    missing_said,
    page_text,
)
from store_helpers import all_rows

from wwlib.app.runner import NOTEBOOKS, run_cohort
from wwlib.core.labels import Labels, catalogue
from wwlib.core.model import Cohort
from wwlib.core.pseudonym import Pseudonymiser
from wwlib.outputs.report import build_report, write_report
from wwlib.present.missing import PARTS, SAID_AS, is_public_record, missing
from wwlib.present.workbook import Workbook
from wwlib.store import Store

pytestmark = pytest.mark.slow

# What the report says is missing at each stage, and what it shows of what is there.
REPORT = {
    "no_people": (
        ("participants", "codebook", "notes", "themes", "integration_plan", "board_notes"),
        ("Wij-Werken Week Heidevaart", 'id="ww-programme"', "Flap 1: Kick-off: wat werkt er al?"),
    ),
    "people": (
        ("interviews", "codebook", "notes", "themes", "integration_plan", "board_notes"),
        ("Lotte Verbeek (Gemeente Heidevaart)", "Ellen de Graaf (Bureau Kompas)"),
    ),
    "planned": (
        ("transcripts", "notes", "shortlist", "board_notes", "integration_plan"),
        ('id="ww-interviews"', "Korte lijnen", "Flap 2: Oplossingsidentificatie"),
    ),
    "transcripts": (("codings", "notes", "shortlist", "board_notes"), ('id="ww-interviews"',)),
    "coded": (
        ("two_coders", "notes", "shortlist"),
        ('id="ww-freq"', 'id="ww-who"', 'id="ww-cooccurrence-0"', "Eén loket voor de wijk"),
    ),
    "boards": (
        ("two_coders", "notes", "prioritised", "board_notes"),
        ("Flap 4: Thema: Samen werken", "Flap 5: Thema: Werkdruk"),
    ),
    "notes": (("votes", "prioritised"), ("Vaste contactpersoon per wijk", "Minder formulieren")),
    "votes": (("prioritised",), ('id="ww-votes"', "Stemronde 1")),
    "plans": (
        ("step_tasks", "plan_text", "integration_plan"),
        ("Contactpersonen aanwijzen", "Samen werken", "Werkdruk"),
    ),
    "tasks": (
        ("plan_text", "integration_plan"),
        ('id="ww-tasks"', "Lijst met contactpersonen maken", "Wijkoverleg inplannen"),
    ),
}


STATIC_STAGES = STAGE_IDS[:-1]  # the last, complete one: see below
RUN_FOR_REAL = (STATIC_STAGES[0], STATIC_STAGES[-1])  # `ww run` itself, kernels and all


@pytest.fixture(scope="module")
def stages(tmp_path_factory):
    return build_stages(tmp_path_factory.mktemp("stages"))


@pytest.fixture(scope="module")
def kernel():
    warm = WarmKernel()
    yield warm
    warm.close()


def static_run(stage: str, folder, store, kernel: WarmKernel, out) -> tuple[str, dict]:
    """The report and the executed notebooks (by name) of a static run at `stage`."""
    if stage in RUN_FOR_REAL:
        result = run_cohort(folder, out, store=store)
        notebooks = {n: json.loads((result.out / n).read_text(encoding="utf-8")) for n in NOTEBOOKS}
        return result.report.read_text(encoding="utf-8"), notebooks
    parameters = {"cohort": COHORT, "data_dir": str(folder.parent), "store": str(store)}
    notebooks = {n: kernel.execute(n, interactive=False, **parameters) for n in NOTEBOOKS}
    with Store(store) as opened:
        report = write_report(workbook(opened), out / "report.html")
    return report.read_text(encoding="utf-8"), notebooks


def workbook(store: Store, lang: str = "nl") -> Workbook:
    names = Pseudonymiser(store.people(), False, store.cohort().mentioned_names)
    return Workbook(store, Labels(lang), names, lang, False, interactive=False)


@pytest.mark.parametrize("stage", STATIC_STAGES)
def test_ww_run_at_every_stage_says_what_is_missing(stages, kernel, stage, tmp_path):
    folder, store = stages[stage].folder, stages[stage].store
    digest, rows = file_digest(store), all_rows(store)
    report, notebooks = static_run(stage, folder, store, kernel, tmp_path / "out")
    assert (file_digest(store), all_rows(store)) == (digest, rows), "ww run changed the store"
    body = report[report.index("<body>") :]
    shown = page_text(body)
    says, shows = REPORT[stage]
    for need in says:
        assert missing_said(need) in shown, f"{stage}: the report does not say {need} is missing"
    for piece in shows:
        assert piece in body, f"{stage}: the report does not show {piece!r}"
    for need in filled_by(stage):
        assert missing_said(need) not in shown, f"{stage}: the report says {need} is missing"
    assert not [w for w in SOURCE_WORDS if w in shown], "a live cohort is not a public record"
    assert '"meta":{"empty"' not in body, f"{stage}: the report shows an empty chart frame"
    for name, nb in notebooks.items():
        check_notebook(stage, name, nb)


def test_the_report_of_a_week_with_tasks_shows_them(stages):
    with Store(stages["tasks"].store) as store:
        report = build_report(workbook(store))
    says, shows = REPORT["tasks"]
    shown = page_text(report[report.index("<body>") :])
    assert all(missing_said(need) in shown for need in says)
    assert all(piece in report for piece in shows)
    assert not [n for n in filled_by("tasks") if missing_said(n) in shown]


def test_the_week_starts_from_a_folder_whose_people_csv_has_no_rows(stages):
    """Monday morning: `ww new` wrote people.csv with its header (and comments) only."""
    with Store(stages["no_people"].store) as store:
        assert store.people().empty and not store.sessions().empty


def test_the_report_speaks_english_on_request(stages):
    with Store(stages["planned"].store) as store:
        report = page_text(build_report(workbook(store, "en")))
    assert missing_said("transcripts", "en") in report
    assert "No transcripts yet: import them on Tuesday with ww import transcripts." in report
    assert "Nog geen" not in report


def test_a_public_record_says_its_source_holds_no_interviews(limburg_store):
    report = page_text(build_report(workbook(limburg_store)))
    assert missing_said("interviews.source") in report
    assert "De inhoud van deze flap is niet in de bron opgenomen." in report
    assert "Nog geen" not in report  # nothing is still to come in a week long past


@pytest.mark.parametrize(
    ("source", "public"),
    [
        ("Uitsluitend de twee openbare documenten: de eindrapportage en het dagboek.", True),
        ("Overgenomen uit een openbare bron.", True),
        ("Samengevat uit een openbaar verslag van de gemeenteraad.", True),
        ("Taken from the public record of the week.", True),
        ("Fictief cohort; de week ging over de openbare ruimte.", False),
        ("", False),
    ],
)
def test_a_cohort_is_a_public_record_when_its_source_names_one(source, public):
    monday = dt.date(2027, 3, 8)
    cohort = Cohort(COHORT, "Wij-Werken Week Heidevaart", ("Heidevaart",), monday, monday)
    assert is_public_record(dataclasses.replace(cohort, source=source)) is public


def test_the_bundled_cohorts_are_what_they_say(limburg_store, lindeveen):
    assert is_public_record(limburg_store.cohort())
    assert not is_public_record(lindeveen.cohort())
    assert missing(workbook(lindeveen), "tasks") == ""  # a complete week lacks nothing


def test_every_sentence_is_in_both_languages():
    needs = {n for chain in PARTS.values() for n in chain} - set(SAID_AS) | {"step_tasks"}
    for need in needs:
        for key in (f"missing.{need}", f"missing.{need}.source"):
            assert set(catalogue()[key]) == {"nl", "en"}, key
