"""CodebookPanel: the codebook as a tree by category, and forms to change it.

Adding, renaming, moving, describing and merging codes each run one logged transaction in the
store; merging asks for a confirmation first, since the merged code disappears.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import ipywidgets as ipw
import pandas as pd
import traitlets

from wwlib.core.model import Category, category_colour, check_text
from wwlib.present.missing import missing
from wwlib.present.render import empty_html, note_html
from wwlib.present.workbook import Workbook
from wwlib.ui.base import Panel, ScrollingHTML, button, escape, field
from wwlib.ui.roles import Act, may, read_only_note, refused

SWATCH = (
    '<span class="ww-codebook-swatch" style="display:inline-block;width:0.9em;height:0.9em;'
    'margin-right:0.35em;vertical-align:-0.1em;border:1px solid #0003;background:{colour}">'
    "</span>"
)


def swatch(colour: str) -> str:
    """A small square in a code's colour, as HTML."""
    return SWATCH.format(colour=escape(colour))


def code_tree(codes: pd.DataFrame, category: str) -> list[tuple[object, int]]:
    """The codes of one category in codebook order, each child after its parent, with depth.

    A code whose parent is of another category (old data) starts a tree of its own.
    """
    mine = codes[codes["category"] == category]
    ids = set(mine["id"])
    children: dict[str, list] = {}
    for code in mine.itertuples():
        parent = code.parent if isinstance(code.parent, str) and code.parent in ids else ""
        children.setdefault(parent, []).append(code)
    ordered: list[tuple[object, int]] = []
    stack = [(code, 0) for code in reversed(children.get("", []))]
    while stack:
        code, depth = stack.pop()
        ordered.append((code, depth))
        stack += [(child, depth + 1) for child in reversed(children.get(code.id, []))]
    return ordered


