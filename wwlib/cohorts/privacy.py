"""Pseudonymisation for a cohort: the pseudonymiser a workbook uses, and `ww privacy`'s review.

`pseudonymiser(store, ...)` gives the pseudonymiser its cohort's words (for spelling variants
of names), its `never_replace` list and, pseudonymised, the names deduce found in the texts
that the cohort does not list. Deduce is slow to load (seconds, a gigabyte), so its finds that
the list does not name are kept in the store per state of the texts and the list
(`name_scan`), computed only where `scan` is asked (pseudonymised static outputs: `ww run
--pseudonymise`, `ww export ... --pseudonymise`), one process at a time; a dashboard's kernel
uses what was kept and never loads deduce itself. `ww privacy` runs deduce on the folder.

`review(folder)` lists, per file and line of a cohort folder, what a pseudonymised export would
replace and what a person should look at first (`ww privacy DIR`).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import pandas as pd

from wwlib.core.deidentify import person_names
from wwlib.core.labels import Labels
from wwlib.core.pseudonym import Pseudonymiser
from wwlib.folder.dataset import load_dataset

# the folder files a review reads: people.csv is the list itself, guids.csv holds no words
SKIPPED = ("people.csv", "guids.csv", "README.md", "transcripts/README.md")
READ_SUFFIXES = (".yaml", ".csv", ".md", ".txt", ".vtt")
# cohort.yaml's lists of names and words: listing them as found would be noise
LIST_FIELDS = ("mentioned_names:", "never_replace:")


def pseudonymiser(store, pseudonymise: bool, lang: str = "nl", scan: bool = False) -> Pseudonymiser:
    """The pseudonymiser for the cohort in `store` (see the module's notes)."""
    cohort, people, texts = store.cohort(), store.people(), store.free_texts()
    speakers = store_speakers(store)

    def made(found=()) -> Pseudonymiser:
        return Pseudonymiser(
            people,
            pseudonymise,
            cohort.mentioned_names,
            never_replace=cohort.never_replace,
            texts=texts,
            person_names=found,
            lang=lang,
            speakers=speakers,
        )

    if not pseudonymise:
        return made()
    listed = [*people["name"], *cohort.mentioned_names, "\x1f", *cohort.never_replace]
    digest = texts_digest(texts, listed)
    kept = store.name_scan(digest)
    if kept is None and scan:
        with _one_scan_at_a_time(Path(store.path).parent):
            kept = store.name_scan(digest)
            if kept is None:
                names = made(person_names(texts))
                # only what the list does not name: the store keeps no listed name twice
                store.keep_name_scan(digest, sorted(names.unlisted | names.doubtful))
                return names
    return made(kept or ())


def store_speakers(store) -> list[tuple[str, str]]:
    """Each (speaker label, person id) the transcripts in `store` map, once."""
    interviews = store.interviews()
    pairs: dict[tuple[str, str], None] = {}
    for interview in interviews.loc[interviews["transcript"].notna(), "participant"]:
        turns = store.turns(interview)
        for label, person in zip(turns["speaker"], turns["person"], strict=True):
            if label and isinstance(person, str) and person:
                pairs[(label, person)] = None
    return list(pairs)


def texts_digest(texts: list[str], listed: list[str] = ()) -> str:
    """SHA-256 of a set of texts (in any order), of the names and words a cohort lists and
    of deduce's version: what deduce's finds, sorted into names and words, depend on."""
    digest = hashlib.sha256(version("deduce").encode())
    for text in sorted(texts):
        digest.update(b"\x1f" + text.encode("utf-8", "surrogatepass"))
    digest.update(b"\x1e" + "\x1f".join(listed).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


@contextmanager
def _one_scan_at_a_time(directory: Path) -> Iterator[None]:
    """An exclusive lock on the stores' directory: one deduce (a gigabyte) at a time."""
    handle = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock


# -- ww privacy ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One thing a review found: where, what, and what a pseudonymised export does with it."""

    file: str  # relative to the cohort folder
    line: int
    text: str
    replaced: bool  # True: replaced by `by`; False: left as it is, for a person to check
    by: str  # the code or marker; for what is left, why it is listed
    kind: str


def review(folder: str | Path, lang: str = "nl", deduce: bool = True) -> list[Finding]:
    """What a pseudonymised export of this cohort folder would replace and what it is unsure
    of, per file and line (the folder's own words: its transcripts, notes, plans, ...)."""
    folder = Path(folder)
    dataset = load_dataset(folder)
    files = {name: _read(folder / name) for name in _review_files(folder)}
    texts = [text for text in files.values() if text]
    people = pd.DataFrame(
        {
            "id": [p.id for p in dataset.people],
            "name": [p.name for p in dataset.people],
            "pseudonym": [p.pseudonym for p in dataset.people],
            "consent_named": [p.consent_named for p in dataset.people],
            "consent_date": [p.consent_date for p in dataset.people],
        }
    )
    speakers = {
        (turn.speaker, turn.person)
        for turns in dataset.speaker_turns.values()
        for turn in turns
        if turn.speaker and turn.person
    }
    cohort = dataset.cohort
    names = Pseudonymiser(
        people,
        True,
        cohort.mentioned_names,
        never_replace=cohort.never_replace,
        texts=texts,
        person_names=person_names(texts) if deduce else (),
        lang=lang,
        speakers=sorted(speakers),
    )
    labels = Labels(lang)
    findings = []
    for name, text in files.items():
        for number, line in enumerate(text.splitlines(), start=1):
            if name == "cohort.yaml" and line.startswith(LIST_FIELDS):
                continue
            if name.endswith(COMMENTED) and line.lstrip().startswith("#"):
                continue  # a file's help text (ww new writes it), which no output shows
            ids = [m.span() for m in _ID.finditer(line)]
            for find in names.finds(line):
                if not _within(find, ids):
                    by = find.code or labels(f"privacy.marker.{find.kind}")
                    findings.append(Finding(name, number, find.text, True, by, find.kind))
            for find in names.unsure(line):
                if not _within(find, ids) and (find.kind != "kept" or find.text[0].isupper()):
                    why = labels(f"privacy.unsure.{find.kind}")
                    findings.append(Finding(name, number, find.text, False, why, find.kind))
    return findings


COMMENTED = (".csv", ".yaml", ".yml")  # files whose lines starting with # are comments

# an id ("gerda-smeets", "n-evert-jan"): outputs show the person or thing it names, not it
_ID = re.compile(r"(?<![\w-])[a-z0-9]+(?:-[a-z0-9]+)+(?![\w-])")


def _within(find, spans: list[tuple[int, int]]) -> bool:
    return any(start <= find.start and find.end <= end for start, end in spans)


def _review_files(folder: Path) -> list[str]:
    """The folder's files a pseudonymised export shows words of, in a stable order."""
    found = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if (
            path.is_file()
            and not path.is_symlink()
            and path.suffix.lower() in READ_SUFFIXES
            and relative not in SKIPPED
            and not relative.startswith(".")
        ):
            found.append(relative)
    return found


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace").removeprefix("\ufeff")


def findings_table(findings: list[Finding], lang: str = "nl") -> str:
    """The findings as tab-separated lines under a header, for a person or a spreadsheet."""
    labels = Labels(lang)
    header = [labels(f"privacy.col.{c}") for c in ("file", "line", "action", "found", "by")]
    rows = [
        [
            f.file,
            str(f.line),
            labels("privacy.action.replace" if f.replaced else "privacy.action.check"),
            f.text,
            f.by,
        ]
        for f in findings
    ]
    return "".join("\t".join(_cell(c) for c in row) + "\n" for row in [header, *rows])


def _cell(value: str) -> str:
    return " ".join(value.split())  # a tab or newline inside would break the columns


def findings_summary(findings: list[Finding], lang: str = "nl") -> str:
    """One sentence: how much would be replaced, how much to check, in how many files."""
    labels = Labels(lang)
    replaced = sum(f.replaced for f in findings)
    files = len({f.file for f in findings})
    return labels(
        "privacy.summary",
        replaced=labels.count("privacy.count.replace", replaced),
        check=labels.count("privacy.count.check", len(findings) - replaced),
        files=labels.count("privacy.count.files", files),
    )
