"""The forms a Dutch person's name takes in running text, and text folded for finding them.

A name is read the Dutch way: the first words are first names, the surname starts at the first
tussenvoegsel ("van", "de", "ter", ...) after them, else it is the last word ("Evert Jan van
Hasselt": first names Evert and Jan, surname "van Hasselt", core "Hasselt"). `name_forms` gives
every form worth finding, folded (lower case, no diacritics: `fold`) so that "GERDA", "gerda"
and "Gérda" are one form; forms that count only in their exact case (initials such as "JS",
two-letter first names) come separately. Spelling variants of a surname are found in the
cohort's own words (`spelling_variants`): within one edit (two from eight letters on) of a
surname of at least five letters, written with a capital and never without one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

# the words that start a Dutch surname ("van der Meulen", "in 't Veld", "ter Horst")
TUSSENVOEGSELS = frozenset(
    "van de der den het ten ter te in 't t op aan bij uit voor onder over tot toe "
    "la le du da di del della dos von zu vom el al d' l' 's".split()
)
MIN_PART = 3  # shorter parts alone are found only in their exact case ("Bo", "JS")
MIN_VARIANT = 5  # surnames from this length on are found in spelling variants too
WORD = re.compile(r"[^\W\d_]+")


def _fold_table() -> dict[int, str]:
    """Each Latin letter to its lower-case base letter (É -> e, ø -> o), one char each."""
    table = {}
    for code in range(0x00C0, 0x0370):
        char = chr(code)
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        base = base.lower()
        if len(base) == 1 and base != char:
            table[code] = base
    table.update({ord(c): b for c, b in zip("ØøŁłĐđ", "oolldd", strict=True)})
    table.update({ord(c): c.lower() for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"})
    return table


FOLD = _fold_table()


def fold(text: str) -> str:
    """`text` in lower case without diacritics, of the same length (position for position)."""
    return text.lower() if text.isascii() else text.translate(FOLD)


def composed(text: str) -> str:
    """`text` with decomposed accents composed (NFC), so that folding keeps positions."""
    return text if text.isascii() else unicodedata.normalize("NFC", text)


@dataclass(frozen=True)
class NameParts:
    """A name read the Dutch way."""

    first: tuple[str, ...]  # first names ("Evert", "Jan")
    tussen: tuple[str, ...]  # tussenvoegsels ("van", "der")
    surname: str  # the core surname ("Meulen"; "" for a name of one word)

    @property
    def full_surname(self) -> str:
        return " ".join((*self.tussen, self.surname)).strip()


def name_parts(name: str) -> NameParts:
    """First names, tussenvoegsels and core surname of a name as written."""
    words = name.split()
    if len(words) < 2:
        return NameParts(tuple(words), (), "")
    start = next(
        (i for i in range(1, len(words) - 1) if words[i].lower() in TUSSENVOEGSELS),
        len(words) - 1,
    )
    end = start
    while end < len(words) - 1 and words[end].lower() in TUSSENVOEGSELS:
        end += 1
    return NameParts(tuple(words[:start]), tuple(words[start:end]), " ".join(words[end:]))


@dataclass
class NameForms:
    """A name's forms: folded forms found in any case, folded forms found only when written
    with a capital (a possessive "Joosts": "brouwers" is also a word), exact forms only in
    their own case ("JS")."""

    folded: set[str] = field(default_factory=set)
    capital: set[str] = field(default_factory=set)
    exact: set[str] = field(default_factory=set)

    def add(self, form: str) -> None:
        form = " ".join(form.split())
        letters = sum(len(w) for w in WORD.findall(form))
        if letters >= MIN_PART:
            self.folded.add(fold(form))
        elif letters >= 2:
            self.exact.add(form)


def name_forms(name: str) -> NameForms:
    """Every form of `name` worth finding in running text (see the module's notes)."""
    parts = name_parts(name)
    forms = NameForms()
    forms.add(name)
    first, surname, full = parts.first, parts.surname, parts.full_surname
    for given in first:
        forms.add(given)
        forms.add(given.replace("-", " "))
        for piece in given.split("-"):
            forms.add(piece)
    if len(first) > 1:
        forms.add(" ".join(first))
        forms.add("-".join(first))
    if surname:
        _surname_forms(forms, first, parts.tussen, surname, full)
    for word in (*first, surname):
        if len(word) >= MIN_PART and fold(word)[-1] not in "sxz":
            forms.capital.add(fold(word) + "s")
    return forms


def _surname_forms(forms: NameForms, first, tussen, surname: str, full: str) -> None:
    """The surname alone, with first names, with initials; initials as a token."""
    surnames = {full, surname, *surname.split("-")}
    for name in surnames:
        forms.add(name)
        for given in {" ".join(first), "-".join(first), *first}:
            forms.add(f"{given} {name}")
    initials = [g[0].upper() for given in first for g in given.split("-") if g]
    for style in {
        "".join(f"{i}." for i in initials),
        " ".join(f"{i}." for i in initials),
        "".join(initials),
        f"{initials[0]}." if initials else "",
    } - {""}:
        for name in (full, surname):
            forms.folded.add(fold(f"{style} {name}"))
    tussen_initials = "".join(t[0].lower() for t in tussen if t[0].isalpha())
    core = surname[0].upper()
    for token in {
        "".join(initials) + tussen_initials + core,
        "".join(initials) + core,
        "".join(f"{i}." for i in (*initials, core)),
    }:
        if len(token) >= 2:
            forms.exact.add(token)


# -- the cohort's own words -------------------------------------------------------------------


@dataclass
class Vocabulary:
    """The folded words of a set of texts: those ever written with a capital, and the rest."""

    capitalised: set[str] = field(default_factory=set)
    lower: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, texts: Iterable[str]) -> Vocabulary:
        words: set[str] = set()
        for text in texts:
            if text:
                words.update(WORD.findall(text))
        found = cls()
        for word in words:
            (found.capitalised if word[0].isupper() else found.lower).add(fold(word))
        return found

    def names_only(self) -> set[str]:
        """Words only ever written with a capital: names, places, the start of sentences."""
        return self.capitalised - self.lower


def allowed_edits(surname: str) -> int:
    """How many edits a spelling variant of this (folded core) surname may be from it."""
    return 0 if len(surname) < MIN_VARIANT else 1 if len(surname) < 8 else 2


def spelling_variants(surname: str, vocabulary: Vocabulary, margin: int = 0) -> dict[str, int]:
    """Words of the vocabulary (capitalised only) within the allowed edits of `surname`,
    plus `margin` more (the near misses): {folded word: edits}."""
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    allowed = allowed_edits(surname)
    edits = allowed + margin if allowed else 0  # no near misses of a short surname either
    if not edits or " " in surname:
        return {}
    found = process.extract(
        surname,
        vocabulary.names_only(),
        scorer=OSA.distance,
        score_cutoff=edits,
        limit=None,
    )
    return {word: int(distance) for word, distance, _ in found if distance > 0}
