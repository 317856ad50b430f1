"""What a cohort does not hold yet, and the one sentence that says which step of the week fills it.

Every notebook, dashboard panel and the report shows an empty part the same way: `missing(wb,
part)` is '' when the part has something to show, else the sentence for the first thing it
needs that the cohort lacks, in the order the week fills them ("Nog geen transcripten:
importeer ze op dinsdag met `ww import transcripts`."). The sentences live in the label
catalogue (`wwlib/core/labels/missing.yaml`); `wwlib.present.render.empty_html` shows one.

A cohort that is a public record (`is_public_record`: its `source` names one, as the bundled
Limburg week's does) lacks those parts for good: there the sentence says that the source does
not hold them, and nothing in the workbook makes them up.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from wwlib.core.model import Cohort
from wwlib.present.workbook import Workbook
from wwlib.store import Store

# Words in a cohort's `source` that name a public record (data/README.md, `source`).
PUBLIC_RECORD = re.compile(
    r"\b(openba(?:ar|re)\s+(?:documenten|document|bronnen|bron|verslag|tekst)"
    r"|public\s+(?:records?|documents?|sources?))\b",
    re.IGNORECASE,
)

Check = Callable[[Store, dict], bool]


def _any(frame_of: Callable[[Store], object]) -> Check:
    """A check that a store frame has a row."""
    return lambda store, _context: not frame_of(store).empty


def _kind(column: str, value: str, frame_of: Callable[[Store], object]) -> Check:
    """A check that a store frame has a row whose `column` is `value`."""
    return lambda store, _context: bool((frame_of(store)[column] == value).any())


def _coded_category(category: str) -> Check:
    return _kind("category", category, lambda s: s.codings())


def _two_coders(store: Store, _context: dict) -> bool:
    codings = store.codings()
    return bool((codings.groupby("interview")["coder"].nunique() > 1).any())


def _pairs(store: Store, _context: dict) -> bool:
    codings = store.codings()
    return bool((codings.groupby("interview")["code"].nunique() > 1).any())


def _board_notes(store: Store, context: dict) -> bool:
    return not store.notes(context["board"]).empty if context.get("board") else False


def _plan_text(store: Store, context: dict) -> bool:
    plans = store.plans().set_index("id")
    plan = context.get("plan", "")
    if plan not in plans.index:
        return False
    texts = (plans.at[plan, "goal"], plans.at[plan, "current"])
    return any(isinstance(t, str) and t.strip() for t in texts) or bool(
        (store.steps()["plan"] == plan).any()
    )


def _dated_tasks(store: Store, _context: dict) -> bool:
    return bool(store.tasks()["due_date"].notna().any())


# need: whether the cohort holds it. The sentence is the label `missing.<need>` (or SAID_AS).
NEEDS: dict[str, Check] = {
    "people": _any(lambda s: s.people()),
    "participants": _kind("role", "participant", lambda s: s.people()),
    "programme": _any(lambda s: s.sessions()),
    "guide": lambda store, _context: bool(store.interview_guide()),
    "interviews": _any(lambda s: s.interviews()),
    "transcripts": lambda store, _context: bool(store.interviews()["transcript"].notna().any()),
    "codebook": _any(lambda s: s.codes()),
    "codings": _any(lambda s: s.codings()),
    "obstacles": _coded_category("obstacle"),
    "pairs": _pairs,
    "two_coders": _two_coders,
    "themes": _kind("category", "theme", lambda s: s.codes()),
    "shortlist": _any(lambda s: s.shortlist()),
    "kickoff_board": _kind("kind", "kickoff", lambda s: s.boards()),
    "ideas_board": _kind("kind", "ideas", lambda s: s.boards()),
    "boards": _any(lambda s: s.boards()),
    "theme_boards": _any(lambda s: s.theme_boards()),
    "notes": _any(lambda s: s.notes()),
    "board_notes": _board_notes,
    "votes": _any(lambda s: s.votes()),
    "prioritised": lambda store, _context: bool(store.cohort().prioritised_themes),
    "plans": _kind("kind", "theme", lambda s: s.plans()),
    "plan_any": _any(lambda s: s.plans()),
    "plan_text": _plan_text,
    "integration_plan": _kind("kind", "integration", lambda s: s.plans()),
    "steps": _any(lambda s: s.steps()),
    "tasks": _any(lambda s: s.tasks()),
    "dated_tasks": _dated_tasks,
}

# a need said with another need's sentence: a plan of any kind is made as the theme plans are
SAID_AS = {"plan_any": "plans"}
_CODED = ("participants", "interviews", "transcripts", "codebook", "codings")
# part of the week: what it needs, in the order the week fills them
PARTS: dict[str, tuple[str, ...]] = {
    "people": ("people",),
    "participants": ("participants",),
    "programme": ("programme",),
    "kickoff_board": ("kickoff_board",),
    "guide": ("guide",),
    "interviews": ("participants", "interviews"),
    "transcripts": ("participants", "interviews", "transcripts"),
    "codebook": ("codebook",),
    "codings": _CODED,
    "obstacles": (*_CODED, "obstacles"),
    "cooccurrence": (*_CODED, "pairs"),
    "agreement": (*_CODED, "two_coders"),
    "shortlist": ("themes", "shortlist"),
    "ideas_board": ("ideas_board",),
    "boards": ("boards",),
    "theme_boards": ("themes", "shortlist", "theme_boards"),
    "notes": ("boards", "notes"),
    "board_notes": ("board_notes",),
    "votes": ("boards", "notes", "votes"),
    "prioritised": ("themes", "shortlist", "prioritised"),
    "plans": ("themes", "shortlist", "prioritised", "plans"),
    "plan_text": ("plan_text",),
    "integration_plan": ("integration_plan",),
    "steps": ("steps",),
    "tasks": ("plan_any", "steps", "tasks"),
    "dated_tasks": ("plan_any", "steps", "tasks", "dated_tasks"),
}


# the part that says a plan of a kind is missing
PLAN_PARTS = {"theme": "plans", "integration": "integration_plan"}


def is_public_record(cohort: Cohort) -> bool:
    """Whether a cohort is a public record: its `source` names one ("de openbare documenten",
    "openbare bron", "public record"). Its empty parts were never recorded, not still to come."""
    return bool(PUBLIC_RECORD.search(cohort.source or ""))


def missing(wb: Workbook, part: str, **context: str) -> str:
    """The sentence for the first thing `part` needs that the cohort lacks; '' when it has all.

    A public record lacks it for good: its sentence says the source does not hold the part.

    `context` names the board (`board=`) or plan (`plan=`) of a part about one of them.
    """
    if part not in PARTS:
        raise KeyError(f"no part '{part}' of the week; known: {', '.join(PARTS)}")
    for need in PARTS[part]:
        if not _holds(wb, need, context):
            # a week under way: the first step still to take; a public record: the part itself
            said = PARTS[part][-1] if _state(wb)[1] else need
            return sentence(wb, SAID_AS.get(said, said))
    return ""


def sentence(wb: Workbook, need: str) -> str:
    """The sentence that says `need` is missing: which step fills it, or that the source of a
    public record does not hold it."""
    public = _state(wb)[1]
    return wb.labels(f"missing.{need}.source" if public else f"missing.{need}")


def _holds(wb: Workbook, need: str, context: dict) -> bool:
    """Whether the cohort holds `need`, read once per state of the store (and context)."""
    known = _state(wb)[2]
    key = (need, tuple(sorted(context.items())))
    if key not in known:
        known[key] = NEEDS[need](wb.store, context)
    return known[key]


def _state(wb: Workbook) -> tuple[int, bool, dict]:
    """(change count, public record, the needs read so far), kept until the store changes."""
    count = wb.store.change_count()
    cached = getattr(wb, "_missing", None)
    if cached is None or cached[0] != count:
        cached = (count, is_public_record(wb.store.cohort()), {})
        wb._missing = cached
    return cached
