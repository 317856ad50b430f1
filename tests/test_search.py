"""Full-text search (wwlib/analysis/search.py, wwlib/store/search.py) and autocoding its hits."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store_helpers import all_rows

from wwlib.analysis.search import (
    find,
    fold,
    keyword_in_context,
    parse_query,
    sentence_span,
    term,
    words,
)
from wwlib.app.cli import main
from wwlib.core.errors import NotFound, SearchQueryError, StoreError
from wwlib.core.labels import Labels
from wwlib.core.pseudonym import Pseudonymiser
from wwlib.exchange.transcripts import import_files
from wwlib.present.search import search_table
from wwlib.present.workbook import Workbook
from wwlib.store import Store
from wwlib.store.schema import MIGRATIONS
from wwlib.ui import SearchPanel

ANNELIES, MARIT, INEKE = "annelies-kuipers", "marit-hofstede", "ineke-verhoeven"
VTT = """WEBVTT

1
00:00:02.310 --> 00:00:06.820
F. Bos: Goedemorgen Chloë. Hoe gaan de vergaderingen?

2
00:01:07.400 --> 00:01:09.150
Chloë Peeters: Wij vergaderen te veel. De coördinator plant alles.
"""


# -- the text functions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("coordinator", "Coördinator"),
        ("vergaderingen", "vergaderen"),
        ("vergadering", "Vergaderingen"),
        ("organisatie", "organisaties"),
        ("situaties", "situatie"),
        ("gemeente", "gemeenten"),
        ("een", "één"),
    ],
)
def test_folded_and_stemmed_words_share_a_term(a, b):
    assert term(a) == term(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("regels", "geregeld"), ("gemeente", "meent"), ("gemeenten", "menen"), ("geld", "geleden")],
)
def test_words_that_only_look_alike_keep_their_own_term(a, b):
    """Porter's Dutch stemmer: no "ge-" is taken off the front of a word."""
    assert term(a) != term(b)


def test_fold_drops_case_and_diacritics():
    assert fold("Coördinator Één café") == "coordinator een cafe"


@pytest.mark.parametrize(
    ("query", "phrases"),
    [
        ("water", (("water",),)),
        ('"droge voeten" dak', (("drog", "voet"), ("dak",))),
        ("Water, water!", (("water",),)),
    ],
)
def test_parse_query_reads_words_and_phrases(query, phrases):
    assert parse_query(query).phrases == phrases


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ('"droge voeten', "unbalanced quote"),
        ("", "empty"),
        ("   ", "empty"),
        ("?!", "no words"),
        ('water ""', "phrase in quotes has no words"),
    ],
)
def test_a_bad_query_says_what_is_wrong(query, problem):
    with pytest.raises(SearchQueryError, match=problem):
        parse_query(query)


def test_find_needs_every_phrase_and_gives_exact_spans():
    text = "De Coördinator vergaderde. Vergaderingen duren lang; de coördinatoren zwijgen."
    spans = find(text, parse_query("vergaderen coordinator"))
    assert [text[s:e] for s, e in spans] == ["Coördinator", "Vergaderingen", "coördinatoren"]
    assert find(text, parse_query("vergaderen fiets")) == []
    phrase = find(text, parse_query('"duren lang"'))
    assert [text[s:e] for s, e in phrase] == ["duren lang"]


def test_keyword_in_context_brackets_the_hit_on_one_line():
    text = "een twee drie\nvier VIJF zes zeven acht"
    assert keyword_in_context(text, 19, 23, 2) == "… drie vier [VIJF] zes zeven …"
    assert keyword_in_context(text, 0, 3, 1) == "[een] twee …"


def test_sentence_span_is_the_sentence_around_the_hit():
    text = "Eerste zin. Tweede zin met water! Derde."
    start = text.index("water")
    assert text[slice(*sentence_span(text, start, start + 5))] == "Tweede zin met water!"
    assert text[slice(*sentence_span(text, 0, 6))] == "Eerste zin."


