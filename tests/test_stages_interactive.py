"""The five notebooks as JupyterLab and Voila run them (`interactive` true: widgets), at every
stage of a new cohort's week: no traceback, each empty part says what fills it, and opening a
dashboard leaves the store byte for byte as it was.

The static path (`ww run`) is in test_stages.py, which also holds the expectations per stage.
"""

from __future__ import annotations

import pytest
from stage_helpers import (
    COHORT,
    FACILITATOR,
    SHORTLIST,
    STAGE_IDS,
    WarmKernel,
    build_stages,
    check_notebook,
    copy_store,
    errors,
    file_digest,
    missing_said,
)
from store_helpers import all_rows

from wwlib.app.runner import NOTEBOOKS
from wwlib.core.labels import Labels
from wwlib.core.pseudonym import Pseudonymiser
from wwlib.present.workbook import Workbook
from wwlib.store import Store

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def stages(tmp_path_factory):
    return build_stages(tmp_path_factory.mktemp("stages"))


@pytest.fixture(scope="module")
def kernel():
    warm = WarmKernel()
    yield warm
    warm.close()


def workbook(store: Store) -> Workbook:
    names = Pseudonymiser(store.people(), False, store.cohort().mentioned_names)
    return Workbook(store, Labels("nl"), names, "nl", False, interactive=True)


@pytest.mark.parametrize("stage", STAGE_IDS)
def test_every_notebook_opens_at_every_stage(stages, kernel, stage):
    folder, store = stages[stage].folder, stages[stage].store
    digest, rows = file_digest(store), all_rows(store)
    for name in NOTEBOOKS:
        nb = kernel.execute(name, cohort=COHORT, data_dir=str(folder.parent), store=str(store))
        check_notebook(stage, name, nb)
    assert (file_digest(store), all_rows(store)) == (digest, rows), "opening changed the store"


def test_opening_04_leaves_a_store_with_an_unboarded_theme_unchanged(kernel, lindeveen_copy):
    """Lindeveen shortlists a theme without a board: opening 04 used to make one (and so
    renumber the report's appendices)."""
    store, count = lindeveen_copy.path, lindeveen_copy.change_count()
    digest, rows = file_digest(store), all_rows(store)
    nb = kernel.execute(
        "04_road_to_progress.ipynb", cohort="lindeveen-2026", data_dir="", store=str(store)
    )
    assert errors(nb) == []
    assert "Maak de themaflappen" in str(nb["metadata"]["widgets"])  # the button is offered
    assert (file_digest(store), all_rows(store)) == (digest, rows)
    assert lindeveen_copy.change_count() == count


def test_theme_boards_are_made_by_the_facilitator_not_by_opening(stages, tmp_path):
    from wwlib.ui import ThemeBoards

    with Store(copy_store(stages["coded"], tmp_path / "s.sqlite"), actor=FACILITATOR) as store:
        store.set_shortlist(list(SHORTLIST))
        before = store.change_count()
        panel = ThemeBoards(workbook(store))
        assert store.change_count() == before and store.theme_boards().empty
        assert missing_said("theme_boards") in panel.children[0].value.replace("<code>", "")
        assert panel.make.layout.display == ""
        panel._on_make(None)
        assert list(panel.tabs.titles) == ["Samen werken", "Werkdruk"]
        boards = store.boards()  # after the kick-off, ideas and integration boards of ww new
        assert boards.loc[boards["kind"] == "theme", "number"].tolist() == [4, 5]
        assert panel.make.layout.display == "none"
        assert "2 themaflappen gemaakt." in panel.status.value
        panel._on_make(None)  # nothing twice
        assert len(store.theme_boards()) == 2
