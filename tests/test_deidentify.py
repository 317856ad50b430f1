"""wwlib.core.deidentify: e-mail, phone, postcode, IBAN and BSN in free text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wwlib.core.deidentify import scan, valid_bsn, valid_iban


def found(text: str) -> list[tuple[str, str, bool]]:
    return [(f.kind, f.text, holds) for f, holds in scan(text)]


@pytest.mark.parametrize(
    "text, kind, value",
    [
        ("mail j.de-vries+week@gemeente.nl graag", "email", "j.de-vries+week@gemeente.nl"),
        ("bel 06-12345678 vandaag", "phone", "06-12345678"),
        ("bel 06 12 34 56 78", "phone", "06 12 34 56 78"),
        ("bel +31 6 12345678.", "phone", "+31 6 12345678"),
        ("bel +31 (0)6 1234 5678", "phone", "+31 (0)6 1234 5678"),
        ("kantoor 043-1234567", "phone", "043-1234567"),
        ("kantoor 0031 43 123 45 67", "phone", "0031 43 123 45 67"),
        ("adres 6101 AB 12 in Echt", "postcode", "6101 AB 12"),
        ("adres 6101AB 12a", "postcode", "6101AB 12a"),
        ("postcode 6101 AB.", "postcode", "6101 AB"),
        ("rekening NL91ABNA0417164300.", "iban", "NL91ABNA0417164300"),
        ("rekening NL91 ABNA 0417 1643 00 graag", "iban", "NL91 ABNA 0417 1643 00"),
        ("OP NL91 ABNA 0417 1643 00 EN ZO", "iban", "NL91 ABNA 0417 1643 00"),
        ("BSN 111222333 op het formulier", "bsn", "111222333"),
        ("BSN 1112.22.333 op het formulier", "bsn", "1112.22.333"),
    ],
)
def test_what_identifies_someone_is_found(text, kind, value):
    assert found(text) == [(kind, value, True)]


@pytest.mark.parametrize(
    "text, kind, value",
    [
        ("nummer 123456789 is geen BSN", "bsn", "123456789"),
        ("rekening NL91ABNA0417164301", "iban", "NL91ABNA0417164301"),
    ],
)
def test_numbers_that_fail_their_check_are_found_but_do_not_hold(text, kind, value):
    assert found(text) == [(kind, value, False)]


@pytest.mark.parametrize(
    "text",
    [
        "In 2026 de 12 teams",  # a year, a word, a number: not a postcode
        "tussen 9.00 en 17.00 uur, 20-24 april 2020",
        "1234 SS 5",  # SA, SD and SS are never given as postcode letters
        "versie 1.2.3, 42 deelnemers, 1.500 euro",
        "12345678",  # eight digits: no BSN, no phone number
        "geen e-mail@ hier",
    ],
)
def test_ordinary_numbers_are_left_alone(text):
    assert found(text) == []


@pytest.mark.parametrize(
    "value, valid",
    [("111222333", True), ("123456782", True), ("123456789", False), ("000000000", False)],
)
def test_the_11_proef(value, valid):
    assert valid_bsn(value) is valid


def test_the_iban_check():
    assert valid_iban("NL91 ABNA 0417 1643 00") and valid_iban("DE89370400440532013000")
    assert not valid_iban("NL91ABNA0417164300X") and not valid_iban("NL00")


@given(st.lists(st.integers(0, 9), min_size=8, max_size=8))
def test_every_number_that_passes_the_11_proef_is_a_bsn(digits):
    weighted = sum(w * d for w, d in zip(range(9, 1, -1), digits, strict=True)) % 11
    if weighted == 10 or not any(digits):
        return  # no last digit makes these pass
    number = "".join(map(str, digits)) + str(weighted)
    assert valid_bsn(number)
    assert found(f"het nummer {number} staat erop") == [("bsn", number, True)]


@given(
    st.text(
        alphabet=st.characters(blacklist_categories=("Nd",), blacklist_characters="@"), max_size=80
    )
)
def test_text_without_digits_or_at_signs_holds_nothing(text):
    assert found(text) == []
