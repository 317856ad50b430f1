"""Personal links: the file that tells each person of a cohort their dashboard addresses.

`ww dashboard DIR --links FILE` writes FILE once the server serves: a CSV with the columns
`person,role,notebook,url`, a row per person and phase notebook. The URL carries the person's
secret (`?key=...`); the store keeps only its hash, so FILE is the one place a link can be read
again: it is written readable by its owner only, and never into the cohort folder.

Run again with the same FILE, the links in it that still work are kept (a restarted server
keeps everyone's link); a person without a working link gets a new one. `ww links DIR --revoke
PERSON` makes a person's old link useless at once, and writes the new one into FILE.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
import urllib.parse
from pathlib import Path

from wwlib.core.errors import RunError
from wwlib.store import Store

COLUMNS = ("person", "role", "notebook", "url")


def key_of(url: str) -> str:
    """The secret a personal link carries ('' if none)."""
    return urllib.parse.parse_qs(urllib.parse.urlsplit(url).query).get("key", [""])[0]


def read_links(path: Path) -> list[dict[str, str]]:
    """The rows of a links file ([] when there is none yet)."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise RunError(
                f"{path} is not a links file (its header must be {','.join(COLUMNS)}); "
                "give another --links FILE"
            )
        return list(reader)


def working_secrets(store: Store, rows: list[dict[str, str]]) -> dict[str, str]:
    """person -> the secret of their link in `rows`, for the links that still open as them."""
    found = {}
    for row in rows:
        secret = key_of(row["url"])
        person = store.person_for_secret(secret)
        if person and person[0] == row["person"]:
            found[row["person"]] = secret
    return found


def write_links(store_path: Path, dashboard, notebooks: list[str], path: Path) -> Path:
    """Write every person's personal link per notebook to `path`; returns `path`."""
    with Store(store_path, actor="ww dashboard") as store:
        kept = working_secrets(store, read_links(path))
        people = store.people()
        lang = store.cohort().language
        rows = []
        for person, role in zip(people["id"], people["role"], strict=True):
            secret = kept.get(person) or store.issue_link(person)
            for notebook in notebooks:
                query = {"key": secret} | ({"lang": lang} if lang != "nl" else {})
                rows.append((person, role, Path(notebook).stem, dashboard.url(notebook, **query)))
    write_private(path, rows)
    return path


def revoke(store_path: Path, person: str, path: Path | None) -> str:
    """A new link for `person` (the old one stops working); FILE's rows of them are updated."""
    with Store(store_path, actor="ww links") as store:
        secret = store.issue_link(person)
    if path is None or not path.exists():
        return (
            f"the old link of {person} no longer works; `ww dashboard DIR --links FILE` "
            "writes their new one"
        )
    rows = []
    for row in read_links(path):
        url = row["url"]
        if row["person"] == person:
            parts = urllib.parse.urlsplit(url)
            query = urllib.parse.parse_qs(parts.query) | {"key": [secret]}
            url = parts._replace(query=urllib.parse.urlencode(query, doseq=True)).geturl()
        rows.append((row["person"], row["role"], row["notebook"], url))
    write_private(path, rows)
    return f"the old link of {person} no longer works; their new links are in {path}"


def write_private(path: Path, rows: list[tuple[str, ...]]) -> None:
    """Write the CSV whole or not at all, readable and writable by its owner only."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(handle, 0o600)
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(buffer.getvalue())
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
