"""Making a new cohort (folder and store) from a QDPX project, all or nothing.

The project is first written into a staging store, which `dataset_writer` writes out as the
cohort folder; `ww check` must accept that folder; the cohort's store is then made from the
folder as `ww init` makes it, and given back the GUIDs and memos a folder cannot hold.

Defaults of the new cohort.yaml (edit them afterwards): the id is the folder's name made a slug,
the title the project's name, the dates the Monday to Friday of the week the project was made
(else of today), municipalities `[unknown]`, language `nl`, the research question the project's
description. programme.csv gets one session, "Interviews", on the Monday (phase look).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

from wwlib.cohorts.home import init_cohort
from wwlib.core.model import Cohort, Phase, Session
from wwlib.core.records import ExchangeContent
from wwlib.folder.dataset import check_dataset
from wwlib.folder.write import write_cohort_folder
from wwlib.qdpx.errors import QdpxError
from wwlib.qdpx.model import Project
from wwlib.qdpx.people import slug
from wwlib.qdpx.resolve import plan_import
from wwlib.qdpx.summary import ImportSummary
from wwlib.store import Store

UNKNOWN_MUNICIPALITY = "unknown"


def new_cohort_record(folder: Path, project: Project, file: Path) -> Cohort:
    """The cohort.yaml of a cohort made from `project` in `folder` (see the module's notes)."""
    try:
        made = dt.datetime.fromisoformat(project.created.replace("Z", "+00:00")).date()
    except ValueError:
        made = dt.date.today()
    monday = made - dt.timedelta(days=made.weekday())
    where = f" ({project.origin})" if project.origin else ""
    return Cohort(
        id=slug(folder.name) or "cohort",
        title=project.name or folder.name,
        municipalities=(UNKNOWN_MUNICIPALITY,),
        start=monday,
        end=monday + dt.timedelta(days=4),
        research_question=project.description,
        source=f"Imported from {file.name}{where} on {dt.date.today().isoformat()}.",
    )


def create_cohort(folder: Path, project: Project, file: Path, store: Path | None) -> ImportSummary:
    """Make `folder` and its store from `project`; on any failure neither is left behind."""
    cohort = new_cohort_record(folder, project, file)
    plan = plan_import(project, ExchangeContent(), file.name, new_cohort=cohort)
    plan.rows.sessions = [Session("interviews", cohort.start, Phase.LOOK.value, "Interviews")]
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    existed_empty, made_folder, made_store = folder.exists(), False, None
    try:
        _stage(staging, plan.rows, file)  # the folder carries the GUIDs and memos too
        if existed_empty:
            folder.rmdir()
        os.rename(staging / "cohort", folder)
        made_folder = True
        made_store = init_cohort(folder, store)
    except BaseException:
        if made_store is not None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{made_store}{suffix}").unlink(missing_ok=True)
        if made_folder:
            shutil.rmtree(folder)
        if existed_empty:
            folder.mkdir(exist_ok=True)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    summary = plan.summary
    summary.created = [f"cohort folder {folder}", f"store {made_store}"]
    summary.said.append(
        f"cohort.yaml has defaults to check: id {cohort.id}, week {cohort.start}..{cohort.end}, "
        f"municipalities [{UNKNOWN_MUNICIPALITY}]"
    )
    return summary


def _stage(staging: Path, rows, file: Path) -> None:
    """Write the rows into a staging store and that store out as staging/cohort."""
    with Store(staging / "staging.sqlite", actor="ww import qdpx", create=True) as store:
        store.import_exchange(lambda content: (rows, None), source=file.name)
        write_cohort_folder(store, staging / "cohort")
    problems = check_dataset(staging / "cohort")
    if problems:
        listed = "; ".join(str(p) for p in problems[:3])
        raise QdpxError(
            file.name,
            "",
            f"the cohort folder made from it does not pass `ww check` ({listed})",
            "this is a wwlib bug; please report it with the file",
        )
