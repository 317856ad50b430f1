"""ShortlistPanel, QuotePanel, PrioritisePanel: the choices from Wednesday into Thursday.

The shortlist and focus groups (Wednesday), quotes one click away, and the prioritised
themes that get a Road to Progress plan (Thursday, after the dot voting).
"""

from __future__ import annotations

import ipywidgets as ipw
import pandas as pd

from wwlib import analysis
from wwlib.core.model import Category, FocusGroup
from wwlib.present import look
from wwlib.present.missing import missing
from wwlib.present.render import empty_html, quotes_html
from wwlib.present.sections import build
from wwlib.present.workbook import Workbook
from wwlib.store.groups import group_id
from wwlib.ui.base import Panel, button, escape, field
from wwlib.ui.roles import Act, FacilitatorsOnly


class ShortlistPanel(FacilitatorsOnly, Panel):
    """The shortlist of themes (drag to reorder) and the focus groups, saved on every change.

    One group with every participant is what a cohort that does not split chooses (Limburg).
    The facilitator records them: other pages show them as the report does.
    """

    act = Act.SHORTLIST
    section = "shortlist"  # a static run: the shortlist and focus groups as tables

    def __init__(self, wb: Workbook, **kwargs):
        super().__init__(wb, **kwargs)
        codes = wb.store.codes()
        themes = codes[codes["category"] == Category.THEME.value]
        self.theme_id = dict(zip(themes["name"], themes["id"], strict=True))
        self.theme_name = {v: k for k, v in self.theme_id.items()}
        people = self._people_options("participant")
        self.person_id = dict(people)
        self.person_name = {v: k for k, v in people}
        self.shortlist = field(
            ipw.TagsInput(allowed_tags=list(self.theme_id), allow_duplicates=False),
            "ww-shortlist",
            self._label("ui.shortlist.themes"),
        )
        self.new_group = field(ipw.Text(), "ww-group-name", self._label("ui.shortlist.new_group"))
        add = button(self._label("ui.shortlist.add_group"), "ww-group-add", self._on_add_group)
        self.groups = ipw.VBox()
        self.lacking = field(ipw.HTML(), "ww-shortlist-lacking")
        self.children = [
            self.lacking,
            self.shortlist,
            self.status,
            ipw.HTML(f"<b>{escape(self._label('ui.shortlist.groups'))}</b>"),
            self.groups,
            ipw.HBox([self.new_group, add]),
        ]
        self.add_class("ww-shortlist-panel")
        self.refresh()
        self.shortlist.observe(self._on_shortlist, "value")

    def refresh(self) -> None:
        """Show the store's shortlist and groups again."""
        self.shortlist.value = [self.theme_name[c] for c in self.wb.store.shortlist()["code"]]
        self._show_groups(self.wb.store.focus_groups())
        self._show_lacking()

    def _show_lacking(self) -> None:
        lacking = missing(self.wb, "shortlist")
        self.lacking.value = empty_html(lacking) if lacking else ""

    def _show_groups(self, groups: pd.DataFrame) -> None:
        rows = []
        listed = list(self.shortlist.value)
        for gid, name, members, themes in groups[["id", "name", "members", "themes"]].itertuples(
            index=False
        ):
            who = field(
                ipw.TagsInput(
                    value=[self.person_name[m] for m in members],
                    allowed_tags=list(self.person_id),
                    allow_duplicates=False,
                ),
                "ww-group-members",
                self._label("ui.shortlist.members"),
            )
            what = field(
                ipw.TagsInput(
                    value=[self.theme_name[t] for t in themes],
                    allowed_tags=listed,
                    allow_duplicates=False,
                ),
                "ww-group-themes",
                self._label("ui.shortlist.group_themes"),
            )
            box = ipw.VBox([ipw.HTML(f"<b>{escape(name)}</b>"), who, what])
            box.group = (gid, name, who, what)
            who.observe(self._on_groups, "value")
            what.observe(self._on_groups, "value")
            rows.append(box)
        self.groups.children = rows

    def _current(self) -> list[FocusGroup]:
        return [
            FocusGroup(
                gid,
                name,
                tuple(self.person_id[m] for m in who.value),
                tuple(self.theme_id[t] for t in what.value),
            )
            for gid, name, who, what in (box.group for box in self.groups.children)
        ]

    def _on_shortlist(self, change) -> None:
        themes = [self.theme_id[name] for name in change["new"]]
        if self._attempt(lambda: self.wb.store.set_shortlist(themes)):
            self._show_groups(self.wb.store.focus_groups())
            self._show_lacking()

    def _on_groups(self, change) -> None:
        self._attempt(lambda: self.wb.store.set_focus_groups(self._current()))

    def _on_add_group(self, _) -> None:
        name = self.new_group.value.strip()
        if not name:
            self.status.error(self._label("ui.choose", what=self.new_group.description))
            return
        groups = self._current()
        new = FocusGroup(group_id(name, {g.id for g in groups}), name)
        if self._attempt(lambda: self.wb.store.set_focus_groups([*groups, new])):
            self.new_group.value = ""
            self._show_groups(self.wb.store.focus_groups())


