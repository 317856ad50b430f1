"""wwlib.present.report_method: the method section says what this cohort did, and only that."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import html
import re
import shutil

import pytest
from conftest import DATA

from wwlib.core.labels import Labels
from wwlib.core.pseudonym import Pseudonymiser
from wwlib.folder.dataset import load_dataset
from wwlib.outputs.report import build_report
from wwlib.present.report_method import WeekFacts, describe_week, method_paragraphs, week_facts
from wwlib.present.workbook import Workbook
from wwlib.store import Store

WHEN = dt.datetime(2026, 3, 13, 16, 30)


def method(store, lang: str = "nl") -> str:
    """The method section's text, one line per paragraph."""
    title = store.cohort().title
    return "\n".join(
        f"{p['phase']}. {p['text']}" if p["phase"] else p["text"]
        for p in method_paragraphs(store, Labels(lang), title)
    )


@pytest.fixture
def without_interviews(tmp_path):
    """Lindeveen as it was on Monday: no interviews, transcripts or codings, so notes quote none."""
    folder = tmp_path / "lindeveen-2026"
    shutil.copytree(DATA / "lindeveen-2026", folder)
    for name in ("interviews.csv", "codings.csv"):
        (folder / name).unlink()
    shutil.rmtree(folder / "transcripts")
    notes = folder / "notes.csv"
    with notes.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    with notes.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({**row, "quotes": ""} for row in rows)
    store = Store(tmp_path / "s.sqlite", create=True)
    store.load_dataset(load_dataset(folder), source=str(folder))
    yield store
    store.close()


# -- the bundled cohorts ----------------------------------------------------------------------


def test_limburg_says_its_record_holds_no_interviews(limburg_store):
    text = method(limburg_store)
    assert "Look. De bron van deze week bevat geen interviews" in text
    for untrue in ("interview gehouden", "gecodeerd door", "overeenstemming is berekend", "stip"):
        assert untrue not in text
    assert "Er zijn 8 flappen vastgelegd, zonder geeltjes." in text
    assert "Er zijn 5 thema's geprioriteerd om uit te werken." in text
    assert "Voor 5 thema's is een actieplan gemaakt met Road to Progress" in text
    assert "Van 5 plannen is de uitwerking (doel, stappen en taken) niet vastgelegd." in text
    assert "In de plannen staan samen 13 taken; 10 met een eigenaar en 4 met een termijn." in text


def test_limburg_in_english(limburg_store):
    text = method(limburg_store, "en")
    assert "Look. The source of this week holds no interviews" in text
    assert "8 boards were recorded, without notes." in text
    assert "The plans hold 13 tasks; 10 with an owner and 4 with a due date." in text


def test_lindeveen_says_how_many_were_interviewed_coded_and_by_whom(lindeveen):
    text = method(lindeveen)
    interviews, codings = lindeveen.interviews(), lindeveen.codings()
    coded, coders = codings["interview"].nunique(), codings["coder"].nunique()
    assert f"Na de kick-off is met {len(interviews)} deelnemers een interview gehouden." in text
    assert f"Daarvan zijn er {coded} gecodeerd, door {coders} codeurs" in text
    assert "Op 3 interviews codeerden twee of meer codeurs elk apart" in text
    assert f"Er zijn 7 flappen vastgelegd, met samen {len(lindeveen.notes())} geeltjes." in text
    dots, voters = lindeveen.votes()["dots"].sum(), lindeveen.votes()["voter"].nunique()
    assert f"In 2 stemrondes zetten {voters} deelnemers samen {dots} stippen." in text
    assert "bevat geen interviews" not in text


def test_a_week_without_interviews_says_so_and_keeps_the_rest(without_interviews):
    text = method(without_interviews)
    assert "Look. Er zijn nog geen interviews vastgelegd" in text  # no public record: not yet
    for untrue in ("interview gehouden", "gecodeerd door", "overeenstemming is berekend"):
        assert untrue not in text
    assert "met samen 57 geeltjes" in text and "In 2 stemrondes" in text
    english = method(without_interviews, "en")
    assert "No interviews have been recorded yet" in english
    assert "participants were interviewed" not in english


@pytest.mark.parametrize("cohort", ["limburg_store", "lindeveen", "without_interviews"])
def test_the_report_carries_the_method_section(cohort, request):
    store = request.getfixturevalue(cohort)
    names = Pseudonymiser(store.people(), False, store.cohort().mentioned_names)
    wb = Workbook(store, Labels("nl"), names, "nl", False, interactive=False)
    report = build_report(wb, WHEN)
    intro = report[report.index('id="inleiding"') : report.index('id="look"')]
    look = re.search(r"<p><strong>Look\.</strong> ([^<]*)</p>", intro)
    assert look and html.unescape(look.group(1)) == " ".join(
        p["text"] for p in method_paragraphs(store, wb.labels, store.cohort().title)[1:2]
    )


