"""Writing a store's content as a cohort folder (data/README.md) that `ww check` accepts.

Writes cohort.yaml, people.csv, programme.csv, codebook.csv, interviews.csv, transcripts/ and
codings.csv. A coding is written as its quote, with `occurrence` when the same text occurs
earlier in the transcript (counted as the loader counts, overlaps included). What a folder has
no place for stays in the store only: GUIDs, memos (codings.csv keeps coding memos), speaker
turns and the change log. Boards, notes, votes and plans are not written yet: a store that holds
any is refused rather than written in part.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import yaml

from wwlib.dataset import COLUMNS
from wwlib.errors import StoreError
from wwlib.model import Coding, Transcript
from wwlib.store.exchange import ExchangeContent


def write_cohort_folder(store, folder: str | Path) -> Path:
    """Write the cohort in `store` as a new cohort folder; returns the folder.

    The folder must not exist yet or be empty: nothing a person wrote is overwritten.
    """
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise StoreError(f"folder {folder} exists and is not empty; give a new folder")
    others = {name: len(getattr(store, name)()) for name in ("boards", "notes", "votes", "plans")}
    if any(others.values()):
        held = ", ".join(f"{n} {name}" for name, n in others.items() if n)
        raise StoreError(
            f"store {store.path} holds {held}, which the folder writer cannot "
            "write yet; nothing was written"
        )
    content = store.exchange_content()
    if content.cohort is None:
        raise StoreError(f"store {store.path} holds no cohort to write")
    (folder / "transcripts").mkdir(parents=True, exist_ok=True)
    _write(folder / "cohort.yaml", _cohort_yaml(content))
    _write(folder / "people.csv", _people_csv(content))
    _write(folder / "programme.csv", _programme_csv(content))
    _write(folder / "codebook.csv", _codebook_csv(content))
    paths = _transcripts(folder, content)
    _write(folder / "interviews.csv", _interviews_csv(content, paths))
    _write(folder / "codings.csv", _codings_csv(content))
    return folder


def _write(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8"))  # bytes: no BOM, no newline translation


def _csv(name: str, rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS[name])
    writer.writerows(rows)
    return out.getvalue()


def _cohort_yaml(content: ExchangeContent) -> str:
    c = content.cohort
    data = {
        "id": c.id,
        "title": c.title,
        "municipalities": list(c.municipalities),
        "start": c.start.isoformat(),
        "end": c.end.isoformat(),
        "language": c.language,
        "research_question": c.research_question,
        "prioritised_themes": list(c.prioritised_themes),
        "source": c.source,
        "mentioned_names": list(c.mentioned_names),
    }
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def _people_csv(content: ExchangeContent) -> str:
    return _csv(
        "people.csv",
        [
            [
                p.id,
                p.name,
                p.role,
                p.organisation,
                p.municipality,
                p.function,
                p.pseudonym,
                "ja" if p.consent_named else "nee",
            ]
            for p in content.people
        ],
    )


def _programme_csv(content: ExchangeContent) -> str:
    return _csv(
        "programme.csv",
        [[s.id, s.date.isoformat(), s.start, s.end, s.phase, s.activity] for s in content.sessions],
    )


def _codebook_csv(content: ExchangeContent) -> str:
    return _csv(
        "codebook.csv",
        [[k.id, k.category, k.name, k.colour, k.parent, k.description] for k in content.codes],
    )


def _transcripts(folder: Path, content: ExchangeContent) -> dict[str, str]:
    paths = {}
    for transcript in content.transcripts:
        suffix = "md" if content.formats.get(transcript.interview) == "md" else "txt"
        relative = f"transcripts/{transcript.interview}.{suffix}"
        _write(folder / relative, transcript.text)
        paths[transcript.interview] = relative
    return paths


def _interviews_csv(content: ExchangeContent, paths: dict[str, str]) -> str:
    return _csv(
        "interviews.csv",
        [
            [
                i.participant,
                i.interviewer,
                i.date.isoformat() if i.date else "",
                i.status,
                paths.get(i.participant, ""),
            ]
            for i in content.interviews
        ],
    )


def _codings_csv(content: ExchangeContent) -> str:
    texts = {t.interview: t for t in content.transcripts}
    return _csv(
        "codings.csv", [_coding_row(c, texts[c.fragment.interview]) for c in content.codings]
    )


def _coding_row(coding: Coding, transcript: Transcript) -> list[str]:
    quote = coding.fragment.quote(transcript.text)
    if quote != quote.strip():
        raise StoreError(
            f"the coding of {coding.fragment.interview} [{coding.fragment.start}, "
            f"{coding.fragment.end}) begins or ends with white space, which codings.csv "
            "cannot hold"
        )
    return [
        coding.fragment.interview,
        coding.code,
        coding.coder,
        quote,
        _occurrence(transcript.text, quote, coding.fragment.start),
        coding.memo,
    ]


def _occurrence(text: str, quote: str, start: int) -> str:
    """'' when the quote's first place is `start`, else which place it is (from 1)."""
    found, n = text.find(quote), 1
    while 0 <= found < start:
        found, n = text.find(quote, found + 1), n + 1
    return "" if n == 1 else str(n)
