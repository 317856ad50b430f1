"""The plan editor driven in-process: type, click, read the store and the status line."""

from __future__ import annotations

import datetime as dt

import pytest

from wwlib.core.labels import Labels
from wwlib.core.pseudonym import Pseudonymiser
from wwlib.present.workbook import Workbook
from wwlib.ui.base import StaticView
from wwlib.ui.plans import PlanEditor

TODAY = dt.date(2026, 11, 20)
PLAN = "wijkgericht-werken"


def workbook(store, lang="nl", pseudonymise=False, interactive=True) -> Workbook:
    names = Pseudonymiser(store.people(), pseudonymise)
    return Workbook(store, Labels(lang), names, lang, pseudonymise, interactive)


@pytest.fixture
def wb(lindeveen_copy):
    return workbook(lindeveen_copy)


@pytest.fixture
def editor(wb):
    return PlanEditor(wb, today=TODAY)


def log_size(wb) -> int:
    return len(wb.store.change_log())


def saved(editor) -> bool:
    return "ww-ok" in editor.status.value and "Opgeslagen" in editor.status.value


def shows_error(editor, *fragments: str) -> bool:
    value = editor.status.value
    return "ww-error" in value and "Niet opgeslagen" in value and all(f in value for f in fragments)


def plan(wb, plan_id: str = PLAN) -> dict:
    return wb.store.plans().set_index("id").loc[plan_id].to_dict()


def titles(editor) -> list[str]:
    return [row.title.value for row in editor.step_rows]


def milestones(editor) -> list[str]:
    return [t for trace in editor.figure.data if trace.name == "Stap" for t in trace.text]


# -- the plan and its texts ---------------------------------------------------------------------


def test_the_editor_opens_the_first_theme_plan_and_offers_every_plan(editor, wb):
    assert editor.plan_id == PLAN
    assert [value for _, value in editor.picker.options] == list(wb.store.plans()["id"])
    labels = [label for label, _ in editor.picker.options]
    assert labels[0] == "Road to Progress: Wijkgericht werken vasthouden en uitbouwen"
    assert labels[-1] == "integratieplan: Integratie en vervolgstappen"
    assert editor.goal.value == plan(wb)["goal"] and editor.current.value == plan(wb)["current"]
    assert titles(editor) == ["Wijkteam samenstellen", "Afspraken vastleggen",
                              "Pilot van een jaar met meetpunten",
                              "Evalueren en besluiten over uitbreiding"]  # fmt: skip
    assert editor.status.value == ""
    assert editor.ensure.layout.display == "none"  # every prioritised theme has its plan


def test_picking_a_plan_shows_it(editor):
    editor.picker.value = "integratie"
    assert editor.plan_id == "integratie"
    assert [row.feedback.value for row in editor.step_rows] == [False, False, False, True]
    assert editor.figure.layout.title.text == "Road to Progress: Integratie en vervolgstappen"


@pytest.mark.parametrize("name", ["goal", "current"])
def test_a_changed_text_is_saved_at_once_and_logged(editor, wb, name):
    before = log_size(wb)
    getattr(editor, name).value = "Iedereen weet\nwaar hij terecht kan."
    assert plan(wb)[name] == "Iedereen weet\nwaar hij terecht kan."
    assert saved(editor) and editor.saved == PLAN
    assert log_size(wb) == before + 1
    assert wb.store.change_log().iloc[-1]["detail"]["after"] == {
        name: "Iedereen weet\nwaar hij terecht kan."
    }


def test_an_empty_title_is_refused_and_the_typed_text_stays(editor, wb):
    before = (plan(wb), log_size(wb))
    editor.title.value = "   "
    assert shows_error(editor, "&#x27;title&#x27; must be non-empty text")
    assert editor.title.value == "   "
    assert (plan(wb), log_size(wb)) == before


def test_a_new_title_shows_in_the_picker_and_on_the_road(editor):
    editor.title.value = "Het wijkteam"
    assert ("Road to Progress: Het wijkteam", PLAN) in editor.picker.options
    assert editor.picker.value == PLAN
    assert editor.figure.layout.title.text == "Road to Progress: Het wijkteam"


# -- steps ----------------------------------------------------------------------------------------


def test_a_step_is_added_with_its_feedback_flag_and_the_form_is_cleared(editor, wb):
    editor.new_step.value = "Vieren wat er staat"
    editor.new_step_description.value = "Met de wijk"
    editor.new_step_feedback.value = True
    editor.add_step.click()
    assert saved(editor)
    steps = wb.store.steps().query("plan == @PLAN")
    assert steps.iloc[-1][["title", "description", "feedback", "number"]].tolist() == [
        "Vieren wat er staat", "Met de wijk", 1, 5,
    ]  # fmt: skip
    assert editor.saved == str(steps.iloc[-1]["id"])
    assert titles(editor)[-1] == "Vieren wat er staat" and editor.step_rows[-1].feedback.value
    assert (editor.new_step.value, editor.new_step_description.value) == ("", "")
    assert editor.new_step_feedback.value is False
    assert [t.text[0] for t in editor.figure.data if t.name == "Terugkoppelmoment"] == ["5"]


