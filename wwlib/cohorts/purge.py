"""Retention: once a cohort's retention date has passed, its personal data goes (`ww purge`).

`cohort.yaml` holds the date (`retention: 2027-09-01`). From the day after, every `ww` command
on the cohort warns (`retention_warning`). `purge` deletes the store, the backups the workbook
made beside it, the interviews' recordings beside it (its media folder), and the identifying
parts of the folder: who took part (people.csv), what they said (transcripts/, turns.csv,
codings.csv), what they wrote and chose (notes, votes, rounds, plans and tasks, memos) and the
interviews' and rows' ids (ids are names: "ineke-verhoeven"). What names no one stays, so the
week's shape can still be read: the programme, the codebook, the boards' titles, and
cohort.yaml without `mentioned_names`.

Deleted files are overwritten with zeros first, so that their bytes do not linger in the
file system's free space (on a copy-on-write file system or an SSD that is not a guarantee;
docs/privacy says what else to do). A note in the folder (`PURGED.txt`) says what was deleted,
when, and where a pseudonymised report was kept; the change log went with the store. Last it
searches every file under the workbook's home, beside the store and in the folder for a form
of each person's name and lists what it finds: files the workbook did not write (a links
file, a copy of a recording) are for a person to deal with.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml

from wwlib.cohorts.erase import erase, zero
from wwlib.cohorts.forget import find_name, name_forms
from wwlib.cohorts.home import default_store_path, home
from wwlib.cohorts.recordings import erase_all
from wwlib.cohorts.sync import backups_of
from wwlib.core.errors import NotFound, ValidationError, WorkbookError
from wwlib.core.limits import FOLDER_FILE_BYTES, read_regular
from wwlib.folder.dataset import load_dataset
from wwlib.store import Store

# The folder's files that name or quote people; the others (cohort.yaml, programme.csv,
# codebook.csv, boards.csv) are kept, cohort.yaml without the names it lists.
IDENTIFYING = (
    "people.csv",
    "interviews.csv",
    "codings.csv",
    "turns.csv",
    "notes.csv",
    "votes.csv",
    "rounds.csv",
    "plans.yaml",
    "memos.csv",
    "guids.csv",
    "transcripts",
)
NAMES_IN_COHORT_YAML = ("mentioned_names", "focus_groups")  # focus groups list their members
NOTE = "PURGED.txt"


@dataclass(frozen=True)
class Retention:
    """A cohort's retention date, as its folder's cohort.yaml gives it."""

    cohort: str
    until: dt.date

    def passed(self, today: dt.date | None = None) -> bool:
        return (today or dt.date.today()) > self.until


@dataclass(frozen=True)
class PurgeResult:
    """What `purge` deleted, what it kept, and which files still hold a name."""

    cohort: str
    deleted: tuple[str, ...]  # as the user knows them: the store's path, folder/file
    report: Path | None
    leftovers: tuple[str, ...]

    def __str__(self) -> str:
        lines = [f"{self.cohort}: purged; deleted {len(self.deleted)} files or folders:"]
        lines += [f"  - {path}" for path in self.deleted]
        if self.report:
            lines.append(f"pseudonymised report kept: {self.report}")
        return "\n".join(lines)


def retention_of(folder: str | Path) -> Retention | None:
    """The retention date in `folder`'s cohort.yaml; None when it sets none or cannot be read
    (the command itself then says what is wrong with the file)."""
    data = _cohort_yaml(Path(folder))
    if not isinstance(data, dict) or not data.get("retention"):
        return None
    until = data["retention"]
    if isinstance(until, str):
        try:
            until = dt.date.fromisoformat(until.strip())
        except ValueError:
            return None
    if not isinstance(until, dt.date):
        return None
    return Retention(str(data.get("id") or Path(folder).name), until)


def retention_warning(folder: str | Path, today: dt.date | None = None) -> str:
    """A sentence when the retention date of `folder`'s cohort has passed, else ''."""
    retention = retention_of(folder)
    if retention is None or not retention.passed(today):
        return ""
    return (
        f"the retention date of {retention.cohort} ({retention.until}) has passed: delete its "
        f"personal data with `ww purge {_as_typed(folder)} --yes` (add --keep-report FILE to "
        "keep a pseudonymised report first)"
    )


def _as_typed(folder: str | Path) -> str:
    """The folder relative to the working directory when it is below it (as one types it)."""
    try:
        return str(Path(folder).absolute().relative_to(Path.cwd()))
    except ValueError:
        return str(folder)


def check_purge(folder: str | Path, early: bool = False, today: dt.date | None = None) -> None:
    """Refuse (`ValidationError`, nothing changed) to purge before the retention date, unless
    `early`; a cohort without a retention date needs `early` too. A purged folder: `NotFound`."""
    note = Path(folder) / NOTE
    if note.is_file() and not (Path(folder) / "people.csv").exists():
        raise NotFound(f"{folder} was purged already ({note.name} says when and what)")
    retention = retention_of(folder)
    if early:
        return
    if retention is None:
        raise ValidationError(
            "retention",
            "a date in cohort.yaml",
            None,
            "set `retention: YYYY-MM-DD` in cohort.yaml, or add --early to purge now; "
            "nothing was deleted",
        )
    if not retention.passed(today):
        raise ValidationError(
            "retention",
            "a date that has passed",
            str(retention.until),
            "add --early to purge before it; nothing was deleted",
        )


