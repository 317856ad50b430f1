"""Keeping a cohort folder and its store one truth: `ww save`, `ww update`, `ww init --replace`.

Folder and store are compared row by row (`wwlib.cohorts.rows`) against the baseline, the rows
both last agreed on (written by `ww init`, `ww save` and `ww update`). A three-way merge tells
a row changed in the folder from one changed in the store; a row changed on both sides is a
conflict, and then nothing is changed anywhere.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

from wwlib.cohorts.rows import (
    KEYS,
    SEPARATOR,
    WHOLE_FILE,
    Rows,
    baseline_of,
    digest,
    digests,
    file_digests,
    folder_file,
    folder_rows,
    render,
    split_rows,
    store_rows,
    untouched,
)
from wwlib.core.errors import DatasetError, SyncError
from wwlib.core.records import FolderRows
from wwlib.folder.dataset import COLUMNS, Dataset, load_dataset
from wwlib.folder.files import header_comments
from wwlib.folder.write import FILES, folder_texts, write_text
from wwlib.store import Store
from wwlib.store.folder import Baseline, Replacement

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


@dataclass(frozen=True)
class SaveResult:
    """What `save_folder` or `update_store` did: rows changed in the store, files written."""

    folder: Path
    changed: tuple[str, ...]  # files whose bytes changed
    store_changes: tuple[tuple[str, int], ...] = ()  # ("note added", 3), ...

    def __str__(self) -> str:
        lines = []
        if self.store_changes:
            counts = ", ".join(_counted(what, n) for what, n in self.store_changes)
            lines.append(f"store: {counts}")
        if self.changed:
            lines.append(f"{self.folder}: wrote {', '.join(self.changed)}")
        return "\n".join(lines) or f"{self.folder} and its store hold the same"


# -- the commands -------------------------------------------------------------------------


def save_folder(folder: str | Path, store: Store) -> SaveResult:
    """Write everything the store holds into the cohort folder (`ww save`).

    Refuses, changing nothing, when the folder holds edits since the last save or update that
    the store does not have: those would be overwritten (run `ww update` first).
    """
    folder = Path(folder)
    rows = store.folder_rows()
    texts = folder_texts(rows)
    saved = split_rows(texts)
    unsaved = _folder_edits(folder, saved, store.baseline())
    if unsaved:
        raise SyncError(
            f"{folder} holds edits that are not in the store yet; `ww save` would overwrite "
            "them. Bring them in with `ww update` first (nothing was written)",
            unsaved,
        )
    changed = _write_folder(folder, texts)
    store.set_baseline(
        {**digests(saved), **file_digests(folder, texts)}, str(folder.resolve()), "save"
    )
    return SaveResult(folder, tuple(changed))


def _folder_edits(folder: Path, saved: Rows, baseline: Baseline) -> list[str]:
    """Rows the folder changed since the baseline that differ from what would be written."""
    if not baseline.exists or not (folder / "cohort.yaml").is_file():
        return []  # no rows agreed on yet (a store made before v5), or a new folder
    if untouched(folder, baseline):
        return []  # not edited since: nothing in it to lose
    mine = folder_rows(
        _loaded(
            folder,
            f"{folder} cannot be read, so `ww save` cannot tell what it would overwrite; "
            "fix these problems first (nothing was written)",
        )
    )
    edits = []
    for name, keyed in mine.items():
        if name == "guids.csv":  # identities, not edits: the store's are kept
            continue
        for key, value in keyed.items():
            old = baseline.digests.get((name, key))
            if digest(value) != old and saved.get(name, {}).get(key) != value:
                edits.append(_describe(name, key))
    for name, key in baseline.digests:
        if key == WHOLE_FILE or name == "guids.csv":
            continue
        if key not in mine.get(name, {}) and key in saved.get(name, {}):
            edits.append(_describe(name, key) + " (removed in the folder)")
    return sorted(edits)


REQUIRED = ("cohort.yaml", "people.csv", "programme.csv")


def _write_folder(folder: Path, texts: dict[str, str]) -> list[str]:
    """Write the files whose rows changed; returns them.

    A file whose rows are the same is left as it is (its comments and layout too); a CSV file
    that is rewritten keeps the comment lines under its header; a file without rows that the
    folder does not have yet is not made.
    """
    found = {relative: folder_file(folder, relative) for relative in texts}
    odd = [r for r, data in found.items() if data is None and os.path.lexists(folder / r)]
    if odd:  # a link would be written through, a pipe would hang: write nothing at all
        raise SyncError(
            f"{folder} holds files that are not ordinary files; nothing was written",
            [f"{r}: replace it by an ordinary file (not a link, pipe or device)" for r in odd],
        )
    changed = []
    for relative, text in texts.items():
        path = folder / relative
        if found[relative] is not None:
            existing = found[relative].decode("utf-8", errors="replace").removeprefix("\ufeff")
            if existing == text or _same_rows(relative, existing, text):
                continue
            if relative in KEYS:
                text = _keep_comments(existing, text)
            elif relative == "cohort.yaml":
                text = _keep_yaml_comments(existing, text)
        elif relative not in REQUIRED and not split_rows({relative: text})[relative]:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text(path, text)
        changed.append(relative)
    return changed


def _same_rows(name: str, existing: str, text: str) -> bool:
    if name.startswith("transcripts/"):
        return False  # a transcript is its exact text
    try:
        return digests(split_rows({name: existing})) == digests(split_rows({name: text}))
    except (ValueError, IndexError, KeyError, TypeError, AttributeError, yaml.YAMLError):
        return False  # a file that does not read as the folder's format is written anew


def _keep_comments(existing: str, text: str) -> str:
    header, _, rows = text.partition("\n")
    return header + "\n" + "".join(header_comments(existing)) + rows


def _keep_yaml_comments(existing: str, text: str) -> str:
    """`text`'s fields written into the existing YAML, whose comments and layout stay.

    Only fields whose value changed are set; a field `text` no longer has goes. A file that
    does not read as a mapping is replaced by `text` as it is.
    """
    from ruamel.yaml import YAML  # a round trip that keeps comments; only ww save/update
    from ruamel.yaml.error import YAMLError

    round_trip = YAML()
    round_trip.width = 100
    round_trip.indent(mapping=2, sequence=4, offset=2)
    try:
        old = round_trip.load(existing)
    except YAMLError:
        return text
    new = yaml.safe_load(text)
    if not isinstance(old, dict) or not isinstance(new, dict):
        return text
    for key in [k for k in old if k not in new]:
        del old[key]
    for key, value in new.items():
        if key not in old or digest(old[key]) != digest(value):
            old[key] = value
    out = io.StringIO()
    round_trip.dump(old, out)
    return out.getvalue()


def update_store(folder: str | Path, store: Store, actor: str = "ww update") -> SaveResult:
    """Bring the folder's edits into the store, keeping what only the store holds (`ww update`).

    A three-way merge against the baseline; a row changed on both sides is a conflict, and then
    nothing is changed. The merged content is written back into the folder, so that folder and
    store agree again.
    """
    folder = Path(folder)
    if untouched(folder, store.baseline()):  # no edits to bring in: the store's rows stand
        return save_folder(folder, store)
    dataset = load_dataset(folder)
    mine = folder_rows(dataset)
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
        same = split_rows(merged) == mine  # nothing kept from the store alone: no second load
        result = dataset if same else _load_merged(folder, merged)
        return Replacement(result, str(folder.resolve()), "update", outcome)

    kept = {}

    def remember(rows: FolderRows) -> dict:  # the new rows, rendered once for all below
        kept["texts"] = folder_texts(rows)
        kept["digests"] = digests(split_rows(kept["texts"]))
        return kept["digests"]

    rows = store.replace_content(decide, remember, actor=actor)
    if "texts" not in kept:  # nothing new in the folder: the store was left as it was
        remember(rows)
    changed = _write_folder(folder, kept["texts"])
    files = file_digests(folder, kept["texts"])
    store.set_baseline({**kept["digests"], **files}, str(folder.resolve()), "update")
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
            elif s == f or (f is None and b is None) or (f is not None and digest(f) == b):
                rows.append(s)
            elif s is None and b is None or (s is not None and digest(s) == b):
                rows.append(f)
            else:
                conflicts.append(_conflict(name, key, s, f))
        rows = [r for r in rows if r is not None]
        if rows or name in FILES:
            merged[name] = render(name, rows)
    return merged, conflicts


def _load_merged(folder: Path, merged: dict[str, str]) -> Dataset:
    """The merged files loaded (validated) from a scratch folder."""
    with tempfile.TemporaryDirectory(prefix="ww-update-") as scratch:
        root = Path(scratch) / folder.name
        for relative, text in merged.items():
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            write_text(root / relative, text)
        return _loaded(
            root,
            f"the edits in {folder} do not fit what the store holds (e.g. a person removed "
            "who still has notes or votes); nothing was changed",
        )


def _loaded(folder: Path, message: str) -> Dataset:
    """The folder's dataset, or a `SyncError` with `message` and every problem."""
    try:
        return load_dataset(folder)
    except DatasetError as exc:
        raise SyncError(message, [str(p) for p in exc.problems]) from None


