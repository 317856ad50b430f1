"""The report's method section ("Werkwijze"): what this cohort actually did.

Every sentence is said only when it is true of the store, with its counts in the right
singular or plural (`Labels.count`): a public record without interviews says its source holds
none (`missing.is_public_record`), a week without votes does not speak of dots.
"""

from __future__ import annotations

from dataclasses import dataclass

from wwlib.core.labels import Labels
from wwlib.core.model import PlanKind
from wwlib.present.missing import is_public_record
from wwlib.store import Store


@dataclass(frozen=True)
class WeekFacts:
    """How much of each part of the week the store holds."""

    public_record: bool  # what the store lacks, its source never held (`is_public_record`)
    interviews: int  # interviews on record, whatever their status
    held: int  # held or coded
    coded: int  # interviews with codings
    planned: int
    coders: int
    codes_used: int
    double_coded: int  # interviews coded by two or more coders: agreement is computed on these
    boards: int
    notes: int
    idea_notes: int  # notes on the solution-identification and theme boards
    rounds: int
    voters: int
    dots: int
    prioritised: int
    theme_plans: int
    unrecorded_plans: int  # theme plans without goal, current situation or steps
    integration_plans: int
    tasks: int
    owned: int  # tasks with an owner (a person or an owner note)
    dated: int  # tasks with a due date, week or month


def week_facts(store: Store) -> WeekFacts:
    """Count what the store holds of the week, for the method section."""
    interviews, codings = store.interviews(), store.codings()
    status = interviews["status"]
    boards, notes, votes = store.boards(), store.notes(), store.votes()
    idea_boards = boards.loc[boards["kind"].isin(["ideas", "theme"]), "id"]
    plans, steps, tasks = store.plans(), store.steps(), store.tasks()
    themes = plans[plans["kind"] == PlanKind.THEME.value]
    recorded = themes["goal"].fillna("").ne("") | themes["current"].fillna("").ne("")
    recorded |= themes["id"].isin(steps["plan"])
    coders_per_interview = codings.groupby("interview")["coder"].nunique()
    owners, notes_of_owners = tasks["owners"], tasks["owner_note"].fillna("")
    return WeekFacts(
        public_record=is_public_record(store.cohort()),
        interviews=len(interviews),
        held=int(status.isin(["held", "coded"]).sum()),
        coded=codings["interview"].nunique(),
        planned=int((status == "planned").sum()),
        coders=codings["coder"].nunique(),
        codes_used=codings["code"].nunique(),
        double_coded=int((coders_per_interview >= 2).sum()),
        boards=len(boards),
        notes=len(notes),
        idea_notes=int(notes["board"].isin(idea_boards).sum()),
        rounds=votes["round"].nunique(),
        # an anonymous round, once closed, names no voter: its own count is the least there were
        voters=int(max([votes["voter"].nunique(), *store.rounds()["voters"]])),
        dots=int(votes["dots"].sum()),
        prioritised=len(store.cohort().prioritised_themes),
        theme_plans=len(themes),
        unrecorded_plans=int((~recorded).sum()),
        integration_plans=int((plans["kind"] == PlanKind.INTEGRATION.value).sum()),
        tasks=len(tasks),
        owned=int(sum(bool(o) or bool(n) for o, n in zip(owners, notes_of_owners, strict=True))),
        dated=int((tasks["due_date"].notna() | tasks["due_text"].fillna("").ne("")).sum()),
    )


def method_paragraphs(store: Store, labels: Labels, title: str) -> list[dict[str, str]]:
    """The method section of the cohort in `store` (`week_facts`, `describe_week`)."""
    return describe_week(week_facts(store), labels, title)


def describe_week(facts: WeekFacts, labels: Labels, title: str) -> list[dict[str, str]]:
    """The method section as paragraphs: {"phase": "Look" or "", "text": sentences}.

    `title` is the cohort's title as it may be shown.
    """
    phases = [
        ("", [labels("report.intro.method.par", title=title)]),
        (labels("phase.look"), _look(facts, labels)),
        (labels("phase.think"), _think(facts, labels)),
        (labels("phase.act"), _act(facts, labels)),
        ("", _online(facts, labels)),
    ]
    return [{"phase": p, "text": " ".join(s)} for p, s in phases if s]


def _look(f: WeekFacts, labels: Labels) -> list[str]:
    """Interviews held, planned and coded, by how many coders; was agreement computed."""
    if f.interviews == 0:  # a public record never held them; a live week has none yet
        return [labels(f"report.method.look.none{'_source' if f.public_record else ''}")]
    said = [labels.count("report.method.look.held", f.held)]
    if f.planned:
        said.append(labels.count("report.method.look.planned", f.planned))
    if f.held:
        coders = labels.count("count.coder", f.coders)
        codes = labels.count("count.code", f.codes_used)
        said.append(labels.count("report.method.look.coded", f.coded, coders=coders, codes=codes))
    if f.coded:
        said.append(labels("report.method.look.analysis"))
        said.append(labels.count("report.method.look.agreement", f.double_coded))
    return said


def _think(f: WeekFacts, labels: Labels) -> list[str]:
    """Boards and their notes, the voting rounds, the prioritised themes."""
    said = [labels("report.method.think.ideas")] if f.idea_notes else []
    notes = labels.count("report.method.think.notes", f.notes)
    said.append(labels.count("report.method.think.boards", f.boards, notes=notes))
    if f.voters:
        rounds, dots = labels.count("count.round", f.rounds), labels.count("count.dot", f.dots)
        said.append(labels.count("report.method.think.votes", f.voters, rounds=rounds, dots=dots))
    if f.prioritised:
        said.append(labels.count("report.method.think.prioritised", f.prioritised))
    return said


def _act(f: WeekFacts, labels: Labels) -> list[str]:
    """Road to Progress plans (and how many lack their elaboration), integration, tasks."""
    said = []
    if f.theme_plans:
        said.append(labels.count("report.method.act.plans", f.theme_plans))
    if f.unrecorded_plans:
        said.append(labels.count("report.method.act.unrecorded", f.unrecorded_plans))
    if f.integration_plans:
        said.append(labels("report.method.act.integration"))
    if f.tasks:
        owned, dated = labels.number(f.owned), labels.number(f.dated)
        said.append(labels.count("report.method.act.tasks", f.tasks, owned=owned, dated=dated))
    return said


def _online(f: WeekFacts, labels: Labels) -> list[str]:
    """Where the week took place, and where its boards are in this report."""
    said = [labels("report.method.online")]
    if f.boards:
        said.append(labels("report.method.appendix"))
    return said
