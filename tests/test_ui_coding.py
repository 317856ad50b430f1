"""Tuesday's widgets in-process: the coding panel, the codebook, interview statuses, the guide."""

from __future__ import annotations

import pytest
from conftest import replace

from wwlib.core.errors import NotFound, StoreError
from wwlib.core.labels import Labels
from wwlib.core.model import CATEGORY_COLOURS
from wwlib.core.pseudonym import Pseudonymiser
from wwlib.folder.dataset import load_dataset
from wwlib.present.workbook import Workbook
from wwlib.store import Store
from wwlib.ui import CodebookPanel, CodingPanel, InterviewGuide, InterviewStatusPanel
from wwlib.ui.codebook import slug
from wwlib.ui.passages import Mark, highlighted

SENTENCE = "We belden gewoon even 📞 en dan was het geregeld."


def workbook(store, lang: str = "nl", pseudonymise: bool = False) -> Workbook:
    people = store.people()
    return Workbook(store, Labels(lang), Pseudonymiser(people, pseudonymise), lang, pseudonymise)


@pytest.fixture
def wb(mini_store):
    return workbook(mini_store)


def log_size(wb) -> int:
    return len(wb.store.change_log())


def shows_error(panel, *fragments: str) -> bool:
    value = panel.status.value
    return "ww-error" in value and all(f in value for f in fragments)


def coding_panel(wb, interview="anna-jansen", **kwargs) -> CodingPanel:
    panel = CodingPanel(wb, coder="femke-bos", **kwargs)
    panel.pick.value = interview
    return panel


def pick_sentence(panel) -> None:
    panel.paragraph.value = 1  # "Eén ding vooral: ..."
    panel.sentence.value = 1  # the sentence with the telephone


# -- the code picker -------------------------------------------------------------------


def test_codes_are_listed_by_category_in_their_colours_with_descriptions(wb):
    picker = coding_panel(wb).codes
    headings = [w.value for w in picker.children if "ww-coding-category" in w._dom_classes]
    assert len(headings) == 5 and "Thema" in headings[1]
    assert CATEGORY_COLOURS["success_factor"] in headings[0]
    row = next(
        r for r in picker.children if picker.boxes["oude-regels"] in getattr(r, "children", ())
    )
    beside = row.children[0].value + row.children[2].value
    assert "#e0b000" in beside and 'title="Regels die niet meer passen."' in beside
    assert picker.boxes["oude-regels"].tooltip == "Regels die niet meer passen."
    assert "ww-code-oude-regels" in picker.boxes["oude-regels"]._dom_classes


def test_ticking_boxes_sets_the_value_and_setting_the_value_ticks(wb):
    picker = coding_panel(wb).codes
    picker.boxes["kleine-stappen"].value = True
    picker.boxes["samen-werken"].value = True
    assert picker.value == ("samen-werken", "kleine-stappen")  # codebook order
    picker.value = ("oude-regels",)
    assert [c for c, box in picker.boxes.items() if box.value] == ["oude-regels"]


# -- coding a passage ------------------------------------------------------------------


def test_ticked_codes_and_memo_are_stored_in_one_go_and_shown_at_once(wb):
    panel = coding_panel(wb)
    log_before = log_size(wb)
    pick_sentence(panel)
    panel.codes.boxes["een-werkwijze"].value = True
    panel.codes.boxes["kleine-stappen"].value = True
    panel.memo.value = "Bellen <werkt> & snel"
    panel.add.click()

    new = wb.store.codings().query("id > 6").sort_values("id")
    assert list(new["code"]) == ["een-werkwijze", "kleine-stappen"]
    start, end = int(new["start"].iloc[0]), int(new["end"].iloc[0])
    assert wb.store.transcript("anna-jansen")[start:end] == SENTENCE
    assert set(new["coder"]) == {"femke-bos"} and set(new["memo"]) == {"Bellen <werkt> & snel"}
    memo = wb.store.memos("fragment").iloc[-1]
    assert (memo.target_id, memo.text) == (str(new["fragment"].iloc[0]), "Bellen <werkt> & snel")
    log = wb.store.change_log().iloc[log_before:]
    assert list(log["entity"]) == ["memo", "coding", "coding"]
    assert panel.saved == str(new["id"].iloc[-1])
    assert "ww-ok" in panel.status.value and "2 codes" in panel.status.value
    assert panel.memo.value == "" and panel.codes.value == ()
    assert "Eén werkwijze; Kleine stappen" in [m["label"] for m in panel.selector.marks]
    assert "Bellen &lt;werkt&gt; &amp; snel" in panel.codings.value
    assert "<werkt>" not in panel.codings.value


