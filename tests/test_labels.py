"""wwlib.core.labels: one catalogue, numbers as each language writes them, counts that agree."""

from __future__ import annotations

import re

import pytest

from wwlib.core.errors import ValidationError
from wwlib.core.labels import Labels, _check_forms, catalogue, format_number, format_percent

NL, EN = Labels("nl"), Labels("en")


# -- numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "digits", "nl", "en"),
    [
        (0.83, 2, "0,83", "0.83"),
        (0.8, 2, "0,80", "0.80"),
        (99.5, 1, "99,5", "99.5"),
        (12629, 0, "12.629", "12,629"),
        (12629.5, 1, "12.629,5", "12,629.5"),
        (1234567.891, 2, "1.234.567,89", "1,234,567.89"),
        (-0.25, 2, "-0,25", "-0.25"),
        (7, 0, "7", "7"),
    ],
)
def test_format_number_writes_each_language_s_separators(value, digits, nl, en):
    assert format_number(value, "nl", digits) == nl == NL.number(value, digits)
    assert format_number(value, "en", digits) == en == EN.number(value, digits)


def test_format_percent():
    assert format_percent(0.125, "nl") == "12,5 %" == NL.percent(0.125)
    assert format_percent(0.125, "en") == "12.5 %"
    assert format_percent(0.995, "nl", 0) == "100 %"


def test_format_number_refuses_an_unknown_language():
    with pytest.raises(ValidationError, match="'lang' must be nl or en"):
        format_number(1.5, "de", 1)


# -- singular and plural ------------------------------------------------------------------------

COUNTS = [
    # key, n, Dutch, English
    ("count.task", 0, "0 taken", "0 tasks"),
    ("count.task", 1, "1 taak", "1 task"),
    ("count.task", 2, "2 taken", "2 tasks"),
    ("count.interview", 0, "0 interviews", "0 interviews"),
    ("count.interview", 1, "1 interview", "1 interview"),
    ("count.interview", 2, "2 interviews", "2 interviews"),
    ("count.dot", 1, "1 stip", "1 dot"),
    ("count.dot", 2, "2 stippen", "2 dots"),
    ("count.character", 12629, "12.629 tekens", "12,629 characters"),
    ("report.think.board_notes", 0, "Op deze flap zijn geen geeltjes vastgelegd",
     "No notes were recorded on this board"),
    ("report.think.board_notes", 1, "Op deze flap staat 1 geeltje", "This board holds 1 note"),
    ("report.think.board_notes", 2, "Op deze flap staan 2 geeltjes", "This board holds 2 notes"),
    ("fig.tasks.none_dated", 1, "De enige taak heeft geen datum; zie de takenlijst",
     "The only task has no date; see the task list"),
    ("fig.tasks.none_dated", 2, "Geen van de 2 taken heeft een datum; zie de takenlijst",
     "None of the 2 tasks has a date; see the task list"),
    ("evidence.more", 1, "en nog 1 fragment bij dit thema.", "and 1 more fragment for this theme."),
    ("evidence.more", 2, "en nog 2 fragmenten bij dit thema.",
     "and 2 more fragments for this theme."),
    ("transcripts.speakers.saved", 0, "0 sprekers opgeslagen", "0 speakers saved"),
    ("transcripts.speakers.saved", 1, "1 spreker opgeslagen", "1 speaker saved"),
    ("transcripts.speakers.saved", 2, "2 sprekers opgeslagen", "2 speakers saved"),
    ("fig.look.saturation.last", 0, "Het laatste interview voegde geen nieuwe codes toe",
     "The last interview added no new codes"),
    ("fig.look.saturation.last", 1, "Het laatste interview voegde 1 nieuwe code toe",
     "The last interview added 1 new code"),
    ("fig.look.saturation.last", 2, "Het laatste interview voegde 2 nieuwe codes toe",
     "The last interview added 2 new codes"),
]  # fmt: skip


@pytest.mark.parametrize(("key", "n", "nl", "en"), COUNTS)
def test_count_agrees_with_n(key, n, nl, en):
    assert NL.count(key, n) == nl == NL(key, n=n)
    assert EN.count(key, n) == en


@pytest.mark.parametrize(
    ("n", "nl", "en"),
    [
        (0, "0 van de 35 taken hebben geen datum; zij staan onderaan",
         "0 of the 35 tasks have no date; they are listed at the bottom"),
        (1, "1 van de 35 taken heeft geen datum; die staat onderaan",
         "1 of the 35 tasks has no date; it is listed at the bottom"),
        (2, "2 van de 35 taken hebben geen datum; zij staan onderaan",
         "2 of the 35 tasks have no date; they are listed at the bottom"),
    ],
)  # fmt: skip
def test_a_count_sentence_keeps_its_other_values(n, nl, en):
    assert NL.count("fig.tasks.undated_note", n, total=35) == nl
    assert EN.count("fig.tasks.undated_note", n, total=35) == en


@pytest.mark.parametrize(
    ("voters", "nl"),
    [
        (0, "Flap: 1 stip per deelnemer; niemand heeft gestemd."),
        (1, "Flap: 1 stip per deelnemer; 1 deelnemer zette 2 stippen."),
        (2, "Flap: 1 stip per deelnemer; 2 deelnemers zetten samen 2 stippen."),
    ],
)
def test_count_phrases_nest_in_a_count_sentence(voters, nl):
    budget, dots = NL.count("count.dot", 1), NL.count("count.dot", 2)
    assert (
        NL.count("report.think.round_about", voters, board="Flap", budget=budget, dots=dots) == nl
    )


def test_a_counting_label_needs_its_count():
    with pytest.raises(KeyError, match=r"labels.count\('count.task', n\)"):
        NL("count.task")


def test_every_counting_label_has_one_and_other_in_both_languages():
    counting = {
        k: t for k, t in catalogue().items() if any(isinstance(v, dict) for v in t.values())
    }
    assert "count.task" in counting and "report.method.look.held" in counting
    for key, texts in counting.items():
        for lang in ("nl", "en"):
            assert {"one", "other"} <= set(texts[lang]), (key, lang)


@pytest.mark.parametrize(
    "forms",
    [{"one": "{n} taak"}, {"one": "a", "other": "b", "few": "c"}, {"one": "a", "other": 3}],
)
def test_malformed_plural_forms_are_refused_naming_the_label(forms):
    with pytest.raises(ValueError, match="label 'count.bad' \\(nl, test.yaml\\)"):
        _check_forms("count.bad", "nl", forms, "test.yaml")


# {n} that counts no noun ("3× gecodeerd", "3 van {total}"), and "(s)" in headers of lists
NOT_COUNTING = {"ui.codebook.count", "fig.look.saturation.so_far"}
LISTS = {"export.col.owners", "export.ics.owners", "fig.hover.owners", "view.col.owners"}


def test_count_sentences_in_the_catalogue_have_plural_forms():
    """A label that counts with {n} gives its singular and plural forms, never 'taak/taken'
    or 'fragment(en)'."""
    for key, texts in catalogue().items():
        for lang in ("nl", "en"):
            text = texts[lang]
            if isinstance(text, str):
                assert "{n}" not in text or key in NOT_COUNTING, (key, lang)
                assert not re.search(r"\((s|en|e|nen)\)", text) or key in LISTS, (key, lang)
