"""An interview's recording, kept beside the store: never in the cohort folder, never uploaded.

A recording is personal data (a voice says more than a transcript). `attach` copies it into the
store's media folder (`home.media_folder`: `heideveld-2027.media/` beside
`heideveld-2027.sqlite`) as the interview's id with the file's own extension
(`ineke-verhoeven.m4a`). The store's schema knows nothing of it: a file named by the interview
is the whole record, so a store copied without its folder simply has no recordings.

Only what a browser plays is taken (`MEDIA_TYPES`), up to `limits.MEDIA_BYTES`. `ww forget`
erases the person's recording (`erase`), `ww purge` the whole folder (`erase_all`), each file
overwritten with zeros first, as purge does with the rest. A recording is kept only of
someone whose consent to one is on record (`check_consent`, `wwlib.core.consent`).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from wwlib.cohorts.erase import erase as erase_path
from wwlib.cohorts.home import MEDIA_FOLDER, media_folder
from wwlib.core.consent import consents, dated
from wwlib.core.errors import ConsentError, FileRefused, StoreError, ValidationError
from wwlib.core.limits import MEDIA_BYTES, copy_regular

# what a browser's <audio> and <video> play, by extension, with the type it is served as
MEDIA_TYPES = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".wav": "audio/wav",
    ".ogg": "audio/ogg",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
}
INTERVIEW_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,199}")  # a file name of its own


def check_recording(file: str | Path) -> str:
    """The extension of a recording the workbook keeps (lower case); `FileRefused` naming the
    file when it is of another type, missing or no regular file. Reads nothing."""
    path = Path(file)
    suffix = path.suffix.lower()
    if suffix not in MEDIA_TYPES:
        raise FileRefused(
            path.name,
            "",
            f"is {'a ' + suffix + ' file' if suffix else 'a file without extension'}, not a "
            f"recording a browser plays ({', '.join(MEDIA_TYPES)}); nothing was changed",
            "convert it first, e.g. `ffmpeg -i FILE recording.m4a`",
        )
    if not path.exists():
        raise FileRefused(path.name, "", f"does not exist ({path}); nothing was changed")
    if not path.is_file():
        raise FileRefused(path.name, "", "is not a regular file; nothing was changed")
    return suffix


def check_consent(people: pd.DataFrame, person: str) -> None:
    """A `ConsentError` naming the person and the field when `person` (an id of `people`, the
    store's) has no consent to a recording on record: `consent_recording: ja` with a
    `consent_date`. Nothing is read or copied before it."""
    who = people[people["id"] == person]
    if who.empty or bool(consents(who, "recording").iloc[0]):
        return  # an unknown person: the caller's own check says so
    field = "consent_recording" if dated(who).iloc[0] else "consent_date"
    got = "nee" if field == "consent_recording" else "empty"
    raise ConsentError(
        person,
        field,
        f"{who['name'].iloc[0]} ({person}) has no consent to a recording on record "
        f"(people.csv, field '{field}': {got}); nothing was kept",
        "record their consent in people.csv (consent_recording: ja and the consent_date) "
        "and run `ww update`, then import the recording again",
    )


def check_outside(folder: str | Path | None, store: str | Path) -> None:
    """A `StoreError` when the recordings of `store` would lie in the cohort folder `folder`
    (a store kept in it): the folder goes to colleagues and into git, a recording never."""
    if folder is None:
        return
    place = media_folder(store).absolute().resolve()
    if place.is_relative_to(Path(folder).absolute().resolve()):
        raise StoreError(
            f"the store {store} lies in the cohort folder {folder}, and its recordings would "
            "too; keep the store outside it (the default place, or --store elsewhere); "
            "nothing was changed"
        )


def mime_type(path: str | Path) -> str:
    """The type a recording is played as, by its extension."""
    return MEDIA_TYPES[Path(path).suffix.lower()]


def recording(store: str | Path, interview: str) -> Path | None:
    """The recording of `interview` beside `store`, or None when it has none."""
    if not INTERVIEW_ID.fullmatch(interview or ""):
        return None
    folder = media_folder(store)
    for suffix in MEDIA_TYPES:
        path = folder / f"{interview}{suffix}"
        if path.is_file() and not path.is_symlink():
            return path
    return None


def recorded(store: str | Path) -> set[str]:
    """The interviews of `store` that have a recording."""
    folder = media_folder(store)
    if not folder.is_dir():
        return set()
    return {
        p.stem
        for p in folder.iterdir()
        if INTERVIEW_ID.fullmatch(p.stem) and p.suffix.lower() in MEDIA_TYPES
        and p.is_file() and not p.is_symlink()
    }  # fmt: skip


class StagedRecording:
    """A recording copied into the media folder under a temporary name, checked and complete;
    `keep` gives it the interview's name (replacing an earlier recording), `discard` removes
    it. Copy first, change the store, then keep: a refused file changes nothing."""

    def __init__(self, store: str | Path, file: str | Path):
        self.suffix = check_recording(file)
        self.folder = media_folder(store)
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=".incoming-", suffix=self.suffix, dir=self.folder)
        os.close(handle)
        os.unlink(name)
        self.path: Path | None = Path(name)
        try:
            self.size = copy_regular(file, self.path, MEDIA_BYTES, "a recording")
        except BaseException:
            self.discard()
            raise

    def keep(self, interview: str) -> Path:
        """The recording as `interview`'s; an earlier one of another type is erased."""
        if not INTERVIEW_ID.fullmatch(interview or ""):
            self.discard()
            raise ValidationError("interview", "an id of letters, digits, '-', '_'", interview)
        target = self.folder / f"{interview}{self.suffix}"
        for earlier in self.folder.glob(f"{_glob_escape(interview)}.*"):
            if earlier != target and earlier.suffix.lower() in MEDIA_TYPES:
                erase_path(earlier)
        os.replace(self.path, target)
        self.path = None
        return target

    def discard(self) -> None:
        """Remove the copy (nothing was kept)."""
        if self.path is not None:
            self.path.unlink(missing_ok=True)
            self.path = None


def attach(store: str | Path, interview: str, file: str | Path) -> Path:
    """Copy `file` beside `store` as `interview`'s recording; the path it has there."""
    return StagedRecording(store, file).keep(interview)


def erase(store: str | Path, interviews: Iterable[str]) -> list[Path]:
    """Overwrite and delete the recordings of `interviews`; the paths they had."""
    erased = []
    for interview in interviews:
        path = recording(store, interview)
        if path is not None:
            erase_path(path)
            erased.append(path)
    return erased


def erase_all(store: str | Path) -> Path | None:
    """Overwrite every file of a store's media folder and delete the folder; its path, or None
    when there was none."""
    folder = media_folder(store)
    if not folder.is_dir() or folder.is_symlink():
        return None
    erase_path(folder)
    return folder


def is_recording(path: Path) -> bool:
    """Whether `path` is a recording in a media folder (the search for names leaves those out:
    they hold sound, not written names, and can be gigabytes)."""
    return path.parent.name.endswith(MEDIA_FOLDER) and path.suffix.lower() in MEDIA_TYPES


def _glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)
