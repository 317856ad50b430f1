"""The evidence trail of a task: its plan, the plan's theme, the codes behind the theme and the
interview fragments behind those codes.

The codes behind a theme are
- the theme code itself (relation "theme"),
- its child codes, whose `parent` is the theme ("child"),
- the codes that co-occur with it ("co-occurring"): codes given to a fragment that overlaps a
  fragment coded with the theme or a child (same interview, spans sharing at least one code
  point; the very same fragment counts as overlapping),
- the codes of the fragments that the sticky notes on the theme's board came from ("board"):
  on Thursday the group tied those passages to the theme themselves.

The fragments behind those codes are the passages that put them there: every fragment coded
with the theme or a child, every fragment overlapping one of those, and every fragment a note on
the theme's board links to. A task's trail lists them with the ones that share most words with
the task's title first. The notes themselves are in the trail too.

The integration plan has no theme: its trail says so and lists the themes of the cohort's theme
plans instead. Everything here only reads the store; `evidence_trail` gives raw store values
(ids, unpseudonymised text), `trail_table` and `trail_html` make them safe to show.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd
from markupsafe import Markup

from wwlib.core.errors import NotFound
from wwlib.core.model import ALL_PARTICIPANTS, category_colour
from wwlib.present import render
from wwlib.present.workbook import Workbook
from wwlib.store import Store

RELATIONS = ("theme", "child", "co-occurring", "board")
_WORD = re.compile(r"\w{4,}")  # words that say something: skips "de", "het", "een", "met"


@dataclass(frozen=True)
class TrailCode:
    """A code behind the theme: how it relates to the theme, on how many trail fragments."""

    id: str
    name: str
    category: str
    relation: str  # one of RELATIONS
    fragments: int


@dataclass(frozen=True)
class TrailFragment:
    """An interview passage: a half-open span of code points, its exact text and its codes."""

    id: int | None
    interview: str
    start: int
    end: int
    text: str
    codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class TrailNote:
    """A sticky note on the theme's board with the fragments it came from."""

    id: str
    board: str
    text: str
    author: str  # person id, '' when anonymous
    fragments: tuple[TrailFragment, ...]


@dataclass(frozen=True)
class EvidenceTrail:
    """Why a task exists: task → step → plan → theme → codes → fragments (and notes)."""

    task: str
    title: str
    owners: tuple[str, ...]  # person ids (or "@participants")
    owner_note: str
    due_text: str
    status: str
    step: int
    step_title: str
    plan: str
    plan_title: str
    plan_kind: str
    theme: str | None  # code id; None for a plan without theme (the integration plan)
    theme_name: str
    themes: tuple[TrailCode, ...]  # without theme: the themes of the cohort's theme plans
    codes: tuple[TrailCode, ...]  # theme, children, co-occurring (most fragments first)
    fragments: tuple[TrailFragment, ...]  # most words shared with the task's title first
    notes: tuple[TrailNote, ...]


def evidence_trail(store: Store, task_id: str) -> EvidenceTrail:
    """The evidence trail of one task (see the module's docstring for what it holds)."""
    return _Sources.read(store).trail(task_id)


def evidence_trails(store: Store) -> dict[str, EvidenceTrail]:
    """The evidence trail of every task, keyed by task id, reading the store once."""
    sources = _Sources.read(store)
    return {task: sources.trail(task) for task in sources.tasks["id"]}


# -- reading ------------------------------------------------------------------------------------


