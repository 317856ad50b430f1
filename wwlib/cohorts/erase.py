"""Erasing a file so that its bytes are gone from the disk as far as a program can see to it:
overwritten with zeros, flushed to the disk, then deleted (`ww purge`, `ww forget`, recordings).

What that does and does not do is said in `wwlib.cohorts.purge`: on a copy-on-write file
system or an SSD the old blocks may live on until the disk reuses them.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from wwlib.core.limits import CHUNK


def erase(path: Path) -> None:
    """Overwrite a file (or every file under a folder) with zeros, then delete it; a link is
    deleted, never followed."""
    if path.is_dir() and not path.is_symlink():
        for inner in sorted(path.rglob("*"), reverse=True):
            if inner.is_file() and not inner.is_symlink():
                zero(inner)
        shutil.rmtree(path)
        return
    if path.is_file() and not path.is_symlink():
        zero(path)
    path.unlink()


def zero(path: Path) -> None:
    """Overwrite a file with zeros, in place, and wait until the disk has them."""
    size = path.stat().st_size
    with open(path, "r+b") as handle:
        for start in range(0, size, CHUNK):
            handle.write(bytes(min(CHUNK, size - start)))
        handle.flush()
        os.fsync(handle.fileno())
