"""Finding names in the fictional cohort's transcripts: recall, precision and speed.

    .venv/bin/python benchmarks/bench_privacy.py [--folder data/lindeveen-2026]

The ground truth is the cohort's own list: every word of every person's name in people.csv and
of every `mentioned_names` entry (tussenvoegsels aside), written with a capital, is a name
wherever it stands in a transcript; every other word is not. Each method marks stretches of
text as names; a word counts as found when it lies inside one. Methods:

- the workbook's pseudonymiser (the cohort's list, its name forms and spelling variants);
- deduce alone (its `persoon` annotations), which knows nothing of the cohort;
- the list without `mentioned_names`, with and without deduce's finds: how many of the names
  the cohort forgot to list deduce catches (recall on those names only).

Then the speed: the pseudonymiser's `text` per 1,000 words (on whole transcripts and on one
paragraph a call, as table cells are), building it, and deduce's load and time per 1,000 words.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from wwlib.core import deidentify  # noqa: E402
from wwlib.core.nameforms import TUSSENVOEGSELS, WORD  # noqa: E402
from wwlib.core.pseudonym import Pseudonymiser  # noqa: E402
from wwlib.folder.dataset import load_dataset  # noqa: E402

NAME_KINDS = ("name", "variant", "unlisted")


def people_frame(dataset) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [p.id for p in dataset.people],
            "name": [p.name for p in dataset.people],
            "pseudonym": [p.pseudonym for p in dataset.people],
            "consent_named": [p.consent_named for p in dataset.people],
        }
    )


def name_words(names: list[str]) -> set[str]:
    return {w for n in names for w in WORD.findall(n) if w.lower() not in TUSSENVOEGSELS}


def words(text: str, truth: set[str]) -> list[tuple[int, int, bool]]:
    """Every word but tussenvoegsels: start, end, whether it is a name."""
    return [
        (m.start(), m.end(), m.group() in truth)
        for m in WORD.finditer(text)
        if m.group().lower() not in TUSSENVOEGSELS
    ]


def score(texts, truth, spans_of, only: set[str] | None = None) -> tuple[float, float, int]:
    """Recall and precision over the words of `texts`; `only`: recall on these words alone."""
    hit = missed = wrong = 0
    for text in texts:
        spans = spans_of(text)
        for start, end, is_name in words(text, truth):
            found = any(s <= start and end <= e for s, e in spans)
            counted = is_name and (only is None or text[start:end] in only)
            hit += found and counted
            missed += counted and not found
            wrong += found and not is_name
    recall = hit / (hit + missed) if hit + missed else float("nan")
    precision = hit / (hit + wrong) if hit + wrong else float("nan")
    return recall, precision, hit + missed


def pseudonymiser_spans(names: Pseudonymiser):
    return lambda text: [(f.start, f.end) for f in names.finds(text) if f.kind in NAME_KINDS]


def deduce_spans(text: str) -> list[tuple[int, int]]:
    document = deidentify._deduce().deidentify(text)
    tags = deidentify.PERSON_TAGS
    return [
        (a.start_char, a.end_char) for a in document.annotations if any(t in a.tag for t in tags)
    ]


def percent(share: float) -> str:
    return "—" if share != share else f"{share:.1%}"  # NaN: nothing was found to score


def per_thousand(seconds: float, count: int) -> str:
    return f"{1000 * seconds / count * 1000:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=ROOT / "data" / "lindeveen-2026")
    args = parser.parse_args()
    dataset = load_dataset(args.folder)
    texts = [t.text for t in dataset.transcripts]
    paragraphs = [p for t in texts for p in t.split("\n\n") if p.strip()]
    total = sum(len(t.split()) for t in texts)
    people, mentioned = people_frame(dataset), dataset.cohort.mentioned_names
    truth = name_words([*people["name"], *mentioned])
    unlisted = name_words(list(mentioned))

    started = time.perf_counter()
    listed = Pseudonymiser(people, True, mentioned, texts=texts)
    built = time.perf_counter() - started
    started = time.perf_counter()
    deidentify._deduce()
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    found = deidentify.person_names(texts)
    scanned = time.perf_counter() - started
    without = Pseudonymiser(people, True, (), texts=texts)
    with_deduce = Pseudonymiser(people, True, (), texts=texts, person_names=found)

    rows = [
        ("the cohort's list (pseudonymiser)", *score(texts, truth, pseudonymiser_spans(listed))),
        ("deduce alone", *score(texts, truth, deduce_spans)),
        (
            "list without mentioned_names: those names",
            *score(texts, truth, pseudonymiser_spans(without), unlisted),
        ),
        (
            "  + deduce's finds: those names",
            *score(texts, truth, pseudonymiser_spans(with_deduce), unlisted),
        ),
        ("  + deduce's finds: all names", *score(texts, truth, pseudonymiser_spans(with_deduce))),
    ]
    print(f"{args.folder.name}: {len(texts)} transcripts, {total:,} words")
    print(f"{'method':44} {'recall':>7} {'precision':>9} {'names':>6}")
    for method, recall, precision, count in rows:
        print(f"{method:44} {percent(recall):>7} {percent(precision):>9} {count:6d}")
    print(f"deduce's finds the list lacks: {sorted(with_deduce.unlisted)}; "
          f"taken for words: {sorted(with_deduce.doubtful)}")  # fmt: skip

    timings = []
    for label, pieces in (("whole transcripts", texts), ("one paragraph a call", paragraphs)):
        started = time.perf_counter()
        for _ in range(20):
            for piece in pieces:
                listed.text(piece)
        timings.append(
            (f"text(), {label}", per_thousand((time.perf_counter() - started) / 20, total))
        )
    timings += [
        ("building the pseudonymiser (variants included)", f"{built * 1000:.1f} ms"),
        ("loading deduce (once per process)", f"{loaded:.1f} s"),
        ("deduce's search, per 1,000 words", per_thousand(scanned, total)),
    ]
    print()
    print(f"{'speed':48} {'time':>10}")
    for label, value in timings:
        print(f"{label:48} {value:>10}")


if __name__ == "__main__":
    main()
