"""Editing plans in the store: each change one logged transaction, a refused one changes nothing."""

from __future__ import annotations

import pytest

from wwlib.core.errors import NotFound, ValidationError

PLAN = "wijkgericht-werken"  # Lindeveen: four steps, two tasks each, three obstacles, three factors


def snapshot(store) -> tuple:
    """Everything a plan edit could touch, and the length of the change log."""
    return (
        store.plans().to_dict("records"),
        store.steps().to_dict("records"),
        store.tasks().to_dict("records"),
        store.plan_obstacles().to_dict("records"),
        store.plan_factors().to_dict("records"),
        store.cohort(),
        len(store.change_log()),
    )


def step_titles(store, plan: str = PLAN) -> list[str]:
    steps = store.steps()
    return steps.loc[steps["plan"] == plan, "title"].tolist()


def step_id(store, number: int, plan: str = PLAN) -> int:
    steps = store.steps()
    return int(steps.loc[(steps["plan"] == plan) & (steps["number"] == number), "id"].iloc[0])


def last_log(store) -> dict:
    return store.change_log().iloc[-1].to_dict()


def plan_row(store, plan: str = PLAN) -> dict:
    return store.plans().set_index("id").loc[plan].to_dict()


# -- the plan's own texts ---------------------------------------------------------------------


def test_set_plan_text_changes_only_the_given_fields_and_logs_before_and_after(lindeveen_copy):
    store = lindeveen_copy
    old = plan_row(store)
    store.set_plan_text(PLAN, goal="Een vast wijkteam.", title=" Wijkteam ")
    new = plan_row(store)
    assert (new["goal"], new["title"], new["current"]) == (
        "Een vast wijkteam.", "Wijkteam", old["current"],
    )  # fmt: skip
    log = last_log(store)
    assert (log["action"], log["entity"], log["entity_id"], log["actor"]) == (
        "update", "plan", PLAN, "tester",
    )  # fmt: skip
    assert log["detail"] == {
        "before": {"goal": old["goal"], "title": old["title"]},
        "after": {"goal": "Een vast wijkteam.", "title": "Wijkteam"},
    }


def test_set_plan_text_with_the_stored_text_writes_nothing(lindeveen_copy):
    before = snapshot(lindeveen_copy)
    lindeveen_copy.set_plan_text(PLAN, goal=plan_row(lindeveen_copy)["goal"])
    assert snapshot(lindeveen_copy) == before


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (dict(plan=PLAN, title="   "), ValidationError, "'title' must be non-empty text"),
        (dict(plan=PLAN, goal=42), ValidationError, "'goal' must be text"),
        (dict(plan="geen-plan", goal="x"), NotFound, "plan 'geen-plan'"),
    ],
)
def test_set_plan_text_refuses_bad_input_and_changes_nothing(lindeveen_copy, call, error, words):
    before = snapshot(lindeveen_copy)
    with pytest.raises(error, match=words):
        lindeveen_copy.set_plan_text(**call)
    assert snapshot(lindeveen_copy) == before


# -- steps ------------------------------------------------------------------------------------


def test_add_step_goes_last_or_where_asked_and_is_logged(lindeveen_copy):
    store = lindeveen_copy
    first = step_titles(store)
    last_id = store.add_step(PLAN, "Afsluiten", "Met een feest", feedback=True)
    front_id = store.add_step(PLAN, "Beginnen", position=1)
    assert step_titles(store) == ["Beginnen", *first, "Afsluiten"]
    steps = store.steps().set_index("id")
    assert steps.loc[last_id, "number"] == 6 and steps.loc[last_id, "feedback"] == 1
    assert steps.loc[last_id, "description"] == "Met een feest"
    assert steps.loc[front_id, "number"] == 1
    # the tasks keep their step: step 1's tasks are now under step 2
    tasks = store.tasks().set_index("id")
    assert tasks.loc["ww-1", "step"] == 2 and tasks.loc["ww-8", "step"] == 5
    log = last_log(store)
    assert (log["action"], log["entity"], log["entity_id"]) == ("add", "step", str(front_id))
    assert log["detail"]["number"] == 1 and log["detail"]["plan"] == PLAN


