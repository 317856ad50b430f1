"""The dashboard widgets driven in-process: fill the inputs, click, read the store."""

from __future__ import annotations

import pytest

from wwlib.core.labels import Labels
from wwlib.core.pseudonym import Pseudonymiser
from wwlib.present.workbook import Workbook
from wwlib.store import Store
from wwlib.ui import CodingPanel, NoteBoard, TaskPanel, VotePanel
from wwlib.ui.passages import Mark, Span, highlighted, paragraphs, sentences


def workbook(store, lang: str = "nl", pseudonymise: bool = False) -> Workbook:
    return Workbook(store, Labels(lang), Pseudonymiser(store.people(), pseudonymise), lang,
                    pseudonymise)  # fmt: skip


@pytest.fixture
def wb(mini_store):
    return workbook(mini_store)


def log_size(wb) -> int:
    return len(wb.store.change_log())


def last_log(wb) -> dict:
    return wb.store.change_log().iloc[-1].to_dict()


def shows_error(panel, *fragments: str) -> bool:
    value = panel.status.value
    return "ww-error" in value and "Niet opgeslagen" in value and all(f in value for f in fragments)


# -- NoteBoard ---------------------------------------------------------------------------


def cards(board) -> str:
    """What the board's cards say (their texts and the lines under them), as the kernel hands
    them to the browser; the browser writes them as text (tests/test_live_session.py)."""
    notes = [n for cluster in board.board.view["clusters"] for n in cluster["notes"]]
    return " | ".join(f"{n['text']} {n['meta']} {n['source']}" for n in notes)


def test_note_board_adds_a_note_and_renders_it_escaped(wb):
    board = NoteBoard(wb, "flap-kick-off", author="anna-jansen")
    board.text.value = "Korte lijnen <b>& snel</b>"
    board.category.value = "obstacle"
    board.cluster.value = "Regels"
    board.add.click()
    note = wb.store.notes("flap-kick-off").iloc[-1]
    assert (note.text, note.category, note.author, note.cluster) == (
        "Korte lijnen <b>& snel</b>", "obstacle", "anna-jansen", "Regels",
    )  # fmt: skip
    assert board.saved == note.id
    assert last_log(wb)["entity"] == "note" and last_log(wb)["entity_id"] == note.id
    assert board.text.value == ""
    assert "Opgeslagen" in board.status.value
    assert "Korte lijnen <b>& snel</b> belemmering · door Anna Jansen" in cards(board)


@pytest.mark.parametrize("text", ["", "   \n"])
def test_note_board_keeps_the_text_when_the_note_is_refused(wb, text):
    board = NoteBoard(wb, "flap-kick-off")
    before = (len(wb.store.notes()), log_size(wb))
    board.text.value = text
    board.add.click()
    assert shows_error(board, "&#x27;text&#x27; must be non-empty text")
    assert (len(wb.store.notes()), log_size(wb)) == before
    assert board.text.value == text


def test_note_board_names_an_unknown_board_and_disables_adding(wb):
    board = NoteBoard(wb, "flap-bestaat-niet")
    assert board.add.disabled
    assert "ww-error" in board.status.value and "Er is geen bord" in board.status.value
    assert "flap-bestaat-niet" in board.status.value and "flap-kick-off" in board.status.value


def test_note_board_shows_notes_from_other_tabs_on_refresh(wb):
    board = NoteBoard(wb, "flap-kick-off")
    with Store(wb.store.path, actor="tab 2") as other:  # another kernel, another connection
        other.add_note("flap-kick-off", "Uit een ander tabblad")
    assert "Uit een ander tabblad" not in cards(board)
    board.refresh()
    assert "Uit een ander tabblad" in cards(board)


def test_note_board_of_kind_picks_the_first_board_of_that_kind(wb):
    assert NoteBoard.of_kind(wb, "integration").board_id == "flap-integratie"


