"""Reading Wednesday's choices from cohort.yaml: the shortlist of themes and the focus groups."""

from __future__ import annotations

from wwlib.core.model import Cohort, FocusGroup, Role

GROUP_FIELDS = ("id", "name", "members", "themes")


class GroupReading:
    """The part of the dataset loader that reads `shortlist` and `focus_groups`."""

    def _shortlist(self, cohort: Cohort | None) -> list[str]:
        """The shortlisted theme ids; without a `shortlist`, the prioritised themes."""
        data = self.cohort_data or {}
        if "shortlist" not in data:
            return list(cohort.prioritised_themes) if cohort else []
        line = data.lines.get("shortlist")
        themes = data["shortlist"] or []
        if not isinstance(themes, list):
            self.problem("cohort.yaml", line, "shortlist", "must be a list of theme code ids")
            return []
        shortlist = []
        for theme in map(str, themes):
            if self._theme_problem(theme):
                self.problem(
                    "cohort.yaml",
                    line,
                    "shortlist",
                    self._theme_problem(theme),
                    "use the id of a code of category theme in codebook.csv",
                )
            elif theme in shortlist:
                self.problem("cohort.yaml", line, "shortlist", f"'{theme}' is listed twice")
            else:
                shortlist.append(theme)
        return shortlist

    def _focus_groups(self, shortlist: list[str]) -> list[FocusGroup]:
        """The focus groups; every member a participant in at most one group."""
        data = self.cohort_data or {}
        groups = data.get("focus_groups") or []
        line = data.lines.get("focus_groups") if data else None
        if not isinstance(groups, list):
            self.problem(
                "cohort.yaml",
                line,
                "focus_groups",
                "must be a list of groups",
                "write each group as '- id: ...' with name, members and themes",
            )
            return []
        result, ids, placed = [], set(), {}
        for number, group in enumerate(groups, start=1):
            where = f"focus_groups[{number}]"
            if not isinstance(group, dict) or "id" not in group or "name" not in group:
                self.problem(
                    "cohort.yaml",
                    line,
                    where,
                    "needs an id and a name",
                    "fields: id, name, members, themes",
                )
                continue
            unknown = [k for k in group if k not in GROUP_FIELDS]
            if unknown:
                self.problem(
                    "cohort.yaml",
                    line,
                    where,
                    "unknown field(s): " + ", ".join(map(str, unknown)),
                    "fields: " + ", ".join(GROUP_FIELDS),
                )
                continue
            made = self.build(
                "cohort.yaml",
                line,
                FocusGroup,
                id=str(group["id"]),
                name=str(group["name"]),
                members=tuple(str(m) for m in group.get("members") or ()),
                themes=tuple(str(t) for t in group.get("themes") or ()),
            )
            if not made or not self._unique("cohort.yaml", line, "focus group id", made.id, ids):
                continue
            ok = True
            for member in made.members:
                if self._person_problem(
                    "cohort.yaml", line, f"{where}.members", member, Role.PARTICIPANT.value
                ):
                    ok = False
                elif member in placed:
                    self.problem(
                        "cohort.yaml",
                        line,
                        f"{where}.members",
                        f"'{member}' is already in focus group '{placed[member]}'",
                        "put every participant in one group at most",
                    )
                    ok = False
                else:
                    placed[member] = made.id
            for theme in made.themes:
                if theme not in shortlist:
                    self.problem(
                        "cohort.yaml",
                        line,
                        f"{where}.themes",
                        f"'{theme}' is not on the shortlist",
                        "add it to shortlist, or take it out of the group",
                    )
                    ok = False
            if ok:
                result.append(made)
        return result
