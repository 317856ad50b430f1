"""Forgetting a person of a cohort (`ww forget`): in its store, its backups and its folder.

The store does the forgetting (`wwlib.store.forget`); this service decides what the person's
texts become, and where: first `ww save` (what the week wrote is in the folder, and folder
edits the store lacks stop it, changing nothing), then the store, the folder written anew by
`ww save`'s writer (a transcript file whose name held them is removed), every backup the
workbook made beside the store (`sync.backup_path`), and each store file compacted; the
recording of their interview beside the store is overwritten and deleted. Last it
searches every file under the workbook's home, beside the store and in the folder for a form
of the person's name and lists what it still finds: files the workbook did not write (a copy of
a recording's transcript, a links file, git's history) are for a person to deal with.

The command is the consent: it asks nothing. The person keeps their pseudonym, as a name and
as an id, so that counts and the rest of the cohort stay whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pandas as pd

from wwlib.cohorts.home import existing_store, home
from wwlib.cohorts.privacy import pseudonymiser
from wwlib.cohorts.recordings import erase, is_recording
from wwlib.cohorts.sync import SaveResult, backups_of, save_folder
from wwlib.core.errors import NotFound, ValidationError
from wwlib.core.labels import Labels
from wwlib.core.pseudonym import Pseudonymiser
from wwlib.core.redact import pseudonym_id
from wwlib.folder.write import transcript_paths
from wwlib.store import Store
from wwlib.store.forget import Forgetting

NOTES = ("anonymous", "remove")  # what becomes of the notes and memos they wrote
TRANSCRIPTS = ("notice", "pseudonymised")  # what becomes of their own transcript
MIN_FORM = 3  # shorter name parts are not searched for on their own


@dataclass(frozen=True)
class ForgetResult:
    """What `forget` did: the id the person has now, what changed, where, what is left."""

    person: str
    changed: dict[str, int]
    saved: SaveResult
    backups: tuple[Path, ...]
    leftovers: tuple[str, ...]  # files that still hold a form of their name
    recordings: tuple[Path, ...] = ()  # their interview's recording, deleted

    def __str__(self) -> str:
        counts = ", ".join(f"{what}: {n}" for what, n in self.changed.items() if n)
        lines = [f"forgotten; the store knows them as '{self.person}' ({counts or 'no rows'})"]
        lines.append(str(self.saved))
        if self.backups:
            lines.append(f"backups: {', '.join(b.name for b in self.backups)}")
        if self.recordings:
            lines.append(f"recording deleted: {', '.join(r.name for r in self.recordings)}")
        return "\n".join(lines)


def forget(
    folder: str | Path,
    person: str,
    notes: str = "anonymous",
    transcript: str = "notice",
    store: str | Path | None = None,
    actor: str = "ww forget",
) -> ForgetResult:
    """Forget `person` (an id or a full name) everywhere the workbook keeps the cohort.

    `notes`: their notes and memos become 'anonymous' or are 'remove'd; `transcript`: their
    own transcript becomes a 'notice' (its codings go) or its 'pseudonymised' text (codings
    kept). Raises `NotFound` for an unknown person and `SyncError` when the folder holds edits
    the store does not (run `ww update` first); both change nothing.
    """
    if notes not in NOTES:
        raise ValidationError("notes", " or ".join(NOTES), notes)
    if transcript not in TRANSCRIPTS:
        raise ValidationError("transcript", " or ".join(TRANSCRIPTS), transcript)
    folder = Path(folder)
    with existing_store(folder, store, actor=actor) as opened:
        who = _person(opened.people(), person)
        opened.checkpoint()  # no dashboard or notebook has it open: it can be compacted after
        save_folder(folder, opened)  # what only the store held is in the folder first
        before = set(transcript_paths(opened.folder_rows().content).values())
        forgetting = _forgetting(opened, who, notes, transcript)
        changed = opened.forget_person(forgetting, actor=actor)
        saved = save_folder(folder, opened)
        after = set(transcript_paths(opened.folder_rows().content).values())
        for stale in sorted(before - after):  # a transcript file named after them
            (folder / stale).unlink(missing_ok=True)
        opened.compact()
        path = opened.path
    backups = backups_of(path)
    for backup in backups:
        with Store(backup, actor=actor) as old:
            old.forget_person(forgetting, actor=actor)
            old.compact()
    recordings = tuple(erase(path, [who["id"]]))
    places = dict.fromkeys([home(), path.parent.absolute(), folder.absolute()])
    leftovers = find_name(name_forms(who["name"], who["id"]), places)
    return ForgetResult(forgetting.new_id, changed, saved, backups, tuple(leftovers), recordings)


def _person(people: pd.DataFrame, person: str) -> pd.Series:
    """The person by id, or by full name (any case); `NotFound` names the way to find them."""
    match = people[people["id"] == person]
    if match.empty:
        match = people[people["name"].str.casefold() == person.strip().casefold()]
    if len(match) != 1:
        raise NotFound(
            f"person '{person}' is not in this cohort (give their id as people.csv has it, "
            "e.g. 'ineke-verhoeven'); nothing was changed"
        )
    return match.iloc[0]


def _forgetting(store: Store, who: pd.Series, notes: str, transcript: str) -> Forgetting:
    cohort = store.cohort()
    alone = pd.DataFrame([{**who.to_dict(), "consent_named": False}])
    mentions = Pseudonymiser(
        alone,
        False,  # no one else hidden, no other replacement than their name's forms
        never_replace=cohort.never_replace,
        texts=store.free_texts(),  # their surname's spelling variants in the cohort's words
        lang=cohort.language,
    ).text
    if transcript == "pseudonymised":
        own = pseudonymiser(store, True, cohort.language).text
    else:
        notice = Labels(cohort.language)("forget.notice", pseudonym=who["pseudonym"])
        own = partial(_notice, notice)
    taken = set(store.people()["id"]) - {who["id"]}
    return Forgetting(
        person=who["id"],
        new_id=pseudonym_id(who["pseudonym"], taken),
        pseudonym=who["pseudonym"],
        remove_notes=notes == "remove",
        mentions=mentions,
        own_transcript=own,
        own_positions=transcript == "pseudonymised",
    )


def _notice(notice: str, _text: str) -> str:
    return notice


# -- what is left -------------------------------------------------------------------------


def name_forms(name: str, person_id: str = "") -> list[str]:
    """The forms of a name to search files for: whole, first name, surname with and without
    its tussenvoegsels, the id, and as e-mail addresses write it (first.last, f.last, ...)."""
    parts = name.split()
    forms = {name, person_id}
    if len(parts) > 1:
        first, rest, last = parts[0], "".join(parts[1:]), parts[-1]
        forms |= {first, last, " ".join(parts[1:])}
        for surname in {rest, last}:
            for head in (first, first[0]):
                forms |= {f"{head}.{surname}", f"{head}{surname}", f"{head}_{surname}"}
            forms.add(f"{first}-{surname}")
    return sorted(f for f in forms if len(f) >= MIN_FORM)


def find_name(forms: Iterable[str], places: Iterable[Path]) -> list[str]:
    """Every file under `places` that holds one of `forms` as a whole word, read as UTF-8 and
    as UTF-16; paths as given. Recordings beside a store are not read: they hold sound, not
    written names, can be gigabytes, and their bytes would match a short name by chance.

    A form that is one plain word, as a name's part is written ("Iris", "Verhoeven"), counts
    as written or in capitals: in lower case it is a word ("iris", "roos") or code (a script's
    "iris" browser), not a name. Every other form (an id, an e-mail form, a whole name)
    counts in any case.
    """
    forms = sorted(set(forms), key=len, reverse=True)
    words = [f for f in forms if f.isalpha() and f[:1].isupper()]
    spaced = [f for f in forms if f not in words]
    patterns = [_whole(spaced, re.IGNORECASE)] if spaced else []
    if words:
        patterns.append(_whole([v for w in words for v in (w, w.upper())], 0))
    found = []
    for place in places:
        files = sorted(
            p
            for p in Path(place).rglob("*")
            if p.is_file() and not p.is_symlink() and not is_recording(p)
        )
        for path in files:
            readings = list(_readings(path.read_bytes()))
            if any(p.search(text) for p in patterns for text in readings):
                found.append(str(path))
    return list(dict.fromkeys(found))


def _whole(forms: list[str], flags: int) -> re.Pattern:
    alternatives = "|".join(map(re.escape, forms))
    return re.compile(rf"(?<![^\W_])({alternatives})(?![^\W_])", flags)


def _readings(data: bytes) -> Iterable[str]:
    """A file's bytes as UTF-8, and as UTF-16 of either byte order from either offset."""
    yield data.decode("utf-8", errors="ignore")
    for encoding in ("utf-16-le", "utf-16-be"):
        for offset in (0, 1):
            yield data[offset:].decode(encoding, errors="ignore")
