"""Code suggestions: for a passage being coded, the codes of the most similar coded passages.

A local model on the cohort's own codings; nothing is downloaded and nothing leaves the machine.
Every coded passage becomes a TF-IDF vector of its words (folded and stemmed as Dutch by the
search's own `term`, unigrams and bigrams) and of its character n-grams. A code is the sum of
its passages' vectors and of its codebook text (name and description: what the coders agreed it
means); a new passage gets the codes whose sums are most like it (cosine similarity). A
suggested code comes with the most similar coded passage that carries it: the evidence the
coder reads before accepting it. `benchmarks/bench_suggest.py` compares this with k nearest
passages voting for their codes, and with words or characters only.

scikit-learn is imported when a model is fitted, not with this module: a dashboard kernel that
never suggests does not load it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wwlib.analysis.search import fold, words

PASSAGE_COLUMNS = ("interview", "start", "end", "text", "codes")
LIMIT = 3  # codes suggested at most
# Why there is no suggestion (`Suggestions.reason`); the dashboard's label is
# `suggest.reason.<reason>`.
REASONS = ("no_codebook", "no_codings", "no_words", "nothing_similar")


@dataclass(frozen=True)
class Variant:
    """How passages are compared and codes scored (the benchmark compares several).

    `centroids`: a code's score is the cosine to the sum of its passages (and its codebook
    text, with `descriptions`); else the `neighbours` most similar passages vote for their
    codes with their similarity. `char_weight`: the share of the character n-grams in every
    similarity (0: words only, 1: characters only). `min_share`: leave out a code scoring less
    than this share of the best one's.
    """

    name: str
    centroids: bool = True
    descriptions: bool = True
    char_weight: float = 0.5
    neighbours: int = 10
    min_share: float = 0.0


DEFAULT = Variant("code sums + codebook text, words+chars")


@dataclass(frozen=True)
class Evidence:
    """The coded passage that led to a suggestion: where it is, its text, how similar it is."""

    interview: str
    start: int
    end: int
    text: str
    similarity: float

    def as_detail(self) -> dict:
        """What the change log keeps of it (the span, not the text: the transcript has it)."""
        return {
            "interview": self.interview,
            "start": self.start,
            "end": self.end,
            "similarity": round(self.similarity, 3),
        }


@dataclass(frozen=True)
class Suggestion:
    """A code to consider, its score and the evidence for it."""

    code: str
    score: float
    evidence: Evidence


@dataclass(frozen=True)
class Suggestions:
    """Up to three suggestions, best first; without any, `reason` says why (see `REASONS`)."""

    rows: tuple[Suggestion, ...] = ()
    reason: str = ""

    @property
    def codes(self) -> list[str]:
        return [s.code for s in self.rows]


@dataclass(frozen=True)
class _Kind:
    """One kind of feature (words or characters): its vectorizer, its share of a similarity,
    the passages' vectors and each code's sum of vectors."""

    vectorizer: object
    weight: float
    passages: object
    sums: object


def terms(text: str) -> list[str]:
    """The words of a text as the search indexes them: folded and stemmed Dutch."""
    return [w.term for w in words(text)]


def code_texts(codes: pd.DataFrame) -> dict[str, str]:
    """Each code of `store.codes()` with its name and description as one text, in order."""
    return {
        c.id: f"{c.name}. {c.description}" if c.description else c.name for c in codes.itertuples()
    }


def coded_passages(codings: pd.DataFrame, texts: Mapping[int, str]) -> pd.DataFrame:
    """One row per coded fragment of `store.codings()`: interview, start, end, its text (from
    `texts`, by fragment id, as `store.fragment_texts` gives them) and its codes, a tuple in
    the order they were given (every coder's)."""
    if codings.empty:
        return pd.DataFrame(columns=PASSAGE_COLUMNS)
    rows = []
    for fragment, group in codings.sort_values("id").groupby("fragment", sort=False):
        first = group.iloc[0]
        rows.append(
            (first["interview"], int(first["start"]), int(first["end"]),
             texts.get(fragment, ""), tuple(dict.fromkeys(group["code"])))
        )  # fmt: skip
    passages = pd.DataFrame(rows, columns=PASSAGE_COLUMNS)
    return passages.sort_values(["interview", "start", "end"], ignore_index=True)


class Suggester:
    """A model fitted on coded passages (`coded_passages`) for the codes of `codebook` (id ->
    its name and description, `code_texts`); a code is suggested once a passage carries it.

    `Suggester(passages, codebook).suggest(text, interview, start, end)`: a coded passage at
    that very span is left out, of the evidence and of the scores.
    """

    def __init__(
        self, passages: pd.DataFrame, codebook: Mapping[str, str], variant: Variant = DEFAULT
    ):
        self.variant = variant
        self.codebook = dict(codebook)
        kept = [tuple(c for c in codes if c in self.codebook) for codes in passages["codes"]]
        usable = [bool(c) and bool(terms(t)) for c, t in zip(kept, passages["text"], strict=True)]
        self.passages = (
            passages.assign(codes=kept).loc[np.array(usable, bool)].reset_index(drop=True)
        )
        carried = {c for codes in self.passages["codes"] for c in codes}
        self.codes = [c for c in self.codebook if c in carried]  # codebook order
        self._kinds = self._fit() if self.codes else []

    @property
    def reason(self) -> str:
        """Why this model suggests nothing at all ("" when it can suggest)."""
        if not self.codebook:
            return "no_codebook"
        return "" if self.codes else "no_codings"

    def _fit(self) -> list[_Kind]:
        """Words and character n-grams, each fitted on the passages and the codes' texts."""
        from scipy.sparse import csr_matrix
        from sklearn.feature_extraction.text import TfidfVectorizer

        v = self.variant
        word = TfidfVectorizer(
            tokenizer=terms, lowercase=False, token_pattern=None, ngram_range=(1, 2),
            sublinear_tf=True,
        )  # fmt: skip
        char = TfidfVectorizer(
            analyzer="char_wb", preprocessor=fold, ngram_range=(3, 5), sublinear_tf=True
        )
        index = {c: j for j, c in enumerate(self.codes)}
        pairs = [(index[c], i) for i, codes in enumerate(self.passages["codes"]) for c in codes]
        rows, cols = zip(*pairs, strict=True)
        shape = (len(self.codes), len(self.passages))
        self._member = csr_matrix(([1.0] * len(pairs), (rows, cols)), shape)
        texts = list(self.passages["text"])
        described = [self.codebook[c] if v.descriptions else "" for c in self.codes]
        kinds = []
        for vectorizer, weight in ((word, 1 - v.char_weight), (char, v.char_weight)):
            if weight > 0:
                matrix = vectorizer.fit_transform(texts + described).tocsr()
                passages, codes = matrix[: len(texts)], matrix[len(texts) :]
                sums = (self._member @ passages + codes).tocsr()
                kinds.append(_Kind(vectorizer, weight, passages, sums))
        return kinds

    def suggest(
        self,
        text: str,
        interview: str | None = None,
        start: int | None = None,
        end: int | None = None,
        limit: int = LIMIT,
    ) -> Suggestions:
        """Up to `limit` codes for `text`, best first, each with its most similar passage."""
        if self.reason:
            return Suggestions(reason=self.reason)
        if not terms(text):
            return Suggestions(reason="no_words")
        p = self.passages
        same = (p["interview"] == interview) & (p["start"] == start) & (p["end"] == end)
        left_out = np.flatnonzero(same.to_numpy())
        sims, scores = np.zeros(len(p)), np.zeros(len(self.codes))
        for kind in self._kinds:
            query = kind.vectorizer.transform([text])
            sims += kind.weight * (kind.passages @ query.T).toarray().ravel()
            if self.variant.centroids:
                scores += kind.weight * self._centroid_similarity(kind, query, left_out)
        sims[left_out] = -1.0  # never evidence, never a neighbour
        if not self.variant.centroids:
            scores = self._votes(sims)
        rows = self._ranked(scores, sims, limit)
        return Suggestions(tuple(rows), "" if rows else "nothing_similar")

    def _centroid_similarity(self, kind: _Kind, query, left_out: np.ndarray) -> np.ndarray:
        """The cosine of the query to each code's sum, without the left-out passages."""
        sums = kind.sums
        if len(left_out):
            sums = sums - self._member[:, left_out] @ kind.passages[left_out]
        dots = (sums @ query.T).toarray().ravel()
        norms = np.sqrt(np.asarray(sums.multiply(sums).sum(axis=1)).ravel())
        return np.divide(dots, norms, out=np.zeros_like(dots), where=norms > 0)

    def _votes(self, sims: np.ndarray) -> np.ndarray:
        """Each of the nearest passages adds its similarity to each of its codes."""
        nearest = [i for i in np.argsort(-sims)[: self.variant.neighbours] if sims[i] > 0]
        return self._member[:, nearest] @ sims[nearest]

    def _ranked(self, scores: np.ndarray, sims: np.ndarray, limit: int) -> list[Suggestion]:
        """Codes by score with the most similar passage carrying each; a code whose only
        passage is left out, or that scores nothing, is not suggested."""
        rows = []
        best = scores.max(initial=0.0)
        for j in np.argsort(-scores, kind="stable"):
            carriers = self._member[j].indices
            i = carriers[np.argmax(sims[carriers])]
            if scores[j] <= 0 or sims[i] < 0 or scores[j] < self.variant.min_share * best:
                continue
            p = self.passages.iloc[i]
            found = Evidence(
                p["interview"], int(p["start"]), int(p["end"]), p["text"], float(sims[i])
            )
            rows.append(Suggestion(self.codes[j], float(scores[j]), found))
            if len(rows) == limit:
                break
        return rows
