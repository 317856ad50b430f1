"""How much the workbook reads from one file, and reading within those limits.

Every file the workbook reads from outside (a cohort folder's files, transcripts, QDPX and QDC
files) goes through `read_regular`, and every zip (a QDPX project, a Word .docx) through
`open_zip`. Both refuse, with a `FileRefused` naming the file, its size and the limit, before
anything large is read or inflated: a hostile or broken file ends in a clear message, never in
a process that hangs, swaps or dies with a MemoryError.

The limits are generous: each is one or two orders of magnitude above the largest legitimate
file we know of, and well below what would hurt a laptop with 8 GB of memory.

- `TRANSCRIPT_BYTES` (20 MB): a 3-hour interview is a few hundred KB as text or WebVTT and
  under 1 MB as a Word file; 20 MB leaves room for a Word file with pictures in it.
- `FOLDER_FILE_BYTES` (50 MB): a cohort's CSV and YAML files are a few KB to a few hundred KB
  (the national dataset's largest file, codings.csv, is about 10 MB).
- `CODEBOOK_BYTES` (100 MB): a REFI-QDA codebook (.qdc) with thousands of codes is a few MB.
- `MEDIA_BYTES` (1 GB): an interview's recording, kept beside the store and sent to the
  browser that plays it. A 1-hour interview is 30 to 60 MB as audio (MP3 or AAC at 64 to
  128 kbit/s) and 200 to 500 MB as a Zoom video (720p); 1 GB holds two hours of video and is
  what one browser tab can still hold in memory on an 8 GB laptop.
- For zips, what is checked from the central directory before anything is inflated:
  - `members` (10,000): a .docx has 10 to 30 parts; a QDPX has project.qde and one file per
    source (a large project: a few hundred to a few thousand sources).
  - `member_bytes` (100 MB): the largest single part that is unpacked (project.qde of a big
    project is tens of MB; document.xml of a 3-hour transcript 1 to 5 MB).
  - `total_bytes`: what may be unpacked from one zip altogether; 500 MB for a QDPX (only the
    members that are read count: audio and video sources stay packed), 200 MB for a .docx
    (python-docx unpacks every part, so every part counts).
  - `ratio` (100:1): text and XML deflate 3:1 to 30:1; a zip bomb approaches deflate's maximum
    of about 1,000:1. Only parts that unpack to more than `RATIO_FROM` (1 MB) are checked, so a
    small, very regular part is never refused.

The sizes a zip declares can lie: a part is read in chunks and reading stops at its limit.
"""

from __future__ import annotations

import io
import os
import stat
import struct
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from wwlib.core.errors import FileRefused

MB = 1024 * 1024
TRANSCRIPT_BYTES = 20 * MB
FOLDER_FILE_BYTES = 50 * MB
CODEBOOK_BYTES = 100 * MB
MEDIA_BYTES = 1024 * MB
RATIO_FROM = 1 * MB
CHUNK = 1 * MB


@dataclass(frozen=True)
class ZipLimits:
    """What one zip may hold and unpack; see the module's docstring for why these values."""

    members: int = 10_000
    member_bytes: int = 100 * MB
    total_bytes: int = 500 * MB
    ratio: int = 100


QDPX = ZipLimits()
DOCX = ZipLimits(total_bytes=200 * MB)

KINDS = {  # what a file that is not a regular file is, in words
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a folder",
    stat.S_IFLNK: "a symbolic link",
}
REGULAR_FIX = "give an ordinary file (copy the file itself, not a link, pipe or device)"


def size_text(size: int) -> str:
    """A byte count in the unit a person reads: '512 bytes', '1.5 MB'."""
    if size < 1024:
        return f"{size} bytes"
    if size < MB:
        return f"{size / 1024:.1f} KB"
    return f"{size / MB:,.1f} MB"


def too_big(file: str, place: str, size: int, limit: int, what: str) -> FileRefused:
    """The error for `what` (e.g. 'a transcript') of `size` bytes over `limit`."""
    return FileRefused(
        file,
        place,
        f"is {size_text(size)}, more than the {size_text(limit)} {what} may be",
        "check that this is the right file; the limits are in wwlib/limits.py",
    )