# -- the store's index -------------------------------------------------------------------------


def test_folding_finds_the_word_with_diacritics(lindeveen):
    hits = lindeveen.search("coordinatoren")
    word = hits[hits["hit"] == "coördinatoren"]
    assert word["interview"].tolist() == [ANNELIES]
    assert word["speaker"].tolist() == [ANNELIES]


def test_a_word_finds_the_compounds_it_ends(lindeveen):
    """Dutch joins words: "wijkcoördinator" holds "coördinator" as its last part."""
    hits = set(lindeveen.search("coordinatoren")["hit"])
    assert hits == {"coördinatoren", "wijkcoördinator", "wijkcoördinatoren"}
    assert "wijkteam" in set(lindeveen.search("team")["hit"])
    # not inside a word, nor at its start, nor a short word at the end of any word
    assert "wijkteam" not in set(lindeveen.search("wijk")["hit"])
    assert {term(h) for h in lindeveen.search("uur")["hit"]} <= {"uur"}


def test_a_word_with_compounds_goes_with_other_words(lindeveen):
    """Every word is still required, the one with compounds among them, in either order."""
    for query in ("team wijk", "team wijk ruimte", '"de wijk" team'):
        assert not lindeveen.search(query).empty, query
    one, other = (lindeveen.search(q) for q in ("team wijk", "wijk team"))
    assert set(one["hit"]) == set(other["hit"]) >= {"wijk", "wijkteam"}


def test_a_compound_is_no_form_of_a_phrase(lindeveen):
    """A phrase finds its words as they stand: "wijk team" is not "wijkteam"."""
    assert lindeveen.search('"wijk team"').empty


def test_phrases_and_words_all_must_occur(lindeveen):
    phrase = lindeveen.search('"buurthuis in Ellerhoek"')
    assert phrase["hit"].tolist() == ["buurthuis in Ellerhoek"]
    both = lindeveen.search("buurthuis ellerhoek")
    assert set(both["hit"]) >= {"buurthuis", "Ellerhoek"}
    assert len(lindeveen.search('"Ellerhoek in buurthuis"')) == 0


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"speaker": INEKE}, {INEKE}),
        ({"interview": INEKE}, {INEKE}),
        ({"speaker": MARIT}, {MARIT}),
    ],
)
def test_filters_by_speaker_and_interview(lindeveen, filters, expected):
    everything = lindeveen.search("wat")
    hits = lindeveen.search("wat", **filters)
    assert 0 < len(hits) < len(everything)
    column = "speaker" if "speaker" in filters else "interview"
    assert set(hits[column]) == expected


def test_code_filter_keeps_hits_inside_fragments_of_that_code(lindeveen):
    codings = lindeveen.codings()
    hits = lindeveen.search("we", code="inzet-inwoners")
    assert len(hits) > 0
    spans = codings[codings["code"] == "inzet-inwoners"]
    for h in hits.itertuples():
        mine = spans[spans["interview"] == h.interview]
        assert ((mine["start"] < h.end) & (h.start < mine["end"])).any()
    assert len(hits) < len(lindeveen.search("we"))


def test_notes_are_searched_too(lindeveen):
    hits = lindeveen.search("ochtendronde")
    assert "note" in set(hits["kind"])
    note = hits[hits["kind"] == "note"].iloc[0]
    text = lindeveen.notes().set_index("id").loc[note["source"], "text"]
    assert text[note["start"] : note["end"]].lower() == "ochtendronde"


TRANSCRIPT_WORDS = st.shared(st.integers(0, 10**6), key="seed")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_property_hits_point_at_the_transcript_words(lindeveen, data):
    interviews = lindeveen.interviews()
    interview = data.draw(st.sampled_from(sorted(interviews["participant"])))
    text = lindeveen.transcript(interview)
    turns = lindeveen.turns(interview)
    spoken = [w for t in turns.itertuples() for w in words(text[t.start : t.end])]
    word = data.draw(st.sampled_from(spoken))
    hits = lindeveen.search(text_of(text, turns, word), interview=interview)
    assert len(hits) > 0
    for h in hits.itertuples():
        found = term(text[h.start : h.end])  # the word, or a compound that ends with it
        assert found == word.term or (len(word.term) >= 4 and found.endswith(word.term))
        assert f"[{text[h.start : h.end]}]" in h.context


