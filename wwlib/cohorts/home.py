"""Where a cohort's store lives, making it from the cohort folder, and the one way to open it."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path, PurePosixPath

from wwlib.core.errors import StoreError
from wwlib.folder.dataset import load_dataset
from wwlib.store import Store


def home() -> Path:
    """The workbook's own folder: $WW_HOME, or ~/.local/share/wij-werken."""
    return Path(
        os.environ.get("WW_HOME") or Path.home() / ".local" / "share" / "wij-werken"
    ).absolute()


def default_store_path(cohort_id: str, base: str | Path | None = None) -> Path:
    """Where a cohort's store lives unless told otherwise: in `stores/` of the home `base`, or
    of `home()` without one."""
    return stores_dir(base) / f"{cohort_id}.sqlite"


def stores_dir(base: str | Path | None = None) -> Path:
    """The folder of the stores in the home `base`, or in `home()` without one."""
    return (Path(base) if base else home()) / "stores"


def media_folder(store: str | Path) -> Path:
    """Where the recordings of a store's interviews are kept: a folder beside the store file,
    named after it (`stores/heideveld-2027.media/` beside `heideveld-2027.sqlite`); never in
    the cohort folder, which goes to colleagues and into git (`wwlib.cohorts.recordings`)."""
    store = Path(store)
    return store.with_name(f"{store.stem}{MEDIA_FOLDER}")


MEDIA_FOLDER = ".media"  # after the store's name: the folder of its recordings


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


# File systems on which SQLite cannot keep a store safe: their locks are missing, advisory or
# broken, and a WAL store needs shared memory between processes on one machine
# (https://www.sqlite.org/wal.html, "WAL does not work over a network filesystem").
NETWORK_FILE_SYSTEMS = frozenset(
    {
        "nfs", "nfs4", "cifs", "smb3", "smbfs", "ncpfs", "9p", "afs", "coda", "ceph",
        "glusterfs", "lustre", "gpfs", "beegfs", "davfs", "fuse.sshfs", "fuse.glusterfs",
        "fuse.ceph", "fuse.davfs2", "fuse.s3fs", "fuse.rclone", "fuse.gcsfuse",
    }
)  # fmt: skip


def parse_mountinfo(text: str) -> list[tuple[str, str]]:
    """(mount point, file system type) of every line of a /proc/<pid>/mountinfo text.

    A line reads `36 35 98:0 /root /mnt/point rw,noatime shared:1 - nfs4 server:/x rw,...`:
    the mount point is the fifth field, the type the first after the lone `-`; the kernel
    writes a space in a path as `\\040`.
    """
    mounts = []
    for line in text.splitlines():
        head, separator, tail = line.partition(" - ")  # paths escape their spaces: no other
        fields, after = head.split(), tail.split()
        if separator and len(fields) >= 5 and after:
            mounts.append((_unescape_octal(fields[4]), after[0]))
    return mounts


def _unescape_octal(path: str) -> str:
    """A mountinfo path with its `\\NNN` escapes (space, tab, newline, backslash) decoded."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), path)


def file_system_type(path: str | Path, mounts: list[tuple[str, str]]) -> str:
    """The type of the file system that holds `path`: that of the longest mount point above it
    (the last one mounted there wins, as in the kernel's own table)."""
    path = PurePosixPath(path)
    best, fstype = -1, ""
    for point, kind in mounts:
        if path == PurePosixPath(point) or PurePosixPath(point) in path.parents:
            if len(point) >= best:
                best, fstype = len(point), kind
    return fstype


def mount_table() -> list[tuple[str, str]]:
    """This machine's mounts: /proc/self/mountinfo on Linux, else what psutil lists."""
    mountinfo = Path("/proc/self/mountinfo")
    if mountinfo.is_file():
        return parse_mountinfo(mountinfo.read_text(encoding="utf-8", errors="replace"))
    import psutil

    return [(p.mountpoint, p.fstype) for p in psutil.disk_partitions(all=True)]


def refuse_network_store(
    directory: str | Path, mounts: list[tuple[str, str]] | None = None
) -> None:
    """A `StoreError` when stores in `directory` would lie on a network file system.

    The directory need not exist yet; symbolic links in the part that does are followed.
    `mounts` are (mount point, type) pairs, this machine's by default.
    """
    place = Path(directory).absolute()
    fstype = file_system_type(place.resolve(), mount_table() if mounts is None else mounts)
    if fstype.lower() in NETWORK_FILE_SYSTEMS:
        raise StoreError(
            f"stores cannot live in {place}: it is on a network file system ({fstype}) on which "
            "SQLite cannot lock a store, and a store there can be corrupted; pass a directory "
            "on a local disk of the machine that runs the cohort (ww batch --home DIR, "
            "ww run --store FILE or $WW_HOME)"
        )