def read_regular(
    path: str | Path, limit: int, what: str, follow_symlinks: bool = True, name: str = ""
) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (`what` names it in the message).

    Raises `FileNotFoundError` when there is no file and `FileRefused` when it is a pipe, a
    device, a folder, a symbolic link (unless `follow_symlinks`) or larger than `limit`. The
    file is checked before it is opened (opening a named pipe waits for a writer for ever),
    opened without blocking and read in chunks, stopping at the limit whatever it claims.
    """
    path = Path(path)
    name = name or path.name
    with _open_regular(path, name, follow_symlinks) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > limit:
            raise too_big(name, "", size, limit, what)
        data = _read_capped(handle, limit)
    if data is None:
        raise too_big(name, "", limit + 1, limit, what)  # it grew while it was read
    return data


def read_regular_or(
    path: str | Path, limit: int, what: str, error: Callable[[str, str, str, str], Exception]
) -> bytes:
    """`read_regular`, with every reason the file cannot be read raised as the caller's own
    error, `error(file, place, message, fix)`: missing, refused, or unreadable."""
    path = Path(path)
    try:  # a pipe, a device or a file over the limit is refused before it is read
        return read_regular(path, limit, what)
    except FileNotFoundError:
        raise error(path.name, "", f"does not exist ({path})", "check the path") from None
    except FileRefused as exc:
        raise error(exc.file, exc.place, exc.message, exc.fix) from None
    except OSError as exc:
        raise error(path.name, "", f"cannot be read ({exc.strerror})", "") from None


def copy_regular(
    source: str | Path, target: str | Path, limit: int, what: str, name: str = ""
) -> int:
    """Copy a regular file of at most `limit` bytes to `target` in chunks; the bytes copied.

    Checked and refused as `read_regular` does (`FileNotFoundError`, `FileRefused`), and never
    more than `limit` bytes are written, whatever the file claims; a refused copy leaves no
    `target` behind.
    """
    source, target = Path(source), Path(target)
    name = name or source.name
    copied = 0
    with _open_regular(source, name, True) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > limit:
            raise too_big(name, "", size, limit, what)
        with open(target, "xb") as out:
            try:
                while chunk := handle.read(CHUNK):
                    copied += len(chunk)
                    if copied > limit:  # it grew while it was copied
                        raise too_big(name, "", copied, limit, what)
                    out.write(chunk)
            except BaseException:
                target.unlink(missing_ok=True)
                raise
    return copied


@contextmanager
def _open_regular(path: Path, name: str, follow_symlinks: bool) -> Iterator[io.BufferedReader]:
    try:
        info = os.stat(path) if follow_symlinks else os.lstat(path)
    except FileNotFoundError:
        raise
    except OSError as exc:  # a link that leads in a circle, no permission, ...
        raise FileRefused(name, "", f"cannot be read ({exc.strerror})") from None
    _check_regular(info, name)
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_BINARY", 0)
    if not follow_symlinks:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if os.path.islink(path) and not follow_symlinks:  # replaced by a link since the check
            _check_regular(os.lstat(path), name)
        raise FileRefused(name, "", f"cannot be opened ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        _check_regular(os.fstat(fd), name)  # what was opened, not what was checked before
        os.set_blocking(fd, True)
        yield handle


def _check_regular(info: os.stat_result, name: str) -> None:
    if not stat.S_ISREG(info.st_mode):
        kind = KINDS.get(stat.S_IFMT(info.st_mode), "not a regular file")
        raise FileRefused(name, "", f"is {kind}, not a regular file; it was not read", REGULAR_FIX)


def _read_capped(handle, limit: int) -> bytes | None:
    """At most `limit` bytes in chunks; None when there is more."""
    parts, total = [], 0
    while chunk := handle.read(min(CHUNK, limit + 1 - total)):
        parts.append(chunk)
        total += len(chunk)
        if total > limit:
            return None
    return b"".join(parts)


class BoundedZip:
    """A zip whose parts are unpacked within `ZipLimits`; `read` counts what was unpacked."""

    def __init__(self, archive: zipfile.ZipFile, file: str, limits: ZipLimits):
        self.archive, self.file, self.limits = archive, file, limits
        self.unpacked = 0

    def infolist(self) -> list[zipfile.ZipInfo]:
        return self.archive.infolist()

    def namelist(self) -> list[str]:
        return self.archive.namelist()

    def check(self, info: zipfile.ZipInfo, total: int | None = None) -> None:
        """Refuse a part that declares too much, or unpacks too much for its packed size."""
        limits, place = self.limits, f"{info.filename} in the zip"
        if info.file_size > limits.member_bytes:
            raise too_big(self.file, place, info.file_size, limits.member_bytes, "one part")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FROM and ratio > limits.ratio:
            raise FileRefused(
                self.file,
                place,
                f"unpacks {size_text(info.compress_size)} into {size_text(info.file_size)} "
                f"({ratio:,.0f}:1, more than the {limits.ratio}:1 a real file has): it looks "
                "like a zip bomb and was not unpacked",
                "check where the file came from and export it again",
            )
        total = self.unpacked + info.file_size if total is None else total
        if total > limits.total_bytes:
            raise too_big(self.file, "the zip archive", total, limits.total_bytes, "a zip's parts")

    def check_all(self) -> None:
        """Check every part and their sum, for a reader (python-docx) that unpacks them all."""
        total = 0
        for info in self.infolist():
            total += info.file_size
            self.check(info, total)

    def read(self, info: zipfile.ZipInfo) -> bytes:
        """A part's bytes, checked first and read in chunks up to its limit."""
        self.check(info)
        limit = min(info.file_size, self.limits.member_bytes)
        with self.archive.open(info) as handle:
            data = _read_capped(handle, limit)
        if data is None:  # more than it declared (zipfile stops at the declared size itself)
            raise too_big(
                self.file, f"{info.filename} in the zip", limit + 1, limit, "this part declares"
            )
        self.unpacked += len(data)
        return data


