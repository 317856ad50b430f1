"""Keeping a cohort folder and its store one truth: `ww save`, `ww update`, `ww init --replace`.

Both sides are compared as the folder writes them: the store is rendered by the folder writer,
and the folder is loaded (validated) into a scratch store and rendered the same way, so that
`ja` and `yes`, or an empty colour and the category's colour, compare equal. Each file is split
into rows with a key (a person's id, a note's id, a coding's interview, code, coder and quote, a
plan's id, a transcript's path); the store keeps the digest of every row as folder and store
last agreed on (the baseline, written by `ww init`, `ww save` and `ww update`). Against it, a
three-way merge tells a row changed in the folder from one changed in the store; a row changed
on both sides is a conflict, and then nothing is changed anywhere.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

from wwlib.dataset import COLUMNS, Dataset, load_dataset
from wwlib.dataset_writer import FILES, folder_texts, write_text
from wwlib.errors import DatasetError, SyncError
from wwlib.store import Store
from wwlib.store.folder import Baseline, FolderRows, Replacement

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
# What a row of a file is called when counting what would be lost.
KINDS = {
    "cohort.yaml": "cohort field",
    "people.csv": "person",
    "programme.csv": "session",
    "codebook.csv": "code",
    "interviews.csv": "interview",
    "codings.csv": "coding",
    "boards.csv": "board",
    "notes.csv": "note",
    "votes.csv": "vote",
    "rounds.csv": "voting round",
    "plans.yaml": "plan",
    "turns.csv": "speaker turn",
    "memos.csv": "memo",
    "transcripts": "transcript",
    "task": "task",
}
PLURALS = {"person": "people", "speaker turn": "speaker turns", "cohort field": "cohort fields"}

Rows = dict[str, dict[str, object]]  # file -> {row key (JSON): row content}


@dataclass(frozen=True)
class SaveResult:
    """What `save_folder` or `update_store` did: rows changed in the store, files written."""

    folder: Path
    changed: tuple[str, ...]  # files whose bytes changed
    store_changes: tuple[tuple[str, int], ...] = ()  # ("note added", 3), ...

    def __str__(self) -> str:
        lines = []
        if self.store_changes:
            counts = ", ".join(f"{n} {what}" for what, n in self.store_changes)
            lines.append(f"store: {counts}")
        if self.changed:
            lines.append(f"{self.folder}: wrote {', '.join(self.changed)}")
        return "\n".join(lines) or f"{self.folder} and its store hold the same"


# -- rows and digests ---------------------------------------------------------------------


def split_rows(texts: dict[str, str]) -> Rows:
    """Every file's rows keyed within the file (transcripts: the whole text, key '')."""
    rows: Rows = {}
    for name, text in texts.items():
        if name in KEYS:
            rows[name] = _csv_rows(name, text)
        elif name == "cohort.yaml":
            data = yaml.safe_load(text) or {}
            rows[name] = {key: [key, value] for key, value in data.items()}
        elif name == "plans.yaml":
            plans = yaml.safe_load(text) or []
            rows[name] = {plan["id"]: plan for plan in plans}
        else:
            rows[name] = {"": text}
    return rows


SEPARATOR = "\x1f"  # between the parts of a row's key (a unit separator: never in a cell)
WHOLE_FILE = "*"  # the key of a file's own digest in the baseline


def _csv_rows(name: str, text: str) -> dict[str, object]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    keys = [header.index(column) for column in KEYS[name]]
    rows = {}
    for values in reader:
        key = SEPARATOR.join(values[i] for i in keys)
        if key in rows:  # two rows with one key (memos): number the repeats
            key += f"{SEPARATOR}{sum(k.startswith(key) for k in rows) + 1}"
        rows[key] = values
    return rows


def _digest(value: object) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def digests(rows: Rows) -> dict[tuple[str, str], str]:
    """{(file, key): digest} of every row."""
    return {
        (name, key): _digest(value) for name, keyed in rows.items() for key, value in keyed.items()
    }


def store_rows(rows: FolderRows) -> Rows:
    """A store's rows as its folder would hold them."""
    return split_rows(folder_texts(rows))


def baseline_of(rows: FolderRows) -> dict[tuple[str, str], str]:
    """The baseline to record when folder and store hold exactly these rows: every row's
    digest, and every file's own (to see at once that a folder was not touched since)."""
    texts = folder_texts(rows)
    return {**digests(split_rows(texts)), **_file_digests(texts)}


def _file_digests(texts: dict[str, str]) -> dict[tuple[str, str], str]:
    return {
        (name, WHOLE_FILE): hashlib.sha256(text.encode("utf-8")).hexdigest()
        for name, text in texts.items()
    }