@pytest.mark.parametrize(
    ("pseudonymise", "shown", "hidden"),
    [(False, ["Anna Jansen", "P02"], ["Bram de Vries"]), (True, ["P01", "P02"], ["Anna Jansen"])],
)
def test_note_board_shows_names_only_with_consent(mini_store, pseudonymise, shown, hidden):
    board = NoteBoard(workbook(mini_store, pseudonymise=pseudonymise), "flap-kick-off")
    board.text.value, board.author.value = "Nog een", "anna-jansen"
    board.add.click()
    options = [label for label, _ in board.author.options]
    for name in shown:
        assert name in cards(board) + str(options)
    for name in hidden:
        assert name not in cards(board) and name not in options


@pytest.mark.parametrize(
    ("make", "button"),
    [
        (lambda wb: NoteBoard(wb, "flap-kick-off"), "Add"),
        (lambda wb: CodingPanel(wb), "Code"),
        (lambda wb: VotePanel(wb, "flap-samen-werken"), "Vote"),
        (lambda wb: TaskPanel(wb, "samen-werken"), "Add task"),
    ],
)
def test_every_panel_speaks_english_on_request(mini_store, make, button):
    panel = make(workbook(mini_store, lang="en"))
    assert panel.add.description == button
    panel.status.error("x")
    assert "Not saved: x" in panel.status.value


# -- CodingPanel -------------------------------------------------------------------------


def coding_panel(wb, interview="anna-jansen") -> CodingPanel:
    panel = CodingPanel(wb, coder="femke-bos")
    panel.pick.value = interview
    return panel


def test_coding_panel_codes_a_sentence_with_two_codes(wb):
    panel = coding_panel(wb)
    before = wb.store.codings()["id"].max()
    panel.paragraph.value = 1  # "Eén ding vooral: ..."
    panel.sentence.value = 1  # "We belden gewoon even 📞 en dan was het geregeld."
    panel.codes.value = ("een-werkwijze", "kleine-stappen")
    panel.memo.value = "Bellen werkt"
    panel.add.click()
    text = wb.store.transcript("anna-jansen")
    codings = wb.store.codings()
    new = codings[codings["id"] > before].sort_values("id")
    assert list(new["code"]) == ["een-werkwijze", "kleine-stappen"]
    start, end = int(new["start"].iloc[0]), int(new["end"].iloc[0])
    assert text[start:end] == "We belden gewoon even 📞 en dan was het geregeld."
    assert set(new["coder"]) == {"femke-bos"} and set(new["memo"]) == {"Bellen werkt"}
    assert last_log(wb)["entity"] == "coding" and last_log(wb)["detail"]["start"] == start
    assert panel.saved == str(new["id"].iloc[-1])
    assert "Opgeslagen" in panel.status.value and panel.memo.value == ""
    assert 'title="Kleine stappen"' not in panel.transcript.value  # overlapping: both names
    assert "Eén werkwijze; Kleine stappen" in panel.transcript.value


def test_coding_panel_codes_offsets_typed_by_hand(wb):
    panel = coding_panel(wb, "bram-de-vries")
    panel.start.value, panel.end.value = 6, 10
    panel.codes.value = ("samen-werken",)
    panel.add.click()
    coding = wb.store.codings().set_index("id").loc[int(panel.saved)]
    assert (coding.interview, coding.start, coding.end, coding.code) == (
        "bram-de-vries", 6, 10, "samen-werken",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("start", "end", "codes", "message"),
    [
        (0, 10, (), "kies een of meer codes"),
        (10, 5, ("samen-werken",), "&#x27;end&#x27; must be greater than start"),
        (0, 9999, ("samen-werken",), "at most the transcript length"),
    ],
)
def test_coding_panel_refuses_a_bad_coding_and_keeps_the_memo(wb, start, end, codes, message):
    panel = coding_panel(wb)
    before = (len(wb.store.codings()), log_size(wb))
    panel.start.value, panel.end.value = start, end
    panel.codes.value, panel.memo.value = codes, "mijn memo"
    panel.add.click()
    assert shows_error(panel, message)
    assert (len(wb.store.codings()), log_size(wb)) == before
    assert panel.memo.value == "mijn memo"


