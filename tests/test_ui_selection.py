"""Coding by selecting text: the offsets `TranscriptSelector` maps between the stored text and
the text a page shows (properties), and the widget in a real page (Voila, chromium)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from a11y_helpers import axe_serious, tab_to
from browser_helpers import CHROMIUM, chromium_page
from hypothesis import given, settings
from hypothesis import strategies as st

from wwlib.ui.selection import STATIC, Marked, Shown, TranscriptSelector, marks

LABELS = {"region": "Transcript", "hint": "Selecteer een passage"}


@dataclass(frozen=True)
class Find:
    start: int
    end: int


def hidden(names: list[str]):
    """A `show` that replaces each name by a code, and the finds that explain it."""

    def show(text: str) -> str:
        for i, name in enumerate(names):
            text = text.replace(name, f"P{i:02}")
        return text

    def finds(text: str) -> list[Find]:
        found = [Find(m.start(), m.end()) for n in names for m in re.finditer(re.escape(n), text)]
        return sorted(found, key=lambda f: f.start)

    return show, finds


WORDS = st.sampled_from(["Bram de Vries", "Anna", "café", "cafe\u0301", "📞", "\r\n", " ", "x"])
TEXTS = st.lists(WORDS, max_size=30).map("".join)


def across_lines(text: str) -> str:
    """A `show` no line alone explains: the shown text is then one piece."""
    return hidden(["Bram de Vries", "Anna"])[0](text).replace("x\r\nx", "[x]")


@st.composite
def shown_texts(draw):
    text = draw(TEXTS)
    show, finds = hidden(["Bram de Vries", "Anna"])
    how = draw(st.sampled_from(["finds", "lines", "whole"]))
    if how == "whole":
        return text, across_lines, Shown.of(text, across_lines, finds(text))
    return text, show, Shown.of(text, show, finds(text) if how == "finds" else [])


@st.composite
def spans(draw, length: int):
    start = draw(st.integers(0, max(length - 1, 0)))
    return start, draw(st.integers(min(start + 1, length), length))


@settings(max_examples=300, deadline=None)
@given(shown_texts(), st.data())
def test_a_shown_span_maps_to_a_stored_span_that_shows_at_least_it(case, data):
    text, show, shown = case
    assert shown.text == show(text)  # never anything else reaches the page
    if not shown.text:
        return
    start, end = data.draw(spans(len(shown.text)))
    original = shown.to_original(start, end)
    assert 0 <= original[0] < original[1] <= len(text)
    back = shown.to_shown(*original)
    assert back[0] <= start and end <= back[1]  # widened to whole names, never narrowed
    assert shown.to_original(*back) == original  # and stable from then on


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.data())
def test_without_hidden_names_offsets_are_the_stored_ones(text, data):
    shown = Shown.of(text, str)
    if not text:
        return
    span = data.draw(spans(len(text)))
    assert shown.text == text and shown.to_original(*span) == span == shown.to_shown(*span)


@settings(max_examples=200, deadline=None)
@given(TEXTS, st.lists(st.tuples(st.integers(0, 60), st.integers(1, 20)), max_size=6))
def test_marks_cover_exactly_the_coded_code_points_with_every_coding(text, raw):
    codings = [
        Marked(i + 1, s, min(s + n, len(text)), "#e0b000", f"code {i}")
        for i, (s, n) in enumerate(raw)
        if s < len(text)
    ]
    found = marks(Shown.of(text, str), codings)
    assert all(a["end"] <= b["start"] for a, b in zip(found, found[1:], strict=False))
    for point in range(len(text)):
        expected = {c.coding for c in codings if c.start <= point < c.end}
        covering = [m for m in found if m["start"] <= point < m["end"]]
        assert {c for m in covering for c in m["codings"]} == expected
        for m in covering:
            lengths = [
                next(c.end - c.start for c in codings if c.coding == i) for i in m["codings"]
            ]
            assert lengths == sorted(lengths)  # the innermost first: a click picks it


def test_a_replaced_name_is_selected_whole_and_offsets_after_it_stay_exact():
    text = "Ik sprak Bram de Vries 📞 gisteren.\r\nDaarna koffie."
    show, finds = hidden(["Bram de Vries"])
    shown = Shown.of(text, show, finds(text))
    assert shown.text == "Ik sprak P00 📞 gisteren.\r\nDaarna koffie."
    assert shown.to_original(10, 11) == (9, 22)  # a letter of "P00": the whole name
    after = shown.text.index("Daarna")
    assert shown.to_original(after, after + 6) == (text.index("Daarna"), text.index(" koffie"))


def test_the_selector_ignores_a_forged_selection_and_coding():
    selector = TranscriptSelector(LABELS)
    selector.show(Shown.of("Een korte tekst", str), [Marked(7, 0, 3, "#e0b000", "A")], [0])
    selector.selected = [4, 9]
    assert selector.selection == (4, 9)
    for forged in ([5, 99], [3, 3], ["a", 2], [True, 2], [1, 2, 3]):
        selector.selected = forged
        assert selector.selection == (4, 9)
    selector.picked_coding = 8  # no mark holds it
    assert selector.picked_coding == 0
    selector.picked_coding = 7
    assert selector.picked_coding == 7
    selector.selection = (0, 3)
    assert selector.selected == [0, 3]


def test_the_selector_script_builds_text_nodes_and_loads_nothing():
    script = (STATIC / "selection.js").read_text(encoding="utf-8")
    assert "createTextNode" in script
    for unsafe in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert unsafe not in script
    assert not re.search(r"https?://|\bimport\s|\bfetch\(|XMLHttpRequest", script)
    assert "http" not in (STATIC / "selection.css").read_text(encoding="utf-8")


# -- in a real page --------------------------------------------------------------------------

# an emoji (two UTF-16 units), a combining mark (e + U+0301) and CRLF line ends
TEXT = "Anna: We belden even 📞 en\r\ndaarna naar het cafe\u0301 om de hoek.\r\nKlaar."
CODINGS = [
    Marked(1, 0, TEXT.index("\r"), "#e0b000", "Oude regels"),
    Marked(2, TEXT.index("even"), TEXT.index("daarna") + 6, "#3366cc", "Kleine stappen"),
]
NOTEBOOK_CELL = f"""\
import ipywidgets as ipw
from wwlib.ui.selection import Marked, Shown, TranscriptSelector
selector = TranscriptSelector({LABELS!r})
selector.show(Shown.of({TEXT!r}, str), {CODINGS!r}, [0, {TEXT.index("daarna")}])
kernel = ipw.HTML()
kernel.add_class("test-kernel-echo")
said = lambda: "%d %d %d" % (*selector.selection, selector.picked_coding)
echo = lambda _: setattr(kernel, "value", said())
selector.observe(echo, ["selection", "picked_coding"])
echo(None)
ipw.VBox([selector, kernel])
"""
SELECT = """([from, to]) => {
  const shown = document.querySelector('.ww-selector .ww-transcript-text');
  const walker = document.createTreeWalker(shown, NodeFilter.SHOW_TEXT, {acceptNode: (n) =>
    n.parentElement.closest('.ww-para-no') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
  let at = 0, start = null, end = null;
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!start && from < at + n.data.length) start = [n, from - at];
    if (!end && to <= at + n.data.length) end = [n, to - at];
    at += n.data.length;
  }
  const range = document.createRange();
  range.setStart(...start);
  range.setEnd(...end);
  document.getSelection().removeAllRanges();
  document.getSelection().addRange(range);
}"""
SHOWN_TEXT = """() => [...document.querySelectorAll('.ww-selector .ww-transcript-text')]
  .map((t) => [...t.childNodes].filter((n) => !(n.classList && n.classList.contains('ww-para-no')))
  .map((n) => n.textContent).join(''))[0]"""
TIMEOUT_MS = 120_000  # the page waits for its kernel, on two cores shared with other tests
ANSWER_TIMEOUT_MS = 30_000  # then the kernel answers a selection or a click


def units(text: str, code_points: int) -> int:
    """UTF-16 units before a code point: what a DOM Range counts."""
    return len(text[:code_points].encode("utf-16-le")) // 2


def kernel_says(page, expected: str) -> None:
    page.wait_for_function(
        "(s) => document.querySelector('.test-kernel-echo').textContent.trim() === s",
        arg=expected,
        timeout=ANSWER_TIMEOUT_MS,
    )


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """Voila serving a one-cell notebook with a selector on TEXT."""
    from wwlib.app import dashboard

    assert Path(CHROMIUM).exists(), f"no chromium at {CHROMIUM}: apt-get install chromium"
    folder = tmp_path_factory.mktemp("selector")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(NOTEBOOK_CELL)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(notebook, folder / "selector.ipynb")
    env = {**os.environ, "WW_HOME": str(folder / "home")}
    with open(folder / "voila.log", "wb") as log:
        server = dashboard.start(folder, env=env, output=log)
        with server:
            yield server


@pytest.mark.browser
def test_selecting_in_the_browser_gives_exact_code_points_in_the_kernel(served):
    emoji, combining = TEXT.index("📞"), TEXT.index("\u0301")
    with chromium_page() as page:
        page.goto(served.url("selector.ipynb"), timeout=TIMEOUT_MS)
        page.wait_for_selector(".ww-selector mark", timeout=TIMEOUT_MS)
        kernel_says(page, "0 0 0")
        assert page.evaluate(SHOWN_TEXT) == TEXT  # CRLF kept: two code points, as stored
        titles = page.eval_on_selector_all(".ww-selector mark", "ms => ms.map(m => m.title)")
        assert "Kleine stappen; Oude regels" in titles  # the overlap: both, innermost first
        # a Range from inside the emoji's surrogate pair to between "e" and its accent
        page.evaluate(SELECT, [units(TEXT, emoji) + 1, units(TEXT, combining)])
        kernel_says(page, f"{emoji} {combining + 1} 0")  # snapped to whole characters
        # the keyboard: to the start, then four characters with Shift
        tab_to(page, ".ww-selector-text")
        page.keyboard.press("Control+Home")
        for _ in range(4):
            page.keyboard.press("Shift+ArrowRight")
        kernel_says(page, "0 4 0")
        page.keyboard.press("Shift+ArrowDown")  # to the start of the next line: past CRLF
        kernel_says(page, f"0 {TEXT.index('daarna')} 0")
        # a click on the passage both codes share picks the innermost coding, then the other
        page.click(".ww-selector mark.ww-mark-overlap")
        kernel_says(page, f"0 {TEXT.index('daarna')} 2")
        page.click(".ww-selector mark.ww-mark-overlap")
        kernel_says(page, f"0 {TEXT.index('daarna')} 1")
        page.wait_for_selector(".ww-selector mark.ww-picked[data-codings='1']")
        page.keyboard.press("Enter")  # the caret is in the mark clicked: the keyboard's pick
        kernel_says(page, f"0 {TEXT.index('daarna')} 2")
        violations = axe_serious(page)
    assert violations == []
