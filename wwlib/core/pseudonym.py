"""Replacing personal names by pseudonym codes in every output.

A person who did not consent to being named (`wwlib.core.consent`: `consent_named` and a
`consent_date` on record) is always shown by pseudonym; with `pseudonymise=True`
everyone is, the names a cohort mentions (`mentioned_names`) become "NN", and free text is also
cleared of e-mail addresses, phone numbers, postcodes, IBANs and BSNs (`wwlib.core.deidentify`)
and of the names deduce found that the cohort does not list (`person_names`, "[naam]").

Every form of a name is found (`wwlib.core.nameforms`): full name, first names, surname with
and without tussenvoegsel, initials, possessives, hyphenated first names as a whole, any case
or accent, and spelling variants of surnames that the cohort's own `texts` contain. A
transcript's speaker label mapped to a person ("Dr. P. Janssen", "Sanne B.") is one more form
of that person's name when it holds one. Words on the cohort's `never_replace` list stay.
`text` runs on every cell of every table: it folds the text once and runs one compiled regex
over it; the variants are looked up once, when the pseudonymiser is made.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from wwlib.core.consent import consents
from wwlib.core.deidentify import KINDS, Found, scan
from wwlib.core.labels import Labels
from wwlib.core.nameforms import (
    MIN_PART,
    WORD,
    Vocabulary,
    allowed_edits,
    composed,
    fold,
    name_forms,
    name_parts,
    spelling_variants,
)

MENTIONED = "NN"  # the code of a person outside the cohort whom the texts name
_NEXT_WORD = re.compile(r"[ \t]+([^\W\d_][^\W\d_]+)")


class Pseudonymiser:
    """Shows a person id, name or free text with names replaced where they must be."""

    def __init__(
        self,
        people: pd.DataFrame,
        pseudonymise: bool,
        mentioned_names: tuple[str, ...] = (),
        *,
        never_replace: Iterable[str] = (),
        texts: Iterable[str] = (),
        person_names: Iterable[str] = (),
        lang: str = "nl",
        speakers: Iterable[tuple[str, str]] = (),
    ):
        self.pseudonymise = pseudonymise
        self._names = dict(zip(people["id"], people["name"], strict=True))
        self._codes = dict(zip(people["id"], people["pseudonym"], strict=True))
        hidden = people if pseudonymise else people[~consents(people, "named")]
        self._hidden = set(hidden["id"])
        self._never = {fold(w.strip()) for w in never_replace if w and w.strip()}
        labels = Labels(lang)
        self._markers = {k: labels(f"privacy.marker.{k}") for k in (*KINDS, "name")}
        named = list(zip(hidden["name"], hidden["pseudonym"], strict=True))
        if pseudonymise:
            named += [(n, MENTIONED) for n in mentioned_names if n.strip()]
        self._forms: dict[str, tuple[str, str]] = {}  # folded form -> (code, kind)
        self._capital: set[str] = set()  # folded forms that count only with a capital
        self._exact: dict[str, dict[str, str]] = {}  # folded form -> {as written: code}
        self.kept: set[str] = set()  # name forms on the never_replace list
        for name, code in named:
            self._add_name(name, code)
        self._add_speakers(speakers)
        texts = [t for t in texts if isinstance(t, str) and t]
        vocabulary = Vocabulary.of(texts)
        self.near_misses: dict[str, str] = {}  # folded word -> the surname it nearly is
        for name, code in named:
            self._add_variants(name, code, vocabulary)
        self.unlisted: set[str] = set()  # deduce's finds replaced as "[naam]"
        self.doubtful: set[str] = set()  # deduce's finds that read as words: for review
        if pseudonymise:
            for found in sorted(person_names):
                self._add_unlisted(found, vocabulary, texts)
        self._pattern = _pattern([*self._forms, *self._exact])

    def hides(self, person_id: str) -> bool:
        """Whether this person's name is replaced in outputs."""
        return person_id in self._hidden

    def name(self, person_id: str | None) -> str:
        """The name to show for a person id ('' for no one, the id itself if unknown)."""
        if not person_id:
            return ""
        if person_id not in self._names:
            return str(person_id)
        return self._codes[person_id] if self.hides(person_id) else self._names[person_id]

    def speaker(self, label: str, person_id: str | None = None) -> str:
        """A transcript's speaker as outputs show them: the person a label is mapped to as
        `name` shows people, never the label; an unmapped label as `text` shows it."""
        if person_id and person_id in self._names:
            return self.name(person_id)
        return self.text(label)

    def names(self, ids) -> list[str]:
        """Names to show for a list of person ids."""
        return [self.name(i) for i in ids]

    def text(self, text: str) -> str:
        """Free text with every hidden name replaced by its code, and, pseudonymised, every
        e-mail address, phone number, postcode, IBAN and BSN by a marker such as [e-mail]."""
        if not text or not isinstance(text, str):
            return text
        if self.pseudonymise:
            text = self._replace(text, [f for f, holds in scan(text) if holds])
        if self._pattern is None:
            return text
        return self._replace(text, self._name_finds(text))

    def finds(self, text: str) -> list[Found]:
        """What `text` would replace in `text`, in order (for a person to review)."""
        scanned = [f for f, holds in scan(text) if holds] if self.pseudonymise else []
        names = [
            f
            for f in self._name_finds(text)
            if not any(s.start < f.end and f.start < s.end for s in scanned)
        ]
        return sorted(scanned + names, key=lambda f: f.start)

    def unsure(self, text: str) -> list[Found]:
        """What a person should look at in `text` that `text` leaves as it is: near misses of
        a surname, a capitalised word next to a replaced name, numbers that look like a BSN or
        IBAN but fail its check, deduce's finds that read as words, kept name forms."""
        replaced = self.finds(text)
        unsure = [f for f, holds in scan(text) if not holds] if self.pseudonymise else []
        for word in WORD.finditer(text):
            folded = fold(word.group())
            if folded in self.near_misses and not _inside(word.start(), replaced):
                unsure.append(Found(word.start(), word.end(), word.group(), "near_miss"))
            elif folded in self.kept and not _inside(word.start(), replaced):
                unsure.append(Found(word.start(), word.end(), word.group(), "kept"))
        for find in replaced:
            after = _NEXT_WORD.match(text, find.end)
            if after and after.group(1)[0].isupper() and not _inside(after.start(1), replaced):
                unsure.append(Found(after.start(1), after.end(1), after.group(1), "next_to_name"))
        for name in self.doubtful:
            for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text):
                unsure.append(Found(match.start(), match.end(), name, "doubtful"))
        return sorted(set(unsure), key=lambda f: (f.start, f.kind))

    # -- building -----------------------------------------------------------------------

    def _add_name(self, name: str, code: str) -> None:
        forms = name_forms(name)
        for form in forms.folded | forms.capital:
            if form in self._never:
                self.kept.add(form)
            elif form not in self._forms:
                self._forms[form] = (code, "name")
                if form in forms.capital:
                    self._capital.add(form)
                else:
                    self._capital.discard(form)
        for form in forms.exact:
            if fold(form) not in self._never:
                self._exact.setdefault(fold(form), {}).setdefault(form, code)

    def _add_speakers(self, speakers: Iterable[tuple[str, str]]) -> None:
        """Each speaker label of a hidden person that holds a form of their name ("Dr. P.
        Janssen", "Sanne B.") as a form of it, whole: a label such as "Interviewer" names
        no one and stays a word."""
        for label, person in speakers:
            if person not in self._hidden or not (label or "").strip():
                continue
            forms = name_forms(self._names[person])
            own, whole = forms.folded | forms.capital, fold(label.strip())
            names_them = any(fold(word) in own for word in WORD.findall(label))
            if names_them and whole not in own and whole not in self._never:
                self._forms.setdefault(whole, (self._codes[person], "name"))

    def _add_variants(self, name: str, code: str, vocabulary: Vocabulary) -> None:
        """Spelling variants of the surname found in the texts; one edit more: near misses."""
        surname = fold(name_parts(name).surname)
        if not surname:
            return
        for word, edits in spelling_variants(surname, vocabulary, margin=1).items():
            if word in self._forms or word in self._never:
                continue
            if edits <= allowed_edits(surname):
                self._forms[word] = (code, "variant")
                self._capital.add(word)
            else:
                self.near_misses[word] = surname

    def _add_unlisted(self, found: str, vocabulary: Vocabulary, texts: list[str]) -> None:
        """A name deduce found: replaced as [naam] unless known, or a word after all (written
        in lower case somewhere, or a single word only ever part of a compound: "Kick-off")."""
        words = WORD.findall(found)
        unknown = [w for w in words if fold(w) not in self._forms and fold(w) not in self._never]
        if not unknown or fold(found) in self._forms:
            return
        alone = re.compile(rf"(?<![\w-]){re.escape(found)}(?![\w-])")
        if any(not w[0].isupper() or fold(w) in vocabulary.lower for w in unknown) or (
            len(words) == 1 and not any(alone.search(t) for t in texts)
        ):
            self.doubtful.add(found)
            return
        marker = self._markers["name"]
        self.unlisted.add(found)
        for form in {fold(found), *(fold(w) for w in unknown if len(w) >= MIN_PART)}:
            self._forms.setdefault(form, (marker, "unlisted"))
            self._capital.add(form)

    # -- finding ------------------------------------------------------------------------

    def _name_finds(self, text: str) -> list[Found]:
        if self._pattern is None or not text:
            return []
        text = composed(text)
        found = []
        for match in self._pattern.finditer(fold(text)):
            form, start, end = match.group(1), match.start(1), match.end(1)
            written = text[start:end]
            if form in self._forms and (form not in self._capital or written[0].isupper()):
                code, kind = self._forms[form]
            elif written in self._exact.get(form, {}):
                code, kind = self._exact[form][written], "name"
            else:
                continue
            whole = text[match.start() : match.end()]
            found.append(Found(match.start(), match.end(), whole, kind, code))
        return found

    def _replace(self, text: str, finds: list[Found]) -> str:
        if not finds:
            return text
        text = composed(text) if any(f.kind not in KINDS for f in finds) else text
        pieces, last = [], 0
        for find in finds:
            pieces += [text[last : find.start], find.code or self._markers[find.kind]]
            last = find.end
        return "".join(pieces) + text[last:]


def _inside(position: int, finds: list[Found]) -> bool:
    return any(f.start <= position < f.end for f in finds)


def _pattern(forms: list[str]) -> re.Pattern | None:
    """One regex for all folded forms, longest first, on word boundaries; a hyphenated word
    that holds a form is found whole ("Evert-Jan", "Anne-Gerda")."""
    if not forms:
        return None
    alternatives = "|".join(map(re.escape, sorted(set(forms), key=len, reverse=True)))
    return re.compile(rf"(?<!\w)(?:[^\W\d_]+-)*({alternatives})(?:-[^\W\d_]+)*(?!\w)")