def slug(name: str) -> str:
    """An id made from a name: "Eén aanspreekpunt" becomes "een-aanspreekpunt"."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


class CodebookPanel(Panel):
    """The codebook by category with each code's colour and number of codings; change it here.

    `saved` holds the id of the code changed last; `changes` counts the changes stored by this
    panel, so a `CodingPanel` can re-read the codebook when it goes up. A memo's author is the
    page's person where there is one, else `author`. Changing the codebook is research work:
    a participant's or support's page shows the codebook only (`wwlib.ui.roles`).
    """

    changes = traitlets.Int(0, help="how many changes this panel stored")
    section = "codebook"  # a static run: the codebook as a table

    def __init__(self, wb: Workbook, author: str = "", **kwargs):
        super().__init__(wb, **kwargs)
        self._author, self._pending = wb.person or author, None
        self.tree = field(
            ScrollingHTML(self._label("ui.region.codebook"), "32em"), "ww-codebook-tree"
        )
        self._make_add_form()
        self._make_change_form()
        help_text = ipw.HTML(note_html(self._label("ui.codebook.help"), "ww-codebook-help"))
        self.children = [help_text, self.tree, self._add_box, self._change_box, self.status]
        if not may(wb, Act.EDIT_CODEBOOK):
            self.children = [ipw.HTML(read_only_note(wb)), self.tree]
        self.add_class("ww-codebook-panel")
        self.new_category.observe(self._on_new_category, "value")
        self.code.observe(self._on_code, "value")
        self.target.observe(self._on_cancel, "value")
        self.refresh()

    def _input(self, widget: ipw.Widget, name: str) -> ipw.Widget:
        return field(
            widget, f"ww-codebook-{name.replace('_', '-')}", self._label(f"ui.codebook.{name}")
        )

    def _make_add_form(self) -> None:
        categories = [(self._label(f"category.{c.value}"), c.value) for c in Category]
        self.new_name = self._input(ipw.Text(), "new_name")
        self.new_category = self._input(ipw.Dropdown(options=categories), "new_category")
        self.new_parent = self._input(ipw.Dropdown(), "new_parent")
        self.new_colour = self._input(ipw.Text(placeholder="#rrggbb"), "new_colour")
        self.new_description = self._input(
            ipw.Textarea(rows=2, layout=ipw.Layout(width="36em")), "new_description"
        )
        self.new_id = self._input(
            ipw.Text(placeholder=self._label("ui.codebook.id_hint")), "new_id"
        )
        self.add = button(self._label("ui.codebook.add"), "ww-codebook-add", self._on_add)
        self._add_box = ipw.VBox(
            [
                ipw.HTML(f"<h4>{escape(self._label('ui.codebook.add_title'))}</h4>"),
                ipw.HBox([self.new_name, self.new_category, self.new_parent]),
                ipw.HBox([self.new_colour, self.new_id]),
                self.new_description,
                self.add,
            ]
        )

    def _make_change_form(self) -> None:
        self.code = self._input(ipw.Dropdown(), "code")
        self.name = self._input(ipw.Text(), "name")
        self.rename = button(
            self._label("ui.codebook.rename"), "ww-codebook-rename", self._on_rename
        )
        self.parent = self._input(ipw.Dropdown(), "parent")
        self.move = button(self._label("ui.codebook.move"), "ww-codebook-move", self._on_move)
        self.description = self._input(
            ipw.Textarea(rows=2, layout=ipw.Layout(width="36em")), "description"
        )
        self.describe = button(
            self._label("ui.codebook.describe"), "ww-codebook-describe", self._on_describe
        )
        self.memo = self._input(ipw.Textarea(rows=2, layout=ipw.Layout(width="36em")), "memo")
        self.add_memo = button(
            self._label("ui.codebook.add_memo"), "ww-codebook-add-memo", self._on_memo
        )
        self.memos = field(ipw.HTML(), "ww-codebook-memos")
        self.target = self._input(ipw.Dropdown(), "target")
        self.merge = button(self._label("ui.codebook.merge"), "ww-codebook-merge", self._on_merge)
        self.question = field(ipw.HTML(), "ww-codebook-question")
        self.confirm = button(
            self._label("ui.codebook.confirm"), "ww-codebook-confirm", self._on_confirm
        )
        self.confirm.button_style = "danger"
        self.cancel = button(
            self._label("ui.codebook.cancel"), "ww-codebook-cancel", self._on_cancel
        )
        self.cancel.button_style = ""
        self.confirmation = ipw.VBox([self.question, ipw.HBox([self.confirm, self.cancel])])
        self.confirmation.layout.display = "none"
        self._change_box = ipw.VBox(
            [
                ipw.HTML(f"<h4>{escape(self._label('ui.codebook.change_title'))}</h4>"),
                self.code,
                ipw.HBox([self.name, self.rename]),
                ipw.HBox([self.parent, self.move]),
                ipw.HBox([self.description, self.describe]),
                ipw.HBox([self.memo, self.add_memo]),
                self.memos,
                ipw.HBox([self.target, self.merge]),
                self.confirmation,
            ]
        )

    # -- showing ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the codebook and the codings again and show them (other tabs may have coded)."""
        self._codes = self.wb.store.codes()
        self._counts = self.wb.store.codings().groupby("code").size()
        self.tree.value = self._tree_html()
        ordered = [code for c in Category for code, _ in code_tree(self._codes, c.value)]
        options = [(f"{c.name} ({self._label(f'category.{c.category}')})", c.id) for c in ordered]
        chosen = self.code.value
        self.code.options = options
        self.code.value = chosen if chosen in self._codes["id"].values else None
        self._on_code(None)
        self._on_new_category(None)

    def _tree_html(self) -> str:
        lacking = missing(self.wb, "codebook")
        parts = [empty_html(lacking)] if lacking else []
        for category in Category:
            rows = code_tree(self._codes, category.value)
            total = int(sum(self._counts.get(code.id, 0) for code, _ in rows))
            name = self._label(f"category.{category}")
            heading = self._label(
                "ui.codebook.heading",
                category=name[:1].upper() + name[1:],
                codes=self.wb.labels.count("count.code", len(rows)),
                codings=self.wb.labels.count("count.coding", total),
            )
            parts.append(
                f'<div class="ww-codebook-category ww-codebook-{category.value}">'
                f"<h4>{swatch(category_colour(category))}{escape(heading)}</h4>"
            )
            items = [self._item_html(code, depth) for code, depth in rows]
            empty = f"<p><i>{escape(self._label('ui.codebook.empty_category'))}</i></p>"
            parts.append("".join(items) or empty)
            parts.append("</div>")
        return "".join(parts)

    def _item_html(self, code, depth: int) -> str:
        count = int(self._counts.get(code.id, 0))
        described = f" <small>{escape(code.description)}</small>" if code.description else ""
        counted = escape(self._label("ui.codebook.count", n=count))
        return (
            f'<div class="ww-codebook-item" style="margin-left:{depth * 1.5}em">'
            f"{swatch(code.colour)}<b>{escape(code.name)}</b> <code>{escape(code.id)}</code> "
            f'<span class="ww-codebook-count">({counted})</span>{described}</div>'
        )

    def _options(self, category: str, leave_out: str = "") -> list[tuple[str, str]]:
        """The codes of one category (for a parent or a merge target), indented by depth."""
        return [
            ("\u2003" * depth + code.name, code.id)
            for code, depth in code_tree(self._codes, category)
            if code.id != leave_out
        ]

    def _on_new_category(self, change) -> None:
        top = [(self._label("ui.codebook.top_level"), "")]
        self.new_parent.options = top + self._options(self.new_category.value)
        self.new_parent.value = ""

    def _on_code(self, change) -> None:
        """Fill the change form with the chosen code as it is now."""
        self._on_cancel(None)
        code = self._chosen()
        top = [(self._label("ui.codebook.top_level"), "")]
        self.parent.options = top + (self._options(code.category, code.id) if code else [])
        self.target.options = self._options(code.category, code.id) if code else []
        self.target.value = None
        self.name.value = code.name if code else ""
        self.description.value = code.description if code else ""
        parent = code.parent if code is not None and isinstance(code.parent, str) else ""
        self.parent.value = parent if parent in dict(self.parent.options).values() else ""
        self.memos.value = self._memos_html(code.id) if code else ""

    def _chosen(self):
        rows = self._codes[self._codes["id"] == self.code.value]
        return next(rows.itertuples(), None)

    def _memos_html(self, code: str) -> str:
        memos = self.wb.store.memos("code", code)
        items = "".join(
            f"<li>{escape(self.wb.pseudonyms.text(m.text))}"
            f"{self._by(m.author)} <small>{escape(str(m.created_at)[:16])}</small></li>"
            for m in memos.itertuples()
        )
        return f'<ul class="ww-codebook-memo-list">{items}</ul>' if items else ""

    def _by(self, author) -> str:
        if not isinstance(author, str) or not author:
            return ""
        return (
            f" <small>{escape(self._label('ui.by', name=self.wb.pseudonyms.name(author)))}</small>"
        )

    # -- changing --------------------------------------------------------------------------

    def _attempt(self, action: Callable[[], object]) -> bool:
        """Every change of the codebook: the kernel asks whether this page may make it."""
        return not refused(self, Act.EDIT_CODEBOOK) and super()._attempt(action)

    def _stored(self, code: str) -> None:
        """After a stored change: tell observers, show it, keep the code chosen."""
        self.changes += 1
        self.refresh()
        if code in self._codes["id"].values:
            self.code.value = code

    def _on_add(self, _button) -> None:
        if self._attempt(self._add_code):
            self.new_name.value = self.new_id.value = self.new_colour.value = ""
            self.new_description.value = ""
            self._stored(self.saved)

    def _add_code(self) -> str:
        name = check_text("name", self.new_name.value).strip()
        return self.wb.store.add_code(
            self.new_id.value.strip() or slug(name),
            self.new_category.value,
            name,
            colour=self.new_colour.value.strip(),
            parent=self.new_parent.value or "",
            description=self.new_description.value.strip(),
        )

    def _change(self, action: Callable[[str], object]) -> bool:
        """Run one change of the chosen code; show it when stored, keep the form when not."""
        if self._missing(self.code):
            return False
        code = self.code.value

        def run() -> str:
            action(code)
            return code

        if not self._attempt(run):
            return False
        self._stored(code)
        return True

    def _on_rename(self, _button) -> None:
        self._change(lambda code: self.wb.store.rename_code(code, self.name.value))

    def _on_move(self, _button) -> None:
        self._change(lambda code: self.wb.store.move_code(code, self.parent.value or ""))

    def _on_describe(self, _button) -> None:
        self._change(lambda code: self.wb.store.set_code_description(code, self.description.value))

    def _on_memo(self, _button) -> None:
        text = self.memo.value
        if self._change(lambda code: self.wb.store.add_memo("code", code, text, self._author)):
            self.memo.value = ""  # cleared only once the memo is safely stored

    def _on_merge(self, _button) -> None:
        """Ask first: say how many codings move and that the merged code disappears."""
        if self._missing(self.code, self.target):
            return
        source, target = self.code.value, self.target.value
        names = self._codes.set_index("id")["name"]
        self._pending = (source, target)
        question = self._label(
            "ui.codebook.merge_question",
            source=names[source],
            target=names[target],
            n=int(self._counts.get(source, 0)),
        )
        self.question.value = f"<p><b>{escape(question)}</b></p>"
        self.confirmation.layout.display = "flex"
        self.status.clear()

    def _on_confirm(self, _button) -> None:
        if self._pending is None:
            return
        source, target = self._pending
        self._on_cancel(None)
        if self._attempt(lambda: self.wb.store.merge_codes(source, target)):
            self.saved = target
            self._stored(target)

    def _on_cancel(self, _change) -> None:
        """Close the confirmation; a changed choice always asks again."""
        self._pending = None
        self.confirmation.layout.display = "none"
        self.question.value = ""
