"""wwlib.outputs.report as the eindrapportage: the Limburg report's shape, evidence trails, rounds,
the feedback moment, print CSS, reproducibility, escaping and pseudonymisation."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest
from shared_runs import REPORT_WHEN
from store_helpers import forbidden_names

from wwlib.core.labels import Labels
from wwlib.core.pseudonym import Pseudonymiser
from wwlib.outputs.report import build_report, plotly_js, write_report
from wwlib.present.workbook import Workbook

WHEN = dt.datetime(2026, 3, 13, 16, 30)
PLOTLY_JS = plotly_js()
COHORTS = ["limburg_store", "lindeveen"]


def workbook(store, pseudonymise: bool = False, lang: str = "nl") -> Workbook:
    """A static workbook that also hides the names the cohort's transcripts mention."""
    names = Pseudonymiser(store.people(), pseudonymise, store.cohort().mentioned_names)
    return Workbook(store, Labels(lang), names, lang, pseudonymise, interactive=False)


def section(report: str, start: str, end: str | None = None) -> str:
    """The part of the report from id="start" to id="end"."""
    begin = report.index(f'id="{start}"')
    return report[begin : report.index(f'id="{end}"') if end else None]


@pytest.fixture(scope="module")
def lindeveen_report(lindeveen_reports):
    """The report of `workbook(lindeveen)` at WHEN, built once per session (conftest.py)."""
    assert WHEN == REPORT_WHEN
    return lindeveen_reports["nl"]


# -- the shape of the Limburg report ------------------------------------------------------------


def test_sections_follow_the_limburg_report(lindeveen_report):
    headings = re.findall(r"<h2>([^<]*)</h2>", lindeveen_report)
    assert headings == [
        "Samenvatting",  # the week on one page, before the contents (test_report_reads.py)
        "Inhoud",
        "1 Inleiding",
        "2 Resultaten uit de Look-fase",
        "3 Resultaten uit de oplossingsidentificatie (Think-fase)",
        "4 Resultaten uit de actieplannen (Act-fase)",
        "5 Integratie en vervolgstappen",
        "Bijlagen: de flappen",
    ]


def test_introduction_explains_the_method(limburg_store):
    intro = section(build_report(workbook(limburg_store), WHEN), "inleiding", "look")
    for words in [
        "Participatief Actieonderzoek",
        "Look (kijken), Think (denken) en Act (doen)",
        "interview",
        "Road to Progress",
        "online",
    ]:
        assert words in intro
    assert "John Seetsen (Gemeente Kerkrade)" in intro
    assert "Madelon Eelderink (7Senses)" in intro
    assert "Echt-Susteren" in intro and "20–24 april 2020" in intro


def test_think_shows_the_idea_boards_per_theme_and_each_round(lindeveen, lindeveen_report):
    think = section(lindeveen_report, "think", "act")
    boards = lindeveen.boards().query("kind in ['ideas', 'theme']")
    for number, title in zip(boards["number"], boards["title"], strict=True):
        assert f"Flap {number}: {html.escape(title)}" in think
    assert "Stemronde 1" in think and "Stemronde 2" in think
    assert "wie op wat stemde staat niet in dit rapport" in think


def test_votes_never_show_who_voted(lindeveen, lindeveen_report):
    votes = section(lindeveen_report, "think", "act")
    votes = votes[votes.index("Stemmen met stippen") : votes.index("Geprioriteerde thema")]
    voters = lindeveen.people().set_index("id").loc[lindeveen.votes()["voter"].unique(), "name"]
    assert all(name not in votes for name in voters)


def test_an_anonymous_round_shows_totals_only(mini_store):
    note = mini_store.notes("flap-samen-werken")["id"].iloc[0]
    round = mini_store.open_round("flap-samen-werken", budget=3, anonymous=True)
    mini_store.add_vote(round, "chloe-peeters", note, dots=3)
    empty = mini_store.open_round("flap-kick-off", budget=2)
    think = section(build_report(workbook(mini_store), WHEN), "think", "act")
    shown = think[think.index(f"Stemronde {round}") :]
    assert "Samen werken vasthouden: 3 stippen per deelnemer; 1 deelnemer zette 3 stippen." in shown
    assert "Anonieme ronde." in shown and "Chloë Peeters" not in think
    assert f"Stemronde {empty}" in shown and "2 stippen per deelnemer; niemand heeft" in shown


