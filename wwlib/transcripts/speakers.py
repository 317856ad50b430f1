"""Who a speaker label is: matching the names a transcript uses to the cohort's people.

In order: the full name (case and accents aside); the person's id or pseudonym; the name with
"(Guest)", "(Gast)", "(extern)" or any other part in brackets, dots and extra spaces taken
out ("Bos, Femke" turned round, "Femke Bos - Gemeente Ooststad" cut at the dash), or initials
with the surname ("F. Bos"); then a first name or surname that only one person has. Anything
else stays unmapped, and the notebook's speaker step can correct it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

from wwlib.transcripts.records import Turn

FULL_NAME = "full name"
PSEUDONYM = "id or pseudonym"
CLEANED = "name without brackets and dots"
INITIALS = "initials and surname"
FIRST_NAME = "first name"
SURNAME = "surname"
AMBIGUOUS = "ambiguous"
UNKNOWN = "not mapped"
NO_SPEAKER = "no speaker"
BRACKETS = re.compile(r"\s*[(\[][^)\]]*[)\]]")


@dataclass(frozen=True)
class SpeakerMatch:
    """How one speaker label was matched: the person (or None) and by which rule."""

    label: str
    person: str | None
    how: str
    candidates: tuple[str, ...] = ()  # the people an ambiguous label could be

    def __str__(self) -> str:
        label = repr(self.label) if self.label else "(no speaker)"
        if self.person:
            return f"{label} → {self.person} ({self.how})"
        if self.how == AMBIGUOUS:
            return f"{label} → not mapped: could be {', '.join(self.candidates)}"
        return f"{label} → not mapped"


def fold(text: str) -> str:
    """Text compared without case, accents or extra spaces ("Chloë  Peeters" ~ "chloe peeters")."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def clean(text: str) -> str:
    """A folded name without bracketed parts ("(Guest)"), dots, or an organisation after " - ";
    "Bos, Femke" (as a directory lists people) reads as "femke bos"."""
    name = BRACKETS.sub(" ", text)
    name = re.split(r"\s[-|–]\s", name)[0]
    if name.count(",") == 1:
        last, first = name.split(",")
        name = f"{first} {last}"
    return fold(name.replace(".", " "))


class SpeakerIndex:
    """The cohort's people looked up by every form of their name that the rules allow."""

    def __init__(self, people: Iterable):
        """`people`: records with `id`, `name` and `pseudonym` (model.Person, DataFrame rows)."""
        self._by: dict[str, dict[str, set[str]]] = {
            rule: defaultdict(set) for rule in (FULL_NAME, PSEUDONYM, CLEANED, FIRST_NAME, SURNAME)
        }
        self._initials: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for person in people:
            words = clean(person.name).split()
            self._by[FULL_NAME][fold(person.name)].add(person.id)
            self._by[PSEUDONYM][fold(person.id)].add(person.id)
            self._by[PSEUDONYM][fold(person.pseudonym)].add(person.id)
            self._by[CLEANED][" ".join(words)].add(person.id)
            if len(words) > 1:
                self._by[FIRST_NAME][words[0]].add(person.id)
                for surname in {" ".join(words[1:]), words[-1]}:
                    self._by[SURNAME][surname].add(person.id)
                    self._initials[surname].add((words[0][:1], person.id))

    def match(self, label: str, prefer: Iterable[str] = ()) -> SpeakerMatch:
        """The person a label names; among several, one of `prefer` (the interview's people)."""
        if not label.strip():
            return SpeakerMatch(label, None, NO_SPEAKER)
        prefer, cleaned = set(prefer), clean(label)
        steps = [
            (FULL_NAME, self._by[FULL_NAME].get(fold(label), set())),
            (PSEUDONYM, self._by[PSEUDONYM].get(fold(label), set())),
            (CLEANED, self._by[CLEANED].get(cleaned, set())),
            (INITIALS, self._by_initials(cleaned)),
        ]
        first, surname = (self._by[r].get(cleaned, set()) for r in (FIRST_NAME, SURNAME))
        steps.append((FIRST_NAME if first else SURNAME, first | surname))
        for rule, found in steps:
            chosen = _one(found, prefer)
            if chosen:
                how = rule if rule != FIRST_NAME or chosen in first else SURNAME
                return SpeakerMatch(label, chosen, how)
        ambiguous = set().union(*(found for _, found in steps))
        if ambiguous:
            return SpeakerMatch(label, None, AMBIGUOUS, tuple(sorted(ambiguous)))
        return SpeakerMatch(label, None, UNKNOWN)

    def _by_initials(self, key: str) -> set[str]:
        """People whose surname ends the label and whose first name starts with its initial."""
        words = key.split()
        for split in range(1, len(words)):
            initials, surname = words[:split], " ".join(words[split:])
            if all(len(w) == 1 for w in initials):
                return {
                    pid for first, pid in self._initials.get(surname, ()) if first == initials[0]
                }
        return set()


def _one(found: set[str], prefer: set[str]) -> str | None:
    if len(found) == 1:
        return next(iter(found))
    preferred = found & prefer
    return next(iter(preferred)) if len(preferred) == 1 else None


def map_speakers(
    labels: Iterable[str], people: Iterable, prefer: Iterable[str] = ()
) -> dict[str, SpeakerMatch]:
    """Every label matched to a person (see the module's rules); `prefer` breaks ties."""
    index = people if isinstance(people, SpeakerIndex) else SpeakerIndex(people)
    return {label: index.match(label, prefer) for label in dict.fromkeys(labels)}


def with_people(turns: Iterable[Turn], matches: dict[str, SpeakerMatch]) -> tuple[Turn, ...]:
    """The turns with each speaker's person filled in."""
    return tuple(
        replace(t, person=matches[t.speaker].person if t.speaker in matches else None)
        for t in turns
    )