def replace_store(
    folder: str | Path, store: Store, dataset: Dataset, discard_unsaved: bool = False
) -> None:
    """Rebuild the store from the folder (`ww init --replace`), in place, keeping its log.

    Refuses when the store holds anything the folder does not, listing it, unless
    `discard_unsaved`; a backup is kept beside the store first (none when it refuses). The
    check is made again inside the write transaction, on the store as it is then.
    """
    folder = Path(folder)
    mine = folder_rows(dataset)
    lost = unsaved_counts(store_rows(store.folder_rows()), mine)
    if lost and not discard_unsaved:
        refuse_unsaved(folder, lost)
    store.backup(backup_path(store.path))

    def decide(current: FolderRows, baseline: Baseline) -> Replacement:
        lost = unsaved_counts(store_rows(current), mine)
        if lost and not discard_unsaved:
            refuse_unsaved(folder, lost)
        return Replacement(dataset, str(folder.resolve()), "replace", {"discarded": lost})

    store.replace_content(decide, lambda rows: baseline_of(rows, folder))  # folder: unchanged


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
        _noun(kind, n) for kind, n in sorted(counts.items(), key=lambda kv: order.index(kv[0]))
    )


def _counted(what: str, n: int) -> str:
    """'5 people added' for ('person added', 5)."""
    kind, _, verb = what.rpartition(" ")
    return f"{_noun(kind, n)} {verb}"