def test_a_plan_without_steps_gets_its_first(limburg_store):
    step = limburg_store.add_step("digitalisering", "Inventariseren")
    steps = limburg_store.steps()
    assert steps.loc[steps["id"] == step, ["plan", "number"]].values.tolist() == [
        ["digitalisering", 1]
    ]


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (dict(plan=PLAN, title=""), ValidationError, "'title' must be non-empty text"),
        (dict(plan=PLAN, title="x", position=0), ValidationError, "step number from 1 to 5"),
        (dict(plan=PLAN, title="x", position=6), ValidationError, "step number from 1 to 5"),
        (dict(plan=PLAN, title="x", feedback="ja"), ValidationError, "'feedback' must be true"),
        (dict(plan="geen-plan", title="x"), NotFound, "plan 'geen-plan'"),
    ],
)
def test_add_step_refuses_bad_input_and_changes_nothing(lindeveen_copy, call, error, words):
    before = snapshot(lindeveen_copy)
    with pytest.raises(error, match=words):
        lindeveen_copy.add_step(**call)
    assert snapshot(lindeveen_copy) == before


def test_update_step_changes_title_description_and_feedback(lindeveen_copy):
    store = lindeveen_copy
    sid = step_id(store, 2)
    store.update_step(sid, title="Afspraken op papier", description="Met de jurist", feedback=True)
    row = store.steps().set_index("id").loc[sid]
    assert (row["title"], row["description"], row["feedback"]) == (
        "Afspraken op papier", "Met de jurist", 1,
    )  # fmt: skip
    assert last_log(store)["detail"]["before"] == {
        "title": "Afspraken vastleggen", "description": "", "feedback": 0,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (dict(title=" "), ValidationError, "'title' must be non-empty text"),
        (dict(description=3), ValidationError, "'description' must be text"),
        (dict(feedback=1), ValidationError, "'feedback' must be true or false"),
        (dict(step_id=999, title="x"), NotFound, "step 999"),
    ],
)
def test_update_step_refuses_bad_input_and_changes_nothing(lindeveen_copy, call, error, words):
    before = snapshot(lindeveen_copy)
    with pytest.raises(error, match=words):
        lindeveen_copy.update_step(**{"step_id": step_id(lindeveen_copy, 1), **call})
    assert snapshot(lindeveen_copy) == before


@pytest.mark.parametrize(
    ("number", "to", "order"),
    [
        (1, 4, [2, 3, 4, 1]),
        (4, 1, [4, 1, 2, 3]),
        (2, 3, [1, 3, 2, 4]),
        (3, 2, [1, 3, 2, 4]),
    ],
)
def test_move_step_renumbers_the_plan_and_its_tasks_follow(lindeveen_copy, number, to, order):
    store = lindeveen_copy
    titles = step_titles(store)
    first_task = store.tasks().set_index("id").loc[f"ww-{2 * number - 1}"]
    assert first_task["step"] == number
    store.move_step(step_id(store, number), to)
    assert step_titles(store) == [titles[n - 1] for n in order]
    assert store.steps().query("plan == @PLAN")["number"].tolist() == [1, 2, 3, 4]
    assert store.tasks().set_index("id").loc[f"ww-{2 * number - 1}", "step"] == to
    assert last_log(store)["detail"] == {"plan": PLAN, "from": number, "to": to}
    assert step_titles(store, "vitaliteit-en-werkdruk")[0] == "Nu herstellen"  # other plans stay


