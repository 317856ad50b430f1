"""The PAR data model (wwlib/model.py): every record rejects its bad fields by name."""

from __future__ import annotations

import datetime as dt
import pickle

import pytest

from wwlib.core.errors import (
    DatasetError,
    FileRefused,
    Problem,
    RunError,
    SearchQueryError,
    SyncError,
    ValidationError,
)
from wwlib.core.model import (
    ALL_PARTICIPANTS,
    CATEGORY_COLOURS,
    Board,
    Code,
    Coding,
    Cohort,
    Fragment,
    Interview,
    Note,
    Obstacle,
    Person,
    Plan,
    Session,
    Step,
    Task,
    Transcript,
    Vote,
    category_colour,
)
from wwlib.transcripts.records import FileProblem, TranscriptError

GOOD = {
    Cohort: dict(
        id="mini-2024",
        title="Wij-Werken Week Ooststad",
        municipalities=("Ooststad",),
        start=dt.date(2024, 2, 26),
        end=dt.date(2024, 3, 1),
    ),
    Person: dict(id="anna-jansen", name="Anna Jansen", role="participant", pseudonym="P01"),
    Session: dict(id="ma-kick-off", date=dt.date(2024, 2, 26), phase="look", activity="Kick-off"),
    Interview: dict(participant="anna-jansen", interviewer="femke-bos"),
    Transcript: dict(interview="anna-jansen", source="transcripts/a.md", text="Anna: één 📞"),
    Code: dict(id="korte-lijnen", category="success_factor", name="Korte lijnen"),
    Fragment: dict(interview="anna-jansen", start=0, end=4),
    Coding: dict(fragment=Fragment("anna-jansen", 0, 4), code="korte-lijnen", coder="femke-bos"),
    Board: dict(id="flap-kick-off", title="Kick-off", kind="kickoff"),
    Note: dict(id="n-1", board="flap-kick-off", text="Eén team"),
    Vote: dict(round=1, voter="anna-jansen", note="n-1"),
    Task: dict(id="sw-1", title="Belrooster maken"),
    Step: dict(title="Eerste stap"),
    Obstacle: dict(obstacle="Oude regels"),
    Plan: dict(id="samen-werken", kind="theme", title="Samen werken", theme="samen-werken"),
}


@pytest.mark.parametrize("record", GOOD, ids=lambda r: r.__name__)
def test_good_records_are_made(record):
    made = record(**GOOD[record])
    for name, value in GOOD[record].items():
        assert getattr(made, name) == value


BAD = [
    # (record, field given, bad value, field named in the error)
    (Cohort, "id", "Mini 2024", "id"),
    (Cohort, "title", " ", "title"),
    (Cohort, "municipalities", (), "municipalities"),
    (Cohort, "end", dt.date(2024, 2, 25), "end"),
    (Cohort, "language", "de", "language"),
    (Cohort, "prioritised_themes", ("Samen Werken",), "prioritised_themes"),
    (Person, "id", "Anna_Jansen", "id"),
    (Person, "id", "-anna", "id"),
    (Person, "name", "", "name"),
    (Person, "role", "deelnemer", "role"),
    (Person, "pseudonym", "P 01", "pseudonym"),
    (Person, "pseudonym", "", "pseudonym"),
    (Session, "phase", "kijken", "phase"),
    (Session, "activity", "", "activity"),
    (Session, "start", "9:00", "start"),
    (Session, "start", "24:00", "start"),
    (Session, "end", "10:60", "end"),
    (Interview, "participant", "Anna", "participant"),
    (Interview, "status", "afgerond", "status"),
    (Transcript, "text", " \n", "text"),
    (Code, "category", "idee", "category"),
    (Code, "colour", "groen", "colour"),
    (Code, "colour", "#12345", "colour"),
    (Code, "parent", "korte-lijnen", "parent"),  # its own parent
    (Code, "name", "", "name"),
    (Fragment, "end", 0, "end"),  # end == start
    (Fragment, "start", 5, "end"),  # start after end
    (Fragment, "start", -1, "end"),
    (Fragment, "end", 4.0, "start"),  # not a whole number
    (Coding, "code", "Korte lijnen", "code"),
    (Coding, "coder", "", "coder"),
    (Board, "kind", "thema", "kind"),
    (Board, "theme", "Samen Werken", "theme"),
    (Note, "category", "paars", "category"),
    (Note, "text", "", "text"),
    (Note, "author", "Anna Jansen", "author"),
    (Note, "board", "", "board"),
    (Vote, "dots", 0, "dots"),
    (Vote, "dots", -2, "dots"),
    (Vote, "round", 0, "round"),
    (Vote, "dots", "1", "dots"),
    (Task, "status", "klaar", "status"),
    (Task, "owners", ("anna-jansen", "Femke Bos"), "owners"),
    (Task, "title", "", "title"),
    (Step, "title", "", "title"),
    (Obstacle, "obstacle", "", "obstacle"),
    (Plan, "kind", "thema", "kind"),
    (Plan, "theme", "", "theme"),  # a plan of kind theme without its theme
]


