"""Writing a store's content as a cohort folder (data/README.md) that `ww check` accepts.

`folder_texts` renders every file a folder holds from one snapshot of the store (`FolderRows`),
deterministically: the same store gives byte-identical files, rows in the store's order, so
that `git diff` after `ww save` shows what the group did. Beside the files people write it
writes what only the store held so far: voting rounds (rounds.csv), speaker turns with who
they are and their times (turns.csv), memos (memos.csv) and REFI-QDA GUIDs (guids.csv). A
coding is written as its quote, with `occurrence` when the same text occurs earlier in the
transcript (counted as the loader counts, overlaps included). Only the change log stays in
the store alone: it is the audit trail, not content.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import yaml

from wwlib.core.errors import StoreError
from wwlib.core.model import Coding, Cohort, Transcript, category_colour
from wwlib.core.records import ExchangeContent, FolderRows
from wwlib.folder.dataset import COLUMNS
from wwlib.folder.identity import span_text

# The files a folder holds that `ww save` writes, in the order they are written (transcripts/
# besides); a file is written even without rows, so that the folder says what it could hold.
FILES = (
    "cohort.yaml",
    "people.csv",
    "programme.csv",
    "codebook.csv",
    "interviews.csv",
    "codings.csv",
    "boards.csv",
    "notes.csv",
    "votes.csv",
    "rounds.csv",
    "plans.yaml",
    "turns.csv",
    "memos.csv",
    "guids.csv",
)
_SAFE_PATH = re.compile(r"^transcripts/[A-Za-z0-9][A-Za-z0-9._ -]*\.(md|txt)$")


def write_cohort_folder(store, folder: str | Path) -> Path:
    """Write the cohort in `store` as a new cohort folder; returns the folder.

    The folder must not exist yet or be empty: nothing a person wrote is overwritten.
    """
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise StoreError(f"folder {folder} exists and is not empty; give a new folder")
    rows = store.folder_rows()
    if rows.content.cohort is None:
        raise StoreError(f"store {store.path} holds no cohort to write")
    for relative, text in folder_texts(rows).items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        write_text(folder / relative, text)
    return folder


def folder_texts(rows: FolderRows) -> dict[str, str]:
    """Every file of the folder for these rows: {path relative to the folder: text}."""
    content = rows.content
    paths = transcript_paths(content)
    texts = {
        "cohort.yaml": _cohort_yaml(rows),
        "people.csv": _records_csv("people.csv", content.people),
        "programme.csv": _records_csv("programme.csv", content.sessions),
        "codebook.csv": _records_csv("codebook.csv", content.codes, colour=_own_colour),
        "interviews.csv": _records_csv(
            "interviews.csv", content.interviews, transcript=lambda i: paths.get(i.participant, "")
        ),
        "codings.csv": _codings_csv(content),
        "boards.csv": _records_csv("boards.csv", rows.boards),
        "notes.csv": _notes_csv(rows),
        "votes.csv": _records_csv("votes.csv", rows.votes),
        "rounds.csv": _records_csv("rounds.csv", rows.rounds),
        "plans.yaml": _plans_yaml(rows),
        "turns.csv": _turns_csv(rows, content),
        "memos.csv": _memos_csv(content),
        "guids.csv": _guids_csv(content),
    }
    for transcript in content.transcripts:
        texts[paths[transcript.interview]] = transcript.text
    return texts


def transcript_paths(content: ExchangeContent) -> dict[str, str]:
    """Where each transcript lives in the folder: where it came from, else transcripts/<id>."""
    paths, taken = {}, set()
    for transcript in content.transcripts:
        path = transcript.source
        if not _SAFE_PATH.match(path) or path in taken:
            suffix = "md" if content.formats.get(transcript.interview) == "md" else "txt"
            path = f"transcripts/{transcript.interview}.{suffix}"
        paths[transcript.interview] = path
        taken.add(path)
    return paths


def write_text(path: Path, text: str) -> None:
    """A file's text as UTF-8 bytes: no BOM, no newline translation."""
    path.write_bytes(text.encode("utf-8"))


def _csv(name: str, rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS[name])
    writer.writerows(rows)
    return out.getvalue()


def _records_csv(name: str, records, **computed: Callable[[object], str]) -> str:
    """A row per record: a column is the record's field of its name, or `computed[column]`."""
    return _csv(
        name,
        [
            [computed[c](r) if c in computed else _cell(getattr(r, c)) for c in COLUMNS[name]]
            for r in records
        ],
    )


def _own_colour(code) -> str:
    """A code's colour as its folder row holds it: empty when it is its category's own (the
    store fills that in), so that a save does not write the week's colours into every row."""
    return "" if code.colour.lower() == category_colour(code.category).lower() else code.colour


def _cell(value: object) -> object:
    """A field as a folder writes it: yes/no as ja/nee, a date as YYYY-MM-DD, None as ''."""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else value


