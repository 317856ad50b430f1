"""wwlib.present.evidence: from a task to its plan, theme, codes and interview fragments."""

from __future__ import annotations

import re

import pytest
from store_helpers import forbidden_names

from wwlib.core.errors import NotFound
from wwlib.core.labels import Labels
from wwlib.core.pseudonym import Pseudonymiser
from wwlib.present.evidence import evidence_trail, evidence_trails, trail_html, trail_table
from wwlib.present.workbook import Workbook


def workbook(store, pseudonymise: bool = False, lang: str = "nl") -> Workbook:
    names = Pseudonymiser(store.people(), pseudonymise, store.cohort().mentioned_names)
    return Workbook(store, Labels(lang), names, lang, pseudonymise, interactive=False)


def relations(trail) -> dict[str, str]:
    return {c.id: c.relation for c in trail.codes}


# -- what a trail holds -------------------------------------------------------------------------


def test_a_theme_task_leads_to_its_plan_theme_codes_and_fragments(mini_store):
    trail = evidence_trail(mini_store, "sw-1")
    assert (trail.title, trail.step) == ("Belrooster maken", 1)
    assert trail.step_title == "Korte lijnen vastleggen"
    assert (trail.plan, trail.plan_kind, trail.theme) == ("samen-werken", "theme", "samen-werken")
    assert trail.theme_name == "Samen werken"
    assert trail.owners == ("anna-jansen", "femke-bos")
    assert relations(trail) == {
        "samen-werken": "theme",
        "korte-lijnen": "child",  # its parent is the theme
        "oude-regels": "board",  # a note on the theme's board came from that fragment
        "een-werkwijze": "board",
    }
    assert trail.codes[0].id == "samen-werken"
    texts = {f.text for f in trail.fragments}
    assert {"de korte lijnen", "Dat scheelde veel tijd", "De oude regels", "één werkwijze"} == texts


def test_fragment_texts_are_the_exact_spans_of_the_transcripts(lindeveen):
    for trail in evidence_trails(lindeveen).values():
        for fragment in trail.fragments:
            transcript = lindeveen.transcript(fragment.interview)
            assert fragment.text == transcript[fragment.start : fragment.end]
            assert fragment.codes


def test_codes_on_an_overlapping_passage_co_occur(mini_store):
    # [80, 100) overlaps the theme's fragment [73, 88) in Anna's interview
    mini_store.add_coding("anna-jansen", 80, 100, "kleine-stappen", "femke-bos")
    trail = evidence_trail(mini_store, "sw-1")
    assert relations(trail)["kleine-stappen"] == "co-occurring"
    near = [f for f in trail.fragments if "kleine-stappen" in f.codes]
    assert [(f.interview, f.start, f.end) for f in near] == [("anna-jansen", 80, 100)]


def test_a_passage_elsewhere_is_not_behind_the_theme(mini_store):
    mini_store.add_coding("anna-jansen", 0, 6, "kleine-stappen", "femke-bos")  # "Femke:"
    trail = evidence_trail(mini_store, "sw-1")
    assert "kleine-stappen" not in relations(trail)
    assert all(f.start != 0 for f in trail.fragments)


def test_every_lindeveen_fragment_is_explained(lindeveen):
    """Each fragment is coded with the theme, overlaps such a passage, or a board note cites it."""
    for trail in evidence_trails(lindeveen).values():
        if trail.theme is None:
            continue
        own = {c.id for c in trail.codes if c.relation in ("theme", "child")}
        themed = [f for f in trail.fragments if own & set(f.codes)]
        cited = {f.id for n in trail.notes for f in n.fragments}
        for f in trail.fragments:
            overlaps = any(
                t.interview == f.interview and t.start < f.end and f.start < t.end for t in themed
            )
            assert overlaps or f.id in cited, (trail.task, f.id)