@dataclass
class _Sources:
    """Everything a trail is made from, read once; themes' parts computed once each."""

    store: Store
    tasks: pd.DataFrame
    steps: pd.DataFrame
    plans: pd.DataFrame
    codes: pd.DataFrame
    codings: pd.DataFrame
    boards: pd.DataFrame
    notes: pd.DataFrame
    links: pd.DataFrame
    _themes: dict[str, tuple] = field(default_factory=dict)

    @classmethod
    def read(cls, store: Store) -> _Sources:
        return cls(
            store,
            store.tasks(),
            store.steps(),
            store.plans(),
            store.codes(),
            store.codings(),
            store.boards(),
            store.notes(),
            store.note_fragments(),
        )

    def trail(self, task_id: str) -> EvidenceTrail:
        """One task's trail, its fragments ranked by the words they share with the task."""
        rows = self.tasks[self.tasks["id"] == task_id]
        if rows.empty:
            known = ", ".join(self.tasks["id"].head(8)) or "none"
            raise NotFound(f"task '{task_id}' is not in this cohort's store (tasks: {known}, ...)")
        task = rows.iloc[0]
        plan = self.plans[self.plans["id"] == task["plan"]].iloc[0]
        step = self.steps[
            (self.steps["plan"] == plan["id"]) & (self.steps["number"] == task["step"])
        ]
        theme = plan["theme"] if isinstance(plan["theme"], str) and plan["theme"] else None
        codes, fragments, notes = self._theme_parts(theme) if theme else ((), (), ())
        return EvidenceTrail(
            task=task_id,
            title=task["title"],
            owners=tuple(task["owners"]),
            owner_note=task["owner_note"] or "",
            due_text=task["due_text"] or "",
            status=task["status"],
            step=int(task["step"]),
            step_title=step["title"].iloc[0] if len(step) else "",
            plan=plan["id"],
            plan_title=plan["title"],
            plan_kind=plan["kind"],
            theme=theme,
            theme_name=self._name(theme) if theme else "",
            themes=() if theme else self._plan_themes(),
            codes=codes,
            fragments=_ranked(fragments, task["title"], theme_codes=_own_codes(codes)),
            notes=notes,
        )

    def _theme_parts(self, theme: str) -> tuple:
        """The codes, fragments and notes behind a theme (computed once per theme)."""
        if theme not in self._themes:
            own = {theme} | set(self.codes.loc[self.codes["parent"] == theme, "id"])
            near = self._overlapping(own)
            notes, links = self._board_links(theme)
            fragments = self._fragments(list(dict.fromkeys(near + links["fragment"].tolist())))
            by_id = {f.id: f for f in fragments}
            cited = tuple(
                TrailNote(
                    note.id,
                    note.board,
                    note.text,
                    note.author if isinstance(note.author, str) else "",
                    tuple(by_id[f] for f in links.loc[links["note"] == note.id, "fragment"]),
                )
                for note in notes.itertuples()
            )
            codes = self._codes(theme, own, fragments, set(near))
            self._themes[theme] = (codes, fragments, cited)
        return self._themes[theme]

    def _overlapping(self, own: set[str]) -> list[int]:
        """Fragments coded with one of `own`, and every fragment overlapping one of those."""
        codings = self.codings
        spans = codings.loc[codings["code"].isin(own), ["interview", "start", "end"]]
        pairs = codings.merge(spans.drop_duplicates(), on="interview", suffixes=("", "_own"))
        near = pairs[(pairs["start"] < pairs["end_own"]) & (pairs["end"] > pairs["start_own"])]
        return [int(f) for f in dict.fromkeys(near["fragment"])]

    def _fragments(self, ids: list[int]) -> tuple[TrailFragment, ...]:
        """Fragments with their text and codes, in the order given."""
        texts = self.store.fragment_texts(ids)
        on = self.codings[self.codings["fragment"].isin(ids)]
        codes_of = on.groupby("fragment")["code"].agg(lambda c: tuple(dict.fromkeys(c)))
        spans = on.drop_duplicates("fragment").set_index("fragment")
        return tuple(
            TrailFragment(
                f,
                spans.at[f, "interview"],
                int(spans.at[f, "start"]),
                int(spans.at[f, "end"]),
                texts.get(f, ""),
                codes_of[f],
            )
            for f in ids
        )

    def _codes(self, theme: str, own: set[str], fragments, near: set[int]) -> tuple[TrailCode, ...]:
        """The theme, its children (codebook order), then the codes met on its fragments
        (co-occurring before those only on the board's fragments; most fragments first)."""
        counts: dict[str, int] = {}
        overlapping: set[str] = set()
        for fragment in fragments:
            for code in fragment.codes:
                counts[code] = counts.get(code, 0) + 1
                if fragment.id in near:
                    overlapping.add(code)
        children = [c for c in self.codes["id"] if c in own and c != theme]
        others = sorted(
            (c for c in counts if c not in own), key=lambda c: (c not in overlapping, -counts[c])
        )
        found = [(theme, "theme")] + [(c, "child") for c in children]
        found += [(c, "co-occurring" if c in overlapping else "board") for c in others]
        return tuple(self._code(c, relation, counts.get(c, 0)) for c, relation in found)

    def _board_links(self, theme: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The notes on the theme's boards that link to fragments (in the order they were
        added), and their links: note, fragment id."""
        boards = set(self.boards.loc[self.boards["theme"] == theme, "id"])
        linked = self.notes["id"].isin(self.links["note"])
        notes = self.notes[self.notes["board"].isin(boards) & linked]
        # a link names a span; its fragment is the coded fragment with that span
        spans = self.codings.drop_duplicates(["interview", "start", "end"])
        links = self.links[self.links["note"].isin(notes["id"])].merge(
            spans[["interview", "start", "end", "fragment"]], on=["interview", "start", "end"]
        )
        return notes, links.assign(fragment=links["fragment"].astype(int))[["note", "fragment"]]

    def _plan_themes(self) -> tuple[TrailCode, ...]:
        """The themes of the cohort's theme plans, in plan order."""
        themes = self.plans.loc[self.plans["kind"] == "theme", "theme"].dropna()
        return tuple(self._code(t, "theme", 0) for t in dict.fromkeys(themes) if t)

    def _code(self, code: str, relation: str, fragments: int) -> TrailCode:
        row = self.codes[self.codes["id"] == code]
        if row.empty:
            return TrailCode(code, code, "", relation, fragments)
        return TrailCode(code, row["name"].iloc[0], row["category"].iloc[0], relation, fragments)

    def _name(self, code: str) -> str:
        names = self.codes.loc[self.codes["id"] == code, "name"]
        return names.iloc[0] if len(names) else code