def test_a_refused_coding_keeps_codes_span_and_memo(wb):
    panel = coding_panel(wb)
    panel.start.value, panel.end.value = 60, 80
    panel.codes.value = ("kleine-stappen",)
    panel.add.click()
    before = (len(wb.store.codings()), len(wb.store.memos()), log_size(wb))
    panel.codes.value, panel.memo.value = ("een-werkwijze", "kleine-stappen"), "opnieuw"
    panel.add.click()
    assert shows_error(panel, "Niet opgeslagen", "already coded", "kleine-stappen")
    assert "nothing was saved" in panel.status.value
    assert (len(wb.store.codings()), len(wb.store.memos()), log_size(wb)) == before
    assert panel.memo.value == "opnieuw"
    assert panel.codes.value == ("een-werkwijze", "kleine-stappen")
    assert (panel.start.value, panel.end.value) == (60, 80)


def test_overlapping_codings_show_every_colour(wb):
    panel = coding_panel(wb)
    pick_sentence(panel)
    panel.codes.value = ("oude-regels", "kleine-stappen")
    panel.add.click()
    both = ["#e0b000", CATEGORY_COLOURS["way_to_deal"]]
    assert both in [m["colours"] for m in panel.selector.marks]


# -- coding by selecting text, and changing a coding --------------------------------------


def test_a_passage_selected_in_the_text_is_shown_and_coded_exactly(wb):
    panel = coding_panel(wb)
    text = wb.store.transcript("anna-jansen")
    start = text.index("We belden")
    end = start + len(SENTENCE)
    panel.selector.selected = [start, end]  # as the browser sends it: code points
    assert (panel.start.value, panel.end.value) == (start, end)
    assert "📞" in panel.quote.value
    panel.codes.value = ("kleine-stappen",)
    panel.add.click()
    coding = wb.store.codings().set_index("id").loc[int(panel.saved)]
    assert text[coding.start : coding.end] == SENTENCE
    panel.start.value = start + 3  # the fields are the precise view: the text follows
    assert panel.selector.selected == [start + 3, end]


def test_a_hidden_name_is_selected_whole_in_the_stored_text(wb):
    panel = coding_panel(wb, "bram-de-vries")
    text, shown = wb.store.transcript("bram-de-vries"), panel.selector.text
    at = shown.index("P02")
    panel.selector.selected = [at + 1, at + 2]  # one letter of the code shown for "Bram"
    start = text.index("Bram")
    assert (panel.start.value, panel.end.value) == (start, start + 4)
    after = shown.index("Ik wil")
    panel.selector.selected = [after, after + 6]
    assert text[panel.start.value : panel.end.value] == "Ik wil"


def test_a_picked_coding_is_widened_with_its_memos_and_board_links(wb):
    panel = coding_panel(wb)
    panel.selector.picked_coding = 3  # oude-regels [200, 214), on a board's note
    assert panel.picked.value == 3 and (panel.start.value, panel.end.value) == (200, 214)
    panel.end.value = 240
    panel.respan.click()
    coding = wb.store.codings().set_index("id").loc[3]
    assert (coding.start, coding.end) == (200, 240)
    links = wb.store.note_fragments().query(
        "note == 'n-oude-regels' and interview == 'anna-jansen'"
    )
    assert links[["start", "end"]].values.tolist() == [[200, 240]]
    log = wb.store.change_log().iloc[-1]
    assert (log.action, log.entity, log.entity_id) == ("respan", "coding", "3")
    assert log.detail["from"] == [200, 214] and "tot 240" in panel.status.value
    assert any(3 in m["codings"] and m["end"] - m["start"] == 40 for m in panel.selector.marks)


def test_narrowing_one_of_two_codings_of_a_passage_leaves_the_other(wb):
    panel = coding_panel(wb)
    panel.picked.value = 1  # the keyboard's way: korte-lijnen [73, 88), with samen-werken
    assert panel.selector.picked_coding == 1
    panel.start.value = 79
    panel.respan.click()
    spans = wb.store.codings().set_index("id")[["start", "end"]]
    assert spans.loc[1].tolist() == [79, 88] and spans.loc[2].tolist() == [73, 88]
    assert wb.store.note_fragments().query("note == 'n-korte-lijnen'")["start"].tolist() == [73]


