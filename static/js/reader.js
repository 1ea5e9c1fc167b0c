/* rednote reader: select sentences or passages, tag them, and see everyone's annotations live.
 *
 * Offsets are Unicode code point indexes into the article's current revision text. Every
 * sentence element carries data-start and data-end; a point inside a sentence is its data-start
 * plus the code points of the sentence text before the point. Highlights are <mark> elements
 * inside sentence elements: they wrap the text and never change it.
 *
 * The server sends all annotations as JSON (#annotation-data) in the page, after an edit and
 * when the live poll finds a change; after this reader tags something, only the new annotation
 * (#annotation-delta-data). All arrive as htmx out-of-band swaps; this script draws them.
 *
 * A sentence's marker also shows the consensus status of each claim that ends in it, and on
 * request each sentence shows its consensus tag (#sentence-tags-data, from the page's
 * consensus section). The vote queue's keyboard shortcuts are in vote-queue.js.
 */
(() => {
  "use strict";

  const reader = document.querySelector("article.reader[data-article-id]");
  if (!reader || !window.htmx) return;

  const TAGS = ["claim", "evidence", "opinion"];
  const KEY_TAGS = { 1: "claim", 2: "evidence", 3: "opinion" };
  const me = reader.dataset.me;
  const toolbar = document.getElementById("tag-toolbar");
  const layout = reader.closest(".reader-layout") || reader;

  let body = null; // #reader-body
  let sentences = []; // {el, id, start, end, chars, painted}
  let indexOf = new Map(); // sentence element -> index in `sentences`
  let dataEl = null;
  let data = { revision: 0, annotations: [], markers: {}, claims: {} };
  const marks = JSON.parse(document.getElementById("consensus-marks")?.textContent || "{}"); // status -> [symbol, words]
  let deltaEl = null;
  let delta = null; // the last annotation this reader made, as the server confirmed it
  let pending = []; // annotations being saved, drawn at once
  let pendingSeq = 0;
  let selection = null; // {start, end, quote, kind: "sentences" | "text"}
  let anchor = null; // sentence index a shift-click or shift+Enter extends from
  let focusIndex = 0;
  let stale = false;
  let panelDirty = false;
  let selectionTimer = 0;

  const codePoints = (text) => {
    let n = 0;
    for (const _ of text) n++;
    return n;
  };
  const clamp = (n, lo, hi) => Math.min(hi, Math.max(lo, n));
  const isSpace = (ch) => ch !== undefined && /\s/u.test(ch);

  function say(message) {
    const status = document.getElementById("reader-status");
    if (status) status.textContent = message;
  }

  /* The text and its sentences */

  function index() {
    body = document.getElementById("reader-body");
    const els = body ? body.querySelectorAll(".sentence[data-sentence-id]") : [];
    sentences = Array.from(els, (el) => ({
      el,
      id: el.dataset.sentenceId,
      start: Number(el.dataset.start),
      end: Number(el.dataset.end),
      chars: Array.from(el.textContent),
      painted: "",
    }));
    indexOf = new Map(sentences.map((s, i) => [s.el, i]));
    focusIndex = clamp(focusIndex, 0, Math.max(0, sentences.length - 1));
    sentences.forEach((s, i) => { s.el.tabIndex = i === focusIndex ? 0 : -1; });
  }

  /** The first sentence that ends after `position`. */
  function sentenceAfter(position) {
    let lo = 0;
    let hi = sentences.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sentences[mid].end > position) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /* Drawing annotations */

  function refresh() {
    const el = document.getElementById("annotation-data");
    if (!el || el === dataEl) return false;
    dataEl = el;
    data = JSON.parse(el.textContent);
    if (String(data.revision) !== reader.dataset.revision && !stale) {
      stale = true;
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
    if (!data.annotations.some((a) => a.id === delta.annotation.id)) data.annotations.push(delta.annotation);
    Object.assign(data.markers, delta.markers);
    return true;
  }

  function paint() {
    if (stale) return;
    const perSentence = sentences.map(() => []);
    for (const a of pending.length ? data.annotations.concat(pending) : data.annotations) {
      for (let i = sentenceAfter(a.start); i < sentences.length && sentences[i].start < a.end; i++) {
        perSentence[i].push(a);
      }
    }
    sentences.forEach((s, i) => {
      const list = perSentence[i];
      const signature = list.map((a) => `${a.id}${a.tag}${a.start}-${a.end}`).join(" ");
      if (signature !== s.painted) {
        s.painted = signature;
        paintSentence(s, list);
      }
    });
    paintMarkers();
  }

  function paintSentence(s, list) {
    if (!list.length) {
      s.el.textContent = s.chars.join("");
      return;
    }
    const length = s.chars.length;
    const cuts = new Set([0, length]);
    for (const a of list) {
      cuts.add(clamp(a.start - s.start, 0, length));
      cuts.add(clamp(a.end - s.start, 0, length));
    }
    const points = Array.from(cuts).sort((x, y) => x - y);
    const fragment = document.createDocumentFragment();
    for (let k = 0; k + 1 < points.length; k++) {
      const lo = points[k];
      const hi = points[k + 1];
      const text = s.chars.slice(lo, hi).join("");
      const covering = list.filter((a) => a.start - s.start < hi && a.end - s.start > lo);
      fragment.append(covering.length ? highlight(text, covering) : text);
    }
    s.el.replaceChildren(fragment);
  }

  /** One highlight for a stretch covered by the same annotations: coloured and underlined by
   * the most frequent tag, stronger the more annotations, outlined when one is yours. */
  function highlight(text, covering) {
    const counts = { claim: 0, evidence: 0, opinion: 0 };
    let mine = false;
    let saving = false;
    for (const a of covering) {
      counts[a.tag] += 1;
      mine = mine || (me !== "" && a.author === me);
      saving = saving || Boolean(a.pending);
    }
    const present = TAGS.filter((t) => counts[t]);
    const main = present.reduce((best, t) => (counts[t] > counts[best] ? t : best));
    const mark = document.createElement("mark");
    mark.className = "hl";
    mark.dataset.tag = main;
    mark.dataset.heat = String(covering.length >= 5 ? 4 : covering.length >= 3 ? 3 : covering.length);
    if (mine) mark.classList.add("mine");
    if (saving) mark.classList.add("saving");
    mark.title = present.map((t) => `${counts[t]} ${t}`).join(", ") + (mine ? " (including yours)" : "") +
      (saving ? " – saving…" : "");
    mark.textContent = text;
    return mark;
  }

  /** The claims ending in each sentence (by index): that sentence's marker shows their status. */
  function claimEnds() {
    const ends = new Map();
    for (const a of data.annotations) {
      if (!a.claim) continue;
      const i = sentenceAfter(a.end - 1);
      if (!ends.has(i)) ends.set(i, new Set());
      ends.get(i).add(a.claim);
    }
    return ends;
  }

  function statusMark(claim) {
    const status = data.claims[claim] || "not_enough_votes";
    const [symbol, words] = marks[status] || ["", status];
    const el = document.createElement("span");
    el.className = "claim-status";
    el.dataset.status = status;
    el.title = `Claim: ${words.toLowerCase()}`;
    const shown = document.createElement("span");
    shown.setAttribute("aria-hidden", "true");
    shown.textContent = symbol;
    const said = document.createElement("span");
    said.className = "visually-hidden";
    said.textContent = `, claim ${words.toLowerCase()}`;
    el.replaceChildren(shown, said);
    return el;
  }

  function paintMarkers() {
    const ends = claimEnds();
    sentences.forEach((s, i) => {
      const marker = data.markers[s.id];
      let el = s.el.nextElementSibling;
      if (el && !el.classList.contains("marker")) el = null;
      if (!marker) {
        if (el) el.remove();
        return;
      }
      if (!el) {
        el = document.createElement("sup");
        el.className = "marker";
        s.el.after(el);
      }
      const claims = Array.from(ends.get(i) || []).sort((x, y) => x - y);
      const signature = [marker[0], ...claims.map((c) => `${c}:${data.claims[c] || ""}`)].join(" ");
      if (el.dataset.painted !== signature) {
        const short = document.createElement("span");
        short.setAttribute("aria-hidden", "true");
        short.textContent = marker[0];
        const label = document.createElement("span");
        label.className = "visually-hidden";
        label.textContent = ` (${marker[1]})`;
        el.dataset.painted = signature;
        el.title = marker[1];
        el.replaceChildren(short, label, ...claims.map(statusMark));
      }
    });
  }

  /* Each sentence's consensus tag, shown after it while the toggle is pressed. */

  let showTags = false;

  function paintTags() {
    const source = document.getElementById("sentence-tags-data");
    const tags = source ? JSON.parse(source.textContent) : {};
    document.getElementById("show-sentence-tags")?.setAttribute("aria-pressed", String(showTags));
    for (const s of sentences) {
      const tag = showTags && tags[s.id];
      if (!tag) {
        delete s.el.dataset.consensusTag;
        delete s.el.dataset.consensusShort;
        s.el.removeAttribute("title");
        continue;
      }
      const [label, confidence, taggers] = tag;
      const percent = `${Math.round(confidence * 100)}%`;
      s.el.dataset.consensusTag = label;
      s.el.dataset.consensusShort = `${label[0].toUpperCase()} ${percent} (${taggers})`;
      s.el.title = `Consensus tag: ${label}, ${percent} confident, ${taggers} tagger${taggers === 1 ? "" : "s"}`;
    }
  }

  document.addEventListener("click", (event) => {
    if (!event.target.closest("#show-sentence-tags")) return;
    showTags = !showTags;
    paintTags();
  });

  /* Selecting */

  /** Where a DOM point falls in the text: inside a sentence, or snapped inwards to the nearest
   * sentence start (`edge` "start") or end ("end") when it is between sentences. */
  function locate(node, offset, edge) {
    const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    const host = element && element.closest(".sentence");
    const i = host ? indexOf.get(host) : undefined;
    if (i !== undefined) {
      const before = document.createRange();
      before.selectNodeContents(host);
      before.setEnd(node, offset);
      return { i, position: sentences[i].start + codePoints(before.toString()) };
    }
    const point = document.createRange();
    point.setStart(node, offset);
    let lo = 0;
    let hi = sentences.length;
    if (edge === "start") {
      // the first sentence that starts at or after the point
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (point.comparePoint(sentences[mid].el, 0) >= 0) hi = mid;
        else lo = mid + 1;
      }
      return lo < sentences.length ? { i: lo, position: sentences[lo].start } : null;
    }
    // the last sentence that ends at or before the point
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const el = sentences[mid].el;
      if (point.comparePoint(el, el.childNodes.length) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? { i: lo - 1, position: sentences[lo - 1].end } : null;
  }

  /** The text between two sentences, from the page: the spaces before a sentence in its
   * paragraph, or the paragraph's data-gap for its first sentence. */
  function gapBefore(k) {
    const el = sentences[k].el;
    if (el.parentElement !== sentences[k - 1].el.parentElement) return el.parentElement.dataset.gap ?? null;
    const previous = el.previousSibling;
    return previous && previous.nodeType === Node.TEXT_NODE ? previous.data : "";
  }

  /** text[start:end] built from the page, for the server to check; null if it cannot be. */
  function quoteOf(start, end, first, last) {
    let quote = "";
    for (let k = first; k <= last; k++) {
      const s = sentences[k];
      if (k > first) {
        const gap = gapBefore(k);
        if (gap === null || codePoints(gap) !== s.start - sentences[k - 1].end) return null;
        quote += gap;
      }
      quote += s.chars.slice(Math.max(start, s.start) - s.start, Math.min(end, s.end) - s.start).join("");
    }
    return quote;
  }

  function select(start, end, first, last, kind, rect) {
    for (const s of sentences) s.el.classList.remove("is-selected");
    if (kind === "sentences") {
      for (let k = first; k <= last; k++) sentences[k].el.classList.add("is-selected");
    }
    selection = { start, end, kind, quote: quoteOf(start, end, first, last) };
    showToolbar(rect);
    loadPanel(selection);
  }

  function selectSentences(i, extend) {
    if (!extend || anchor === null) anchor = i;
    const first = Math.min(anchor, i);
    const last = Math.max(anchor, i);
    select(sentences[first].start, sentences[last].end, first, last, "sentences",
      sentences[first].el.getClientRects()[0]);
    const count = last - first + 1;
    say(`${count} sentence${count > 1 ? "s" : ""} selected. ${me ? "Press 1 claim, 2 evidence, 3 opinion; Escape cancels." : "Sign in to annotate."}`);
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
    const a = locate(range.startContainer, range.startOffset, "start");
    const b = locate(range.endContainer, range.endOffset, "end");
    if (!a || !b) return;
    // Leave out white space at either end.
    while (a.position < b.position && isSpace(sentences[a.i].chars[a.position - sentences[a.i].start])) a.position++;
    while (b.position > a.position && isSpace(sentences[b.i].chars[b.position - 1 - sentences[b.i].start])) b.position--;
    if (a.position >= b.position) return;
    if (selection && selection.start === a.position && selection.end === b.position) return;
    anchor = null;
    select(a.position, b.position, a.i, b.i, "text", range.getBoundingClientRect());
  }

  function cancel() {
    selection = null;
    anchor = null;
    for (const s of sentences) s.el.classList.remove("is-selected");
    if (toolbar) toolbar.hidden = true;
    const native = window.getSelection();
    if (native && !native.isCollapsed) native.removeAllRanges();
  }

  function showToolbar(rect) {
    if (!toolbar || !rect) return;
    toolbar.hidden = false;
    const box = layout.getBoundingClientRect();
    const top = rect.top - box.top - toolbar.offsetHeight - 8;
    const left = clamp(rect.left - box.left, 0, Math.max(0, reader.offsetWidth - toolbar.offsetWidth));
    toolbar.style.top = `${Math.max(0, top)}px`;
    toolbar.style.left = `${left}px`;
  }

  /* Tagging */

  function choose(tag) {
    if (!selection) return;
    if (!me) {
      say("Sign in to annotate.");
      return;
    }
    const { start, end, quote } = selection;
    const id = `saving-${++pendingSeq}`;
    pending.push({ id, start, end, tag, author: me, claim: null, pending: true });
    paint();
    const native = window.getSelection();
    if (native && !native.isCollapsed) native.removeAllRanges();
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
        pending = pending.filter((p) => p.id !== id);
        refresh();
        applyDelta();
        paint();
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
    panelDirty = false;
    htmx.ajax("GET", reader.dataset.panelUrl, { source: reader, swap: "none", values });
  }

  /* Keyboard: roving focus over sentences, Enter/Space selects, shift extends, 1/2/3 tag. */

  function focusSentence(i) {
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
      const moves = { ArrowDown: i + 1, ArrowRight: i + 1, ArrowUp: i - 1, ArrowLeft: i - 1, Home: 0, End: sentences.length - 1 };
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
    if (event.key === "Escape" && selection) {
      event.preventDefault();
      cancel();
      say("Selection cancelled.");
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
    const button = event.target.closest("#tag-toolbar button");
    if (button) {
      if (button.dataset.tag) choose(button.dataset.tag);
      else cancel();
      return;
    }
    const native = window.getSelection();
    if (native && !native.isCollapsed) return; // a passage was selected by dragging
    let el = event.target.closest(".sentence, .marker");
    if (el && el.classList.contains("marker")) el = el.previousElementSibling;
    const i = el ? indexOf.get(el) : undefined;
    if (i === undefined) return;
    sentences[focusIndex].el.tabIndex = -1;
    focusIndex = i;
    el.tabIndex = 0;
    el.focus({ preventScroll: true });
    selectSentences(i, event.shiftKey);
  });

  document.addEventListener("selectionchange", () => {
    clearTimeout(selectionTimer);
    selectionTimer = setTimeout(selectFromDocument, 150);
  });

  /* The panel. A live update leaves it alone while someone writes in one of its forms and
   * keeps the disclosures (note form, history, claim link) that were open; whatever replaces
   * it, the focus stays where it was, or on the annotation it was in. */

  let liveSwap = false;
  let keep = null;
  const editing = () => {
    const active = document.activeElement;
    return panelDirty || Boolean(active && active.closest("#panel form:not(#panel-filters, .vote)"));
  };
  document.addEventListener("input", (event) => {
    if (event.target.closest("#panel form:not(#panel-filters)")) panelDirty = true;
  });
  document.addEventListener("htmx:beforeRequest", (event) => {
    if (event.target.closest && event.target.closest("#panel")) panelDirty = false;
  });
  document.addEventListener("htmx:beforeSwap", (event) => { liveSwap = event.target.id === "live"; });
  document.addEventListener("htmx:afterRequest", (event) => { if (event.target.id === "live") liveSwap = false; });
  document.addEventListener("htmx:oobBeforeSwap", (event) => {
    const panel = event.detail.target;
    if (panel.id !== "panel") return;
    if (liveSwap && editing()) {
      event.detail.shouldSwap = false;
      return;
    }
    const active = panel.contains(document.activeElement) ? document.activeElement : null;
    keep = {
      open: liveSwap ? Array.from(panel.querySelectorAll("details[open][id]"), (d) => d.id) : [],
      focus: active ? [active.id, active.closest("li.annotation")?.id, "panel-title"].filter(Boolean) : [],
    };
  });
  document.addEventListener("htmx:oobAfterSwap", (event) => {
    if (event.detail.target.id !== "panel" || !keep) return;
    for (const id of keep.open) document.getElementById(id)?.setAttribute("open", "");
    const visible = keep.focus.map((id) => document.getElementById(id)).find((el) => el && el.getClientRects().length);
    if (visible) visible.focus();
    keep = null;
  });

  /* New content from htmx: the reader body once it is segmented, fresh annotation data, the
   * consensus section, a claim's consensus in the panel (its status goes on the markers). */

  htmx.onLoad((element) => {
    if (element.id === "reader-body") {
      index();
      paint();
      paintTags();
    } else if (element.id === "article-consensus") {
      paintTags();
    } else if (element.matches(".consensus-line[data-claim]")) {
      data.claims[element.dataset.claim] = element.dataset.status;
      paintMarkers();
    } else {
      const replaced = refresh();
      const added = applyDelta();
      if (replaced || added) paint();
    }
  });

  index();
  refresh();
  paint();
  window.rednoteReady = performance.now();
})();
