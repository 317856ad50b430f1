"""Who is who in an import: Cases and Users of a project matched to the cohort's people.

A Case is matched to a person by GUID, else by name (ignoring case); a User by the GUID we give
a person's User (`user_guid`), by the person's own GUID, by the GUID of a Case of the file, or
by name. A Case that matches no one becomes a person (role from its `role` variable, else
participant); a User that matches no one, and is named as a coder or a memo's author, becomes a
facilitator. New people get an id made from their name and a free pseudonym (P01, F01, S01...).
"""

from __future__ import annotations

import re
import unicodedata

from wwlib.core.model import Person, Role
from wwlib.core.records import ExchangeContent, ExchangeRows
from wwlib.qdpx.model import Case, Project, user_guid
from wwlib.qdpx.summary import ImportSummary

PSEUDONYM = re.compile(r"^[A-Za-z0-9-]{1,12}$")
PREFIX = {Role.PARTICIPANT.value: "P", Role.FACILITATOR.value: "F", Role.SUPPORT.value: "S"}
# Variable names (lower case) other tools or people may use for our person fields.
ALIASES = {
    "role": "role",
    "rol": "role",
    "organisation": "organisation",
    "organization": "organisation",
    "organisatie": "organisation",
    "municipality": "municipality",
    "gemeente": "municipality",
    "function": "function",
    "functie": "function",
    "pseudonym": "pseudonym",
    "pseudoniem": "pseudonym",
    "consent_named": "consent_named",
    "consent": "consent_named",
    "toestemming": "consent_named",
    "interviewer": "interviewer",
    "interview_date": "interview_date",
    "interview_status": "interview_status",
}
YES = {"true", "1", "yes", "ja", "y", "j"}


def slug(text: str) -> str:
    """An id made of a name: accents dropped, lower case, words joined by '-'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:48].strip("-")


def unique_slug(text: str, taken: set[str], fallback: str) -> str:
    """A slug of `text` (or `fallback`) not in `taken`, which it joins."""
    base = slug(text) or fallback
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


def case_values(case: Case) -> dict[str, str]:
    """A Case's variable values under our field names; others are left out."""
    return {ALIASES[k.lower()]: v for k, v in case.values.items() if k.lower() in ALIASES}


class People:
    """The cohort's people plus those an import adds, with every way to find one."""

    def __init__(
        self,
        content: ExchangeContent,
        rows: ExchangeRows,
        summary: ImportSummary,
        project: Project,
        lang: str,
    ):
        self.rows, self.summary, self.project, self.lang = rows, summary, project, lang
        self.by_id = {p.id: p for p in content.people}
        self.by_guid = {g: pid for pid, g in content.guids.person.items() if g}
        self.by_user = {user_guid(g): pid for pid, g in content.guids.person.items() if g}
        self.by_name = {p.name.lower(): p.id for p in content.people}
        self.cohort_names = dict(self.by_name)  # two Cases of one name are two people
        self.pseudonyms = {p.pseudonym for p in content.people}
        self.case_person: dict[str, str] = {}
        self.case_of_user = {user_guid(c.guid): c for c in project.cases}
        self.placeholder = ""

    def role(self, person_id: str) -> str:
        return self.by_id[person_id].role

    def find(self, text: str) -> str:
        """A person by name, id or pseudonym ('' when none)."""
        key = text.strip().lower()
        if key in self.by_name:
            return self.by_name[key]
        for person in self.by_id.values():
            if key in (person.id, person.pseudonym.lower()):
                return person.id
        return ""

    def add(self, name: str, role: str, guid: str, values: dict[str, str] | None = None) -> str:
        """A new person; returns the id."""
        values = values or {}
        person_id = unique_slug(name, set(self.by_id), f"person-{guid[:8] or len(self.by_id)}")
        person = Person(
            id=person_id,
            name=name,
            role=role,
            pseudonym=self._pseudonym(name, role, values.get("pseudonym", "")),
            organisation=values.get("organisation", ""),
            municipality=values.get("municipality", ""),
            function=values.get("function", ""),
            consent_named=values.get("consent_named", "").lower() in YES,
        )
        self.rows.people.append(person)
        if guid and guid not in self.by_guid:
            self.rows.guids.person[person_id] = guid
            self.by_guid[guid] = person_id
        self.by_id[person_id] = person
        self.by_name.setdefault(name.lower(), person_id)
        return person_id

    def _pseudonym(self, name: str, role: str, wanted: str) -> str:
        if wanted and PSEUDONYM.match(wanted) and wanted not in self.pseudonyms:
            self.pseudonyms.add(wanted)
            return wanted
        prefix, n = PREFIX[role], 1
        while f"{prefix}{n:02d}" in self.pseudonyms:
            n += 1
        made = f"{prefix}{n:02d}"
        if wanted:
            self.summary.said.append(
                f"pseudonym '{wanted}' of {name} is taken or unusable: gave {made}"
            )
        self.pseudonyms.add(made)
        return made

    def from_case(self, case: Case) -> str:
        """The person a named Case stands for, made when it matches no one."""
        if case.guid in self.by_guid:
            self.summary.count(self.summary.present, "people")
            found = self.by_guid[case.guid]
        elif case.name.lower() in self.cohort_names:
            found = self.cohort_names[case.name.lower()]
            self.summary.said.append(f"case '{case.name}' is the cohort's {found} (same name)")
        else:
            values = case_values(case)
            role = values.get("role", "")
            if role not in PREFIX:
                if role:
                    self.summary.said.append(
                        f"case '{case.name}': role '{role}' unknown, made a participant"
                    )
                role = Role.PARTICIPANT.value
            found = self.add(case.name, role, case.guid, values)
        self.case_person[case.guid] = found
        return found

    def for_user(self, guid: str) -> str:
        """The person behind a User GUID ('' for none), made a facilitator when new."""
        if not guid:
            return ""
        for known in (self.by_user, self.by_guid):
            if guid in known:
                return known[guid]
        case = self.case_of_user.get(guid)
        if case is not None and case.guid in self.case_person:
            self.by_user[guid] = self.case_person[case.guid]
            return self.by_user[guid]
        user = self.project.users.get(guid)
        name = user.name if user and user.name else ""
        if name and name.lower() in self.by_name:
            self.by_user[guid] = self.by_name[name.lower()]
            return self.by_user[guid]
        made = self.add(name or f"Coder {guid[:8]}", Role.FACILITATOR.value, guid)
        self.by_user[guid] = made
        self.summary.said.append(
            f"user '{name or guid}' is new to the cohort: made facilitator {made} "
            f"({self.by_id[made].pseudonym})"
        )
        return made

    def unknown(self) -> str:
        """One facilitator for codings and interviews that name nobody at all."""
        if not self.placeholder:
            name = "Onbekend" if self.lang == "nl" else "Unknown"
            self.placeholder = self.find(name) or self.add(name, Role.FACILITATOR.value, "")
            self.summary.said.append(
                f"work the project names no one for is attributed to '{name}' ({self.placeholder})"
            )
        return self.placeholder