def test_coding_panel_hides_names_without_consent(wb):
    panel = coding_panel(wb, "bram-de-vries")
    assert "Bram" not in panel.transcript.value and "P02:" in panel.transcript.value
    assert ("P02", "bram-de-vries") in panel.pick.options


def test_coding_panel_says_when_there_is_nothing_to_code(limburg_store):
    panel = CodingPanel(workbook(limburg_store))
    assert panel.add.disabled
    assert "geen transcripten" in panel.children[0].value


def test_paragraphs_and_sentences_skip_speaker_labels():
    text = "Anna: Eén. Twee!\n\n**Piet:** Drie?"
    found = paragraphs(text)
    assert [text[p.start : p.end] for p in found] == ["Eén. Twee!", "Drie?"]
    assert [text[s.start : s.end] for s in sentences(text, found[0])] == ["Eén.", "Twee!"]


def test_highlighted_escapes_text_and_names_codes():
    html = highlighted("a <b> c", [Mark(2, 5, "#f5d033", "Oude & regels")], [Span(0, 7)], str)
    assert '<mark title="Oude &amp; regels" style="background:#f5d03380">&lt;b&gt;</mark>' in html


# -- VotePanel ---------------------------------------------------------------------------


def vote(panel, voter, note, dots):
    panel.voter_pick.value, panel.note.value, panel.dots.value = voter, note, dots
    panel.add.click()


def test_vote_panel_stores_a_vote_and_shows_what_is_left(wb):
    number = wb.store.open_round("flap-samen-werken", budget=5)  # the imported round is closed
    panel = VotePanel(wb, "flap-samen-werken", live=False)
    vote(panel, "anna-jansen", "n-oude-regels", 3)
    stored = wb.store.votes().iloc[-1]
    assert (stored["round"], stored.voter, stored.note, stored.dots) == (
        number, "anna-jansen", "n-oude-regels", 3,
    )  # fmt: skip
    assert last_log(wb)["entity"] == "vote"
    assert "nog 2 van 5 stippen" in panel.remaining.value
    assert "Oude regels schrappen" in panel.totals.value
    assert "Korte lijnen" not in panel.totals.value  # its 5 dots were in the closed round


def test_vote_panel_refuses_dots_over_budget(wb):
    wb.store.open_round("flap-samen-werken", budget=3)
    panel = VotePanel(wb, "flap-samen-werken", live=False)
    vote(panel, "anna-jansen", "n-oude-regels", 2)
    before = (len(wb.store.votes()), log_size(wb))
    vote(panel, "anna-jansen", "n-oude-regels", 2)
    assert shows_error(panel, "Anna Jansen heeft nog 1 van 3 stippen in ronde 2")
    assert (len(wb.store.votes()), log_size(wb)) == before
    assert "nog 1 van 3 stippen" in panel.remaining.value


def test_vote_panel_counts_each_round_apart(wb):
    wb.store.open_round("flap-samen-werken", budget=3)
    panel = VotePanel(wb, "flap-samen-werken", live=False)
    assert panel.dots.options == (1, 2, 3)
    vote(panel, "chloe-peeters", "n-oude-regels", 3)  # chloe spent 3 in round 1 too
    assert "Opgeslagen" in panel.status.value and "nog 0 van 3" in panel.remaining.value


# -- TaskPanel ---------------------------------------------------------------------------


def fill_task(panel, title="Belrooster delen", due="week 12"):
    panel.step.value = panel.step.options[1][1]  # step 2, by its id
    panel.title.value, panel.due.value = title, due
    panel.owners.value = ("@participants", "anna-jansen")
    panel.add.click()


def test_task_panel_adds_a_task(wb):
    panel = TaskPanel(wb, "samen-werken")
    fill_task(panel)
    task = wb.store.tasks().set_index("id").loc[panel.saved]
    assert (task.plan, task.step, task.title, task.due_kind, task.due_date, task.status) == (
        "samen-werken", 2, "Belrooster delen", "week", "2024-03-18", "open",
    )  # fmt: skip
    assert task.owners == ["@participants", "anna-jansen"]
    assert last_log(wb)["entity"] == "task" and last_log(wb)["entity_id"] == panel.saved
    assert panel.title.value == "" and "alle deelnemers, Anna Jansen" in panel.overview.value