def text_of(text, turns, word) -> str:
    """The word as it stands in the transcript (its span is relative to its turn)."""
    for t in turns.itertuples():
        piece = text[t.start : t.end]
        if piece[word.start : word.end] and term(piece[word.start : word.end]) == word.term:
            return piece[word.start : word.end]
    raise AssertionError(word)


def test_the_index_follows_a_note_added_edited_and_removed(lindeveen_copy):
    store = lindeveen_copy
    assert len(store.search("fietsenstallingen")) == 0
    note = store.add_note("kickoff", "Meer Fietsenstalling bij het stadhuis", author=INEKE)
    hits = store.search("fietsenstallingen")
    assert hits[["kind", "source", "hit", "speaker"]].values.tolist() == [
        ["note", note, "Fietsenstalling", INEKE]
    ]
    with store._write() as con:  # a path that knows nothing of the index
        con.execute("UPDATE note SET text = 'Theepauze' WHERE id = ?", (note,))
    assert len(store.search("fietsenstalling")) == 0 and len(store.search("theepauze")) == 1
    with store._write() as con:
        con.execute("DELETE FROM note WHERE id = ?", (note,))
    assert len(store.search("theepauze")) == 0


def test_the_index_follows_a_memo(lindeveen_copy):
    memo = lindeveen_copy.add_memo("cohort", "lindeveen-2026", "Let op de coördinator", MARIT)
    hits = lindeveen_copy.search("coordinator")
    assert ["memo", str(memo)] in hits[["kind", "source"]].values.tolist()


def test_the_index_follows_an_import_with_times(make_cohort, tmp_path, ww_home):
    folder = make_cohort()
    file = tmp_path / "chloe-peeters.vtt"
    file.write_text(VTT, encoding="utf-8")
    summary = import_files(folder, [file])
    with Store(summary.store) as store:
        hits = store.search("vergaderingen")
        text = store.transcript("chloe-peeters")
        assert [text[h.start : h.end] for h in hits.itertuples()] == ["vergaderingen", "vergaderen"]
        assert hits["time"].tolist() == [2.31, 67.4]
        chloe = store.search("coordinator", interview="chloe-peeters")
        assert chloe["speaker"].tolist() == ["chloe-peeters"]
        assert "anna-jansen" in set(store.search("coordinator")["interview"])


def test_a_store_migrated_from_v9_builds_its_index(tmp_path, lindeveen_copy):
    old = lindeveen_copy.backup(tmp_path / "v9.sqlite")
    con = sqlite3.connect(old)  # back to V9: V10 only added the index and its triggers
    triggers = con.execute("SELECT name FROM sqlite_master WHERE name LIKE '%_search_%'")
    for (name,) in triggers.fetchall():
        con.execute(f"DROP TRIGGER {name}")
    for table in ("search_terms", "search_unit", "search_stale"):
        con.execute(f"DROP TABLE {table}")
    con.execute("PRAGMA user_version=9")
    con.commit()
    con.close()
    with Store(old) as store:
        assert store.schema_version == len(MIGRATIONS) == 11
        hits = store.search("coordinatoren")
        assert hits[hits["hit"] == "coördinatoren"]["interview"].tolist() == [ANNELIES]
        assert len(store.search("ochtendronde")) > 0