def _own_codes(codes: tuple[TrailCode, ...]) -> set[str]:
    """The theme and its children among the trail's codes."""
    return {c.id for c in codes if c.relation != "co-occurring"}


def _ranked(fragments, title: str, theme_codes: set[str]) -> tuple[TrailFragment, ...]:
    """Fragments sharing most words with the task's title first, then the theme's own first."""
    words = set(_WORD.findall(title.lower()))

    def key(item):
        position, fragment = item
        shared = len(words & set(_WORD.findall(fragment.text.lower())))
        return (-shared, not theme_codes & set(fragment.codes), position)

    return tuple(f for _, f in sorted(enumerate(fragments), key=key))


# -- showing ------------------------------------------------------------------------------------


def trail_table(wb: Workbook, task_id: str) -> pd.DataFrame:
    """A task's trail as one table: link (task, step, plan, theme, code, fragment, note),
    what it says, and where it comes from; names and texts as the pseudonymiser decides."""
    trail = evidence_trail(wb.store, task_id)
    rows = [(wb.labels(f"evidence.link.{k}"), t, src) for k, t, src in _lines(wb, trail)]
    columns = ("link", "text", "source")
    return pd.DataFrame(
        {wb.labels(f"evidence.col.{c}"): [r[i] for r in rows] for i, c in enumerate(columns)}
    )


def trail_html(wb: Workbook, task_id: str, fragments: int | None = None) -> Markup:
    """A task's trail as an escaped HTML `<details>` block ("Waarom deze taak?").

    `fragments` limits how many fragments are shown (all when None).
    """
    return render_trail(wb, evidence_trail(wb.store, task_id), fragments)


