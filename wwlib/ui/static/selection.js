// Coding by selecting text (wwlib/ui/selection.py, TranscriptSelector).
//
// The kernel sends the transcript as shown (`text`), the coded stretches (`marks`, code points)
// and where numbered paragraphs start (`numbers`). This draws it with text nodes only, so a
// CRLF stays two characters and nothing in a transcript is read as HTML, and keeps for each
// text node where it starts in `text` (UTF-16 units). A selection made with the mouse, or with
// Shift and the arrow keys in the focused region, is mapped back through those nodes, snapped
// to whole characters (graphemes: never inside a surrogate pair, never between a letter and its
// combining mark, never between CR and LF) and sent as `selected`, code points of `text`.
// A click on a mark (or Enter on it) picks its innermost coding; another click the next one.
// The kernel's selection is shown with a CSS highlight, which leaves focus and the page's own
// selection alone. Nothing is loaded from the network.

const COLOUR = /^#[0-9a-fA-F]{3,8}$/;
const REPORT_AFTER_MS = 120;
const highlights = typeof CSS !== "undefined" && CSS.highlights && typeof Highlight === "function";

function node(tag, className, text) {
  const made = document.createElement(tag);
  if (className) made.className = className;
  if (text) made.textContent = String(text);
  return made;
}

// the UTF-16 offset of every code point of `text`, and one past the last
function codePointStarts(text) {
  const starts = [];
  let at = 0;
  for (const char of text) {
    starts.push(at);
    at += char.length;
  }
  starts.push(at);
  return starts;
}

// whether each UTF-16 offset of `text` is between two graphemes (or words)
function boundaries(text, granularity) {
  const edges = new Uint8Array(text.length + 1);
  edges[0] = edges[text.length] = 1;
  if (typeof Intl !== "undefined" && Intl.Segmenter) {
    for (const part of new Intl.Segmenter(undefined, { granularity }).segment(text)) {
      if (granularity === "grapheme" || part.isWordLike) {
        edges[part.index] = 1;
        edges[part.index + part.segment.length] = 1;
      }
    }
    return edges;
  }
  for (const start of codePointStarts(text)) edges[start] = 1; // at least whole code points
  return edges;
}

class Layout {
  constructor(text) {
    this.text = text;
    this.starts = codePointStarts(text); // code point -> UTF-16
    this.nodes = []; // [text node, UTF-16 start], in order
    this.graphemes = boundaries(text, "grapheme");
    this.words = null;
  }

  units(codePoint) {
    return this.starts[Math.max(0, Math.min(codePoint, this.starts.length - 1))];
  }

  codePoint(units) {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.starts[middle] <= units) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  snap(units, forward, edges = this.graphemes) {
    let at = Math.max(0, Math.min(units, this.text.length));
    while (!edges[at]) at += forward ? 1 : -1;
    return at;
  }

  step(units, forward, byWord) {
    if (byWord && !this.words) this.words = boundaries(this.text, "word");
    const edges = byWord ? this.words : this.graphemes;
    const moved = units + (forward ? 1 : -1);
    if (moved < 0 || moved > this.text.length) return units;
    return this.snap(moved, forward, edges);
  }

  // a DOM boundary (container, offset) as a UTF-16 offset of the text
  offsetOf(container, offset) {
    for (const [text, start] of this.nodes) {
      if (text === container) return start + Math.min(offset, text.length);
    }
    const probe = document.createRange();
    probe.setStart(container, offset);
    for (const [text, start] of this.nodes) {
      if (probe.comparePoint(text, 0) >= 0) return start;
    }
    return this.text.length;
  }

  // a UTF-16 offset of the text as a DOM boundary [text node, offset]
  pointAt(units) {
    let found = this.nodes[0];
    for (const entry of this.nodes) {
      if (entry[1] > units) break;
      found = entry;
    }
    return found ? [found[0], units - found[1]] : null;
  }

  range(from, to) {
    const start = this.pointAt(from);
    const end = this.pointAt(to);
    if (!start || !end) return null;
    const range = document.createRange();
    range.setStart(start[0], start[1]);
    range.setEnd(end[0], end[1]);
    return range;
  }
}

function markOf(mark, picked) {
  const shown = node("mark", "ww-mark");
  shown.title = mark.label || "";
  shown.dataset.codings = (mark.codings || []).join(" ");
  const colours = (mark.colours || []).filter((c) => COLOUR.test(c));
  if (colours.length) shown.style.setProperty("--ww-colour", colours[0] + "80");
  if (colours.length > 1) {
    const share = 100 / colours.length;
    const stripes = colours.map((c, i) => `${c}80 ${i * share}% ${(i + 1) * share}%`);
    shown.style.setProperty("background", `linear-gradient(${stripes.join(", ")})`);
    // one line under the passage per code: overlapping codings stay visible
    const lines = colours.map((c, i) => `inset 0 -${2 * (i + 1)}px 0 ${c}`);
    shown.style.setProperty("box-shadow", lines.join(", "));
    shown.classList.add("ww-mark-overlap");
  }
  if ((mark.codings || []).includes(picked)) shown.classList.add("ww-picked");
  return shown;
}