def purge(
    folder: str | Path,
    store: str | Path | None = None,
    report: Path | None = None,
    today: dt.date | None = None,
) -> PurgeResult:
    """Delete the personal data of the cohort in `folder`: its store and backups and the
    identifying files of the folder (see the module). `report` is where a pseudonymised
    report was written beforehand (it is named in the note, and searched like the rest)."""
    folder = Path(folder)
    cohort_id, people = _cohort_and_people(folder)
    path = Path(store) if store else default_store_path(cohort_id)
    if path.exists():
        with Store(path) as opened:  # the store may know people the folder does not (yet)
            people |= {p.id: p.name for p in opened.folder_rows().content.people}
    deleted = []
    for file in (path, *backups_of(path)):
        for part in (file, Path(f"{file}-wal"), Path(f"{file}-shm"), Path(f"{file}-journal")):
            if part.exists():
                erase(part)
                if part == file:
                    deleted.append(_shown(part))
    if (media := erase_all(path)) is not None:
        deleted.append(_shown(media))
    for name in IDENTIFYING:
        if (folder / name).exists():
            erase(folder / name)
            deleted.append(f"{folder.name}/{name}")
    if _strip_cohort_yaml(folder / "cohort.yaml"):
        deleted.append(f"{folder.name}/cohort.yaml")
    _write_note(folder, deleted, report, today or dt.date.today())
    forms = sorted({form for pid, name in people.items() for form in name_forms(name, pid)})
    places = dict.fromkeys(p for p in (home(), path.parent.absolute(), folder.absolute()))
    if report is not None:
        places[Path(report).absolute().parent] = None
    leftovers = find_name(forms, [p for p in places if p.exists()]) if forms else []
    return PurgeResult(cohort_id, tuple(deleted), report, tuple(leftovers))


def _cohort_yaml(folder: Path) -> object:
    """cohort.yaml's content, or None when it cannot be read as YAML (too large, not a regular
    file, not UTF-8, an impossible date, nested too deeply: `ww check` says which)."""
    try:
        raw = read_regular(folder / "cohort.yaml", FOLDER_FILE_BYTES, "cohort.yaml")
        return yaml.safe_load(raw.decode("utf-8"))
    except (OSError, WorkbookError, UnicodeDecodeError, yaml.YAMLError, ValueError, RecursionError):
        return None


def _cohort_and_people(folder: Path) -> tuple[str, dict[str, str]]:
    """The cohort's id and its people ({id: name}) as the folder gives them. A folder with
    problems is purged all the same: then cohort.yaml's id (or the folder's name) and the
    people.csv rows that have an id and a name."""
    try:
        dataset = load_dataset(folder)
    except WorkbookError:
        pass
    else:
        return dataset.cohort.id, {p.id: p.name for p in dataset.people}
    if not (folder / "cohort.yaml").is_file():
        raise NotFound(
            f"{folder} holds no cohort.yaml: it is not a cohort folder; nothing was deleted"
        )
    data = _cohort_yaml(folder)
    cohort_id = str(data.get("id") or folder.name) if isinstance(data, dict) else folder.name
    people = {}
    try:
        with open(folder / "people.csv", encoding="utf-8", newline="") as handle:
            rows = csv.DictReader(line for line in handle if not line.startswith("#"))
            for row in rows:
                if (row.get("id") or "").strip() and (row.get("name") or "").strip():
                    people[row["id"].strip()] = row["name"].strip()
    except (OSError, UnicodeDecodeError, csv.Error):
        pass
    return cohort_id, people


def _shown(path: Path) -> str:
    """A store as the note names it: under the workbook's home by its place there, else by
    its file name (no folder of this computer in a file the folder keeps)."""
    try:
        return str(path.absolute().relative_to(home()))
    except ValueError:
        return path.name


def _strip_cohort_yaml(path: Path) -> bool:
    """cohort.yaml without the names it lists (its other fields name no one); one that cannot
    be read is deleted whole. True when it was deleted."""
    if not path.is_file():
        return False
    data = _cohort_yaml(path.parent)
    if not isinstance(data, dict):
        erase(path)
        return True
    if any(k in data for k in NAMES_IN_COHORT_YAML):
        kept = {k: v for k, v in data.items() if k not in NAMES_IN_COHORT_YAML}
        zero(path)
        text = yaml.safe_dump(kept, allow_unicode=True, sort_keys=False, width=100)
        path.write_text(text, encoding="utf-8")
    return False


def _write_note(folder: Path, deleted: list[str], report: Path | None, today: dt.date) -> None:
    lines = [
        f"Persoonsgegevens van dit cohort verwijderd met `ww purge` op {today.isoformat()}.",
        f"Personal data of this cohort deleted with `ww purge` on {today.isoformat()}.",
        "",
        *(f"- {path}" for path in deleted),
    ]
    if report is not None:
        lines += ["", f"Gepseudonimiseerd verslag / pseudonymised report: {Path(report).name}"]
    (folder / NOTE).write_text("\n".join(lines) + "\n", encoding="utf-8")
