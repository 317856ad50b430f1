"""The report's method section ("Werkwijze"): what this cohort actually did.

Every sentence is said only when it is true of the store, with its counts in the right
singular or plural (`Labels.count`): a public record without interviews says its source holds
none (`missing.is_public_record`), a week without votes does not speak of dots.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from wwlib.core.consent import consents, dated
from wwlib.core.dates import long_date
from wwlib.core.labels import Labels
from wwlib.core.model import PlanKind, Role
from wwlib.core.pseudonym import Pseudonymiser
from wwlib.present.missing import is_public_record
from wwlib.store import Store


@dataclass(frozen=True)
class WeekFacts:
    """How much of each part of the week the store holds."""

    public_record: bool  # what the store lacks, its source never held (`is_public_record`)
    interviews: int  # interviews on record, whatever their status
    held: int  # held or coded
    coded: int  # interviews whose status is coded: what the interview chart calls coded
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
    begun: int = 0  # interviews with codings whose status is not yet coded


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
    coded_on = codings["interview"].unique()  # interviews with codings, whatever their status
    owners, notes_of_owners = tasks["owners"], tasks["owner_note"].fillna("")
    return WeekFacts(
        public_record=is_public_record(store.cohort()),
        interviews=len(interviews),
        held=int(status.isin(["held", "coded"]).sum()),
        coded=int((status == "coded").sum()),
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
        begun=int((status.ne("coded") & interviews["participant"].isin(coded_on)).sum()),
    )


@dataclass(frozen=True)
class ConsentFacts:
    """The consent on record (people.csv's consent columns), as the method section sums it up."""

    participants: int
    named: int  # participants who consented to being named
    recording: int  # ... to a recording of their interview
    quotes: int  # ... to being quoted verbatim
    first: dt.date | None  # the earliest and latest date consent was given (anyone's)
    last: dt.date | None
    covers: tuple[str, ...]  # what it covers, each text once, in people order
    unrecorded: tuple[str, ...]  # ids of people (any role) without a date of consent


def consent_facts(store: Store) -> ConsentFacts:
    """Count the consent on record in `store`."""
    people = store.people()
    participants = people[people["role"] == Role.PARTICIPANT.value]
    dates = sorted(dt.date.fromisoformat(d) for d in people["consent_date"] if d)
    covers = [c.strip() for c in people["consent_covers"] if c and c.strip()]
    return ConsentFacts(
        participants=len(participants),
        named=int(consents(participants, "named").sum()),
        recording=int(consents(participants, "recording").sum()),
        quotes=int(consents(participants, "quotes").sum()),
        first=dates[0] if dates else None,
        last=dates[-1] if dates else None,
        covers=tuple(dict.fromkeys(covers)),
        unrecorded=tuple(people.loc[~dated(people), "id"]),
    )


def describe_consent(facts: ConsentFacts, labels: Labels, names: Pseudonymiser) -> str:
    """The consent on record in one paragraph: who consented to what, when, what it covers and
    who has none on record; people and texts as `names` shows them."""
    counts = {
        "named": labels.number(facts.named),
        "recording": labels.number(facts.recording),
        "quotes": labels.number(facts.quotes),
    }
    said = [labels.count("report.method.consent.given", facts.participants, **counts)]
    if facts.first and facts.first == facts.last:
        said.append(labels("report.method.consent.date", date=long_date(facts.first, labels)))
    elif facts.first:
        first, last = (long_date(d, labels, weekday=False) for d in (facts.first, facts.last))
        said.append(labels("report.method.consent.dates", first=first, last=last))
    if facts.covers:
        covers = "; ".join(names.text(c) for c in facts.covers)
        said.append(labels("report.method.consent.covers", covers=covers))
    if facts.unrecorded:
        who = ", ".join(names.name(p) for p in facts.unrecorded)
        unrecorded = len(facts.unrecorded)
        said.append(labels.count("report.method.consent.unrecorded", unrecorded, names=who))
    else:
        said.append(labels("report.method.consent.all_recorded"))
    return " ".join(said)


def consent_paragraph(
    store: Store, labels: Labels, names: Pseudonymiser | None = None
) -> dict[str, str]:
    """The method section's paragraph on consent (`consent_facts`, `describe_consent`); names
    as `names` shows them (default: by pseudonym whoever did not consent to being named)."""
    if names is None:
        names = Pseudonymiser(store.people(), False, store.cohort().mentioned_names)
    text = describe_consent(consent_facts(store), labels, names)
    return {"phase": labels("report.method.consent"), "text": text}


def method_paragraphs(
    store: Store, labels: Labels, title: str, names: Pseudonymiser | None = None
) -> list[dict[str, str]]:
    """The method section of the cohort in `store` (`week_facts`, `describe_week`), with the
    consent on record last (`consent_paragraph`, names as `names` shows them)."""
    week = describe_week(week_facts(store), labels, title)
    return week + [consent_paragraph(store, labels, names)]


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
    if f.begun:  # codings on interviews not (yet) marked coded: the chart says what they are
        said.append(labels.count("report.method.look.begun", f.begun))
    if f.coded or f.begun:
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