def test_a_refused_change_names_the_coding_and_changes_nothing(wb):
    panel = coding_panel(wb)
    before = log_size(wb)
    panel.remove.click()
    assert shows_error(panel, "kies eerst een codering")
    panel.selector.picked_coding = 4  # korte-lijnen [139, 161) by femke-bos
    panel.start.value, panel.end.value = 73, 88  # where she gave korte-lijnen already
    panel.respan.click()
    assert shows_error(panel, "already coded", "nothing was changed")
    panel.end.value = 10_000
    panel.respan.click()
    assert shows_error(panel, "end", "transcript length")
    assert log_size(wb) == before
    assert wb.store.codings().set_index("id").loc[4][["start", "end"]].tolist() == [139, 161]
    with pytest.raises(NotFound, match="coding 999 is not in this store"):
        wb.store.remove_coding(999)


def test_removing_a_coding_logs_what_it_was_and_drops_an_unused_passage(wb):
    panel = coding_panel(wb, "bram-de-vries")
    panel.selector.picked_coding = 6  # kleine-stappen, its passage on no board
    panel.remove.click()
    assert 6 not in set(wb.store.codings()["id"]) and "Codering verwijderd" in panel.status.value
    assert panel.selector.picked_coding == 0 and 6 not in [v for _, v in panel.picked.options]
    log = wb.store.change_log().iloc[-1]
    assert (log.action, log.entity_id, log.detail["code"]) == ("remove", "6", "kleine-stappen")
    panel.selector.picked_coding = 5  # een-werkwijze: its passage is a note's evidence
    panel.remove.click()
    assert 5 not in set(wb.store.codings()["id"])
    assert wb.store.fragment_texts([4, 5]) == {4: "één werkwijze"}  # the note's evidence stays


def test_a_participants_page_changes_no_coding(mini_store):
    names = Pseudonymiser(mini_store.people(), False)
    wb = Workbook(
        mini_store, Labels("nl"), names, "nl", False, True, "bram-de-vries", "participant"
    )
    panel = CodingPanel(wb)
    panel.pick.value = "anna-jansen"
    assert panel.selector not in panel.children and "<mark" in panel.transcript.value
    before = log_size(wb)
    panel.selector.picked_coding = 3  # a forged pick and clicks on buttons it never showed
    panel.remove.click()
    panel.respan.click()
    assert log_size(wb) == before and "ww-error" in panel.status.value


def test_highlighting_names_each_code_once_and_escapes():
    marks = [Mark(0, 3, "#aaaaaa", "A & B"), Mark(0, 3, "#aaaaaa", "A & B")]
    html = highlighted("<x>", marks, [], str)
    assert '<mark title="A &amp; B" style="background:#aaaaaa80;' in html
    assert "&lt;x&gt;" in html


def test_the_coding_panel_hides_names_without_consent(wb):
    panel = coding_panel(wb, "bram-de-vries")
    panel.start.value, panel.end.value = 0, 12
    panel.codes.value, panel.memo.value = ("samen-werken",), "Bram de Vries zei dit"
    panel.add.click()
    shown = panel.selector.text + panel.codings.value + panel.quote.value
    assert "Bram" in wb.store.transcript("bram-de-vries")
    assert "Bram" not in shown and "P02" in shown


def test_a_code_added_in_the_codebook_panel_can_be_ticked_at_once(wb):
    codebook = CodebookPanel(wb)
    panel = coding_panel(wb, codebook=codebook)
    codebook.new_name.value, codebook.new_category.value = "Bellen", "way_to_deal"
    codebook.add.click()
    assert "bellen" in panel.codes.boxes
    pick_sentence(panel)
    panel.codes.boxes["bellen"].value = True
    panel.add.click()
    assert "(1× gecodeerd)" in codebook.tree.value


# -- the codebook panel ----------------------------------------------------------------


def test_the_codebook_tree_shows_categories_nesting_and_counts(lindeveen):
    tree = CodebookPanel(workbook(lindeveen)).tree.value
    assert tree.index("Succesfactor: 6 codes") < tree.index("Thema: 6 codes")
    assert 'margin-left:1.5em"' in tree.split("Onduidelijkheid over gegevensdeling")[0][-400:]
    assert CATEGORY_COLOURS["obstacle"] in tree and "#2e7d32" in tree


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Eén aanspreekpunt", "een-aanspreekpunt"), ("  Wij & zij!  ", "wij-zij"), ("", "")],
)
def test_slug_makes_an_id_from_a_name(name, expected):
    assert slug(name) == expected


