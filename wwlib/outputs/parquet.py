"""`ww export parquet`: a cohort's analysis tables, pseudonymised, for a national picture.

    export_parquet(folder, out) -> out/<cohort id>/   (manifest.json and one .parquet per table)

What leaves the municipality is what `ww national` needs and no more: codes, categories,
code frequencies per interview, co-occurrence, saturation, themes, plans and tasks with their
state. No transcript text, no quote, no person attribute: a person or an interview is their
pseudonym code (P01), a plan or task title passes the cohort's pseudonymiser (every listed
name form, and the names deduce finds when there is such text to export). Every table is the
analysis's own (`analysis.all_tables`, `analysis.theme_priorities`, `act.follow_up_states`),
not a second computation. The columns and their meaning are in `SCHEMA` and
docs/parquet-schema.md; the schema version is in every file's metadata and in the manifest.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from wwlib import analysis
from wwlib.cohorts.home import open_cohort_store
from wwlib.cohorts.privacy import pseudonymiser
from wwlib.core.dates import as_date
from wwlib.core.duedate import DueDate
from wwlib.core.errors import WorkbookError
from wwlib.core.pseudonym import Pseudonymiser
from wwlib.outputs.report import workbook_version
from wwlib.present.act import follow_up_states
from wwlib.store import Store

SCHEMA_NAME = "wij-werken-national"
SCHEMA_VERSION = 1
MANIFEST = "manifest.json"
METADATA_KEY = b"wij_werken_schema_version"

_S, _I, _I64, _F, _D, _B = (
    pa.string(),
    pa.int32(),
    pa.int64(),
    pa.float64(),
    pa.date32(),
    pa.bool_(),
)
# file -> columns (name, type); docs/parquet-schema.md says what each one means
SCHEMA: dict[str, list[tuple[str, pa.DataType]]] = {
    "cohort": [
        ("cohort", _S), ("title", _S), ("municipalities", pa.list_(_S)), ("start", _D),
        ("end", _D), ("as_of", _D), ("min_group", _I), ("participants", _I),
        ("interviews", _I), ("codes", _I), ("codings", _I64), ("schema_version", _I),
    ],
    "codes": [
        ("cohort", _S), ("code", _S), ("name", _S), ("category", _S), ("fragments", _I64),
        ("participants", _I), ("rank", _I),
    ],
    "categories": [
        ("cohort", _S), ("category", _S), ("codes", _I), ("fragments", _I64),
        ("participants", _I),
    ],
    "interview_codes": [
        ("cohort", _S), ("interview", _S), ("code", _S), ("category", _S), ("fragments", _I64),
    ],
    "saturation": [
        ("cohort", _S), ("number", _I), ("interview", _S), ("date", _D), ("codes", _I),
        ("new", _I), ("cumulative", _I), ("share", _F),
    ],
    "cooccurrence": [
        ("cohort", _S), ("unit", _S), ("code_a", _S), ("code_b", _S), ("category_a", _S),
        ("category_b", _S), ("both", _I), ("a", _I), ("b", _I), ("jaccard", _F),
    ],
    "themes": [
        ("cohort", _S), ("theme", _S), ("name", _S), ("fragments", _I64), ("participants", _I),
        ("shortlisted", _B), ("dots", _I), ("voters", _I), ("priority", _I), ("plan", _S),
    ],
    "plans": [
        ("cohort", _S), ("plan", _S), ("kind", _S), ("title", _S), ("theme", _S),
        ("steps", _I), ("tasks", _I),
    ],
    "tasks": [
        ("cohort", _S), ("plan", _S), ("theme", _S), ("step", _I), ("number", _I),
        ("title", _S), ("status", _S), ("state", _S), ("due_kind", _S), ("first_day", _D),
        ("last_day", _D), ("owners", _I),
    ],
}  # fmt: skip
STATES = ("done", "open", "overdue", "cancelled")  # a task's `state` on the export's day


def export_parquet(
    folder, out, store=None, as_of: dt.date | None = None, actor: str = "ww export parquet"
) -> Path:
    """Export a cohort folder's store into `out/<cohort id>/`; returns that folder."""
    with open_cohort_store(folder, store, actor=actor) as opened:
        return export_store(opened, out, as_of)


def export_store(store: Store, out, as_of: dt.date | None = None) -> Path:
    """Export an open store into `out/<cohort id>/` (see the module); returns that folder.

    A folder of that name that holds another cohort's export, or anything but an export, is
    refused and left as it is; the same cohort's earlier export is replaced whole.
    """
    as_of = as_of or dt.date.today()
    cohort = store.cohort()
    target = Path(out) / cohort.id
    _check_target(target, cohort)
    names = _names(store)
    frames = cohort_frames(store, names, as_of)
    manifest = _manifest(cohort, as_of, frames)
    _write_folder(target, frames, manifest)
    return target