def _noun(kind: str, n: int) -> str:
    """'1 note', '5 people'."""
    return f"{n} {kind if n == 1 else PLURALS.get(kind, kind + 's')}"


def _describe(name: str, key: str) -> str:
    if name.startswith("transcripts/") or not key:
        return name
    return f"{name}: {', '.join(part for part in key.split(SEPARATOR) if part)}"


def _conflict(name: str, key: str, store_side: object, folder_side: object) -> str:
    """A conflict as one line: the file, the row, and what each side holds now."""
    where = _describe(name, key)
    if store_side is None or folder_side is None:
        gone, kept = ("folder", "store") if folder_side is None else ("store", "folder")
        return f"{where} (removed in the {gone}, changed in the {kept})"
    return f"{where} ({'; '.join(_differences(name, store_side, folder_side)) or 'changed'})"


def _differences(name: str, store_side: object, folder_side: object) -> list[str]:
    """Each field the two sides hold differently: 'field: store X, folder Y' (a plan's steps
    and tasks by their title or id: 'steps[Wijkteam samenstellen].tasks[t-01].status')."""
    if name.startswith("transcripts/"):
        return ["the text differs"]
    if name in COLUMNS and isinstance(store_side, list) and isinstance(folder_side, list):
        pairs = zip(COLUMNS[name], store_side, folder_side, strict=False)
        return [
            f"{column}: store {_shown(s)}, folder {_shown(f)}" for column, s, f in pairs if s != f
        ]
    if name == "cohort.yaml":  # [field, value]
        return [f"store {_shown(store_side[1])}, folder {_shown(folder_side[1])}"]
    found: list[str] = []
    _differ("", store_side, folder_side, found)
    if len(found) > CONFLICT_FIELDS:
        found[CONFLICT_FIELDS:] = [f"and {len(found) - CONFLICT_FIELDS} more"]
    return found


CONFLICT_FIELDS = 5  # differences a conflict line names


def _differ(path: str, store_side: object, folder_side: object, found: list[str]) -> None:
    if store_side == folder_side:
        return
    if isinstance(store_side, dict) and isinstance(folder_side, dict):
        for field in [*store_side, *(k for k in folder_side if k not in store_side)]:
            step = f"{path}.{field}" if path else str(field)
            _differ(step, store_side.get(field), folder_side.get(field), found)
    elif (
        isinstance(store_side, list)
        and isinstance(folder_side, list)
        and len(store_side) == len(folder_side)
    ):
        for n, (s, f) in enumerate(zip(store_side, folder_side, strict=True)):
            named = s.get("id") or s.get("title") if isinstance(s, dict) else None
            _differ(f"{path}[{named or n + 1}]", s, f, found)
    else:
        found.append(f"{path}: store {_shown(store_side)}, folder {_shown(folder_side)}")


def _shown(value: object, width: int = 60) -> str:
    """A value as a conflict line quotes it, cut short."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return repr(text if len(text) <= width else text[: width - 1] + "…")


def backup_path(store_path: Path) -> Path:
    """Where a store's backup before a replace goes: beside it, stamped."""
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    return store_path.with_name(f"{store_path.stem}{BACKUP}{stamp}.sqlite")


BACKUP = ".backup-"  # between a store's name and the stamp of its backup


def backups_of(store_path: Path) -> tuple[Path, ...]:
    """Every backup `backup_path` made of a store, oldest first."""
    return tuple(sorted(Path(store_path).parent.glob(f"{Path(store_path).stem}{BACKUP}*.sqlite")))