def untouched(folder: Path, baseline: Baseline) -> bool:
    """The folder's files are byte for byte as folder and store last agreed on."""
    files = {name: d for (name, key), d in baseline.digests.items() if key == WHOLE_FILE}
    if not files or any((folder / name).exists() for name in FILES if name not in files):
        return False
    for name, digest in files.items():
        path = folder / name
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
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


# -- the commands -------------------------------------------------------------------------


def save_folder(folder: str | Path, store: Store) -> SaveResult:
    """Write everything the store holds into the cohort folder (`ww save`).

    Refuses, changing nothing, when the folder holds edits since the last save or update that
    the store does not have: those would be overwritten (run `ww update` first).
    """
    folder = Path(folder)
    rows = store.folder_rows()
    texts = folder_texts(rows)
    unsaved = _folder_edits(folder, split_rows(texts), store.baseline())
    if unsaved:
        raise SyncError(
            f"{folder} holds edits that are not in the store yet; `ww save` would overwrite "
            "them. Bring them in with `ww update` first (nothing was written)",
            unsaved,
        )
    changed = _write_folder(folder, texts)
    store.set_baseline(
        {**digests(split_rows(texts)), **_file_digests(texts)}, str(folder.resolve()), "save"
    )
    return SaveResult(folder, tuple(changed))


def _folder_edits(folder: Path, saved: Rows, baseline: Baseline) -> list[str]:
    """Rows the folder changed since the baseline that differ from what would be written."""
    if not (folder / "cohort.yaml").is_file() or untouched(folder, baseline):
        return []  # a new folder, or one not edited since: nothing in it to lose
    try:
        mine = folder_rows(load_dataset(folder))
    except DatasetError as exc:
        raise SyncError(
            f"{folder} cannot be read, so `ww save` cannot tell what it would overwrite; "
            "fix these problems first (nothing was written)",
            [str(p) for p in exc.problems],
        ) from None
    edits = []
    for name, keyed in mine.items():
        if name == "guids.csv":  # identities, not edits: the store's are kept
            continue
        for key, value in keyed.items():
            old = baseline.digests.get((name, key))
            if _digest(value) != old and saved.get(name, {}).get(key) != value:
                edits.append(_describe(name, key))
    for name, key in baseline.digests:
        if key == WHOLE_FILE or name == "guids.csv":
            continue
        if key not in mine.get(name, {}) and key in saved.get(name, {}):
            edits.append(_describe(name, key) + " (removed in the folder)")
    return sorted(edits) if baseline.exists else []


def _write_folder(folder: Path, texts: dict[str, str]) -> list[str]:
    changed = []
    for relative, text in texts.items():
        path = folder / relative
        if path.is_file() and path.read_bytes() == text.encode("utf-8"):
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text(path, text)
        changed.append(relative)
    return changed


def update_store(folder: str | Path, store: Store, actor: str = "ww update") -> SaveResult:
    """Bring the folder's edits into the store, keeping what only the store holds (`ww update`).

    A three-way merge against the baseline; a row changed on both sides is a conflict, and then
    nothing is changed. The merged content is written back into the folder, so that folder and
    store agree again.
    """
    folder = Path(folder)
    if untouched(folder, store.baseline()):  # no edits to bring in: the store's rows stand
        return save_folder(folder, store)
    mine = folder_rows(load_dataset(folder))
    outcome = {}

    def decide(current: FolderRows, baseline: Baseline) -> Replacement:
        theirs = store_rows(current)
        merged, conflicts = merge(baseline, theirs, mine)
        if conflicts:
            raise SyncError(
                f"{len(conflicts)} row(s) changed both in {folder} and in the store since the "
                "last save or update; make them agree in the folder and run `ww update` again "
                "(nothing was changed)",
                conflicts,
            )
        outcome.update(_count_changes(theirs, merged))
        if not outcome:
            return None  # nothing new in the folder: the store stays as it is
        dataset = _load_merged(folder, merged)
        return Replacement(dataset, str(folder.resolve()), "update", outcome)

    rows = store.replace_content(decide, baseline_of, actor=actor)
    changed = _write_folder(folder, folder_texts(rows))
    if not outcome:
        store.set_baseline(baseline_of(rows), str(folder.resolve()), "update")
    return SaveResult(folder, tuple(changed), tuple(outcome.items()))


def merge(baseline: Baseline, theirs: Rows, mine: Rows) -> tuple[dict[str, str], list[str]]:
    """The merged files' texts and the conflicts (store = theirs, folder = mine)."""
    merged: dict[str, str] = {}
    conflicts: list[str] = []
    for name in [*FILES, *sorted(n for n in {*theirs, *mine} if n not in FILES)]:
        store_side, folder_side = theirs.get(name, {}), mine.get(name, {})
        keys = [*folder_side, *(k for k in store_side if k not in folder_side)]
        rows = []
        for key in keys:
            s, f = store_side.get(key), folder_side.get(key)
            b = baseline.digests.get((name, key))
            if name == "guids.csv":  # identities follow their rows; never a conflict
                rows.append(s if s is not None else f)
            elif s == f or (f is None and b is None) or (f is not None and _digest(f) == b):
                rows.append(s)
            elif s is None and b is None or (s is not None and _digest(s) == b):
                rows.append(f)
            else:
                conflicts.append(_describe(name, key))
        rows = [r for r in rows if r is not None]
        if rows or name in FILES:
            merged[name] = _render(name, rows)
    return merged, conflicts


