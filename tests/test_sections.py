"""wwlib.present.sections: every section of the week built once, shown alike by the notebooks,
the panels' static views and the report."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from markupsafe import escape

from wwlib.app.runner import NOTEBOOKS
from wwlib.cohorts.home import init_cohort
from wwlib.core.labels import Labels, catalogue
from wwlib.core.pseudonym import Pseudonymiser
from wwlib.folder.dataset import load_dataset
from wwlib.folder.scaffold import new_cohort
from wwlib.present import render
from wwlib.present.sections import SECTIONS, Part, Section, build
from wwlib.present.workbook import Workbook, opened_workbook
from wwlib.store import Store
from wwlib.ui import NoteBoard

DATA = Path(__file__).resolve().parents[1] / "data"
SECTION_CALL = re.compile(r'ww\.display\.section\(wb, "([a-z_]+)"')
# the sections the report shows, as the notebooks do
IN_THE_REPORT = (
    "interviews", "codebook", "frequencies", "who_said_what", "quotes", "cooccurrence",
    "obstacles", "saturation", "comparison", "agreement", "shortlist", "votes", "priorities",
)  # fmt: skip
# what a section needs that a new cohort, fresh from `ww new`, does not hold yet
NEEDS_DATA = (
    "kickoff", "interviews", "codebook", "transcript", "frequencies", "quotes", "who_said_what",
    "cooccurrence", "obstacles", "saturation", "comparison", "agreement", "shortlist", "themes",
    "votes", "priorities", "plans", "tasks", "evidence", "follow_up", "by_owner",
)  # fmt: skip
NOTE = re.compile(r'<li class="note" data-note="([^"]+)" data-dots="(\d+)"')


def workbook(store: Store, lang: str = "nl") -> Workbook:
    names = Pseudonymiser(store.people(), False, store.cohort().mentioned_names)
    return Workbook(store, Labels(lang), names, lang, False, interactive=False)


@pytest.fixture(scope="module")
def new_store(tmp_path_factory):
    """A cohort as `ww new` and `ww init` leave it: programme and boards, nobody yet."""
    root = tmp_path_factory.mktemp("new")
    folder = new_cohort(root / "heidevaart-2027", "Heidevaart", ["Heidevaart"], "2027-03-08")
    with Store(init_cohort(folder, root / "s.sqlite")) as store:
        yield store


COHORTS = ["limburg_store", "lindeveen", "new_store"]


# -- every section builds ------------------------------------------------------------------


def test_every_section_a_notebook_shows_is_registered():
    cells = [
        "".join(cell["source"])
        for name in NOTEBOOKS
        for cell in json.loads((DATA.parent / "notebooks" / name).read_text("utf-8"))["cells"]
    ]
    shown = {key for source in cells for key in SECTION_CALL.findall(source)}
    assert len(shown) >= 24
    assert shown <= set(SECTIONS), shown - set(SECTIONS)


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory, lindeveen, new_store):
    """`workbooks(cohort, lang)`: one workbook per cohort and language for the tests that only
    build sections (what one section computes, such as the analysis tables, is computed once);
    the Limburg store loaded once, as conftest.py's limburg_store loads it."""
    folder = DATA / "limburg-2020"
    limburg = Store(tmp_path_factory.mktemp("limburg") / "limburg.sqlite", create=True)
    limburg.load_dataset(load_dataset(folder), source=str(folder))
    stores = {"limburg_store": limburg, "lindeveen": lindeveen, "new_store": new_store}
    made = {}

    def made_for(cohort: str, lang: str) -> Workbook:
        if (cohort, lang) not in made:
            made[cohort, lang] = workbook(stores[cohort], lang)
        return made[cohort, lang]

    yield made_for
    limburg.close()


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("cohort", COHORTS)
@pytest.mark.parametrize("key", list(SECTIONS))
def test_every_section_builds(key, cohort, lang, workbooks):
    wb = workbooks(cohort, lang)
    section = build(wb, key)
    labels = Labels(lang)
    assert (section.key, section.title, section.text) == (
        key, labels(f"section.{key}.title"), labels(f"section.{key}.text"),
    )  # fmt: skip
    shown = section.html()
    assert f"<h3>{escape(section.title)}</h3>" in shown
    if section.missing:  # the sentence, and nothing else
        assert section.parts == () and render.sentence_html(section.missing) in shown
    for part in section.parts:
        assert isinstance(part, Part) and (part.missing or part.content is not None)


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("key", NEEDS_DATA)
def test_a_new_cohort_says_what_each_section_lacks(new_store, key, lang):
    section = build(workbook(new_store, lang), key)
    sentences = {t[lang] for k, t in catalogue().items() if k.startswith("missing.")}
    lacking = [section.missing] if section.missing else [p.missing for p in section.parts]
    assert lacking and set(lacking) - {""} <= sentences, f"{key}: {lacking}"
    assert lacking != [""], f"{key} shows nothing and says nothing"