def test_every_task_has_its_evidence_trail(lindeveen, lindeveen_report):
    tasks = lindeveen.tasks()["id"]
    for task in tasks:
        assert lindeveen_report.count(f"id='trail-{task}'") == 1
    assert lindeveen_report.count("<summary>Waarom deze taak?</summary>") == len(tasks)


def test_a_theme_task_trail_shows_plan_theme_codes_and_three_fragments(lindeveen_report):
    start = lindeveen_report.index("id='trail-ww-3'")
    trail = lindeveen_report[start : lindeveen_report.index("</details>", start)]
    assert "Wijkgericht werken vasthouden en uitbouwen" in trail  # plan
    assert "<strong>Thema:</strong>" in trail and "Wijkgericht werken" in trail
    assert "Codes achter het thema" in trail
    assert trail.count("<blockquote") == 3
    assert "convenant" in trail


def test_the_integration_plan_marks_the_feedback_moment(limburg_store):
    integration = section(build_report(workbook(limburg_store), WHEN), "integratie", "bijlagen")
    step = integration[integration.index('value="4"') :]
    assert step.index("Terugkoppelmoment met de Wij-Werken groep") < step.index(
        "Terugkoppelmoment<"
    )
    assert integration.count('class="feedback"') == 1
    assert "Dit plan hoort niet bij één thema" in integration
    assert "Guido Derks" in integration  # not pseudonymised: named as in the source


def test_the_report_prints_well(lindeveen_report):
    css = lindeveen_report[lindeveen_report.index("<style>") : lindeveen_report.index("</style>")]
    assert "@media print" in css and "@page" in css
    assert "break-before: page" in css and "break-inside: avoid" in css
    assert "::details-content" in css  # trails print open


# -- one document: self-contained, reproducible, escaped, pseudonymised ------------------------


@pytest.mark.parametrize("cohort", COHORTS)
@pytest.mark.parametrize("pseudonymise", [False, True])
def test_same_store_same_report_but_the_date(cohort, pseudonymise, request):
    wb = workbook(request.getfixturevalue(cohort), pseudonymise)
    first = build_report(wb, WHEN)
    later = build_report(wb, dt.datetime(2027, 1, 2, 9, 5))
    assert first.count("vrijdag 13 maart 2026 om 16:30") == 2  # header and footer
    assert later.replace("zaterdag 2 januari 2027 om 09:05", "vrijdag 13 maart 2026 om 16:30") == (
        first
    )


@pytest.mark.parametrize("cohort", COHORTS)
def test_report_is_self_contained_and_small(cohort, request, tmp_path):
    path = write_report(workbook(request.getfixturevalue(cohort)), tmp_path / "r.html", WHEN)
    rest = path.read_text(encoding="utf-8").replace(PLOTLY_JS, "")
    assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", rest)
    assert path.stat().st_size < 6_000_000


def test_note_and_task_text_is_escaped_everywhere(lindeveen_copy):
    board = lindeveen_copy.boards().query("theme == 'wijkgericht-werken'")["id"].iloc[0]
    note = lindeveen_copy.add_note(board, "<script>alert(1)</script>", author="bas-willemsen")
    lindeveen_copy.link_fragments(note, [int(lindeveen_copy.codings()["fragment"].iloc[0])])
    lindeveen_copy.add_task("wijkgericht-werken", 1, "<script>alert(2)</script> convenant")
    report = build_report(workbook(lindeveen_copy), WHEN)
    assert "<script>alert(" not in report
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report  # in its appendix
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in report


def spellings(name: str) -> set[str]:
    """A name as it could appear in the file: raw, HTML-escaped or JSON-escaped (plotly)."""
    return {name, html.escape(name), json.dumps(name)[1:-1]}


@pytest.mark.parametrize("cohort", COHORTS)
def test_pseudonymised_report_names_no_one_anywhere(cohort, request):
    store = request.getfixturevalue(cohort)
    report = build_report(workbook(store, pseudonymise=True), WHEN).replace(PLOTLY_JS, "")
    for name in forbidden_names(store):
        for spelling in spellings(name):
            found = re.search(rf"(?<!\w){re.escape(spelling)}(?!\w)", report)
            assert found is None, f"{name!r} in: {report[found.start() - 80 : found.end() + 40]}"
    assert "P01" in report and "Plotly.newPlot" in report
