"""Who may do what on a dashboard page (wwlib/ui/roles.py), and the panels that hold to it.

A page served with a personal link knows its person and role; the panels ask the rule in the
kernel. The forged messages here are what a hand-made front end can send: a value for any
widget model it was given (shown or not) and a click on any button.
"""

from __future__ import annotations

import ipywidgets as ipw
import pytest
import traitlets

from wwlib.core.labels import Labels
from wwlib.core.pseudonym import Pseudonymiser
from wwlib.present.workbook import Workbook
from wwlib.store import Store
from wwlib.ui import (
    CodebookPanel,
    CodingPanel,
    InterviewStatusPanel,
    PlanEditor,
    PrioritisePanel,
    ShortlistPanel,
    SpeakerMap,
    TaskPanel,
)
from wwlib.ui.base import StaticView
from wwlib.ui.roles import ALLOWED, Act, may

ANNA, BRAM, CHLOE, FEMKE = "anna-jansen", "bram-de-vries", "chloe-peeters", "femke-bos"
REFUSED = "Dat doet de facilitator"


@pytest.fixture
def page(mini_store):
    """`page(person, role)`: the Workbook of that person's dashboard page, writing as them."""
    opened = []

    def make(person: str = "", role: str = "facilitator", lang: str = "nl") -> Workbook:
        store = Store(mini_store.path, actor=person or "tester")
        opened.append(store)
        names = Pseudonymiser(store.people(), False)
        return Workbook(store, Labels(lang), names, lang, False, True, person, role)

    yield make
    for store in opened:
        store.close()


def log_size(wb: Workbook) -> int:
    return len(wb.store.change_log())


def refused(panel, text: str = REFUSED) -> bool:
    return "ww-error" in panel.status.value and text in panel.status.value


# -- the rule ---------------------------------------------------------------------------------


def test_a_page_of_nobody_in_particular_may_do_everything(page):
    wb = page()
    assert all(may(wb, act) for act in Act)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("facilitator", set(Act)),
        ("participant", {Act.ADD_TASK, Act.SET_TASK_STATUS}),
        ("support", {Act.ADD_TASK, Act.SET_TASK_STATUS}),
        ("", set()),  # a role the server never sets: nothing
    ],
)
def test_what_each_role_may_do(page, role, allowed):
    wb = page(BRAM, role)
    assert {act for act in Act if may(wb, act, owners=[BRAM])} == allowed
    assert set(ALLOWED) == set(Act)  # every act has its rule


@pytest.mark.parametrize(
    ("person", "role", "owners", "allowed"),
    [
        (ANNA, "participant", [ANNA, FEMKE], True),
        (BRAM, "participant", [ANNA, FEMKE], False),
        (BRAM, "participant", ["@participants"], True),
        (BRAM, "support", ["@participants"], False),  # "alle deelnemers" are participants
        (BRAM, "support", [BRAM], True),
        (FEMKE, "facilitator", [ANNA], True),
        (BRAM, "participant", [], False),
    ],
)
def test_a_task_status_is_changed_by_its_owners_and_facilitators(
    page, person, role, owners, allowed
):
    assert may(page(person, role), Act.SET_TASK_STATUS, owners) is allowed


# -- forged messages: a read-only page writes nothing ------------------------------------------


def widgets_of(panel: ipw.Widget) -> list[ipw.Widget]:
    """Every widget a panel made (shown or not): what its page's front end has a model of."""
    found: dict[int, ipw.Widget] = {}
    todo = [panel]
    while todo:
        widget = todo.pop()
        if id(widget) in found:
            continue
        found[id(widget)] = widget
        values = list(vars(widget).values()) + list(getattr(widget, "children", ()))
        for value in values:
            items = value.values() if isinstance(value, dict) else value
            items = items if isinstance(items, list | tuple | type({}.values())) else [items]
            todo += [w for w in items if isinstance(w, ipw.Widget)]
    return list(found.values())


