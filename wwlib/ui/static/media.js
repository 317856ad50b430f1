// The recording player (wwlib/ui/media.py, MediaPlayer): an <audio> or <video> element that
// plays an interview's recording from the second the kernel names.
//
// The kernel sets what to play (`source`, `start`, `caption`) and counts `request` up for each
// play. The first time a recording plays, the browser asks the kernel for it ({want: source}),
// receives it in chunks through the widget's own channel and plays it from a blob: URL; later
// plays of it only seek. Nothing is loaded from the network, and the kernel answers only for
// the recording it chose itself: the browser cannot name another one.

function node(tag, className) {
  const made = document.createElement(tag);
  made.className = className;
  return made;
}

function render({ model, el }) {
  const box = node("div", "ww-media");
  const caption = node("p", "ww-media-caption");
  caption.setAttribute("aria-live", "polite");
  box.append(caption);
  el.append(box);
  let player = null;
  let url = "";
  let loaded = ""; // the source whose bytes the player holds
  let parts = [];

  function element() {
    const kind = model.get("kind") === "video" ? "video" : "audio";
    if (player && player.localName === kind) return player;
    const made = node(kind, "ww-media-player");
    made.controls = true;
    made.preload = "auto";
    if (player) player.replaceWith(made);
    else box.append(made);
    player = made;
    loaded = "";
    return made;
  }

  function playFrom() {
    const media = element();
    const start = Math.max(0, Number(model.get("start")) || 0);
    media.muted = Boolean(model.get("muted"));
    media.setAttribute("aria-label", model.get("caption") || "");
    media.dataset.start = String(start);
    const go = () => {
      media.currentTime = start;
      const playing = media.play();
      if (playing) playing.catch(() => {}); // a browser may wait for a click on the player
    };
    if (media.readyState >= 1) go();
    else media.addEventListener("loadedmetadata", go, { once: true });
  }

  function onRequest() {
    caption.textContent = model.get("caption") || "";
    const source = model.get("source");
    if (!source || !model.get("request")) return;
    element();
    if (source === loaded) {
      playFrom();
      return;
    }
    parts = [];
    box.dataset.loading = source;
    model.send({ want: source });
  }

  function onChunk(msg, buffers) {
    if (!msg || msg.kind !== "chunk" || msg.source !== model.get("source")) return;
    if (!buffers || !buffers[0]) return;
    parts[msg.index] = buffers[0];
    if (parts.filter(Boolean).length < msg.count) return;
    if (url) URL.revokeObjectURL(url);
    url = URL.createObjectURL(new Blob(parts, { type: String(msg.mime) }));
    parts = [];
    const media = element();
    media.src = url;
    loaded = msg.source;
    delete box.dataset.loading;
    playFrom();
  }

  model.on("change:request", onRequest);
  model.on("msg:custom", onChunk);
  onRequest();
  return () => {
    model.off("change:request", onRequest);
    model.off("msg:custom", onChunk);
    if (url) URL.revokeObjectURL(url);
  };
}

export default { render };