@pytest.mark.parametrize("key", list(SECTIONS))
def test_a_complete_week_lacks_nothing(lindeveen, key):
    section = build(workbook(lindeveen), key)
    assert section.missing == ""
    # a part that drawn would say nothing is its sentence: Lindeveen's 31 codes share a
    # fragment in 10 of 465 pairs, too few for a matrix (figures.connection.MIN_FILLED)
    says_nothing = {"cooccurrence": ["heatmap"]}
    assert [p.name for p in section.parts if p.missing] == says_nothing.get(key, [])


def test_a_section_is_built_once_per_state_of_the_store(lindeveen_copy):
    wb = workbook(lindeveen_copy)
    first = build(wb, "shortlist")
    assert build(wb, "shortlist") is first
    assert build(wb, "comparison", attribute="municipality") is not build(wb, "comparison")
    lindeveen_copy.set_shortlist(["digitaal-samenwerken"])
    again = build(wb, "shortlist")
    assert again is not first
    assert again.part("shortlist").content.iloc[:, 1].tolist() == ["Digitaal samenwerken"]


def test_unknown_sections_and_parts_name_what_there_is(lindeveen):
    wb = workbook(lindeveen)
    with pytest.raises(KeyError, match="no section 'nope'; the sections are kickoff, "):
        build(wb, "nope")
    with pytest.raises(KeyError, match="has no part 'pie'; its parts: heatmap, network, table"):
        build(wb, "cooccurrence").part("pie")


def test_the_parts_come_by_kind(lindeveen):
    section = build(workbook(lindeveen), "cooccurrence")
    assert len(section.figures) == 2 and len(section.tables) == 1 and section.fragments == []
    assert len(build(workbook(lindeveen), "quotes").fragments) == 1


def test_user_text_in_a_section_is_escaped(mini_store):
    mini_store.add_note("flap-kick-off", "<script>alert(1)</script>", cluster="<i>x</i>")
    mini_store.set_shortlist(["samen-werken"])
    mini_store.ensure_theme_boards()
    board = mini_store.theme_boards()["board"].iloc[0]
    mini_store.add_note(board, "<b>vet</b> & meer")
    shown = build(workbook(mini_store), "themes").body_html()
    assert "<b>vet</b>" not in shown and "&lt;b&gt;vet&lt;/b&gt; &amp; meer" in shown
    kickoff = NoteBoard(workbook(mini_store), "flap-kick-off")._repr_html_()
    assert "<script>" not in kickoff and "&lt;script&gt;alert(1)&lt;/script&gt;" in kickoff
    assert "&lt;i&gt;x&lt;/i&gt;" in kickoff


def test_a_section_without_parts_shows_its_heading_only():
    section = Section("coding", "Coderen", "Kies een interview.")
    assert section.html(2) == "<h2>Coderen</h2>\n<p>Kies een interview.</p>"


# -- the notebooks and the report show the same -------------------------------------------------


@pytest.fixture(scope="module")
def ran(lindeveen_pseudonymised_run):
    """`ww run --pseudonymise` on the Lindeveen week (shared with test_report_docx.py): the
    executed notebooks, the report, and a pseudonymised workbook on the store they were made
    from (the same sections, names replaced alike)."""
    out, store = lindeveen_pseudonymised_run / "out", lindeveen_pseudonymised_run / "s.sqlite"
    notebooks = {}
    for name in NOTEBOOKS:
        executed = json.loads((out / name).read_text(encoding="utf-8"))
        notebooks[name] = [
            "".join(output.get("data", {}).get(kind, ""))
            for cell in executed["cells"]
            for output in cell.get("outputs", [])
            for kind in ("text/html", "text/markdown")
        ]
    with opened_workbook(DATA / "lindeveen-2026", store, pseudonymise=True) as wb:
        yield wb, notebooks, (out / "report.html").read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("key", IN_THE_REPORT)