def render_trail(wb: Workbook, trail: EvidenceTrail, fragments: int | None = None) -> Markup:
    """An `EvidenceTrail` as an escaped HTML `<details>` block (see `trail_html`)."""
    text, label = wb.pseudonyms.text, wb.labels
    view = {
        "task": trail.task,
        "summary": label("evidence.summary"),
        "lines": [
            (label("evidence.plan"), text(trail.plan_title)),
            (label("evidence.step"), f"{trail.step}. {text(trail.step_title)}"),
        ],
        "theme": None,
    }
    if trail.theme is None:
        names = ", ".join(text(t.name) for t in trail.themes)
        view["lines"].append((label("evidence.theme"), label("evidence.no_theme", themes=names)))
        return render.trail_html(view)
    quotable = _quotable(wb, trail.fragments)
    shown = quotable if fragments is None else quotable[:fragments]
    notes = trail.notes
    if fragments is not None:  # only the notes the fragments shown came from
        ids = {f.id for f in shown}
        notes = tuple(n for n in notes if ids & {f.id for f in n.fragments})
    rest = len(quotable) - len(shown)
    left_out = len(trail.fragments) - len(quotable)
    view |= {
        "theme": {
            "heading": label("evidence.theme"),
            "name": text(trail.theme_name),
            "colour": category_colour("theme"),
        },
        "codes_heading": label("evidence.codes"),
        "codes": [
            {
                "text": f"{text(c.name)} ({c.fragments})",
                "colour": category_colour(c.category),
                "relation": label(f"evidence.relation.{c.relation}"),
            }
            for c in trail.codes
        ],
        "fragments_heading": label("evidence.fragments"),
        "fragments": [{"text": text(f.text), "source": _source(wb, f)} for f in shown],
        "no_fragments": label("evidence.no_fragments"),
        "more": " ".join(
            ([label("evidence.more", n=rest)] if rest else [])
            + ([label("evidence.left_out", n=left_out)] if left_out else [])
        ),
        "notes_heading": label("evidence.notes"),
        "notes": [(text(n.text), _sources(wb, n.fragments)) for n in notes],
    }
    return render.trail_html(view)


def _lines(wb: Workbook, trail: EvidenceTrail) -> list[tuple[str, str, str]]:
    """(link key, text, source) for every link of the trail, top to bottom."""
    text = wb.pseudonyms.text
    owners = ", ".join(
        wb.labels("everyone") if o == ALL_PARTICIPANTS else wb.pseudonyms.name(o)
        for o in trail.owners
    )
    lines = [
        ("task", text(trail.title), owners),
        ("step", f"{trail.step}. {text(trail.step_title)}", ""),
        ("plan", text(trail.plan_title), ""),
    ]
    if trail.theme is None:
        names = ", ".join(text(t.name) for t in trail.themes)
        return lines + [("theme", wb.labels("evidence.no_theme", themes=names), "")]
    lines.append(("theme", text(trail.theme_name), ""))
    lines += [
        ("code", text(c.name), f"{wb.labels(f'evidence.relation.{c.relation}')}, {c.fragments}")
        for c in trail.codes
    ]
    # every fragment, also of who did not consent to be quoted: the researchers' own view of
    # the trail; what is shown to others (`render_trail`, the report) leaves those out
    lines += [("fragment", text(f.text), _source(wb, f)) for f in trail.fragments]
    lines += [("note", text(n.text), _sources(wb, n.fragments)) for n in trail.notes]
    return lines


def _quotable(wb: Workbook, fragments: tuple[TrailFragment, ...]) -> tuple[TrailFragment, ...]:
    """The fragments that may be quoted: not of an interview without consent to quote."""
    unquoted = wb.unquoted()
    return tuple(f for f in fragments if f.interview not in unquoted)


def _source(wb: Workbook, fragment: TrailFragment) -> str:
    """'P03, tekens 120–245': whose interview and where in it."""
    return wb.labels(
        "evidence.source",
        name=wb.pseudonyms.name(fragment.interview),
        start=fragment.start,
        end=fragment.end,
    )


def _sources(wb: Workbook, fragments: tuple[TrailFragment, ...]) -> str:
    """Whose interviews a note came from."""
    names = dict.fromkeys(wb.pseudonyms.name(f.interview) for f in fragments)
    return wb.labels("evidence.from", names=", ".join(names)) if names else ""
