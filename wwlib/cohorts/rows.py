"""A cohort folder as rows: each file split into keyed rows, digests, and the way back.

Both sides of a folder and its store are compared as the folder writes them: the store is
rendered by the folder writer (`store_rows`), and the folder is loaded (validated) into a
scratch store and rendered the same way (`folder_rows`), so that `ja` and `yes`, or an empty
colour and the category's colour, compare equal. Each file is split into rows with a key (a
person's id, a note's id, a coding's interview, code, coder and quote, a plan's id, a
transcript's path); the store keeps the digest of every row as folder and store last agreed on
(the baseline, `wwlib.store.folder.Baseline`), and of every file as it was then.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from pathlib import Path

import yaml

from wwlib.core.errors import FileRefused
from wwlib.core.limits import FOLDER_FILE_BYTES, TRANSCRIPT_BYTES, read_regular
from wwlib.core.records import FolderRows
from wwlib.folder.dataset import COLUMNS, Dataset
from wwlib.folder.files import csv_records
from wwlib.folder.write import FILES, folder_texts
from wwlib.store import Store
from wwlib.store.folder import Baseline

# The columns that make a row's key in each CSV file; the rest is the row's content.
KEYS = {
    "people.csv": ("id",),
    "programme.csv": ("id",),
    "codebook.csv": ("id",),
    "interviews.csv": ("participant",),
    "codings.csv": ("interview", "code", "coder", "quote", "occurrence", "span"),
    "boards.csv": ("id",),
    "notes.csv": ("id",),
    "votes.csv": ("round", "voter", "note"),
    "rounds.csv": ("round",),
    "turns.csv": ("interview", "turn"),
    "memos.csv": ("target", "target_id", "author", "created_at"),
    "guids.csv": ("kind", "key"),
}
Rows = dict[str, dict[str, object]]  # file -> {row key (JSON): row content}


# -- rows and digests ---------------------------------------------------------------------


def split_rows(texts: dict[str, str]) -> Rows:
    """Every file's rows keyed within the file (transcripts: the whole text, key '')."""
    rows: Rows = {}
    for name, text in texts.items():
        if name in KEYS:
            rows[name] = _csv_rows(name, text)
        elif name == "cohort.yaml":
            data = yaml.safe_load(text) or {}
            rows[name] = {  # an empty optional field is the same as one left out
                key: [key, value]
                for key, value in data.items()
                if value not in ("", None, [], {}) or key == "shortlist"
            }
        elif name == "plans.yaml":
            plans = yaml.safe_load(text) or []
            rows[name] = {plan["id"]: plan for plan in plans}
        else:
            rows[name] = {"": text}
    return rows


SEPARATOR = "\x1f"  # between the parts of a row's key (a unit separator: never in a cell)
WHOLE_FILE = "*"  # the key of a file's own digest in the baseline


def _csv_rows(name: str, text: str) -> dict[str, object]:
    header, *records = csv_records(text)
    header = [column.strip() for column in header]
    keys = [header.index(column) for column in KEYS[name]]
    rows = {}
    for values in records:
        key = SEPARATOR.join(values[i] for i in keys)
        if key in rows:  # two rows with one key (memos): number the repeats
            key += f"{SEPARATOR}{sum(k.startswith(key) for k in rows) + 1}"
        rows[key] = values
    return rows


def digest(value: object) -> str:
    if isinstance(value, list) and all(isinstance(cell, str) for cell in value):
        text = "\x1e".join(value)  # a CSV row: its cells (a record separator between them)
    else:
        text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def digests(rows: Rows) -> dict[tuple[str, str], str]:
    """{(file, key): digest} of every row."""
    return {
        (name, key): digest(value) for name, keyed in rows.items() for key, value in keyed.items()
    }


def store_rows(rows: FolderRows) -> Rows:
    """A store's rows as its folder would hold them."""
    return split_rows(folder_texts(rows))


def baseline_of(rows: FolderRows, folder: Path | None = None) -> dict[tuple[str, str], str]:
    """The baseline to record when folder and store hold exactly these rows: every row's
    digest, and the digest of every file of `folder` as it is now (to see at once, next time,
    that the folder was not touched since)."""
    texts = folder_texts(rows)
    files = file_digests(folder, texts) if folder else {}
    return {**digests(split_rows(texts)), **files}


def folder_file(folder: Path, name: str) -> bytes | None:
    """A folder file's bytes, read as the loader reads them (an ordinary file, not a link, of
    bounded size); None when there is none or it is refused (the loader then says why)."""
    limit = TRANSCRIPT_BYTES if name.startswith("transcripts/") else FOLDER_FILE_BYTES
    try:
        return read_regular(folder / name, limit, "a cohort-folder file", follow_symlinks=False)
    except (FileNotFoundError, FileRefused):
        return None


def file_digests(folder: Path, texts: dict[str, str]) -> dict[tuple[str, str], str]:
    found = {name: folder_file(folder, name) for name in texts}
    return {
        (name, WHOLE_FILE): hashlib.sha256(data).hexdigest()
        for name, data in found.items()
        if data is not None
    }


def untouched(folder: Path, baseline: Baseline) -> bool:
    """The folder's files are byte for byte as folder and store last agreed on."""
    files = {name: d for (name, key), d in baseline.digests.items() if key == WHOLE_FILE}
    if not files or any(os.path.lexists(folder / name) for name in FILES if name not in files):
        return False
    for name, digest in files.items():
        data = folder_file(folder, name)
        if data is None or hashlib.sha256(data).hexdigest() != digest:
            return False
    return True


def folder_rows(dataset: Dataset) -> Rows:
    """A validated folder's rows, rendered as the store would write them.

    GUIDs the folder does not carry yet are left out: they are made anew by every load.
    """
    with Store(":memory:", actor="ww", create=True) as scratch:
        scratch.load_dataset(dataset)
        rows = store_rows(scratch.folder_rows())
    carried = {
        *dataset.guids.person.values(),
        *dataset.guids.code.values(),
        *dataset.guids.transcript.values(),
        *dataset.guids.fragment.values(),
        *dataset.guids.coding.values(),
        dataset.guids.cohort,
    }
    rows["guids.csv"] = {k: v for k, v in rows.get("guids.csv", {}).items() if v[2] in carried}
    return rows


def render(name: str, rows: list) -> str:
    if name in KEYS:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS[name])
        writer.writerows(rows)
        return out.getvalue()
    if name == "cohort.yaml":
        return yaml.safe_dump(dict(rows), allow_unicode=True, sort_keys=False)
    if name == "plans.yaml":
        return yaml.safe_dump(rows, allow_unicode=True, sort_keys=False) if rows else "[]\n"
    return rows[0] if rows else ""