def test_a_v10_store_is_indexed_again_with_the_current_stemmer(tmp_path, lindeveen_copy):
    old = lindeveen_copy.backup(tmp_path / "v10.sqlite")
    con = sqlite3.connect(old)  # an index of other terms, as another stemmer made them
    con.execute("UPDATE search_terms SET terms = 'x'")
    con.execute("PRAGMA user_version=10")
    con.commit()
    con.close()
    with Store(old) as store:
        assert store.schema_version == 11
        hits = store.search("coordinatoren")
        assert hits[hits["hit"] == "coördinatoren"]["interview"].tolist() == [ANNELIES]
        assert store.search("x").empty


# -- autocoding ----------------------------------------------------------------------------------


def codings_of(store) -> list[tuple]:
    return store._con.execute("SELECT * FROM coding ORDER BY id").fetchall()


def fragments_of(store) -> list[tuple]:
    return store._con.execute("SELECT * FROM fragment ORDER BY id").fetchall()


@pytest.mark.parametrize("unit", ["sentence", "turn"])
def test_autocode_is_one_action_and_undo_restores_the_codings(lindeveen_copy, unit):
    store = lindeveen_copy
    before, fragments, log = codings_of(store), fragments_of(store), len(store.change_log())
    hits = store.search("water")
    action = store.autocode(hits, "inzet-inwoners", coder=MARIT, unit=unit)
    after = store.change_log()
    assert len(after) == log + 1 and after.iloc[-1]["id"] == action
    done = store.autocoding(action)
    assert len(done["codings"]) == len(done["spans"]) > 0
    for interview, start, end in done["spans"]:
        span = store.transcript(interview)[start:end]
        assert any(h.interview == interview and start <= h.start < h.end <= end
                   for h in hits.itertuples())  # fmt: skip
        if unit == "turn":
            turns = store.turns(interview)
            assert ((turns["start"] == start) & (turns["end"] == end)).any()
        else:
            assert span[-1] in ".?!…" or span == span.strip()
    again = store.autocode(hits, "inzet-inwoners", coder=MARIT, unit=unit)
    assert store.autocoding(again)["codings"] == []  # no duplicates
    assert store.undo_autocode(action) == len(done["codings"])
    assert codings_of(store) == before and fragments_of(store) == fragments
    with pytest.raises(StoreError, match="undone already"):
        store.undo_autocode(action)


def test_autocode_refuses_an_unknown_code_and_saves_nothing(lindeveen_copy):
    before = codings_of(lindeveen_copy)
    with pytest.raises(NotFound, match="code 'geen-code'"):
        lindeveen_copy.autocode(lindeveen_copy.search("water"), "geen-code", coder=MARIT)
    with pytest.raises(NotFound):
        lindeveen_copy.undo_autocode(1)
    assert codings_of(lindeveen_copy) == before


# -- ww search, the xlsx sheet, the panel ------------------------------------------------------


@pytest.fixture
def cohort(make_cohort, ww_home):
    folder = make_cohort()
    assert main(["init", str(folder)]) == 0
    return folder


def test_ww_search_prints_tab_separated_hits(cohort, capsys):
    capsys.readouterr()
    assert main(["search", str(cohort), '"korte lijnen"']) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines
    with Store(next((cohort.parent / "ww-home" / "stores").glob("*.sqlite"))) as store:
        for line in lines:
            interview, start, end, speaker, context = line.split("\t")
            if interview.startswith("note:"):
                text = store.notes().set_index("id").loc[interview[5:], "text"]
                assert text[int(start) : int(end)].lower() == "korte lijnen"
                continue
            hit = store.transcript(interview)[int(start) : int(end)]
            assert hit.lower() == "korte lijnen" and f"[{hit}]" in context


def test_ww_search_refuses_a_bad_query_with_the_store_unchanged(cohort, capsys):
    store = next((cohort.parent / "ww-home" / "stores").glob("*.sqlite"))
    rows = all_rows(store)
    assert main(["search", str(cohort), '"samen werken', "--code-all", "x", "--coder", "y"]) == 1
    err = capsys.readouterr().err
    assert "unbalanced quote" in err and "Traceback" not in err
    assert all_rows(store) == rows