def test_a_refused_step_keeps_what_was_typed(editor, wb):
    before = (len(wb.store.steps()), log_size(wb))
    editor.new_step.value = "  "
    editor.new_step_description.value = "Een toelichting die niet verloren mag gaan"
    editor.add_step.click()
    assert shows_error(editor, "&#x27;title&#x27; must be non-empty text")
    assert editor.new_step_description.value == "Een toelichting die niet verloren mag gaan"
    assert editor.new_step.value == "  "
    assert (len(wb.store.steps()), log_size(wb)) == before


def test_steps_move_up_and_down_and_the_road_follows(editor, wb):
    first = titles(editor)
    assert editor.step_rows[0].up.disabled and editor.step_rows[-1].down.disabled
    assert not editor.step_rows[1].up.disabled and not editor.step_rows[1].down.disabled
    editor.step_rows[0].down.click()
    assert titles(editor) == [first[1], first[0], *first[2:]]
    editor.step_rows[3].up.click()
    assert titles(editor) == [first[1], first[0], first[3], first[2]]
    stored = wb.store.steps().query("plan == @PLAN")["title"].tolist()
    assert stored == titles(editor)
    assert saved(editor) and milestones(editor) == ["1", "2", "3", "4"]
    road = next(t for t in editor.figure.data if t.name == "Stap")
    assert list(road.x) == ["2027-01-01", "2026-10-26", "2027-09-01", "2027-02-01"]


def test_a_step_with_tasks_cannot_be_removed_and_the_editor_says_why(editor, wb):
    before = (len(wb.store.steps()), log_size(wb))
    editor.step_rows[1].remove.click()
    assert shows_error(editor, "step 2 still has 2 task(s)")
    assert (len(wb.store.steps()), log_size(wb)) == before
    assert len(editor.step_rows) == 4


def test_an_empty_step_is_removed(editor, wb):
    editor.new_step.value = "Tijdelijk"
    editor.add_step.click()
    editor.step_rows[-1].remove.click()
    assert saved(editor) and len(editor.step_rows) == 4
    assert "Tijdelijk" not in wb.store.steps()["title"].tolist()


def test_a_step_title_is_edited_in_place_or_refused_keeping_the_text(editor, wb):
    row = editor.step_rows[2]
    row.title.value = "Pilot met meetpunten"
    assert saved(editor)
    assert wb.store.steps().set_index("id").loc[row.step_id, "title"] == "Pilot met meetpunten"
    row.title.value = ""
    assert shows_error(editor, "non-empty text") and row.title.value == ""
    assert wb.store.steps().set_index("id").loc[row.step_id, "title"] == "Pilot met meetpunten"


def test_the_feedback_checkbox_and_description_are_saved(editor, wb):
    row = editor.step_rows[3]
    row.feedback.value = True
    row.description.value = "Samen met de wijk"
    stored = wb.store.steps().set_index("id").loc[row.step_id]
    assert (stored["feedback"], stored["description"]) == (1, "Samen met de wijk")
    assert [t.text[0] for t in editor.figure.data if t.name == "Terugkoppelmoment"] == ["4"]


def test_each_step_shows_its_tasks_read_only_with_overdue_marked(editor):
    first = editor.step_rows[0].tasks.value
    assert "Kernteam voor Lindeveen-Oost en Ellerhoek benoemen" in first
    assert "week 44" in first and "bezig" in first
    assert "P04" in first and "Joost" not in first  # he did not consent to being named
    assert first.count("ww-overdue") == 1  # week 44 is past on 20 November, and not done
    assert "Buurthuis Ellerhoek vastleggen" in first and "klaar" in first
    assert not hasattr(editor.step_rows[0], "add")  # tasks are added in the TaskPanel


# -- obstacles and factors ------------------------------------------------------------------------


def test_obstacles_are_added_edited_and_removed(editor, wb):
    editor.new_obstacle.value = "Geen tijd"
    editor.new_way.value = "Uren vrijmaken"
    editor.add_obstacle.click()
    assert saved(editor) and (editor.new_obstacle.value, editor.new_way.value) == ("", "")
    assert [r.obstacle.value for r in editor.obstacle_rows][-1] == "Geen tijd"
    editor.obstacle_rows[-1].way_to_deal.value = "Uren in het werkplan"
    stored = wb.store.plan_obstacles().query("plan == @PLAN")
    assert stored.iloc[-1][["obstacle", "way_to_deal"]].tolist() == [
        "Geen tijd", "Uren in het werkplan",
    ]  # fmt: skip
    editor.obstacle_rows[0].obstacle.value = ""
    assert shows_error(editor, "&#x27;obstacle&#x27; must be non-empty")
    assert editor.obstacle_rows[0].obstacle.value == ""
    editor.obstacle_rows[0].remove.click()
    assert saved(editor)
    assert len(editor.obstacle_rows) == len(wb.store.plan_obstacles().query("plan == @PLAN")) == 3