def test_task_panel_files_a_task_under_its_step_after_a_move(wb):
    panel = TaskPanel(wb, "samen-werken")
    steps = wb.store.steps().query("plan == 'samen-werken'")
    second = int(steps.iloc[1]["id"])
    panel.step.value = second
    wb.store.move_step(second, 1)  # another widget moves it to the front meanwhile
    panel.title.value = "Na het verplaatsen"
    panel.add.click()
    task = wb.store.tasks().set_index("id").loc[panel.saved]
    assert task.step == 1  # still the step that was chosen, now number 1


@pytest.mark.parametrize(
    ("title", "due", "message"),
    [
        ("Belrooster delen", "week 60", "&#x27;due&#x27; must be a date, an ISO week or a month"),
        ("Belrooster delen", "juni twintig", "week 18"),
        ("", "week 12", "&#x27;title&#x27; must be non-empty text"),
    ],
)
def test_task_panel_refuses_a_bad_task_and_keeps_the_text(wb, title, due, message):
    panel = TaskPanel(wb, "samen-werken")
    before = (len(wb.store.tasks()), log_size(wb))
    fill_task(panel, title, due)
    assert shows_error(panel, message)
    assert (len(wb.store.tasks()), log_size(wb)) == before
    assert (panel.title.value, panel.due.value) == (title, due)


def test_task_panel_changes_a_status(wb):
    panel = TaskPanel(wb, "samen-werken")
    panel.task.value, panel.status_pick.value = "sw-1", "done"
    panel.set_status.click()
    assert wb.store.tasks().set_index("id").at["sw-1", "status"] == "done"
    assert last_log(wb)["detail"] == {"status": "done", "was": "in_progress"}
    assert "klaar" in panel.overview.value and panel.saved == "sw-1"


def test_task_panel_explains_a_plan_without_steps(limburg_store):
    panel = TaskPanel(workbook(limburg_store), "samenleving")
    assert panel.add.disabled
    assert "nog geen stappen" in panel.children[1].value


# -- what every panel shares ---------------------------------------------------------------


def test_an_anonymous_note_shows_no_author(wb):
    board = NoteBoard(wb, "flap-samen-werken")
    assert cards(board).count("door ") == 1 and "door Anna Jansen" in cards(board)
    assert "nan" not in cards(board) and "None" not in cards(board)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda wb: VotePanel(wb, "flap-samen-werken"), "kies eerst: Geeltje"),
        (lambda wb: TaskPanel(wb, "samen-werken"), "kies eerst: Taak"),
    ],
)
def test_a_panel_asks_for_a_choice_before_storing(wb, make, message):
    panel = make(wb)
    before = log_size(wb)
    (panel.set_status if isinstance(panel, TaskPanel) else panel.add).click()
    assert shows_error(panel, message) and log_size(wb) == before


def test_error_messages_name_people_as_the_dashboard_does(mini_store):
    mini_store.open_round("flap-samen-werken", budget=2)
    panel = VotePanel(workbook(mini_store, pseudonymise=True), "flap-samen-werken", live=False)
    vote(panel, "anna-jansen", "n-oude-regels", 2)
    vote(panel, "anna-jansen", "n-oude-regels", 1)
    assert shows_error(panel, "P01 heeft nog 0 van 2 stippen")
    assert "anna" not in panel.status.value.lower()


def test_a_static_workbook_gets_html_stand_ins_with_the_same_attributes(wb):
    from dataclasses import replace

    from wwlib.ui import CodingPanel, NoteBoard, follow
    from wwlib.ui.base import StaticView

    static = replace(wb, interactive=False)
    board = NoteBoard.of_kind(static, "kickoff")
    coding = CodingPanel(static)
    assert isinstance(board, StaticView) and isinstance(coding, StaticView)
    assert board.board_id == NoteBoard.of_kind(wb, "kickoff").board_id
    assert 'class="ww-board"' in board._repr_html_()  # the board, as the report draws it
    assert coding.interview == (wb.first_interview() or None)
    assert follow(coding, board) is None