class QuotePanel(Panel):
    """Pick a code; its strongest quotes appear (pseudonymised when the workbook says so)."""

    section = "quotes"  # a static run: every code's quotes, each one click away

    def __init__(self, wb: Workbook, **kwargs):
        super().__init__(wb, **kwargs)
        frequencies = look.tables(wb)["code_frequencies"]
        used = frequencies[frequencies["fragments"] > 0]
        self.code = field(
            ipw.Dropdown(
                options=[
                    (f"{n} ({f})", c)
                    for n, f, c in zip(used["name"], used["fragments"], used["code"], strict=True)
                ]
            ),
            "ww-quote-code",
            self._label("ui.quotes.code"),
        )
        self.quotes = field(ipw.HTML(), "ww-quotes")
        self.children = [self.code, self.quotes]
        self.add_class("ww-quote-panel")
        self.code.observe(lambda _: self.show(), "value")
        self.show()

    def show(self) -> None:
        """The chosen code's quotes, opened."""
        groups = look.quote_groups(self.wb, self.code.value) if self.code.value else []
        if not groups:
            lacking = missing(self.wb, "codings") or self._label("ui.quotes.none")
            self.quotes.value = empty_html(lacking)
            return
        self.quotes.value = str(quotes_html(groups, self.wb.labels, opened=True))


class PrioritisePanel(FacilitatorsOnly, Panel):
    """The prioritised themes, in order; each gets a Road to Progress plan when stored.

    The dots each shortlisted theme's board received are shown next to them, and one click
    takes their order over; the facilitator may still change it (drag to reorder). Other
    pages show them as the report does.
    """

    act = Act.PRIORITISE
    section = "priorities"  # a static run: the dots per theme and the prioritised themes

    def __init__(self, wb: Workbook, **kwargs):
        super().__init__(wb, **kwargs)
        self.priorities = field(ipw.HTML(), "ww-priorities")
        self.themes = field(
            ipw.TagsInput(allow_duplicates=False), "ww-prioritised", self._label("ui.prio.themes")
        )
        take = button(self._label("ui.prio.take_votes"), "ww-prio-take", self._on_take)
        self.children = [self.priorities, self.themes, take, self.status]
        self.add_class("ww-prioritise-panel")
        self.refresh()
        self.themes.observe(self._on_themes, "value")

    def refresh(self) -> None:
        """Show the dots per theme and the stored prioritised themes again."""
        boards = self.wb.store.theme_boards()
        self.name_of = dict(zip(boards["theme"], boards["name"], strict=True))
        self.id_of = {v: k for k, v in self.name_of.items()}
        self.themes.allowed_tags = list(self.id_of)
        self.priorities.value = str(build(self.wb, "priorities").body_html())
        stored = [t for t in self.wb.cohort.prioritised_themes if t in self.name_of]
        self.themes.value = [self.name_of[t] for t in stored]

    def _on_take(self, _) -> None:
        table = _priorities(self.wb)
        self.themes.value = [n for n, d in zip(table["name"], table["dots"], strict=True) if d]

    def _on_themes(self, change) -> None:
        themes = [self.id_of[name] for name in change["new"]]

        def store() -> list[str]:
            self.wb.store.set_prioritised_themes(themes)
            return self.wb.store.ensure_theme_plans(themes)

        if self._attempt(store):
            self.priorities.value = str(build(self.wb, "priorities").body_html())


def _priorities(wb: Workbook) -> pd.DataFrame:
    store = wb.store
    return analysis.theme_priorities(store.votes(), store.notes(), store.theme_boards())
