"""Dutch-aware full-text search on plain text: folding, stemming, queries, keyword in context.

A word is a run of letters and digits. It is indexed and queried as its *term*: case and
diacritics folded ("Coördinator" -> "coordinator"), then stemmed with the Snowball Dutch
stemmer ("vergaderingen" and "vergaderen" -> "vergader"). The same function makes the terms of
a text and of a query, so a hit is found by comparing terms, and every term keeps the
code-point offsets of its word in the original text: a hit maps back to the exact words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache

import pandas as pd
import snowballstemmer

from wwlib.core.errors import SearchQueryError

WORD = re.compile(r"[^\W_]+")
SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s|$)")
CONTEXT_WORDS = 8  # words shown on each side of a hit


@dataclass(frozen=True)
class Word:
    """A word of a text: its span [start, end) in code points and its term."""

    start: int
    end: int
    term: str


@dataclass(frozen=True)
class Query:
    """A parsed query: every phrase (a tuple of terms; one term for a single word) must occur.

    `compounds` gives a single word's term the longer terms it ends ("coordinator":
    "wijkcoordinator", ...): a Dutch compound holds its last part as a word of its own, so a
    search for the part finds the compound (`with_compounds`)."""

    text: str
    phrases: tuple[tuple[str, ...], ...]
    compounds: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def forms(self, term: str) -> frozenset[str]:
        """The terms a single word's `term` matches: itself and the compounds it ends."""
        return frozenset((term, *dict(self.compounds).get(term, ())))


COMPOUND_PART = 4  # the shortest term a search also finds at the end of compounds
COMPOUND_HEAD = 3  # the shortest first part of a compound found so


def fold(word: str) -> str:
    """A word without case and diacritics: "Coördinator" -> "coordinator"."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@lru_cache(maxsize=200_000)
def term(word: str) -> str:
    """The indexed form of a word: folded, then stemmed as Dutch."""
    folded = fold(word)
    if len(folded) > 5 and folded.endswith("ies"):  # the plural of -ie: organisaties, situaties
        folded = folded[:-1]  # (Porter's stemmer keeps an -s after a vowel: huis, muis)
    return _stemmer().stemWord(folded)


@lru_cache(maxsize=1)
def _stemmer():
    """Snowball's Dutch stemmer by Martin Porter (`dutch_porter`; "dutch" before
    snowballstemmer 3.0). From 3.0 "dutch" is another algorithm (after Kraaij and Pohlmann)
    that takes "ge-" off the front of a word: "gemeente" became "meen" and "geregeld" "regel",
    so a search for "gemeente" found "meen" and one for "regels" "geregeld". Porter's keeps
    fewer forms together (not "vergaderde" with "vergaderen", nor "overleggen" with "overleg")
    and never joins two words by taking off their beginning."""
    return snowballstemmer.stemmer("dutch_porter")


def words(text: str) -> list[Word]:
    """Every word of `text` with its span and term, in order."""
    return [Word(m.start(), m.end(), term(m.group())) for m in WORD.finditer(text)]


def index_text(text: str) -> str:
    """The terms of `text` joined by spaces: what the full-text index holds for it."""
    return " ".join(w.term for w in words(text))


def parse_query(text: str) -> Query:
    """Words and "quoted phrases", all of which must occur; raises `SearchQueryError`."""
    if not isinstance(text, str) or not text.strip():
        raise SearchQueryError(text, "it is empty", 'type one or more words, or "a phrase"')
    if text.count('"') % 2:
        raise SearchQueryError(text, "it has an unbalanced quote", 'close the phrase: "like this"')
    phrases = []
    for i, part in enumerate(text.split('"')):
        found = [w.term for w in words(part)]
        if i % 2:  # inside quotes: one phrase
            if not found:
                raise SearchQueryError(text, "a phrase in quotes has no words", "fill or drop it")
            phrases.append(tuple(found))
        else:
            phrases.extend((t,) for t in found)
    if not phrases:
        raise SearchQueryError(text, "it has no words", "search for letters or digits")
    return Query(text, tuple(dict.fromkeys(phrases)))


def compound_parts(query: Query) -> list[str]:
    """The query's single-word terms long enough to be looked up at the end of compounds."""
    return [p[0] for p in query.phrases if len(p) == 1 and len(p[0]) >= COMPOUND_PART]


def with_compounds(query: Query, endings: dict[str, list[str]]) -> Query:
    """The query with, for each term of `compound_parts`, the index's terms that end with it
    (`endings[term]`, from the index's vocabulary) and have a first part of their own."""
    compounds = []
    for part, terms in endings.items():
        longer = sorted(
            t for t in terms if t.endswith(part) and len(t) >= len(part) + COMPOUND_HEAD
        )
        if longer:
            compounds.append((part, tuple(longer)))
    return replace(query, compounds=tuple(compounds))


def fts_expression(query: Query) -> str:
    """The query in SQLite FTS5 syntax: every phrase quoted, all of them required; a word
    found in compounds too as one of its forms."""
    groups = []
    for phrase in query.phrases:
        forms = sorted(query.forms(phrase[0])) if len(phrase) == 1 else [" ".join(phrase)]
        quoted = " OR ".join(f'"{form}"' for form in forms)
        groups.append(f"({quoted})" if len(forms) > 1 else quoted)
    return " AND ".join(groups)  # FTS5 reads no implicit AND after a group in parentheses


def find(text: str, query: Query) -> list[tuple[int, int]]:
    """The spans [start, end) of every occurrence of the query's phrases in `text`, in order
    (a compound that ends with a searched word: the whole compound); empty unless every
    phrase occurs."""
    found = words(text)
    terms = [w.term for w in found]
    spans, missing = set(), False
    for phrase in query.phrases:
        n = len(phrase)
        if n == 1:
            forms = query.forms(phrase[0])
            at = [i for i, t in enumerate(terms) if t in forms]
        else:
            at = [i for i in range(len(terms) - n + 1) if tuple(terms[i : i + n]) == phrase]
        missing |= not at
        spans |= {(found[i].start, found[i + n - 1].end) for i in at}
    return [] if missing else sorted(spans)


def keyword_in_context(text: str, start: int, end: int, words_around: int = CONTEXT_WORDS) -> str:
    """The hit [start, end) of `text` in brackets with a few words on each side, on one line."""
    before = WORD.finditer(text, 0, start)
    left = [m.start() for m in before][-words_around:]
    right = [m.end() for m in WORD.finditer(text, end)][:words_around]
    left_at = left[0] if left else start
    right_at = right[-1] if right else end
    context = (
        ("… " if text[:left_at].strip() else "")
        + text[left_at:start]
        + "["
        + text[start:end]
        + "]"
        + text[end:right_at]
        + (" …" if text[right_at:].strip() else "")
    )
    return " ".join(context.split())


def sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of the sentence(s) of `text` around [start, end), without surrounding space."""
    ends = [m.end() for m in SENTENCE_END.finditer(text)]
    begin = max((e for e in ends if e <= start), default=0)
    stop = min((e for e in ends if e >= end), default=len(text))
    while begin < start and text[begin].isspace():
        begin += 1
    while stop > end and text[stop - 1].isspace():
        stop -= 1
    return begin, stop


def hits_tsv(hits: pd.DataFrame) -> str:
    """Search hits as tab-separated lines: interview (or note:ID, memo:ID), start, end,
    speaker, context."""
    lines = []
    for h in hits.itertuples():
        where = h.interview if h.kind == "transcript" else f"{h.kind}:{h.source}"
        lines.append("\t".join(str(v) for v in (where, h.start, h.end, h.speaker, h.context)))
    return "".join(line + "\n" for line in lines)