@pytest.mark.parametrize("to", [0, 5, "2", True])
def test_move_step_refuses_a_place_outside_the_plan(lindeveen_copy, to):
    before = snapshot(lindeveen_copy)
    with pytest.raises(ValidationError, match="step number from 1 to 4"):
        lindeveen_copy.move_step(step_id(lindeveen_copy, 2), to)
    assert snapshot(lindeveen_copy) == before


def test_moving_a_step_to_where_it_is_writes_nothing(lindeveen_copy):
    before = snapshot(lindeveen_copy)
    lindeveen_copy.move_step(step_id(lindeveen_copy, 3), 3)
    assert snapshot(lindeveen_copy) == before


def test_remove_step_refuses_a_step_with_tasks_and_says_so(lindeveen_copy):
    before = snapshot(lindeveen_copy)
    with pytest.raises(ValidationError) as caught:
        lindeveen_copy.remove_step(step_id(lindeveen_copy, 2))
    assert caught.value.field == "step"
    assert "step 2 still has 2 task(s)" in str(caught.value)
    assert "'Afspraken vastleggen'" in str(caught.value)
    assert snapshot(lindeveen_copy) == before


def test_remove_step_closes_up_the_steps_after_it(lindeveen_copy):
    store = lindeveen_copy
    titles = step_titles(store)
    empty = store.add_step(PLAN, "Tijdelijk", position=2)
    store.remove_step(empty)
    assert step_titles(store) == titles
    assert store.steps().query("plan == @PLAN")["number"].tolist() == [1, 2, 3, 4]
    log = last_log(store)
    assert (log["action"], log["entity"], log["detail"]["title"]) == ("remove", "step", "Tijdelijk")
    with pytest.raises(NotFound, match=f"step {empty}"):
        store.remove_step(empty)


# -- obstacles and factors ----------------------------------------------------------------------


def obstacles(store, plan: str = PLAN) -> list[tuple]:
    rows = store.plan_obstacles().query("plan == @plan")
    return list(rows[["position", "obstacle", "way_to_deal"]].itertuples(index=False, name=None))


def test_obstacles_are_added_edited_and_removed_by_their_position(lindeveen_copy):
    store = lindeveen_copy
    assert [p for p, _, _ in obstacles(store)] == [0, 1, 2]
    assert store.add_obstacle(PLAN, "Geen budget", "Pilot") == 3
    store.remove_obstacle(PLAN, 1)
    store.update_obstacle(PLAN, 3, way_to_deal="Eerst een pilot")
    rows = obstacles(store)
    assert [p for p, _, _ in rows] == [0, 2, 3]  # a removed obstacle leaves its key unused
    assert rows[-1] == (3, "Geen budget", "Eerst een pilot")
    assert store.add_obstacle(PLAN, "Nog een") == 4
    log = store.change_log().iloc[-4:]
    assert log["action"].tolist() == ["add", "remove", "update", "add"]
    assert set(log["entity"]) == {"obstacle"}
    assert log.iloc[2]["detail"] == {
        "before": {"way_to_deal": "Pilot"}, "after": {"way_to_deal": "Eerst een pilot"},
    }  # fmt: skip


@pytest.mark.parametrize(
    ("method", "args", "error", "words"),
    [
        ("add_obstacle", (PLAN, " "), ValidationError, "'obstacle' must be non-empty text"),
        ("add_obstacle", ("geen-plan", "x"), NotFound, "plan 'geen-plan'"),
        ("update_obstacle", (PLAN, 0, ""), ValidationError, "'obstacle' must be non-empty"),
        ("update_obstacle", (PLAN, 7, "x"), NotFound, "obstacle at position 7"),
        ("remove_obstacle", (PLAN, 7), NotFound, "obstacle at position 7"),
        ("add_factor", (PLAN, ""), ValidationError, "'text' must be non-empty text"),
        ("remove_factor", (PLAN, 9), NotFound, "factor at position 9"),
    ],
)
def test_obstacle_and_factor_changes_refuse_bad_input(lindeveen_copy, method, args, error, words):
    before = snapshot(lindeveen_copy)
    with pytest.raises(error, match=words):
        getattr(lindeveen_copy, method)(*args)
    assert snapshot(lindeveen_copy) == before


