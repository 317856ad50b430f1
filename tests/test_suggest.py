"""Code suggestions: the model (wwlib/analysis/suggest.py), the SuggestionBox in the coding
panel (wwlib/ui/suggest.py) and the change log of an accepted suggestion."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
from test_ui_coding import workbook

from wwlib.analysis.suggest import PASSAGE_COLUMNS, Suggester, code_texts, coded_passages
from wwlib.core.errors import ValidationError
from wwlib.folder.dataset import load_dataset
from wwlib.store import Store
from wwlib.ui import CodingPanel

CODEBOOK = {
    "overleg": "Overleg. Vergaderingen en afstemming.",
    "geld": "Geld. Budgetten en financiering.",
    "werkdruk": "Werkdruk. Moe en uitgeput.",
    "leeg": "Een code die nog niemand gaf.",
}
PASSAGES = [
    ("p1", 0, 40, "We vergaderen elke week met alle partners.", ("overleg",)),
    ("p1", 50, 90, "Na het vergaderen weet iedereen wat er speelt.", ("overleg",)),
    ("p2", 0, 40, "Het budget voor de wijk is op.", ("geld",)),
    ("p2", 50, 90, "Er is geen structureel geld voor het wijkteam.", ("geld",)),
    ("p3", 0, 40, "Collega's zijn moe en uitgeput na de crisis.", ("werkdruk",)),
    ("p3", 50, 90, "De werkdruk is nog steeds te hoog.", ("werkdruk", "geld")),
]


def passages(rows=PASSAGES) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=PASSAGE_COLUMNS)


# -- the model ---------------------------------------------------------------------------


def test_a_passage_about_meetings_gets_the_code_of_passages_about_meeting():
    found = Suggester(passages(), CODEBOOK).suggest("Die vergaderingen duren veel te lang.")
    assert found.reason == "" and 1 <= len(found.rows) <= 3
    assert found.rows[0].code == "overleg"
    assert "vergaderen" in found.rows[0].evidence.text
    assert [s.score for s in found.rows] == sorted((s.score for s in found.rows), reverse=True)
    for s in found.rows:  # each with the most similar passage that carries its code
        carrying = passages()[passages()["codes"].map(lambda c, code=s.code: code in c)]
        assert s.evidence.text in set(carrying["text"])
        assert 0 < s.evidence.similarity <= 1
    assert "leeg" not in found.codes  # a code nobody gave has no evidence


def test_folding_and_stemming_are_the_searchs():
    found = Suggester(passages(), CODEBOOK).suggest("UITGEPUTTE collega’s, zó moe")
    assert found.codes[0] == "werkdruk"


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_never_more_than_asked(limit):
    found = Suggester(passages(), CODEBOOK).suggest("werkdruk, geld en vergaderen", limit=limit)
    assert len(found.rows) == limit


def test_the_span_being_coded_is_never_its_own_evidence():
    model = Suggester(passages(), CODEBOOK)
    text = PASSAGES[0][3]
    assert model.suggest(text).rows[0].evidence.start == 0  # itself, when not named
    found = model.suggest(text, "p1", 0, 40)
    assert found.rows[0].code == "overleg"
    assert all((s.evidence.interview, s.evidence.start) != ("p1", 0) for s in found.rows)


def test_a_code_whose_only_passage_is_being_coded_is_not_suggested():
    rows = [*PASSAGES, ("p4", 0, 30, "Een gedeelde kaart met meldingen.", ("kaart",))]
    model = Suggester(passages(rows), CODEBOOK | {"kaart": "Kaart."})
    assert "kaart" in model.suggest("een gedeelde kaart").codes
    assert "kaart" not in model.suggest("een gedeelde kaart", "p4", 0, 30).codes


@pytest.mark.parametrize(
    ("rows", "codebook", "text", "reason"),
    [
        (PASSAGES, {}, "vergaderen", "no_codebook"),
        ([], CODEBOOK, "vergaderen", "no_codings"),
        ([("p1", 0, 9, "vergaderen", ("weg",))], CODEBOOK, "vergaderen", "no_codings"),
        (PASSAGES, CODEBOOK, " … 📞 ", "no_words"),
        (PASSAGES, CODEBOOK, "qwxz", "nothing_similar"),
    ],
)
def test_no_suggestions_say_why(rows, codebook, text, reason):
    found = Suggester(passages(rows), codebook).suggest(text)
    assert found.rows == () and found.reason == reason


def test_coded_passages_are_one_row_per_fragment_with_every_coders_codes(lindeveen):
    codings = lindeveen.codings()
    texts = lindeveen.fragment_texts(list(codings["fragment"].unique()))
    coded = coded_passages(codings, texts)
    assert len(coded) == codings["fragment"].nunique()
    assert set(coded["codes"].map(len)) == {1, 2}
    first = codings.sort_values("id").iloc[0]
    row = coded[(coded["interview"] == first["interview"]) & (coded["start"] == first["start"])]
    assert row["text"].iloc[0] == texts[first["fragment"]]
    assert list(coded_passages(codings.iloc[:0], {}).columns) == list(PASSAGE_COLUMNS)


def test_code_texts_join_name_and_description(lindeveen):
    texts = code_texts(lindeveen.codes())
    assert texts["regeldruk"].startswith("Regeldruk. Procedures, parafen")


def test_scikit_learn_is_loaded_only_when_suggesting():
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, wwlib.ui; print('sklearn' in sys.modules)"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert loaded.strip() == "False"


# -- the store records an accepted suggestion -------------------------------------------


def test_the_log_says_which_coding_was_a_suggestion_accepted(mini_store):
    evidence = {"interview": "anna-jansen", "start": 3, "end": 9, "similarity": 0.42}
    ids = mini_store.add_codings(
        "bram-de-vries", 0, 12, ["samen-werken", "kleine-stappen"], "femke-bos",
        suggested={"kleine-stappen": evidence},
    )  # fmt: skip
    log = mini_store.change_log()
    details = {int(e.entity_id): e.detail for e in log[log["entity"] == "coding"].itertuples()}
    assert details[ids[1]]["suggested"] is True and details[ids[1]]["evidence"] == evidence
    assert "suggested" not in details[ids[0]] and "evidence" not in details[ids[0]]


def test_suggested_as_code_ids_only(mini_store):
    (coding,) = mini_store.add_codings(
        "bram-de-vries", 0, 12, ["samen-werken"], "femke-bos", suggested={"samen-werken"}
    )
    detail = mini_store.change_log().iloc[-1]["detail"]
    assert detail["suggested"] is True and detail["evidence"] == {}


def test_a_suggested_code_that_is_not_given_is_refused_and_nothing_stored(mini_store):
    before = (len(mini_store.codings()), len(mini_store.change_log()))
    with pytest.raises(ValidationError, match="'suggested' must be codes among those given"):
        mini_store.add_codings(
            "bram-de-vries", 0, 12, ["samen-werken"], "femke-bos", suggested=["oude-regels"]
        )
    assert (len(mini_store.codings()), len(mini_store.change_log())) == before


# -- the SuggestionBox in the coding panel ---------------------------------------------


def coded_span(store, code: str) -> tuple[str, int, int]:
    row = store.codings().query("code == @code").iloc[0]
    return row["interview"], int(row["start"]), int(row["end"])


def shown_in(widget, part) -> bool:
    return widget is part or any(shown_in(c, part) for c in getattr(widget, "children", ()))


def panel_on(store, interview: str, start: int, end: int, lang: str = "nl") -> CodingPanel:
    panel = CodingPanel(workbook(store, lang), coder="marit-hofstede")
    panel.pick.value = interview
    panel.start.value, panel.end.value = start, end
    return panel


def test_the_panel_shows_suggestions_and_accepting_ticks_and_records(lindeveen_copy):
    store = lindeveen_copy
    interview, start, end = coded_span(store, "privacy-officer-betrekken")
    panel = panel_on(store, interview, start + 1, end)  # a span not coded yet
    box = panel.suggestions
    assert "ww-suggestions" in box._dom_classes and shown_in(panel, box)
    rows = box.rows.children
    assert 1 <= len(rows) <= 3 and len(rows) == len(box.suggestions.rows)
    first = box.suggestions.rows[0]
    name = store.codes().set_index("id").at[first.code, "name"]
    assert name in rows[0].children[0].value and "lijkt op" in rows[0].children[0].value
    use = rows[0].children[-1]
    assert "ww-suggestion-accept" in use._dom_classes and use.description == "Gebruik"
    use.click()
    assert first.code in panel.codes.value and use.disabled and use.description == "Gebruikt"
    other = next(c for c in panel.codes.boxes if c not in box.suggestions.codes)
    panel.codes.boxes[other].value = True
    panel.add.click()
    assert "ww-ok" in panel.status.value
    log = store.change_log().iloc[-2:]
    detail = dict(zip(log["detail"].map(lambda d: d["code"]), log["detail"], strict=True))
    assert detail[first.code]["suggested"] is True
    assert detail[first.code]["evidence"]["interview"] == first.evidence.interview
    assert "suggested" not in detail[other]
    assert box.accepted == {} and not use.disabled  # the picker was emptied after storing


def test_unticking_an_accepted_code_forgets_the_suggestion(lindeveen_copy):
    interview, start, end = coded_span(lindeveen_copy, "regeldruk")
    panel = panel_on(lindeveen_copy, interview, start + 1, end)
    box = panel.suggestions
    code = box.suggestions.rows[0].code
    box.accept(code)
    assert box.suggested[code]["similarity"] > 0
    panel.codes.boxes[code].value = False
    assert box.suggested == {}


def test_rows_of_an_earlier_span_are_closed(lindeveen_copy):
    interview, start, end = coded_span(lindeveen_copy, "regeldruk")
    panel = panel_on(lindeveen_copy, interview, start + 1, end)
    earlier = panel.suggestions.rows.children
    assert earlier and all(row.comm is not None for row in earlier)
    panel.start.value = start + 2
    assert all(row.comm is None and row.children[-1].comm is None for row in earlier)
    assert panel.suggestions.rows.children and panel.suggestions.rows.children[0].comm


def test_the_model_is_fitted_again_only_when_the_codings_change(lindeveen_copy):
    interview, start, end = coded_span(lindeveen_copy, "regeldruk")
    box = panel_on(lindeveen_copy, interview, start + 1, end).suggestions
    fitted = box.model()
    lindeveen_copy.add_memo("cohort", "lindeveen-2026", "Geen codering.")
    assert box.model() is fitted
    lindeveen_copy.add_codings(interview, start + 1, end, ["regeldruk"], "marit-hofstede")
    assert box.model() is not fitted


@pytest.fixture
def uncoded(tmp_path, make_cohort):
    """The mini cohort without any coding."""
    folder = make_cohort(
        **{
            "codings.csv": "interview,code,coder,quote,occurrence,memo\n",
            "notes.csv": lambda text: text.replace("anna-jansen:1", "").replace(
                "anna-jansen:3;bram-de-vries:1", ""
            ),
        }
    )
    store = Store(tmp_path / "uncoded.sqlite", actor="tester", create=True)
    store.load_dataset(load_dataset(folder), source=str(folder))
    yield store
    store.close()


def test_no_span_and_no_codings_say_so_in_the_cohorts_language(uncoded):
    panel = panel_on(uncoded, "anna-jansen", 0, 0, lang="en")
    assert "Choose a passage" in panel.suggestions.note.value
    panel.start.value, panel.end.value = 0, 40
    assert panel.suggestions.rows.children == ()
    assert "no passage has been coded yet" in panel.suggestions.note.value


def test_user_text_in_a_suggestion_is_escaped(uncoded):
    uncoded.add_code("raar", "theme", "Code <b>& zo", description="Bellen <script>")
    uncoded.add_codings("anna-jansen", 60, 120, ["raar"], "femke-bos")  # the only code given
    panel = panel_on(uncoded, "bram-de-vries", 0, 40)
    shown = "".join(r.children[0].value for r in panel.suggestions.rows.children)
    assert "Code &lt;b&gt;&amp; zo" in shown and "<b>&" not in shown
