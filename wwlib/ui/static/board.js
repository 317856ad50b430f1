// The live board (wwlib/ui/board.py, BoardCards): notes as cards in their clusters.
//
// The kernel sends the whole board as `view` (plain data, already in the page's language and
// pseudonymised); this draws it with DOM nodes and textContent only, so no note text is ever
// read as HTML. A click on a card or on a card's "take back" button only tells the kernel which
// note it was: the kernel decides, for this page's person, what that means (a dot, choosing
// the note to move, or a sentence in the status line). Nothing is loaded from the network.

const COLOUR = /^#[0-9a-fA-F]{3,8}$/;
const MAX_DOTS_DRAWN = 12;

function node(tag, className, text) {
  const made = document.createElement(tag);
  if (className) made.className = className;
  if (text !== undefined && text !== null && text !== "") made.textContent = String(text);
  return made;
}

function dotsOf(note) {
  const dots = node("span", "ww-card-dots");
  dots.setAttribute("aria-label", note.dots_label || "");
  if (!note.dots) return dots;
  if (note.dots > MAX_DOTS_DRAWN) {
    dots.append(node("span", "ww-dot" + (note.mine ? " ww-dot-mine" : "")));
    dots.append(node("span", "ww-dot-count", "× " + note.dots));
    return dots;
  }
  for (let i = 0; i < note.dots; i += 1) {
    const dot = node("span", i < note.mine ? "ww-dot ww-dot-mine" : "ww-dot");
    dot.setAttribute("aria-hidden", "true");
    dots.append(dot);
  }
  return dots;
}

function cardOf(note, view, send) {
  const slot = node("li", "ww-card-slot");
  const card = node("button", "ww-note-card");
  card.type = "button";
  card.dataset.note = note.id;
  card.dataset.dots = String(note.dots);
  card.dataset.mine = String(note.mine);
  if (COLOUR.test(note.colour || "")) card.style.setProperty("--ww-colour", note.colour);
  if (view.selected === note.id) {
    card.classList.add("ww-selected");
    card.setAttribute("aria-pressed", "true");
  }
  card.append(node("span", "ww-card-text", note.text));
  card.append(node("span", "ww-card-meta", note.meta));
  if (note.source) card.append(node("span", "ww-card-meta ww-card-source", note.source));
  card.append(dotsOf(note));
  card.addEventListener("click", () => {
    card.classList.add("ww-pending"); // until the kernel's answer redraws the board
    send({ kind: "card", note: note.id });
  });
  slot.append(card);
  if (view.voting && note.mine > 0) {
    const back = node("button", "ww-card-take-back", "−");
    back.type = "button";
    back.dataset.note = note.id;
    back.title = view.take_back;
    back.setAttribute("aria-label", view.take_back + ": " + note.text);
    back.addEventListener("click", () => send({ kind: "take_back", note: note.id }));
    slot.append(back);
  }
  return slot;
}

function draw(root, view, send) {
  const focused = root.contains(document.activeElement) ? document.activeElement : null;
  const refocus = focused && focused.dataset.note ? [focused.className.split(" ")[0], focused.dataset.note] : null;
  root.replaceChildren();
  root.dataset.board = view.board || "";
  const bar = node("div", "ww-cards-bar");
  bar.append(node("span", "ww-timer"));
  bar.lastChild.setAttribute("role", "timer");
  if (view.left) bar.append(node("span", "ww-dots-left", view.left));
  root.append(bar);
  for (const line of view.notices || []) root.append(node("p", "ww-cards-notice", line));
  if (view.hint) root.append(node("p", "ww-cards-hint", view.hint));
  for (const cluster of view.clusters || []) {
    const part = node("section", "ww-cluster");
    part.append(node("h4", "ww-cluster-name", cluster.name));
    const list = node("ul", "ww-card-list");
    for (const note of cluster.notes) list.append(cardOf(note, view, send));
    part.append(list);
    root.append(part);
  }
  if (view.empty) root.append(node("p", "ww-cards-empty", view.empty));
  if (refocus) {
    const again = root.querySelector("." + refocus[0] + '[data-note="' + CSS.escape(refocus[1]) + '"]');
    if (again) again.focus();
  }
}

function showTimer(root, view, received) {
  const timer = root.querySelector(".ww-timer");
  if (!timer) return;
  if (!view.timer) {
    timer.textContent = "";
    timer.hidden = true;
    return;
  }
  // the kernel's clock, not the device's: a phone's clock may be minutes off
  const now = view.timer.now + (Date.now() - received);
  const left = Math.max(0, Math.round((view.timer.ends - now) / 1000));
  const minutes = Math.floor(left / 60);
  const seconds = String(left % 60).padStart(2, "0");
  timer.hidden = false;
  timer.classList.toggle("ww-timer-done", left === 0);
  timer.textContent = left === 0 ? view.timer.done : view.timer.label + " " + minutes + ":" + seconds;
}

function render({ model, el }) {
  const root = node("div", "ww-cards");
  el.append(root);
  const send = (message) => model.send(message);
  let received = Date.now();
  const redraw = () => {
    received = Date.now();
    draw(root, model.get("view") || {}, send);
    showTimer(root, model.get("view") || {}, received);
  };
  model.on("change:view", redraw);
  redraw();
  const ticking = setInterval(() => showTimer(root, model.get("view") || {}, received), 1000);
  return () => {
    clearInterval(ticking);
    model.off("change:view", redraw);
  };
}

export default { render };
