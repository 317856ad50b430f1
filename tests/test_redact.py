"""Spans keep pointing at the same words when names in a text become codes (core/redact.py)."""

from __future__ import annotations

import re

import pytest

from wwlib.core.redact import pseudonym_id, rewrite

TEXT = (
    "Marit Hofstede: Dank je wel, Ineke. Wat is je bijgebleven?\n\n"
    "Ineke Verhoeven: Ik belde met Ruud Kamphuis over de pompen. Ineke's team hielp ook.\n"
)
NAMES = {"Ineke Verhoeven": "P01", "Ruud Kamphuis": "P02", "Marit Hofstede": "F01", "Ineke": "P01"}


def replace(text: str) -> str:
    pattern = "|".join(map(re.escape, sorted(NAMES, key=len, reverse=True)))
    return re.sub(rf"\b({pattern})\b", lambda m: NAMES[m.group(1)], text)


@pytest.mark.parametrize(
    ("words", "shown"),
    [
        ("Wat is je bijgebleven?", "Wat is je bijgebleven?"),  # no name: the same words
        ("Ik belde met Ruud Kamphuis", "Ik belde met P02"),  # ends on a name
        ("Ruud Kamphuis over de pompen", "P02 over de pompen"),  # starts on one
        ("Kamphuis over", "P02 over"),  # starts inside one: from the code on
        ("Ineke Verhoeven: Ik belde", "P01: Ik belde"),
        ("team hielp ook.\n", "team hielp ook.\n"),  # the end of the text
        ("Marit", "F01"),  # a span inside a name is the code
    ],
)
def test_a_span_lands_on_the_same_words(words, shown):
    edit = rewrite(TEXT, replace)
    start = TEXT.index(words)
    moved = edit.new[edit.start(start) : edit.end(start + len(words))]
    assert moved == shown


def test_an_unchanged_text_has_no_changes():
    edit = rewrite("Niemand genoemd.", replace)
    assert not edit.changed and edit.changes == () and edit.start(3) == 3


def test_a_text_that_differs_everywhere_is_one_change():
    edit = rewrite("abc", lambda t: "xyz" * 200)
    assert edit.changes == ((0, 3, 0, 600),) and edit.end(3) == 600


@pytest.mark.parametrize(
    ("pseudonym", "taken", "made"),
    [
        ("P01", set(), "p01"),
        ("P01", {"p01"}, "p01-2"),
        ("--F-2", set(), "f-2"),
        ("-", set(), "persoon"),
    ],
)
def test_an_id_made_of_a_pseudonym(pseudonym, taken, made):
    assert pseudonym_id(pseudonym, taken) == made
