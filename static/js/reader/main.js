/* rednote reader: select sentences or passages, tag them, and see everyone's annotations live.
 *
 * The server sends all annotations as JSON (#annotation-data) in the page, after an edit and
 * when the live poll finds a change; after this reader tags something, only the new annotation
 * (#annotation-delta-data). All arrive as htmx out-of-band swaps; `paint.js` draws them.
 *
 * A sentence's marker also shows the consensus status of each claim that ends in it, and on
 * request each sentence shows its consensus tag (#sentence-tags-data, from the page's
 * consensus section). Offsets are explained in `text.js`; the panel's live updates in `panel.js`.
 *
 * The tag toolbar and the status line sit at the top of the side panel, never over the text; on
 * narrow screens that panel is a bottom sheet (`sheet.js`). A click on a highlight only shows
 * what people said there; a second click offers to tag it too.
 */
import { paint, paintMarkers, paintTags } from "./paint.js";
import { panelReset } from "./panel.js";
import { closeSheet, keepAboveSheet, openSheet } from "./sheet.js";
import { clamp, isSpace, locate, quoteOf, readSentences } from "./text.js";

const reader = document.querySelector("article.reader[data-article-id]");
if (reader && window.htmx) start(reader);

function start(reader) {
  const KEY_TAGS = { 1: "claim", 2: "evidence", 3: "opinion" };
  const toolbar = document.getElementById("tag-toolbar");
  const layout = reader.closest(".reader-layout") || reader;
  const side = document.getElementById("reader-side");
  const touch = window.matchMedia("(pointer: coarse)"); // the main pointer is a finger

  const state = {
    me: reader.dataset.me,
    marks: JSON.parse(document.getElementById("consensus-marks")?.textContent || "{}"), // status -> [symbol, words]
    sentences: [], // {el, id, start, end, chars, painted}
    data: { revision: 0, annotations: [], markers: {}, claims: {} },
    pending: [], // annotations being saved, drawn at once
  };
  const { me } = state;
  let body = null; // #reader-body
  let indexOf = new Map(); // sentence element -> index in `state.sentences`
  let dataEl = null;
  let deltaEl = null;
  let delta = null; // the last annotation this reader made, as the server confirmed it
  let pendingSeq = 0;
  let selection = null; // {start, end, first, last, quote, kind: "sentences" | "text"}
  let shown = []; // the sentence elements the panel is about, kept above the bottom sheet
  let reveal = false; // the panel this reader asked for is on its way (a live update is not)
  let anchor = null; // sentence index a shift-click or shift+Enter extends from
  let focusIndex = 0;
  let stale = false;
  let showTags = false;
  let selectionTimer = 0;

  function say(message) {
    const status = document.getElementById("reader-status");
    if (status) status.textContent = message;
  }

  const draw = () => { if (!stale) paint(state); };

  /* The text, its sentences and the annotation data */

  function index() {
    body = document.getElementById("reader-body");
    state.sentences = readSentences(body);
    indexOf = new Map(state.sentences.map((s, i) => [s.el, i]));
    focusIndex = clamp(focusIndex, 0, Math.max(0, state.sentences.length - 1));
    state.sentences.forEach((s, i) => { s.el.tabIndex = i === focusIndex ? 0 : -1; });
  }

  function refresh() {
    const el = document.getElementById("annotation-data");
    if (!el || el === dataEl) return false;
    dataEl = el;
    state.data = JSON.parse(el.textContent);
    if (String(state.data.revision) !== reader.dataset.revision && !stale) {
      stale = true;
      openSheet(layout);
      const status = document.getElementById("reader-status");
      if (status) {
        status.textContent = "This article was revised since you opened it. ";
        const link = document.createElement("a");
        link.href = window.location.pathname;
        link.textContent = "Reload to see the new text.";
        status.append(link);
      }
    }
    return true;
  }

  function applyDelta() {
    const el = document.getElementById("annotation-delta-data");
    if (!el || el === deltaEl) return false;
    deltaEl = el;
    delta = JSON.parse(el.textContent);
    if (String(delta.revision) !== reader.dataset.revision) return false;
    const { data } = state;
    if (!data.annotations.some((a) => a.id === delta.annotation.id)) data.annotations.push(delta.annotation);
    Object.assign(data.markers, delta.markers);
    return true;
  }

  document.addEventListener("click", (event) => {
    if (!event.target.closest("#show-sentence-tags")) return;
    showTags = !showTags;
    paintTags(state.sentences, showTags);
  });

  /* Selecting */

  /** Select text[start:end] (sentences `first` to `last`) and show what people said about it;
   * `offer` shows the tag toolbar too. */
  function select(start, end, first, last, kind, offer) {
    const { sentences } = state;
    for (const s of sentences) s.el.classList.remove("is-selected");
    if (kind === "sentences") {
      for (let k = first; k <= last; k++) sentences[k].el.classList.add("is-selected");
    }
    selection = { start, end, first, last, kind, quote: quoteOf(sentences, start, end, first, last) };
    shown = sentences.slice(first, last + 1).map((s) => s.el);
    if (toolbar) toolbar.hidden = !offer;
    if (side) side.scrollTop = 0;
    openSheet(layout);
    loadPanel(selection);
    keepAboveSheet(layout, side, shown);
  }

  function selectSentences(i, extend, offer = true) {
    const { sentences } = state;
    if (!extend || anchor === null) anchor = i;
    const first = Math.min(anchor, i);
    const last = Math.max(anchor, i);
    select(sentences[first].start, sentences[last].end, first, last, "sentences", offer);
    const count = last - first + 1;
    if (!offer) {
      const again = touch.matches ? "Tap it again to tag it too." : "Click it again, or press 1, 2 or 3, to tag it too.";
      say(`The panel shows what people said about this sentence. ${me ? again : ""}`);
      return;
    }
    const how = touch.matches ? "Tap Claim, Evidence or Opinion." : "Press 1 claim, 2 evidence, 3 opinion; Escape cancels.";
    say(`${count} sentence${count > 1 ? "s" : ""} selected. ${me ? how : "Sign in to annotate."}`);
  }

  function selectFromDocument() {
    const native = window.getSelection();
    if (!native || !native.rangeCount || native.isCollapsed) {
      if (selection && selection.kind === "text") cancel();
      return;
    }
    if (document.activeElement && document.activeElement.matches("input, textarea, select")) return;
    const range = native.getRangeAt(0);
    if (!body || !range.intersectsNode(body)) return;
    const { sentences } = state;
    const a = locate(sentences, indexOf, range.startContainer, range.startOffset, "start");
    const b = locate(sentences, indexOf, range.endContainer, range.endOffset, "end");
    if (!a || !b) return;
    // Leave out white space at either end.
    while (a.position < b.position && isSpace(sentences[a.i].chars[a.position - sentences[a.i].start])) a.position++;
    while (b.position > a.position && isSpace(sentences[b.i].chars[b.position - 1 - sentences[b.i].start])) b.position--;
    if (a.position >= b.position) return;
    if (selection && selection.start === a.position && selection.end === b.position) return;
    anchor = null;
    select(a.position, b.position, a.i, b.i, "text", true);
  }

  /** Forget the selection; the toolbar goes. `keepSheet` leaves the sheet open (after tagging,
   * it shows the new annotation). */
  function unselect(keepSheet) {
    selection = null;
    anchor = null;
    for (const s of state.sentences) s.el.classList.remove("is-selected");
    if (toolbar) toolbar.hidden = true;
    const native = window.getSelection();
    if (native && !native.isCollapsed) native.removeAllRanges();
    if (!keepSheet) {
      shown = [];
      closeSheet(layout);
    }
  }

  const cancel = () => unselect(false);

  /* Tagging */

  function choose(tag) {
    if (!selection) return;
    if (!me) {
      say("Sign in to annotate.");
      return;
    }
    const { start, end, quote } = selection;
    const id = `saving-${++pendingSeq}`;
    state.pending.push({ id, start, end, tag, author: me, claim: null, pending: true });
    draw();
    unselect(true); // tagged: the toolbar closes; the sheet stays to show the new annotation
    say(`Saving as ${tag}…`);
    const values = { start, end, tag, revision: reader.dataset.revision };
    if (quote !== null) values.quote = quote;
    // fetch, not htmx.ajax: htmx queues requests from one element (a panel load in flight would
    // hold this back) and settles a queued request's promise before it is even sent.
    const headers = { ...JSON.parse(document.body.getAttribute("hx-headers") || "{}"), "HX-Request": "true" };
    const previous = delta;
    fetch(reader.dataset.createUrl, { method: "POST", headers, body: new URLSearchParams(values), credentials: "same-origin" })
      .then(async (response) => {
        const answer = await response.text();
        const status = document.getElementById("reader-status");
        if (response.ok) htmx.swap(reader, answer, { swapStyle: "none" });
        else if (status) htmx.swap(status, answer, { swapStyle: "innerHTML" });
      })
      .catch(() => say("Not saved: the server could not be reached."))
      .finally(() => {
        state.pending = state.pending.filter((p) => p.id !== id);
        refresh();
        applyDelta();
        draw();
        if (delta !== previous) loadPanel(delta.annotation, delta.annotation.id); // saved: its note form opens
      });
  }

  /** Show the annotations on `range` in the side panel. */
  function loadPanel(range, fresh) {
    const values = { start: range.start, end: range.end };
    if (fresh) values.fresh = fresh;
    const filters = document.getElementById("panel-filters");
    if (filters) {
      for (const [name, value] of new FormData(filters)) {
        if (name !== "start" && name !== "end") values[name] = value;
      }
    }
    panelReset();
    reveal = true;
    htmx.ajax("GET", reader.dataset.panelUrl, { source: reader, swap: "none", values });
  }

  /* Keyboard: roving focus over sentences, Enter/Space selects, shift extends, 1/2/3 tag. */

  function focusSentence(i) {
    const { sentences } = state;
    if (!sentences.length) return;
    i = clamp(i, 0, sentences.length - 1);
    sentences[focusIndex].el.tabIndex = -1;
    focusIndex = i;
    sentences[i].el.tabIndex = 0;
    sentences[i].el.focus();
  }

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest && event.target.closest("input, textarea, select, [contenteditable]")) return;
    const i = indexOf.get(event.target);
    if (i !== undefined) {
      const last = state.sentences.length - 1;
      const moves = { ArrowDown: i + 1, ArrowRight: i + 1, ArrowUp: i - 1, ArrowLeft: i - 1, Home: 0, End: last };
      if (event.key in moves) {
        event.preventDefault();
        focusSentence(moves[event.key]);
        return;
      }
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        selectSentences(i, event.shiftKey);
        return;
      }
    }
    if (event.key === "Escape" && (selection || layout.classList.contains("sheet-open"))) {
      event.preventDefault();
      say(selection ? "Selection cancelled." : "");
      cancel();
    } else if (KEY_TAGS[event.key] && selection) {
      event.preventDefault();
      choose(KEY_TAGS[event.key]);
    }
  });

  /* Pointer: click selects a sentence, shift-click extends; dragging selects a passage. */

  layout.addEventListener("mousedown", (event) => {
    // The toolbar keeps the selection it acts on; shift-click extends by whole sentences,
    // not the browser's text selection.
    if (event.target.closest("#tag-toolbar") || (event.shiftKey && event.target.closest(".sentence"))) {
      event.preventDefault();
    }
  });

  layout.addEventListener("click", (event) => {
    const button = event.target.closest("#tag-toolbar button, [data-action=close-sheet]");
    if (button) {
      if (button.dataset.tag) {
        choose(button.dataset.tag);
      } else {
        cancel();
        state.sentences[focusIndex]?.el.focus({ preventScroll: true }); // not lost with the sheet
      }
      return;
    }
    const native = window.getSelection();
    if (native && !native.isCollapsed) return; // a passage was selected by dragging
    let el = event.target.closest(".sentence, .marker");
    if (el && el.classList.contains("marker")) el = el.previousElementSibling;
    const i = el ? indexOf.get(el) : undefined;
    if (i === undefined) return;
    state.sentences[focusIndex].el.tabIndex = -1;
    focusIndex = i;
    el.tabIndex = 0;
    el.focus({ preventScroll: true });
    // A highlight or a marker is clicked to read what people said; clicked again, to tag it too.
    const reading = Boolean(event.target.closest("mark.hl, .marker"));
    const again = selection !== null && selection.kind === "sentences" && selection.first === i && selection.last === i;
    selectSentences(i, event.shiftKey, !reading || again || event.shiftKey);
  });

  document.addEventListener("selectionchange", () => {
    clearTimeout(selectionTimer);
    selectionTimer = setTimeout(selectFromDocument, 150);
  });

  /* New content from htmx: the reader body once it is segmented, fresh annotation data, the
   * consensus section, a claim's consensus in the panel (its status goes on the markers). */

  htmx.onLoad((element) => {
    if (element.id === "reader-body") {
      index();
      draw();
      paintTags(state.sentences, showTags);
    } else if (element.id === "article-consensus") {
      paintTags(state.sentences, showTags);
    } else if (element.matches(".consensus-line[data-claim]")) {
      state.data.claims[element.dataset.claim] = element.dataset.status;
      paintMarkers(state);
    } else {
      if (element.id === "panel" && reveal) {
        reveal = false;
        keepAboveSheet(layout, side, shown); // the sheet's height changed with the panel asked for
      }
      const replaced = refresh();
      const added = applyDelta();
      if (replaced || added) draw();
    }
  });

  index();
  refresh();
  draw();
  window.rednoteReady = performance.now();
}