def written(folder: Path) -> str:
    """What an export folder holds, in one line for the person who made it."""
    manifest = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    counts, rows = manifest["counts"], manifest["rows"]
    held = ", ".join(
        f"{n} {noun}{'s' * (n != 1)}"
        for n, noun in (
            (counts["codes"], "code"),
            (counts["codings"], "coding"),
            (counts["interviews"], "interview"),
            (rows["themes"], "theme"),
            (rows["plans"], "plan"),
            (rows["tasks"], "task"),
        )
    )
    return (
        f"{folder}: {len(rows)} Parquet files and {MANIFEST} of cohort {manifest['cohort']} "
        f"(schema version {manifest['schema_version']}): {held}; no names, no transcript text"
    )


def cohort_frames(store: Store, names: Pseudonymiser, as_of: dt.date) -> dict[str, pd.DataFrame]:
    """Every exported table of one cohort as a DataFrame with the `SCHEMA` columns."""
    cohort, codes, people, interviews = (
        store.cohort(), store.codes(), store.people(), store.interviews()
    )  # fmt: skip
    tables = analysis.all_tables(store.codings(), codes, people, interviews, ())
    pseudonym = dict(zip(people["id"], names.names(people["id"]), strict=True))
    frequencies = tables["code_frequencies"].assign(
        name=lambda t: [names.text(n) for n in t["name"]]
    )
    tasks = _tasks(store, names, as_of)
    plans = _plans(store, names, tasks)
    frames = {
        "codes": frequencies,
        "categories": tables["category_frequencies"],
        "interview_codes": tables["who_said_what"].rename(columns={"participant": "interview"}),
        "saturation": tables["saturation"],
        "cooccurrence": _cooccurrence(tables),
        "themes": _themes(store, frequencies, plans),
        "plans": plans,
        "tasks": tasks,
    }
    for key in ("interview_codes", "saturation"):
        frames[key] = frames[key].assign(interview=frames[key]["interview"].map(pseudonym))
    frames["cohort"] = _cohort_row(cohort, names, as_of, people, interviews, len(codes))
    return {name: _shaped(frames[name].assign(cohort=cohort.id), name) for name in SCHEMA}


def _cohort_row(cohort, names, as_of, people, interviews, codes: int) -> pd.DataFrame:
    """The one row of cohort.parquet: the week, the threshold for small groups, the counts."""
    return pd.DataFrame(
        {
            "title": [names.text(cohort.title)],
            "municipalities": [list(cohort.municipalities)],
            "start": [cohort.start],
            "end": [cohort.end],
            "as_of": [as_of],
            "min_group": [cohort.min_group],
            "participants": [int((people["role"] == "participant").sum())],
            "interviews": [int(interviews["transcript"].notna().sum())],
            "codes": [codes],
            "codings": [int(interviews["codings"].sum())],
            "schema_version": [SCHEMA_VERSION],
        }
    )


def _names(store: Store) -> Pseudonymiser:
    """The cohort's pseudonymiser, everyone by pseudonym; deduce searches the texts for names
    the cohort does not list only when free text (plans, tasks) is exported: it takes seconds."""
    free_text = not store.plans().empty or not store.tasks().empty
    return pseudonymiser(store, True, scan=free_text)