@contextmanager
def open_zip(source: str | Path | bytes, file: str, limits: ZipLimits) -> Iterator[BoundedZip]:
    """A zip file (a path, or bytes already read) whose central directory is within `limits`.

    The number of parts is read from the zip's end record before zipfile lists them. Raises
    `FileRefused`, `FileNotFoundError`, or zipfile's `BadZipFile` for a file that is no zip.
    """
    with (
        _open_regular(Path(source), file, True)
        if isinstance(source, (str, Path))
        else io.BytesIO(source)
    ) as handle:
        members = _declared_members(handle)
        if members is not None and members > limits.members:
            raise FileRefused(
                file,
                "the zip archive",
                f"holds {members:,} parts, more than the {limits.members:,} a zip may hold",
                "check that this is the right file",
            )
        handle.seek(0)
        with zipfile.ZipFile(handle) as archive:
            yield BoundedZip(archive, file, limits)


END = b"PK\x05\x06"  # end of central directory record
END64_LOCATOR = b"PK\x06\x07"


def _declared_members(handle) -> int | None:
    """The number of parts the zip's end record declares, or None when there is none."""
    size = handle.seek(0, io.SEEK_END)
    tail_start = max(0, size - (22 + 65535))  # the record, then a comment of up to 64 KB
    handle.seek(tail_start)
    tail = handle.read()
    at = tail.rfind(END)
    if at < 0 or len(tail) < at + 22:
        return None
    (members,) = struct.unpack("<H", tail[at + 10 : at + 12])
    if members != 0xFFFF or at < 20 or tail[at - 20 : at - 16] != END64_LOCATOR:
        return members
    (offset,) = struct.unpack("<Q", tail[at - 12 : at - 4])  # where the zip64 end record is
    handle.seek(offset)
    record = handle.read(56)
    if len(record) < 40 or record[:4] != b"PK\x06\x06":
        return None
    return struct.unpack("<Q", record[32:40])[0]