@pytest.mark.parametrize(
    "record, given, value, field",
    BAD,
    ids=[f"{r.__name__}.{g}={v!r}" for r, g, v, _ in BAD],
)
def test_bad_field_is_named(record, given, value, field):
    with pytest.raises(ValidationError) as caught:
        record(**{**GOOD[record], given: value})
    assert caught.value.field == field
    assert str(caught.value).startswith(f"'{field}' must be")
    assert "(got " in str(caught.value)


def test_session_end_must_come_after_start():
    with pytest.raises(ValidationError, match=r"^'end' must be after start 10:00"):
        Session(**GOOD[Session], start="10:00", end="09:30")
    with pytest.raises(ValidationError, match=r"^'end' must be"):
        Session(**GOOD[Session], start="10:00", end="10:00")
    assert Session(**GOOD[Session], start="09:00", end="10:30").end == "10:30"


def test_fragment_must_lie_within_the_text():
    text = "Eén 📞 en klaar"  # code points, not bytes or UTF-16 units
    Fragment("a", 0, len(text)).check_within(text)
    with pytest.raises(ValidationError, match=rf"^'end' must be at most .* {len(text)}"):
        Fragment("a", 0, len(text) + 1).check_within(text)


def test_fragment_quotes_by_code_point():
    text = "Eén 📞 en klaar"
    start = text.index("en klaar")
    assert Fragment("a", start, len(text)).quote(text) == "en klaar"


def test_integration_plan_needs_no_theme():
    plan = Plan(id="integratie", kind="integration", title="Integratie")
    assert plan.theme == ""


def test_task_may_belong_to_all_participants():
    assert Task(**GOOD[Task], owners=(ALL_PARTICIPANTS,)).owners == (ALL_PARTICIPANTS,)


@pytest.mark.parametrize("category, colour", CATEGORY_COLOURS.items())
def test_code_without_colour_takes_its_category_colour(category, colour):
    code = Code(id="c", category=category, name="C")
    assert code.colour == colour == category_colour(category)


def test_code_colour_is_kept_in_lower_case():
    assert Code(**GOOD[Code], colour="#E0B000").colour == "#e0b000"


def test_note_colour_follows_its_category():
    assert Note(**GOOD[Note], category="obstacle").colour == CATEGORY_COLOURS["obstacle"]
    assert Note(**GOOD[Note]).colour == category_colour("other")
    assert category_colour("other") not in CATEGORY_COLOURS.values()


@pytest.mark.parametrize(
    "error",
    [
        DatasetError("data/x", [Problem("people.csv", 3, "id", "duplicate id 'a'")]),
        ValidationError("dots", "a whole number", "x", "fix"),
        RunError("failed", notebook="01_kickoff.ipynb", cell_index=2),
        SyncError("3 rows would be lost", ["notes.csv: 1 row"]),
        FileRefused("a.qdpx", "project.qde", "is too large", "split it"),
        SearchQueryError('"open', "a phrase is not closed", "add the closing quote"),
        TranscriptError([FileProblem("a.vtt", "line 3", "no time", "add one")], "nothing"),
    ],
    ids=["dataset", "validation", "run", "sync", "file", "search", "transcript"],
)
def test_errors_survive_pickling_for_batch_workers(error):
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error) and str(copy) == str(error)
    assert vars(copy) == vars(error)