def _cooccurrence(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    units = {"fragment": "cooccurrence_fragments", "participant": "cooccurrence_participants"}
    parts = [tables[name].assign(unit=unit) for unit, name in units.items()]
    return pd.concat([p for p in parts if not p.empty] or parts[:1], ignore_index=True)


def _themes(store: Store, frequencies: pd.DataFrame, plans: pd.DataFrame) -> pd.DataFrame:
    """Every theme code: how often coded, shortlisted, its dots and place, its plan."""
    themes = frequencies[frequencies["category"] == "theme"].rename(columns={"code": "theme"})
    found = analysis.theme_priorities(store.votes(), store.notes(), store.theme_boards())
    votes = found.set_index("theme").reindex(themes["theme"])
    chosen = list(store.cohort().prioritised_themes)
    plan_of = dict(zip(plans["theme"], plans["plan"], strict=True))
    return themes.assign(
        shortlisted=themes["theme"].isin(found["theme"]),
        dots=votes["dots"].fillna(0).astype(int).to_numpy(),
        voters=votes["voters"].fillna(0).astype(int).to_numpy(),
        priority=[chosen.index(t) + 1 if t in chosen else None for t in themes["theme"]],
        plan=[plan_of.get(t) for t in themes["theme"]],
    )


def _plans(store: Store, names: Pseudonymiser, tasks: pd.DataFrame) -> pd.DataFrame:
    plans, steps = store.plans(), store.steps()
    return pd.DataFrame(
        {
            "plan": plans["id"],
            "kind": plans["kind"],
            "title": [names.text(t) for t in plans["title"]],
            "theme": [t if isinstance(t, str) and t else None for t in plans["theme"]],
            "steps": [int((steps["plan"] == p).sum()) for p in plans["id"]],
            "tasks": [int((tasks["plan"] == p).sum()) for p in plans["id"]],
        }
    )


def _tasks(store: Store, names: Pseudonymiser, as_of: dt.date) -> pd.DataFrame:
    """Every task with its state on `as_of` as the report's follow-up counts it."""
    tasks = store.tasks()
    theme_of = store.plans().set_index("id")["theme"].reindex(tasks["plan"])
    followed = follow_up_states(tasks, as_of)
    first = [as_date(d) for d in tasks["due_date"]]
    return pd.DataFrame(
        {
            "plan": tasks["plan"],
            "theme": [t if isinstance(t, str) and t else None for t in theme_of],
            "step": tasks["step"],
            "number": tasks["number"],
            "title": [names.text(t) for t in tasks["title"]],
            "status": tasks["status"],
            "state": [_state(s, f) for s, f in zip(tasks["status"], followed, strict=True)],
            "due_kind": [k or None for k in tasks["due_kind"]],
            "first_day": first,
            "last_day": [
                DueDate("", k or "date", d).last_day if d else None
                for k, d in zip(tasks["due_kind"], first, strict=True)
            ],
            "owners": [len(o) for o in tasks["owners"]],
        }
    )  # fmt: skip


def _state(status: str, followed: str) -> str:
    """done, cancelled, overdue, or open (due soon, later or without a date)."""
    if status == "cancelled":
        return "cancelled"
    return followed if followed in ("done", "overdue") else "open"


# -- writing ------------------------------------------------------------------------------


def arrow_schema(name: str) -> pa.Schema:
    """The Arrow schema of one exported file, with the schema version in its metadata."""
    return pa.schema(
        [pa.field(column, kind) for column, kind in SCHEMA[name]],
        metadata={METADATA_KEY: str(SCHEMA_VERSION).encode(), b"wij_werken_file": name.encode()},
    )


def _shaped(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """`frame` with exactly the file's columns, in order, missing values as None."""
    columns = [column for column, _ in SCHEMA[name]]
    shaped = frame.reindex(columns=columns).astype(object)
    return shaped.where(shaped.notna(), None)


def _table(frame: pd.DataFrame, name: str) -> pa.Table:
    schema = arrow_schema(name)
    if frame.empty:
        return schema.empty_table()
    for column, kind in SCHEMA[name]:
        if pa.types.is_date32(kind):
            frame[column] = [as_date(v) if isinstance(v, str) else v for v in frame[column]]
    table = pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
    return table.replace_schema_metadata(schema.metadata)  # pandas' own metadata left out


def _manifest(cohort, as_of: dt.date, frames: dict[str, pd.DataFrame]) -> dict:
    return {
        "schema": SCHEMA_NAME,
        "schema_version": SCHEMA_VERSION,
        "cohort": cohort.id,
        "municipalities": list(cohort.municipalities),
        "start": cohort.start.isoformat(),
        "end": cohort.end.isoformat(),
        "as_of": as_of.isoformat(),
        "workbook": workbook_version(),
        "rows": {name: len(frame) for name, frame in frames.items()},
        "counts": {
            key: int(frames["cohort"][key].iloc[0])
            for key in ("participants", "interviews", "codes", "codings")
        },
    }


def _check_target(target: Path, cohort) -> None:
    """Refuse a folder that is not this cohort's earlier export (nothing is changed)."""
    if not target.exists():
        return
    if not target.is_dir():
        raise WorkbookError(f"{target} exists and is no folder; choose another output folder")
    manifest = target / MANIFEST
    if not manifest.is_file():
        if any(target.iterdir()):
            raise WorkbookError(
                f"{target} holds files but no {MANIFEST}: it is not a `ww export parquet` "
                "folder, and nothing in it was changed; choose another output folder"
            )
        return
    try:
        found = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise WorkbookError(f"{manifest} cannot be read ({exc}); nothing was changed") from None
    same = (found.get("cohort"), found.get("municipalities"), found.get("start")) == (
        cohort.id,
        list(cohort.municipalities),
        cohort.start.isoformat(),
    )
    if not same:
        raise WorkbookError(
            f"{target} holds the export of another cohort ({found.get('cohort')}, "
            f"{', '.join(found.get('municipalities') or [])}, {found.get('start')}); nothing "
            "was changed; choose another output folder"
        )


def _write_folder(target: Path, frames: dict[str, pd.DataFrame], manifest: dict) -> None:
    """Write every file into a new folder beside `target`, then put it in `target`'s place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for name, frame in frames.items():
            pq.write_table(_table(frame, name), fresh / f"{name}.parquet", compression="zstd")
        text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
        (fresh / MANIFEST).write_text(text, encoding="utf-8")
        os.chmod(fresh, 0o755)
        old = target.with_name(f".{target.name}.old")
        if target.exists():
            shutil.rmtree(old, ignore_errors=True)
            os.replace(target, old)
        os.replace(fresh, target)
        shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        raise WorkbookError(
            f"{target} cannot be written ({exc.strerror or exc}); choose another folder"
        ) from None
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
