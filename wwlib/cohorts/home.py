"""Where a cohort's store lives, making it from the cohort folder, and the one way to open it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from wwlib.core.errors import StoreError
from wwlib.folder.dataset import load_dataset
from wwlib.store import Store


def home() -> Path:
    """The workbook's own folder: $WW_HOME, or ~/.local/share/wij-werken."""
    return Path(
        os.environ.get("WW_HOME") or Path.home() / ".local" / "share" / "wij-werken"
    ).absolute()


def default_store_path(cohort_id: str) -> Path:
    """Where a cohort's store lives unless told otherwise."""
    return home() / "stores" / f"{cohort_id}.sqlite"


def cohort_id_of(folder: str | Path) -> str:
    """The id written in a cohort folder's cohort.yaml (validated with the rest on import)."""
    return load_dataset(folder).cohort.id


def init_cohort(
    folder: str | Path,
    store: str | Path | None = None,
    replace: bool = False,
    discard_unsaved: bool = False,
) -> Path:
    """Load a cohort folder into a new store; all or nothing. Returns the store's path.

    The store is built in a temporary file beside its destination and moved into place only when
    complete, so a failed import leaves no store and an existing one untouched. An existing store
    is only rebuilt with `replace=True`, in place (its change log kept), and only when it holds
    nothing the folder does not, unless `discard_unsaved`; a backup is kept beside it.
    """
    from wwlib.cohorts.rows import baseline_of
    from wwlib.cohorts.sync import replace_store

    dataset = load_dataset(folder)
    path = Path(store) if store else default_store_path(dataset.cohort.id)
    if path.exists() and not replace:
        raise StoreError(
            f"store {path} exists already and holds what was typed during the week; open it as "
            "it is, bring folder edits in with `ww update`, or pass --replace to rebuild it "
            "from the folder (a backup is kept)"
        )
    if path.exists():
        with Store(path, actor="ww init") as old:
            replace_store(folder, old, dataset, discard_unsaved=discard_unsaved)
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    os.unlink(tmp)
    try:
        with Store(tmp, actor="ww init", create=True) as new:
            new.load_dataset(dataset, source=str(Path(folder).resolve()))
            new.set_baseline(
                baseline_of(new.folder_rows(), Path(folder)), str(Path(folder).resolve()), "init"
            )
        try:  # a hard link never overwrites: two processes may init at once
            os.link(tmp, path)
        except FileExistsError:
            raise StoreError(
                f"store {path} was made by another process meanwhile; open it as it is"
            ) from None
    finally:
        for leftover in (tmp, f"{tmp}-wal", f"{tmp}-shm"):
            Path(leftover).unlink(missing_ok=True)
    return path


def open_cohort_store(
    folder: str | Path, store: str | Path | None = None, actor: str = "ww", create: bool = True
) -> Store:
    """The store of a cohort folder (`store`, or its default place): the one way to open it.

    A missing store is made from the folder first, unless `create` is false (`ww save` and
    `ww update` make none): then a missing store is a clear error.
    """
    path = store_path(folder, store)
    if not path.exists():
        if not create:
            raise StoreError(
                f"there is no store at {path} for {folder} yet; make it with `ww init {folder}`"
            )
        init_cohort(folder, path)
    return Store(path, actor=actor)


def existing_store(folder: str | Path, store: str | Path | None = None, actor: str = "ww") -> Store:
    """The store of a cohort folder, which must exist (`ww save` and `ww update` make none)."""
    return open_cohort_store(folder, store, actor, create=False)


def store_path(folder: str | Path, store: str | Path | None = None) -> Path:
    """Where a cohort folder's store is: `store`, or the default place for its cohort id."""
    return Path(store) if store else default_store_path(cohort_id_of(folder))