def test_factors_are_added_and_removed(editor, wb):
    editor.new_factor.value = "De raad <steunt> het"
    editor.add_factor.click()
    assert saved(editor) and editor.new_factor.value == ""
    assert editor.factor_rows[-1].text.value == "De raad &lt;steunt&gt; het"
    editor.factor_rows[0].remove.click()
    texts = wb.store.plan_factors().query("plan == @PLAN")["text"].tolist()
    assert texts[-1] == "De raad <steunt> het" and len(texts) == len(editor.factor_rows) == 3


def test_a_refused_factor_keeps_the_typed_text(editor, wb):
    before = log_size(wb)
    editor.new_factor.value = " "
    editor.add_factor.click()
    assert (
        shows_error(editor, "&#x27;text&#x27; must be non-empty") and editor.new_factor.value == " "
    )
    assert log_size(wb) == before


# -- prioritised themes, names, languages, static runs ---------------------------------------------


def test_plans_for_new_prioritised_themes_are_made_with_one_click(wb):
    wb.store.set_prioritised_themes(["wijkgericht-werken", "samenwerken-over-grenzen"])
    editor = PlanEditor(wb, today=TODAY)
    assert editor.ensure.layout.display == ""
    editor.ensure.click()
    assert "Opgeslagen: 1 nieuw plan" in editor.status.value
    assert "samenwerken-over-grenzen" in [v for _, v in editor.picker.options]
    assert editor.ensure.layout.display == "none"
    editor.picker.value = "samenwerken-over-grenzen"
    assert editor.title.value == "Samenwerken over grenzen" and editor.step_rows == []
    assert [a.text for a in editor.figure.layout.annotations] == ["Nog geen stappen in dit plan"]


def test_an_unknown_plan_is_named_and_nothing_can_be_edited(wb):
    editor = PlanEditor(wb, "bestaat-niet")
    assert "ww-error" in editor.status.value and "bestaat-niet" in editor.status.value
    assert "integratie" in editor.status.value
    assert editor.body.layout.display == "none"


def test_hidden_names_are_shown_by_code_and_cannot_be_saved_over(lindeveen_copy):
    lindeveen_copy.add_step(PLAN, "Gesprek met Naima Bakkali")
    wb = workbook(lindeveen_copy, pseudonymise=True)
    editor = PlanEditor(wb, today=TODAY)
    row = editor.step_rows[-1]
    assert row.title.value == "Gesprek met P03" and row.title.disabled
    assert not editor.step_rows[0].title.disabled  # no name in it
    assert "Bas Willemsen" not in editor.step_rows[1].tasks.value
    assert "P03" in editor.step_rows[1].tasks.value  # Naima Bakkali owns task ww-3
    assert "Naima" not in str(editor.figure.to_json())


def test_english_labels(lindeveen_copy):
    editor = PlanEditor(workbook(lindeveen_copy, lang="en"), today=TODAY)
    assert editor.add_step.description == "Add step"
    assert editor.goal.description == "Goal (desired situation)"
    assert editor.picker.options[-1][0] == "integration plan: Integratie en vervolgstappen"
    editor.title.value = ""
    assert "Not saved" in editor.status.value
    assert {t.name for t in editor.figure.data if t.name} >= {"Now", "Step", "Goal"}


def test_the_road_is_shown_as_a_plotly_figure_in_the_editor(editor):
    output = editor.road.outputs[0]
    assert output["output_type"] == "display_data"
    figure = output["data"]["application/vnd.plotly.v1+json"]
    assert [t.get("name") for t in figure["data"]].count("Stap") == 1
    editor.new_step.value = "Nog een stap"
    editor.add_step.click()
    assert milestones(editor) == ["1", "2", "3", "4", "5"]


def test_a_static_run_shows_the_plan_as_escaped_html(lindeveen_copy):
    lindeveen_copy.add_step("integratie", "<b>x</b>", "a & b")
    view = PlanEditor(workbook(lindeveen_copy, interactive=False), "integratie", today=TODAY)
    assert isinstance(view, StaticView) and view.plan_id == "integratie"
    html = view._repr_html_()
    for text in ("Integratie en vervolgstappen", "Doel (gewenste situatie)", "De vier plannen",
                 "Eerste terugkoppeling in de eigen organisatie", "(Terugkoppelmoment)",
                 "Terugkommoment plannen en de deelnemers uitnodigen", "Iris Schoenmakers",
                 "De reorganisatie Koers 2027", "De gemeentesecretaris is zelf deelnemer",
                 "&lt;b&gt;x&lt;/b&gt;", "a &amp; b", "te laat"):  # fmt: skip
        assert text in html, text
    assert "<b>x</b>" not in html


def test_a_static_run_without_an_id_shows_the_first_theme_plan(lindeveen):
    view = PlanEditor(workbook(lindeveen, interactive=False))
    assert view.plan_id == PLAN and "Wijkteam samenstellen" in view.html