def _render(name: str, rows: list) -> str:
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


def _load_merged(folder: Path, merged: dict[str, str]) -> Dataset:
    """The merged files loaded (validated) from a scratch folder."""
    with tempfile.TemporaryDirectory(prefix="ww-update-") as scratch:
        root = Path(scratch) / folder.name
        for relative, text in merged.items():
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            write_text(root / relative, text)
        try:
            return load_dataset(root)
        except DatasetError as exc:
            raise SyncError(
                f"the edits in {folder} do not fit what the store holds (e.g. a person removed "
                "who still has notes or votes); nothing was changed",
                [str(p) for p in exc.problems],
            ) from None


def replace_store(
    folder: str | Path, store: Store, dataset: Dataset, discard_unsaved: bool = False
) -> None:
    """Rebuild the store from the folder (`ww init --replace`), in place, keeping its log.

    Refuses when the store holds anything the folder does not, listing it, unless
    `discard_unsaved`; the caller keeps a backup first.
    """
    folder = Path(folder)
    mine = folder_rows(dataset)

    def decide(current: FolderRows, baseline: Baseline) -> Replacement:
        lost = unsaved_counts(store_rows(current), mine)
        if lost and not discard_unsaved:
            refuse_unsaved(folder, lost)
        return Replacement(dataset, str(folder.resolve()), "replace", {"discarded": lost})

    store.replace_content(decide, baseline_of)


def refuse_unsaved(folder: Path, lost: dict[str, int]) -> None:
    """The refusal of a replace that would drop what only the store holds."""
    raise SyncError(
        f"the store holds what {folder} does not: {describe_counts(lost)}. Run "
        f"`ww save {folder}` first to write it into the folder, or pass --discard-unsaved to "
        "drop it (a backup is kept); nothing was changed"
    )


def unsaved_counts(theirs: Rows, mine: Rows) -> dict[str, int]:
    """How many rows of each kind the store holds that the folder lacks or holds otherwise."""
    counts: Counter = Counter()
    for name, keyed in theirs.items():
        if name == "guids.csv":
            continue
        for key, value in keyed.items():
            if mine.get(name, {}).get(key) != value:
                counts[_kind(name)] += 1
    counts.update(_task_counts(theirs.get("plans.yaml", {}), mine.get("plans.yaml", {})))
    return dict(counts)


def _task_counts(theirs: dict, mine: dict) -> Counter:
    def tasks(plans: dict) -> dict:
        return {
            task["id"]: task
            for plan in plans.values()
            for step in plan.get("steps", [])
            for task in step.get("tasks", [])
        }

    mine_tasks = tasks(mine)
    return Counter(
        "task" for task_id, task in tasks(theirs).items() if mine_tasks.get(task_id) != task
    )


def _count_changes(theirs: Rows, merged: dict[str, str]) -> dict[str, int]:
    after = split_rows(merged)
    counts: Counter = Counter()
    for name in {*theirs, *after}:
        if name == "guids.csv":
            continue
        old, new = theirs.get(name, {}), after.get(name, {})
        counts[f"{_kind(name)} added"] += len(new.keys() - old.keys())
        counts[f"{_kind(name)} removed"] += len(old.keys() - new.keys())
        counts[f"{_kind(name)} changed"] += sum(
            1 for k in new.keys() & old.keys() if new[k] != old[k]
        )
    return {k: v for k, v in sorted(counts.items()) if v}


def _kind(name: str) -> str:
    return KINDS.get(name, KINDS["transcripts"] if name.startswith("transcripts/") else name)


def describe_counts(counts: dict[str, int]) -> str:
    """'4 transcripts, 12 notes, 30 votes, 3 tasks'."""
    order = list(KINDS.values())
    return ", ".join(
        f"{n} {kind if n == 1 else PLURALS.get(kind, kind + 's')}"
        for kind, n in sorted(counts.items(), key=lambda kv: order.index(kv[0]))
    )


def _describe(name: str, key: str) -> str:
    if name.startswith("transcripts/") or not key:
        return name
    return f"{name}: {', '.join(part for part in key.split(SEPARATOR) if part)}"


def backup_path(store_path: Path) -> Path:
    """Where a store's backup before a replace goes: beside it, stamped."""
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    return store_path.with_name(f"{store_path.stem}.backup-{stamp}.sqlite")