def forge_everything(panel: ipw.Widget) -> None:
    """Send what a hand-made front end could: a value for every input, then every click."""
    widgets = widgets_of(panel)
    for widget in widgets:
        try:
            if isinstance(widget, ipw.Text | ipw.Textarea):
                widget.value = "Vervalst <b>&</b>"
            elif isinstance(widget, ipw.Checkbox):
                widget.value = not widget.value
            elif isinstance(widget, ipw.IntText):
                widget.value = 5
            elif isinstance(widget, ipw.Dropdown) and widget.options:
                widget.index = len(widget.options) - 1
            elif isinstance(widget, ipw.SelectMultiple) and widget.options:
                widget.index = tuple(range(len(widget.options)))
        except traitlets.TraitError:
            continue
    for widget in widgets:
        if isinstance(widget, ipw.Button):
            widget.click()


def coding_page(wb: Workbook) -> CodingPanel:
    panel = CodingPanel(wb, coder=FEMKE)
    panel.pick.value = ANNA
    panel.start.value, panel.end.value = 0, 20
    panel.codes.value = ("samen-werken",)
    return panel


READ_ONLY_PANELS = {
    "coding": coding_page,
    "codebook": lambda wb: CodebookPanel(wb, author=ANNA),
    "speakers": lambda wb: SpeakerMap(wb, ANNA),
    "interviews": InterviewStatusPanel,
    "plan": lambda wb: PlanEditor(wb, "samen-werken"),
}


@pytest.mark.parametrize("make", READ_ONLY_PANELS.values(), ids=READ_ONLY_PANELS)
@pytest.mark.parametrize("role", ["participant", "support"])
def test_forged_messages_on_a_read_only_page_change_nothing(page, make, role):
    wb = page(BRAM, role)
    panel = make(wb)
    before = (log_size(wb), len(wb.store.codings()), wb.store.turns(ANNA)["person"].tolist())
    forge_everything(panel)
    after = (log_size(wb), len(wb.store.codings()), wb.store.turns(ANNA)["person"].tolist())
    assert after == before
    assert "Alleen lezen" in str([w.value for w in widgets_of(panel) if isinstance(w, ipw.HTML)])


def test_a_forged_codebook_change_or_speaker_correction_is_refused_by_the_kernel(page):
    wb = page(BRAM, "participant")
    codebook, speakers = CodebookPanel(wb), SpeakerMap(wb, ANNA)
    codebook.new_name.value = "Vervalst"
    codebook.add.click()
    speaker, choice = next(iter(speakers.choices.items()))
    choice.value = CHLOE
    speakers.save.click()
    assert refused(codebook) and refused(speakers)
    assert "vervalst" not in set(wb.store.codes()["id"])
    assert set(wb.store.turns(ANNA).query("speaker == @speaker")["person"]) != {CHLOE}


def shown(panel: ipw.Widget) -> list[ipw.Widget]:
    """The widgets a page shows: the panel's children, theirs, and so on."""
    found, todo = [], [panel]
    while todo:
        widget = todo.pop()
        found.append(widget)
        todo += list(getattr(widget, "children", ()))
    return found


def test_a_participants_coding_page_shows_the_marked_transcript_and_no_coding_form(page):
    wb = page(BRAM, "participant")
    panel = coding_page(wb)
    on_page = shown(panel)
    assert panel.transcript in on_page and "<mark" in panel.transcript.value
    assert panel.codings in on_page and panel.codings.value
    assert not {id(w) for w in (panel.add, panel.codes, panel.memo, panel.start)} & {
        id(w) for w in on_page
    }
    assert panel.coder is None and panel.add.disabled
    before = len(wb.store.codings())
    panel.add.click()  # a forged click on the button it never showed
    assert refused(panel) and len(wb.store.codings()) == before


def test_a_facilitator_codes_as_themselves_without_a_chooser(page):
    wb = page(FEMKE, "facilitator")
    panel = coding_page(wb)
    assert panel.coder is None  # no "who are you" chooser on a person's page
    panel.add.click()
    codings = wb.store.codings()
    coding = codings[(codings["start"] == 0) & (codings["end"] == 20)].iloc[0]
    assert (coding.coder, coding.code) == (FEMKE, "samen-werken")
    assert wb.store.change_log().iloc[-1]["actor"] == FEMKE


def test_a_notebook_still_chooses_whom_it_codes_as(page):
    panel = CodingPanel(page(), coder=ANNA)
    assert panel.coder is not None and panel.coder.value == ANNA
    assert panel.coder in panel.children[1].children