def _cohort_yaml(rows: FolderRows) -> str:
    c = rows.content.cohort
    data = {
        "id": c.id,
        "title": c.title,
        "municipalities": list(c.municipalities),
        "start": c.start,  # a date: written unquoted, as people write it
        "end": c.end,
        "language": c.language,
        "research_question": c.research_question,
    }
    for key in ("prioritised_themes", "source", "mentioned_names"):  # optional: left out empty
        if getattr(c, key):
            data[key] = getattr(c, key) if key == "source" else list(getattr(c, key))
    if c.interview_guide:
        data["interview_guide"] = list(c.interview_guide)
    if c.never_replace:
        data["never_replace"] = list(c.never_replace)
    if c.min_group != Cohort.min_group:  # the default is left out
        data["min_group"] = c.min_group
    if c.retention:
        data["retention"] = c.retention
    if rows.shortlist != list(c.prioritised_themes):  # without it, the prioritised themes
        data["shortlist"] = list(rows.shortlist)
    if rows.focus_groups:
        data["focus_groups"] = [
            {"id": g.id, "name": g.name, "members": list(g.members), "themes": list(g.themes)}
            for g in rows.focus_groups
        ]
    return _yaml(data)


def _yaml(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def _codings_csv(content: ExchangeContent) -> str:
    texts = {t.interview: t for t in content.transcripts}
    return _csv(
        "codings.csv", [_coding_row(c, texts[c.fragment.interview]) for c in content.codings]
    )


def _coding_row(coding: Coding, transcript: Transcript) -> list[str]:
    quote, f = coding.fragment.quote(transcript.text), coding.fragment
    # codings.csv's cells are read stripped: a fragment with white space at an end keeps its span
    exact = quote == quote.strip()
    return [
        f.interview,
        coding.code,
        coding.coder,
        quote.strip(),
        _occurrence(transcript.text, quote, f.start) if exact else "",
        coding.memo,
        "" if exact else f"{f.start}-{f.end}",
    ]


def _occurrence(text: str, quote: str, start: int) -> str:
    """'' when the quote's first place is `start`, else which place it is (from 1)."""
    found, n = text.find(quote), 1
    while 0 <= found < start:
        found, n = text.find(quote, found + 1), n + 1
    return "" if n == 1 else str(n)


def _notes_csv(rows: FolderRows) -> str:
    """Notes; a linked fragment as `interview:n` (its coding row), else `interview:start-end`."""
    numbers, rows_so_far = {}, Counter()
    for coding in rows.content.codings:  # in codings.csv's row order
        rows_so_far[coding.fragment.interview] += 1
        numbers.setdefault(coding.fragment, rows_so_far[coding.fragment.interview])

    def ref(fragment) -> str:
        number = numbers.get(fragment)
        return f"{fragment.interview}:{number}" if number else span_text(fragment)

    return _records_csv("notes.csv", rows.notes, quotes=lambda n: ";".join(map(ref, n.fragments)))


def _plans_yaml(rows: FolderRows) -> str:
    plans = [_plan(plan) for plan in rows.plans]
    return "# Road to Progress plans and the integration plan (data/README.md)\n" + (
        _yaml(plans) if plans else "[]\n"
    )


def _plan(plan) -> dict:
    data = {"id": plan.id, "kind": plan.kind}
    if plan.theme:
        data["theme"] = plan.theme
    data["title"] = plan.title
    for key in ("goal", "current"):
        if getattr(plan, key):
            data[key] = getattr(plan, key)
    data["steps"] = [_step(step) for step in plan.steps]
    if plan.obstacles:
        data["obstacles"] = [
            {"obstacle": o.obstacle, "way_to_deal": o.way_to_deal} for o in plan.obstacles
        ]
    if plan.helping_factors:
        data["helping_factors"] = list(plan.helping_factors)
    return data


def _step(step) -> dict:
    data = {"title": step.title}
    if step.description:
        data["description"] = step.description
    if step.feedback:
        data["feedback"] = True
    data["tasks"] = [_task(task) for task in step.tasks]
    return data


def _task(task) -> dict:
    data = {"id": task.id, "title": task.title, "owners": list(task.owners)}
    if task.owner_note:
        data["owner_note"] = task.owner_note
    if task.due:
        data["due"] = task.due.text
    data["status"] = task.status
    if task.note:
        data["note"] = task.note
    return data


def _seconds(value: float | None) -> str:
    return "" if value is None else repr(float(value))


def _turns_csv(rows: FolderRows, content: ExchangeContent) -> str:
    order = [t.interview for t in content.transcripts]
    return _csv(
        "turns.csv",
        [
            [interview, n, t.speaker, t.person, _seconds(t.time_start), _seconds(t.time_end)]
            for interview in order
            for n, t in enumerate(rows.turns.get(interview, ()), start=1)
        ],
    )


def _memos_csv(content: ExchangeContent) -> str:
    return _csv(
        "memos.csv",
        [
            [
                m.target,
                span_text(m.fragment) if m.fragment else m.target_id,
                m.author,
                m.created_at,
                m.text,
                m.guid,
            ]
            for m in content.memos
        ],
    )


def _guids_csv(content: ExchangeContent) -> str:
    g = content.guids
    rows = [["cohort", content.cohort.id, content.cohort_guid]] if content.cohort_guid else []
    rows += [["person", key, g.person[key]] for key in g.person]
    rows += [["code", key, g.code[key]] for key in g.code]
    rows += [["transcript", key, g.transcript[key]] for key in g.transcript]
    rows += [["fragment", span_text(f), guid] for f, guid in g.fragment.items()]
    rows += [
        ["coding", f"{span_text(f)}|{code}|{coder}", guid]
        for (f, code, coder), guid in g.coding.items()
    ]
    return _csv("guids.csv", [row for row in rows if row[2]])