def test_adding_a_code_through_the_panel(wb):
    panel = CodebookPanel(wb)
    panel.new_name.value = "Eén loket"
    panel.new_category.value = "idea_or_need"
    panel.new_parent.value = "een-werkwijze"
    panel.new_description.value = "Eén plek voor alle vragen."
    panel.add.click()
    code = wb.store.codes().set_index("id").loc["een-loket"]
    assert (code["name"], code.parent, code.description) == (
        "Eén loket", "een-werkwijze", "Eén plek voor alle vragen.",
    )  # fmt: skip
    assert panel.saved == "een-loket" and panel.changes == 1 and panel.new_name.value == ""
    assert wb.store.change_log().iloc[-1]["entity_id"] == "een-loket"
    assert "Eén loket" in panel.tree.value and panel.code.value == "een-loket"


@pytest.mark.parametrize(
    ("name", "code_id", "colour", "message"),
    [
        ("", "", "", "&#x27;name&#x27; must be non-empty text"),
        ("Nieuw", "", "groen", "&#x27;colour&#x27; must be a colour"),
        ("Oude regels", "", "", "code &#x27;oude-regels&#x27; exists already"),
        ("Oude regels", "regels-2", "", "merge the two codes instead"),
    ],
)
def test_a_refused_code_keeps_what_was_typed(wb, name, code_id, colour, message):
    panel = CodebookPanel(wb)
    before = (len(wb.store.codes()), log_size(wb))
    panel.new_name.value, panel.new_id.value, panel.new_colour.value = name, code_id, colour
    panel.new_category.value = "obstacle"
    panel.new_description.value = "mijn uitleg"
    panel.add.click()
    assert shows_error(panel, "Niet opgeslagen", message)
    assert (len(wb.store.codes()), log_size(wb)) == before and panel.changes == 0
    assert (panel.new_name.value, panel.new_description.value) == (name, "mijn uitleg")


def test_renaming_moving_and_describing_a_code(wb):
    panel = CodebookPanel(wb)
    wb.store.add_code("lijntjes", "success_factor", "Lijntjes")
    panel.refresh()
    panel.code.value = "lijntjes"
    panel.name.value = "Korte lijntjes"
    panel.rename.click()
    panel.parent.value = "korte-lijnen"
    panel.move.click()
    panel.description.value = "Even bellen."
    panel.describe.click()
    code = wb.store.codes().set_index("id").loc["lijntjes"]
    assert (code["name"], code.parent, code.description) == (
        "Korte lijntjes", "korte-lijnen", "Even bellen.",
    )  # fmt: skip
    actions = list(wb.store.change_log()["action"].iloc[-3:])
    assert actions == ["rename", "move", "update"] and panel.changes == 3
    assert (panel.name.value, panel.parent.value) == ("Korte lijntjes", "korte-lijnen")


def test_a_cycle_is_refused_with_a_readable_message(lindeveen):
    wb = workbook(lindeveen)
    panel = CodebookPanel(wb)
    before = log_size(wb)
    panel.code.value = "regeldruk"
    panel.parent.value = "privacyregels"
    panel.move.click()
    assert shows_error(panel, "Niet opgeslagen", "would nest the codes in a cycle")
    assert log_size(wb) == before


def test_a_memo_on_a_code(wb):
    panel = CodebookPanel(wb, author="femke-bos")
    panel.code.value = "oude-regels"
    panel.memo.value = "Vooral <P&O>-regels"
    panel.add_memo.click()
    memo = wb.store.memos("code", "oude-regels").iloc[-1]
    assert (memo.text, memo.author) == ("Vooral <P&O>-regels", "femke-bos")
    assert panel.memo.value == "" and "Vooral &lt;P&amp;O&gt;-regels" in panel.memos.value
    panel.memo.value = "   "
    panel.add_memo.click()
    assert shows_error(panel, "non-empty text") and panel.memo.value == "   "


def test_merging_asks_first_and_only_then_merges(wb):
    wb.store.add_code("regels-nu", "obstacle", "Regels nu")
    wb.store.add_codings("anna-jansen", 0, 5, ["regels-nu"], "femke-bos")
    panel = CodebookPanel(wb)
    before = (len(wb.store.codes()), log_size(wb))
    panel.code.value, panel.target.value = "regels-nu", "oude-regels"
    panel.merge.click()
    assert panel.confirmation.layout.display == "flex"
    assert "De 1 codering van &#x27;Regels nu&#x27; gaat naar" in panel.question.value
    assert (len(wb.store.codes()), log_size(wb)) == before
    panel.cancel.click()
    assert panel.confirmation.layout.display == "none"
    assert (len(wb.store.codes()), log_size(wb)) == before
    panel.merge.click()
    panel.confirm.click()
    assert "regels-nu" not in set(wb.store.codes()["id"])
    assert wb.store.codings().query("start == 0 and interview == 'anna-jansen'")[
        "code"
    ].tolist() == ["oude-regels"]
    assert wb.store.change_log().iloc[-1]["action"] == "merge"
    assert panel.code.value == "oude-regels" and panel.saved == "oude-regels"