def test_factors_are_added_and_removed(lindeveen_copy):
    store = lindeveen_copy
    position = store.add_factor(PLAN, "De wethouder steunt het")
    store.remove_factor(PLAN, 0)
    factors = store.plan_factors().query("plan == @PLAN")
    assert factors["position"].tolist() == [1, 2, position]
    assert factors["text"].iloc[-1] == "De wethouder steunt het"
    log = last_log(store)
    assert (log["action"], log["entity"], log["entity_id"]) == ("remove", "factor", f"{PLAN}/0")
    assert log["detail"]["text"] == "Inwoners kennen de gezichten van het wijkteam uit juli al."


# -- prioritised themes and their plans -------------------------------------------------------


def test_set_prioritised_themes_stores_them_with_before_and_after(lindeveen_copy):
    store = lindeveen_copy
    before = list(store.cohort().prioritised_themes)
    store.set_prioritised_themes(["samenwerken-over-grenzen", "wijkgericht-werken"])
    assert store.cohort().prioritised_themes == ("samenwerken-over-grenzen", "wijkgericht-werken")
    log = last_log(store)
    assert (log["action"], log["entity"]) == ("set", "prioritised_themes")
    assert log["detail"] == {
        "before": before, "after": ["samenwerken-over-grenzen", "wijkgericht-werken"],
    }  # fmt: skip


@pytest.mark.parametrize(
    ("themes", "words"),
    [
        (["wijkgericht-werken", "wijkgericht-werken"], "each theme once"),
        (["verkokering"], "codes of category theme"),  # an obstacle code
        (["bestaat-niet"], "codes of category theme"),
    ],
)
def test_set_prioritised_themes_refuses_what_is_not_a_theme(lindeveen_copy, themes, words):
    before = snapshot(lindeveen_copy)
    with pytest.raises(ValidationError, match=words):
        lindeveen_copy.set_prioritised_themes(themes)
    assert snapshot(lindeveen_copy) == before


def test_ensure_theme_plans_makes_a_plan_for_each_prioritised_theme_without_one(lindeveen_copy):
    store = lindeveen_copy
    assert store.ensure_theme_plans() == []  # every prioritised theme has its plan already
    store.set_prioritised_themes(["wijkgericht-werken", "samenwerken-over-grenzen"])
    assert store.ensure_theme_plans() == ["samenwerken-over-grenzen"]
    plans = store.plans()
    new = plans.set_index("id").loc["samenwerken-over-grenzen"]
    assert (new["kind"], new["theme"], new["title"], new["goal"]) == (
        "theme", "samenwerken-over-grenzen", "Samenwerken over grenzen", "",
    )  # fmt: skip
    # after the other theme plans, before the integration plan
    assert plans["id"].tolist()[-2:] == ["samenwerken-over-grenzen", "integratie"]
    log = last_log(store)
    assert (log["action"], log["entity"], log["entity_id"]) == (
        "add", "plan", "samenwerken-over-grenzen",
    )  # fmt: skip
    assert store.ensure_theme_plans() == []


def test_ensure_theme_plans_is_all_or_nothing(lindeveen_copy):
    before = snapshot(lindeveen_copy)
    with pytest.raises(ValidationError, match="'verkokering'"):
        lindeveen_copy.ensure_theme_plans(["samenwerken-over-grenzen", "verkokering"])
    assert snapshot(lindeveen_copy) == before  # the good theme got no plan either


def test_limburg_plans_match_its_prioritised_themes(limburg_store):
    assert limburg_store.ensure_theme_plans() == []
    themes = set(limburg_store.plans().query("kind == 'theme'")["theme"])
    assert themes == set(limburg_store.cohort().prioritised_themes)
