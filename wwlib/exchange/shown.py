"""What a REFI-QDA export may write of a cohort: its people as its pseudonymiser shows them.

A person shown by pseudonym (one who did not consent to be named, or everyone with
`--pseudonymise`) is written by their code: as Case, User and the name of their interview's
source, and as a User's id too (an id is often a name: 'ineke-verhoeven' becomes 'p01').
Their function is left out, and their organisation and municipality unless at least
`min_group` people of the cohort share them: next to a pseudonym either would name them. Every
text the project holds has the hidden names replaced (transcripts, memos, coding memos, the
project's name and description, the codes' names and descriptions); a transcript's fragments,
and the codings and memos on them, move along with its words (`wwlib.core.redact.Rewrite`).
"""

from __future__ import annotations

from dataclasses import replace

from wwlib.core.model import Fragment, Guids, MemoRecord, Person
from wwlib.core.pseudonym import Pseudonymiser
from wwlib.core.records import ExchangeContent
from wwlib.core.redact import Rewrite, pseudonym_id, rewrite


def shown_codebook(content: ExchangeContent, names: Pseudonymiser) -> ExchangeContent:
    """The content with the codebook's names and descriptions as an export may show them."""
    codes = [
        replace(c, name=names.text(c.name), description=names.text(c.description))
        for c in content.codes
    ]
    cohort = content.cohort and replace(
        content.cohort,
        title=names.text(content.cohort.title),
        research_question=names.text(content.cohort.research_question),
    )
    return replace(content, cohort=cohort, codes=codes)


def shown_content(
    content: ExchangeContent, names: Pseudonymiser, min_group: int
) -> ExchangeContent:
    """The whole content as an export may show it (see the module)."""
    content = shown_codebook(content, names)
    ids = _shown_ids(content.people, names)
    edits = {t.interview: rewrite(t.text, names.text) for t in content.transcripts}
    spans: dict[Fragment, Fragment] = {}

    def moved(fragment: Fragment) -> Fragment:
        if fragment not in spans:
            spans[fragment] = _moved(fragment, edits.get(fragment.interview), ids)
        return spans[fragment]

    codings = [
        replace(c, fragment=moved(c.fragment), coder=ids[c.coder], memo=names.text(c.memo))
        for c in content.codings
    ]
    return replace(
        content,
        people=[_shown_person(p, ids, names, content.people, min_group) for p in content.people],
        interviews=[
            replace(i, participant=ids[i.participant], interviewer=ids[i.interviewer])
            for i in content.interviews
        ],
        transcripts=[
            replace(t, interview=ids[t.interview], text=edits[t.interview].new)
            for t in content.transcripts
        ],
        formats={ids.get(i, i): f for i, f in content.formats.items()},
        fragments=[moved(f) for f in content.fragments],
        codings=codings,
        memos=[_shown_memo(m, ids, names, moved) for m in content.memos],
        guids=Guids(
            person={ids[p]: g for p, g in content.guids.person.items()},
            code=content.guids.code,
            transcript={ids[i]: g for i, g in content.guids.transcript.items()},
            # two fragments on one span after the move are one selection: one GUID stays
            fragment={moved(f): g for f, g in content.guids.fragment.items()},
            coding={
                (moved(f), code, ids[coder]): g
                for (f, code, coder), g in content.guids.coding.items()
            },
            cohort=content.guids.cohort,
        ),
    )


def _shown_ids(people: list[Person], names: Pseudonymiser) -> dict[str, str]:
    """Every person's id as written: a hidden person's made of their pseudonym."""
    taken = {p.id for p in people if not names.hides(p.id)}
    ids = {}
    for person in people:
        if names.hides(person.id):
            ids[person.id] = pseudonym_id(person.pseudonym, taken)
            taken.add(ids[person.id])
        else:
            ids[person.id] = person.id
    return ids


def _shown_person(
    person: Person, ids: dict, names: Pseudonymiser, people: list[Person], min_group: int
) -> Person:
    if not names.hides(person.id):
        return person

    def shared(field: str) -> str:
        value = getattr(person, field)
        count = sum(getattr(p, field) == value for p in people)
        return value if count >= min_group else ""

    return replace(
        person,
        id=ids[person.id],
        name=names.name(person.id),
        organisation=shared("organisation"),
        municipality=shared("municipality"),
        function="",
    )


def _moved(fragment: Fragment, edit: Rewrite | None, ids: dict[str, str]) -> Fragment:
    interview = ids.get(fragment.interview, fragment.interview)
    if edit is None:
        return replace(fragment, interview=interview)
    start = edit.start(fragment.start)
    return Fragment(interview, start, max(edit.end(fragment.end), start + 1))


def _shown_memo(memo: MemoRecord, ids: dict, names: Pseudonymiser, moved) -> MemoRecord:
    return replace(
        memo,
        target_id=ids.get(memo.target_id, memo.target_id)
        if memo.target == "interview"
        else memo.target_id,
        text=names.text(memo.text),
        author=ids.get(memo.author, memo.author),
        fragment=moved(memo.fragment) if memo.fragment else None,
    )