def test_ww_search_codes_all_hits_and_undoes(cohort, capsys):
    store_file = next((cohort.parent / "ww-home" / "stores").glob("*.sqlite"))
    with Store(store_file) as store:
        code, coder = store.codes()["id"].iloc[0], store.people()["id"].iloc[0]
        before = codings_of(store)
    capsys.readouterr()
    args = ["search", str(cohort), "werkwijze", "--code-all", code, "--coder", coder]
    assert main([*args, "--unit", "turn"]) == 0
    out = capsys.readouterr().out
    action = int(out.splitlines()[-1].split()[1].rstrip(":"))
    assert f"--undo {action}" in out
    assert main(["search", str(cohort), "--undo", str(action)]) == 0
    with Store(store_file) as store:
        assert codings_of(store) == before


def test_the_xlsx_export_has_a_sheet_of_hits(cohort, tmp_path):
    import openpyxl

    out = tmp_path / "analyse.xlsx"
    assert main(["export", "xlsx", str(cohort), str(out), "--search", "regels"]) == 0
    sheet = openpyxl.load_workbook(out)["Zoekresultaten"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Bron", "Spreker") and len(rows) > 1
    assert all(not str(v).startswith("=") for row in rows for v in row if v is not None)


def test_the_xlsx_sheet_quotes_no_one_without_consent(cohort, ww_home, tmp_path):
    """The mini cohort's people.csv has no consent to quotes on record: its transcripts' hits
    keep their row in the export, without their words; the researcher's panel shows them."""
    import openpyxl

    out = tmp_path / "analyse.xlsx"
    assert main(["export", "xlsx", str(cohort), str(out), "--search", "regels"]) == 0
    rows = list(openpyxl.load_workbook(out)["Zoekresultaten"].iter_rows(values_only=True))
    notice = Labels("nl")("search.no_consent")
    hidden = [row for row in rows[1:] if row[-1] == notice]
    assert hidden and all(not row[-2] for row in hidden)  # no hit, no words around it
    with Store(ww_home / "stores" / "mini-2024.sqlite") as store:
        names = set(store.people()["name"])
        wb = Workbook(store, Labels("nl"), Pseudonymiser(store.people(), False), "nl", False)
        shown = search_table(wb, "regels")
    quoted = [row for row in rows[1:] if row[0] in names and row[-1] != notice]
    assert quoted == []  # an interview's words: none
    assert shown.iloc[:, -1].str.lower().str.contains("regels").any()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_search_panel_shows_hits_and_a_bad_query(lindeveen, lang):
    wb = Workbook(lindeveen, Labels(lang), Pseudonymiser(lindeveen.people(), False), lang, False)
    panel = SearchPanel(wb)
    panel.query.value = "coordinatoren"
    panel._on_search()
    assert "coördinatoren" in panel.hits.value and "ww-table" in panel.hits.value
    panel.query.value = '"droge'
    panel._on_search()
    assert "unbalanced quote" in panel.status.value and panel.hits.value == ""


def test_a_limit_keeps_the_first_hits_and_says_there_are_more(lindeveen, monkeypatch):
    every = lindeveen.search("gemeente")
    assert len(every) > 3 and every.attrs["more"] is False
    first = lindeveen.search("gemeente", limit=3)
    assert first.attrs["more"] is True
    assert first.to_dict("records") == every.head(3).to_dict("records")
    assert lindeveen.search("gemeente", limit=len(every)).attrs["more"] is False
    monkeypatch.setattr("wwlib.ui.search.SHOWN", 3)
    wb = Workbook(lindeveen, Labels("nl"), Pseudonymiser(lindeveen.people(), False), "nl", False)
    panel = SearchPanel(wb)
    panel.query.value = "gemeente"
    panel._on_search()
    assert "De eerste 3 treffers; er zijn er meer" in panel.hits.value
    assert panel.hits.value.count("<tr") == 4  # the header and three hits