function draw(root, model) {
  const text = model.get("text") || "";
  const layout = new Layout(text);
  const marks = model.get("marks") || [];
  const numbers = new Map((model.get("numbers") || []).map((at, i) => [at, i + 1]));
  const cuts = new Set([0, layout.starts.length - 1, ...numbers.keys()]);
  for (const mark of marks) cuts.add(mark.start).add(mark.end);
  const points = [...cuts].filter((c) => c >= 0 && c < layout.starts.length).sort((a, b) => a - b);
  const shown = node("div", "ww-transcript-text");
  const picked = model.get("picked_coding");
  let markIndex = 0;
  for (let i = 0; i + 1 < points.length; i += 1) {
    const [from, to] = [points[i], points[i + 1]];
    if (numbers.has(from)) {
      const number = node("sup", "ww-para-no", `[${numbers.get(from)}]`);
      number.setAttribute("aria-hidden", "true");
      shown.append(number);
    }
    while (markIndex < marks.length && marks[markIndex].end <= from) markIndex += 1;
    const mark = marks[markIndex];
    const piece = document.createTextNode(text.slice(layout.units(from), layout.units(to)));
    layout.nodes.push([piece, layout.units(from)]);
    if (mark && mark.start <= from && to <= mark.end) {
      const marked = markOf(mark, picked);
      marked.append(piece);
      shown.append(marked);
    } else {
      shown.append(piece);
    }
  }
  root.replaceChildren(shown);
  return layout;
}

function unique(prefix) {
  unique.count = (unique.count || 0) + 1;
  return `${prefix}-${unique.count}-${Math.random().toString(36).slice(2, 8)}`;
}

// the highlights of every selector on the page: the kernel's selection and the keyboard's caret
function highlight(name) {
  if (!highlights) return null;
  if (!CSS.highlights.has(name)) CSS.highlights.set(name, new Highlight());
  return CSS.highlights.get(name);
}