def test_changing_the_target_after_asking_asks_again(wb):
    wb.store.add_code("regels-nu", "obstacle", "Regels nu")
    wb.store.add_code("regels-toen", "obstacle", "Regels toen")
    panel = CodebookPanel(wb)
    panel.code.value, panel.target.value = "regels-nu", "oude-regels"
    panel.merge.click()
    panel.target.value = "regels-toen"
    assert panel.confirmation.layout.display == "none"
    before = log_size(wb)
    panel.confirm.click()
    assert log_size(wb) == before and "regels-nu" in set(wb.store.codes()["id"])


def test_merge_asks_for_both_codes(wb):
    panel = CodebookPanel(wb)
    panel.merge.click()
    assert shows_error(panel, "kies eerst: Code")
    assert panel.confirmation.layout.display == "none"


# -- interview statuses and the guide --------------------------------------------------


def test_changing_a_status_stores_it_at_once(wb):
    panel = InterviewStatusPanel(wb)
    assert set(panel.picks) == {"anna-jansen", "bram-de-vries", "chloe-peeters"}
    panel.picks["chloe-peeters"].value = "held"
    stored = wb.store.interviews().set_index("participant").at["chloe-peeters", "status"]
    assert stored == "held" and panel.saved == "chloe-peeters"
    log = wb.store.change_log().iloc[-1]
    assert (log["entity"], log["entity_id"], log["detail"]) == (
        "interview", "chloe-peeters", {"status": "held"},
    )  # fmt: skip
    assert "Chloë Peeters is nu gehouden" in panel.status.value
    assert "gepland: 0 · gehouden: 2 · gecodeerd: 1" in panel.summary.value


def test_a_refused_status_goes_back_to_what_is_stored(wb, monkeypatch):
    panel = InterviewStatusPanel(wb)
    before = log_size(wb)

    def refuse(interview, status, actor=None):
        raise StoreError(f"interview '{interview}' is locked")

    monkeypatch.setattr(wb.store, "set_interview_status", refuse)
    panel.picks["anna-jansen"].value = "planned"
    assert shows_error(panel, "Niet opgeslagen", "is locked")
    assert panel.picks["anna-jansen"].value == "coded" and log_size(wb) == before


def test_a_participant_without_an_interview_has_no_dropdown(tmp_path, make_cohort):
    folder = make_cohort(**{"interviews.csv": replace("chloe-peeters,femke-bos,,planned,\n", "")})
    with Store(tmp_path / "s.sqlite", create=True) as store:
        store.load_dataset(load_dataset(folder))
        panel = InterviewStatusPanel(workbook(store, pseudonymise=True))
        assert set(panel.picks) == {"anna-jansen", "bram-de-vries"}
        text = "".join(
            c.value for row in panel.rows.children for c in row.children if hasattr(c, "value")
        )
        assert "P03" in text and "geen interview" in text and "Chloë" not in text
        assert "geen interview: 1" in panel.summary.value


def test_the_interview_guide_is_a_numbered_list(lindeveen):
    guide = InterviewGuide(workbook(lindeveen))
    assert guide.questions.value.startswith('<ol class="ww-guide-questions"><li>')
    assert guide.questions.value.count("<li>") == len(lindeveen.interview_guide())


@pytest.mark.parametrize(
    ("lang", "text"),
    [("nl", "Geen interviewleidraad in de bron"), ("en", "No interview guide in the source")],
)
def test_an_empty_guide_says_so(limburg_store, lang, text):
    assert text in InterviewGuide(workbook(limburg_store, lang=lang)).questions.value


def test_the_new_panels_speak_english_on_request(mini_store):
    wb = workbook(mini_store, lang="en")
    codebook = CodebookPanel(wb)
    assert (codebook.add.description, codebook.merge.description) == ("Add code", "Merge…")
    assert "Success factor: 1 code, " in codebook.tree.value
    statuses = InterviewStatusPanel(wb)
    statuses.picks["chloe-peeters"].value = "held"
    assert "Saved: Chloë Peeters is now held" in statuses.status.value