def test_fragments_sharing_words_with_the_task_come_first(lindeveen):
    trail = evidence_trail(lindeveen, "ww-3")  # "Convenant gegevensdeling ... privacy officer ..."
    first = " ".join(f.text.lower() for f in trail.fragments[:3])
    assert "convenant" in first and "privacy officer" in first
    assert len(trail.fragments) > 3


def test_notes_on_the_theme_board_keep_their_fragments(lindeveen):
    trail = evidence_trail(lindeveen, "ww-1")
    boards = set(lindeveen.boards().query("theme == 'wijkgericht-werken'")["id"])
    assert trail.notes and all(n.board in boards and n.fragments for n in trail.notes)


def test_the_integration_plan_has_no_theme_but_names_the_themes(lindeveen):
    task = lindeveen.tasks().query("plan == 'integratie'")["id"].iloc[0]
    trail = evidence_trail(lindeveen, task)
    assert trail.theme is None and trail.codes == () and trail.fragments == ()
    plans = lindeveen.plans().query("kind == 'theme'")
    assert [t.id for t in trail.themes] == plans["theme"].tolist()


def test_limburg_integration_tasks_have_a_trail(limburg_store):
    trails = evidence_trails(limburg_store)
    assert len(trails) == len(limburg_store.tasks()) > 0
    assert all(t.theme is None and len(t.themes) == 5 for t in trails.values())


def test_an_unknown_task_is_named(mini_store):
    with pytest.raises(NotFound, match="task 'nope'"):
        evidence_trail(mini_store, "nope")


def test_a_trail_only_reads(lindeveen):
    before = lindeveen.change_count()
    evidence_trails(lindeveen)
    trail_table(workbook(lindeveen), "ww-1")
    assert lindeveen.change_count() == before


# -- showing a trail ----------------------------------------------------------------------------


def test_trail_table_lists_every_link_in_order(mini_store):
    table = trail_table(workbook(mini_store), "sw-1")
    assert list(table.columns) == ["Schakel", "Tekst", "Bron"]
    links = table["Schakel"].tolist()
    assert links[:4] == ["Taak", "Stap", "Plan", "Thema"]
    assert links.count("Code") == 4 and links.count("Fragment") == 4 and links.count("Geeltje") == 2
    assert "anna-jansen" not in " ".join(table["Bron"])
    assert "Anna Jansen, tekens 73–88" in table["Bron"].tolist()


def test_trail_table_in_english(mini_store):
    table = trail_table(workbook(mini_store, lang="en"), "int-1")
    assert list(table.columns) == ["Link", "Text", "Source"]
    assert "brings the themes together: Samen werken" in table["Text"].iloc[-1]


@pytest.mark.parametrize("cohort", ["mini_store", "lindeveen"])
def test_pseudonymised_trails_name_no_one(cohort, request):
    store = request.getfixturevalue(cohort)
    wb = workbook(store, pseudonymise=True)
    shown = " ".join(
        trail_html(wb, t) + trail_table(wb, t).to_string() for t in store.tasks()["id"]
    )
    for name in forbidden_names(store):
        assert not re.search(rf"(?<!\w){re.escape(name)}(?!\w)", shown), name


def test_trail_html_escapes_every_text(mini_store):
    board = "flap-samen-werken"
    note = mini_store.add_note(board, "<script>alert(1)</script>", author="anna-jansen")
    mini_store.link_fragments(note, [1])
    task = mini_store.add_task("samen-werken", 1, '<img src=x onerror="alert(2)">')
    shown = trail_html(workbook(mini_store), task)
    assert "<script>" not in shown and "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    assert "<img" not in shown
    assert shown.startswith("<details class='ww-trail'") and shown.endswith("</details>")


def test_trail_html_limits_the_fragments_shown(lindeveen):
    wb = workbook(lindeveen)
    full, short = trail_html(wb, "ww-3"), trail_html(wb, "ww-3", fragments=3)
    assert short.count("<blockquote") == 3 < full.count("<blockquote")
    assert "en nog " in short and "en nog " not in full