function render({ model, el }) {
  const wrapper = node("div", "ww-selector");
  const hint = node("p", "ww-selector-hint", (model.get("labels") || {}).hint);
  hint.id = unique("ww-selector-hint");
  const root = node("div", "ww-selector-text");
  root.tabIndex = 0;
  root.setAttribute("role", "region");
  root.setAttribute("aria-label", (model.get("labels") || {}).region || "");
  root.setAttribute("aria-describedby", hint.id);
  wrapper.append(hint, root);
  el.append(wrapper);
  const chosen = highlight("ww-selection");
  const caretShown = highlight("ww-caret");
  let layout = null;
  let shownRange = null;
  let caretRange = null;
  let caret = null; // [anchor, focus] in UTF-16 units, when the keyboard moves
  let timer = null;

  const showSelected = () => {
    if (shownRange && chosen) chosen.delete(shownRange);
    shownRange = null;
    const [start, end] = model.get("selected") || [0, 0];
    root.dataset.selected = `${start} ${end}`;
    if (!layout || !(end > start) || !chosen) return;
    shownRange = layout.range(layout.units(start), layout.units(end));
    if (shownRange) chosen.add(shownRange);
  };

  const showCaret = () => {
    if (caretRange && caretShown) caretShown.delete(caretRange);
    caretRange = null;
    if (!caret || !layout || !caretShown || document.activeElement !== root) return;
    const at = caret[1];
    const next = layout.step(at, true, false);
    caretRange = layout.range(at, next > at ? next : at);
    if (caretRange) caretShown.add(caretRange);
  };

  const select = (anchor, focus) => {
    const start = layout.pointAt(anchor);
    const end = layout.pointAt(focus);
    if (start && end) document.getSelection().setBaseAndExtent(start[0], start[1], end[0], end[1]);
  };

  const redraw = () => {
    const before = layout ? layout.text : null;
    const selection = document.getSelection();
    const inside = selection && selection.rangeCount > 0 && root.contains(selection.anchorNode);
    layout = draw(root, model);
    if (layout.text !== before) caret = null;
    else if (caret && inside) select(caret[0], caret[1]); // new marks, same text: all stays
    showSelected();
    showCaret();
  };

  const pageSelection = () => {
    const selection = document.getSelection();
    if (!selection || !selection.rangeCount || !layout) return null;
    const range = selection.getRangeAt(0);
    const inStart = root.contains(range.startContainer);
    const inEnd = root.contains(range.endContainer);
    if (!inStart && !inEnd && !range.intersectsNode(root)) return null;
    const start = inStart ? layout.offsetOf(range.startContainer, range.startOffset) : 0;
    const end = inEnd ? layout.offsetOf(range.endContainer, range.endOffset) : layout.text.length;
    return { start, end, selection };
  };

  const report = () => {
    timer = null;
    const found = pageSelection();
    if (!found) return;
    const start = layout.codePoint(layout.snap(found.start, false));
    const end = layout.codePoint(layout.snap(found.end, true));
    if (end <= start) return; // a click, not a selection: the kernel's selection stays
    const [shownStart, shownEnd] = model.get("selected") || [0, 0];
    if (start === shownStart && end === shownEnd) return;
    model.set("selected", [start, end]);
    model.save_changes();
  };

  const onSelectionChange = () => {
    const found = pageSelection();
    if (!found) return;
    const { selection } = found;
    if (root.contains(selection.focusNode) && root.contains(selection.anchorNode)) {
      caret = [
        layout.offsetOf(selection.anchorNode, selection.anchorOffset),
        layout.offsetOf(selection.focusNode, selection.focusOffset),
      ];
      showCaret();
    }
    clearTimeout(timer);
    timer = setTimeout(report, REPORT_AFTER_MS);
  };

  const pick = (target) => {
    const mark = target && target.closest ? target.closest("mark.ww-mark") : null;
    if (!mark || !root.contains(mark)) return false;
    const codings = mark.dataset.codings.split(" ").filter(Boolean).map(Number);
    if (!codings.length) return false;
    const now = codings.indexOf(model.get("picked_coding"));
    model.set("picked_coding", codings[(now + 1) % codings.length]);
    model.save_changes();
    return true;
  };

  let pressed = null;
  const onPointerDown = (event) => {
    pressed = [event.clientX, event.clientY];
  };
  const onClick = (event) => {
    // a click, not the end of a drag (which selects); the page's selection may not have
    // collapsed yet when one clicks inside it
    const still = pressed && Math.hypot(event.clientX - pressed[0], event.clientY - pressed[1]) < 5;
    if (still && event.detail <= 1) pick(event.target);
  };

  const moveTo = (anchor, focus) => {
    caret = [anchor, focus];
    select(anchor, focus);
    showCaret();
    const range = layout.range(focus, focus);
    if (range && range.getClientRects().length) {
      const box = range.getClientRects()[0];
      const frame = root.getBoundingClientRect();
      if (box.top < frame.top || box.bottom > frame.bottom) {
        root.scrollTop += box.top - frame.top - frame.height / 3;
      }
    }
  };

  const onKey = (event) => {
    if (!layout || event.altKey || event.metaKey) return;
    const [anchor, focus] = caret || (() => {
      const [start] = model.get("selected") || [0, 0];
      const at = layout.units(start);
      return [at, at];
    })();
    let next = null;
    const key = event.key;
    if (key === "ArrowRight" || key === "ArrowLeft") {
      next = layout.step(focus, key === "ArrowRight", event.ctrlKey);
    } else if (key === "ArrowDown" || key === "End") {
      next = event.ctrlKey ? layout.text.length : lineEnd(layout.text, focus, key === "End");
    } else if (key === "ArrowUp" || key === "Home") {
      next = event.ctrlKey ? 0 : lineStart(layout.text, focus, key === "ArrowUp");
    } else if (key === "Enter" || key === " ") {
      const point = layout.pointAt(focus);
      if (point && pick(point[0].parentElement)) event.preventDefault();
      return;
    } else if (key === "Escape") {
      moveTo(focus, focus);
      event.preventDefault();
      return;
    } else {
      return;
    }
    event.preventDefault();
    moveTo(event.shiftKey ? anchor : next, next);
  };

  const onFocus = () => {
    if (!caret && layout) {
      const [start] = model.get("selected") || [0, 0];
      caret = [layout.units(start), layout.units(start)];
    }
    showCaret();
  };

  redraw();
  model.on("change:text", redraw);
  model.on("change:marks", redraw);
  model.on("change:numbers", redraw);
  model.on("change:picked_coding", redraw);
  model.on("change:selected", showSelected);
  document.addEventListener("selectionchange", onSelectionChange);
  root.addEventListener("pointerdown", onPointerDown);
  root.addEventListener("click", onClick);
  root.addEventListener("keydown", onKey);
  root.addEventListener("focus", onFocus);
  root.addEventListener("blur", showCaret);
  return () => {
    clearTimeout(timer);
    document.removeEventListener("selectionchange", onSelectionChange);
    if (shownRange && chosen) chosen.delete(shownRange);
    if (caretRange && caretShown) caretShown.delete(caretRange);
    for (const name of ["text", "marks", "numbers", "picked_coding"]) model.off(`change:${name}`, redraw);
    model.off("change:selected", showSelected);
  };
}

// the start of the line `at` is on (Home), or of the line before it (ArrowUp)
function lineStart(text, at, before) {
  let start = text.lastIndexOf("\n", at - 1) + 1;
  if (before && start > 0) start = text.lastIndexOf("\n", start - 2) + 1;
  return start;
}

// the end of the line `at` is on, before its line end (End), or past it (ArrowDown)
function lineEnd(text, at, here) {
  const next = text.indexOf("\n", at);
  if (next < 0) return text.length;
  if (!here) return next + 1;
  return next > 0 && text[next - 1] === "\r" ? next - 1 : next;
}

export default { render };