# -- singular and plural ----------------------------------------------------------------------

NONE = WeekFacts(*[0] * len(dataclasses.fields(WeekFacts)))


def described(lang: str, **facts: int) -> str:
    """The method text for made-up counts."""
    paragraphs = describe_week(dataclasses.replace(NONE, **facts), Labels(lang), "Week")
    return " ".join(p["text"] for p in paragraphs)


ONE_EACH = dict(
    interviews=1, held=1, coded=1, coders=1, codes_used=1, double_coded=1, boards=1, notes=1,
    idea_notes=1, rounds=1, voters=1, dots=1, prioritised=1, theme_plans=1, unrecorded_plans=1,
    integration_plans=1, tasks=1, owned=1, dated=1,
)  # fmt: skip
TWO_EACH = {k: 2 for k in ONE_EACH}


@pytest.mark.parametrize(
    ("facts", "lang", "said"),
    [
        (ONE_EACH, "nl", [
            "Na de kick-off is met 1 deelnemer een interview gehouden.",
            "Daarvan is er 1 gecodeerd, door 1 codeur, met 1 code uit het codeboek.",
            "Op 1 interview codeerden twee of meer codeurs elk apart",
            "Er is 1 flap vastgelegd, met 1 geeltje.",
            "In 1 stemronde zette 1 deelnemer 1 stip.",
            "Er is 1 thema geprioriteerd om uit te werken.",
            "Voor 1 thema is een actieplan gemaakt",
            "Van 1 plan is de uitwerking",
            "In de plannen staat 1 taak; 1 met een eigenaar en 1 met een termijn.",
        ]),
        (TWO_EACH, "nl", [
            "Na de kick-off is met 2 deelnemers een interview gehouden.",
            "Daarvan zijn er 2 gecodeerd, door 2 codeurs, met 2 codes uit het codeboek.",
            "Op 2 interviews codeerden",
            "Er zijn 2 flappen vastgelegd, met samen 2 geeltjes.",
            "In 2 stemrondes zetten 2 deelnemers samen 2 stippen.",
            "Er zijn 2 thema's geprioriteerd",
            "Voor 2 thema's is een actieplan gemaakt",
            "Van 2 plannen is de uitwerking",
            "In de plannen staan samen 2 taken; 2 met een eigenaar en 2 met een termijn.",
        ]),
        (ONE_EACH, "en", [
            "After the kick-off 1 participant was interviewed.",
            "Of these, 1 was coded, by 1 coder, with 1 code from the codebook.",
            "1 board was recorded, with 1 note.",
            "In 1 voting round 1 participant placed 1 dot.",
            "1 theme was prioritised",
            "For 1 theme an action plan was made",
            "The plans hold 1 task; 1 with an owner and 1 with a due date.",
        ]),
        (TWO_EACH, "en", [
            "After the kick-off 2 participants were interviewed.",
            "Of these, 2 were coded, by 2 coders, with 2 codes from the codebook.",
            "2 boards were recorded, with 2 notes in all.",
            "In 2 voting rounds 2 participants placed 2 dots in all.",
            "The plans hold 2 tasks;",
        ]),
        # held, none coded yet, one still planned
        (dict(interviews=3, held=2, planned=1), "nl", [
            "Na de kick-off is met 2 deelnemers een interview gehouden.",
            "Nog 1 interview staat gepland.",
            "Er is nog geen interview gecodeerd.",
            "Er zijn geen flappen vastgelegd.",
        ]),
        (dict(interviews=2, planned=2), "en", [
            "No interview has been held yet.", "2 more interviews are planned.",
        ]),
        # coded by one coder each: no agreement
        (dict(interviews=2, held=2, coded=2, coders=1, codes_used=5), "nl", [
            "door 1 codeur, met 5 codes",
            "Elk interview is door één codeur gecodeerd: de overeenstemming tussen codeurs is "
            "niet berekend.",
        ]),
    ],
)  # fmt: skip
def test_every_count_agrees(facts, lang, said):
    text = described(lang, **facts)
    for sentence in said:
        assert sentence in text


def test_nothing_is_said_of_what_did_not_happen():
    text = described("nl", interviews=2, planned=2, boards=1)
    for untrue in ("gecodeerd", "analyse", "stip", "geprioriteerd", "Road to Progress", "taak"):
        assert untrue not in text
    assert "Er is 1 flap vastgelegd, zonder geeltjes." in text


def test_week_facts_of_limburg(limburg_store):
    facts = week_facts(limburg_store)
    assert (facts.interviews, facts.coded, facts.notes, facts.voters) == (0, 0, 0, 0)
    assert (facts.boards, facts.theme_plans, facts.unrecorded_plans, facts.tasks) == (8, 5, 5, 13)