def test_a_memo_is_written_by_the_pages_person_whatever_the_author_asked(page):
    wb = page(FEMKE, "facilitator")
    panel = CodebookPanel(wb, author=ANNA)
    panel.code.value = "samen-werken"
    panel.memo.value = "Van de facilitator"
    panel.add_memo.click()
    memo = wb.store.memos("code", "samen-werken").iloc[-1]
    assert (memo.text, memo.author) == ("Van de facilitator", FEMKE)


def test_a_participants_interview_statuses_are_shown_but_locked(page):
    wb = page(BRAM, "participant")
    panel = InterviewStatusPanel(wb)
    pick = panel.picks[ANNA]
    assert pick.disabled
    pick.value = "planned"  # forged
    assert pick.value == "coded"  # put back as stored
    assert wb.store.interviews().set_index("participant").at[ANNA, "status"] == "coded"
    assert refused(panel)


@pytest.mark.parametrize("make", [ShortlistPanel, PrioritisePanel])
@pytest.mark.parametrize("role", ["participant", "support"])
def test_shortlist_and_priorities_are_the_facilitators_and_others_see_them_as_the_report(
    page, make, role
):
    shown = make(page(BRAM, role))
    assert isinstance(shown, StaticView)
    assert shown.html == make.static(page()).html
    assert not isinstance(make(page(FEMKE, "facilitator")), StaticView)


def test_a_participant_sees_the_plan_and_its_road_read_only(page):
    editor = PlanEditor(page(BRAM, "participant"), "samen-werken")
    assert not editor.editing and not hasattr(editor, "title")
    assert "Samen werken vasthouden" in editor.view.value
    assert "Korte lijnen vastleggen" in editor.view.value and editor.figure is not None
    editor.picker.value = "integratie"  # choosing which plan to read is allowed
    assert editor.plan_id == "integratie" and "Terugkoppelen" in editor.view.value


# -- tasks: everyone adds, owners update -----------------------------------------------------


def test_a_participant_adds_a_task_as_themselves(page):
    wb = page(CHLOE, "participant")
    panel = TaskPanel(wb, "samen-werken", live=False)
    panel.step.value = panel.step.options[0][1]
    panel.title.value, panel.owners.value = "Notulen rondsturen", (BRAM,)
    panel.add.click()
    task = wb.store.tasks().set_index("id").loc[panel.saved]
    assert (task.title, task.owners) == ("Notulen rondsturen", [BRAM])  # owners: content
    assert wb.store.change_log().iloc[-1]["actor"] == CHLOE


def test_a_participant_updates_only_the_tasks_they_own(page):
    wb = page(BRAM, "participant")
    panel = TaskPanel(wb, "samen-werken", live=False)
    assert [value for _, value in panel.task.options] == ["sw-2"]  # "@participants"
    panel.task.value, panel.status_pick.value = "sw-2", "done"
    panel.set_status.click()
    assert wb.store.tasks().set_index("id").at["sw-2", "status"] == "done"
    before = log_size(wb)
    panel.task.options = [("vervalst", "sw-1")]  # a task of Anna and Femke, forged in
    panel.task.value, panel.status_pick.value = "sw-1", "cancelled"
    panel.set_status.click()
    assert refused(panel, "waarvan jij eigenaar bent")
    assert log_size(wb) == before
    assert wb.store.tasks().set_index("id").at["sw-1", "status"] == "in_progress"


def test_a_page_without_own_tasks_shows_no_status_form_but_a_facilitator_sees_all(page):
    support = TaskPanel(page(BRAM, "support"), "samen-werken", live=False)
    assert support.task.options == () and support._updating not in support.children
    facilitator = TaskPanel(page(FEMKE, "facilitator"), "samen-werken", live=False)
    assert [v for _, v in facilitator.task.options] == ["sw-1", "sw-2"]
    assert facilitator._updating in facilitator.children


def test_english_refusals(page):
    panel = coding_page(page(BRAM, "participant", lang="en"))
    panel.add.click()
    assert refused(panel, "The facilitator does that")
    assert "Read only" in panel.children[0].value