def test_the_report_shows_a_section_as_the_notebook_does(ran, key):
    wb, notebooks, report = ran
    section = build(wb, key)
    shown = [o for outputs in notebooks.values() for o in outputs]
    markdown = "\n".join(shown).replace("\\", "")
    assert section.text in markdown, f"{key}: the notebook lacks the explanation"
    assert str(escape(section.text)) in report, f"{key}: the report lacks the explanation"
    pieces = [render.table_html(t) for t in section.tables] + section.fragments
    pieces += [render.items_html(list(p.content), f"ww-{key}-{p.name}")
               for p in section.parts if isinstance(p.content, tuple)]  # fmt: skip
    assert pieces or section.figures, f"{key} shows nothing"
    for piece in pieces:
        assert piece in report, f"{key}: the report shows another {piece[:80]}"
        assert any(piece in output for output in shown), f"{key}: the notebook shows another"


@pytest.mark.slow
def test_the_report_has_the_section_html_the_notebook_parts_make(ran):
    wb, _, report = ran
    for key in ("obstacles", "shortlist", "codebook"):
        assert build(wb, key).html(3) in report, key


@pytest.mark.slow
def test_a_board_shows_the_same_notes_and_dots_in_the_report_and_the_static_panel(ran):
    wb, notebooks, report = ran
    appendix = report[report.index('id="bijlagen"') :]
    dots = wb.store.votes().groupby("note")["dots"].sum()
    voted = 0
    for board in wb.store.boards().itertuples():
        start = appendix.index(f'id="flap-{board.number}"')
        in_report = NOTE.findall(appendix[start : appendix.index("</section>", start)])
        static = NoteBoard(wb, board.id)._repr_html_()
        assert NOTE.findall(static) == in_report, board.id
        notes = wb.store.notes(board.id)["id"].tolist()
        expected = [(n, str(int(dots.get(n, 0)))) for n in notes]
        assert sorted(in_report) == sorted(expected), board.id  # in order of their clusters
        voted += sum(int(d) for _, d in in_report)
    assert voted == dots.sum() > 0  # every dot is on a board, counted once
    ideas = wb.store.boards().query("kind == 'ideas'")["id"].iloc[0]
    thursday = "".join(notebooks["04_road_to_progress.ipynb"])
    on_ideas = NOTE.findall(NoteBoard(wb, ideas)._repr_html_())
    assert on_ideas and set(on_ideas) <= set(NOTE.findall(thursday))  # what ww run showed


# -- what a section says is true of what it shows -------------------------------------------


def test_a_comparison_hidden_for_small_groups_says_so_not_that_nothing_was_coded(mini_store):
    names = Pseudonymiser(mini_store.people(), True, mini_store.cohort().mentioned_names)
    wb = Workbook(mini_store, Labels("nl"), names, "nl", True, interactive=False)
    assert len(wb.store.codings()) > 0  # two participants, each alone in their organisation
    chart = build(wb, "comparison").parts[0]
    assert chart.missing == (
        "Geen groep is groot genoeg om in de gepseudonimiseerde versie te tonen; "
        "vergelijken kan niet"
    )
    shown = build(workbook(mini_store), "comparison").parts[0]  # not pseudonymised: drawn
    assert not shown.missing and shown.is_figure


def test_the_quotes_section_promises_only_what_its_selection_keeps(mini_store):
    section = build(workbook(mini_store), "quotes")
    assert "beide codeurs" not in section.text  # the mini week has one coder
    assert "elk van een andere deelnemer" in section.text


FIGURE_SECTIONS = (
    "kickoff", "interviews", "frequencies", "who_said_what", "cooccurrence", "saturation",
    "comparison", "agreement", "votes", "plans", "tasks",
)  # fmt: skip


@pytest.mark.parametrize("key", FIGURE_SECTIONS)
def test_every_figures_data_table_names_what_the_figure_shows(lindeveen, key):
    figures = [p for p in build(workbook(lindeveen), key).parts if p.is_figure and not p.missing]
    assert figures
    for part in figures:
        table = part.alt_table
        drawn_rows = not isinstance(table.index, pd.RangeIndex)  # a heatmap's rows
        named = list(table.index) if drawn_rows else list(table.iloc[:, 0])
        named += [c for c in table.columns if c != ""]
        assert all(isinstance(n, str) and n.strip() for n in named), (part.name, named[:5])
        assert not any(re.fullmatch(r"-?[\d.,]+", n) for n in named), (part.name, named[:5])
        across = any(t.type == "bar" and t.orientation == "h" for t in part.content.data)
        category = (part.content.layout.yaxis if across else part.content.layout.xaxis).title.text
        if category in table.columns:  # the names on the category axis, not its rows 0..n-1
            assert all(isinstance(v, str) and v for v in table[category]), (part.name, category)
