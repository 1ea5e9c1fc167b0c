/* Drawing on the text: highlights, the marker after each annotated sentence (with the consensus
 * status of the claims that end there), and each sentence's consensus tag on request.
 *
 * Highlights are <mark> elements inside sentence elements: they wrap the text and never change
 * it. A sentence is redrawn only when the annotations covering it change.
 *
 * `state` is the reader's: {sentences, data: {annotations, markers, claims}, pending, me, marks}.
 */
import { clamp, sentenceAfter } from "./text.js";

const TAGS = ["claim", "evidence", "opinion"];

export function paint(state) {
  const { sentences } = state;
  const perSentence = sentences.map(() => []);
  const all = state.pending.length ? state.data.annotations.concat(state.pending) : state.data.annotations;
  for (const a of all) {
    for (let i = sentenceAfter(sentences, a.start); i < sentences.length && sentences[i].start < a.end; i++) {
      perSentence[i].push(a);
    }
  }
  sentences.forEach((s, i) => {
    const list = perSentence[i];
    const signature = list.map((a) => `${a.id}${a.tag}${a.start}-${a.end}`).join(" ");
    if (signature !== s.painted) {
      s.painted = signature;
      paintSentence(s, list, state.me);
    }
  });
  paintMarkers(state);
}

function paintSentence(s, list, me) {
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
    fragment.append(covering.length ? highlight(text, covering, me) : text);
  }
  s.el.replaceChildren(fragment);
}

/** One highlight for a stretch covered by the same annotations: coloured and underlined by
 * the most frequent tag, stronger the more annotations, outlined when one is yours. */
function highlight(text, covering, me) {
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
function claimEnds({ sentences, data }) {
  const ends = new Map();
  for (const a of data.annotations) {
    if (!a.claim) continue;
    const i = sentenceAfter(sentences, a.end - 1);
    if (!ends.has(i)) ends.set(i, new Set());
    ends.get(i).add(a.claim);
  }
  return ends;
}

function statusMark(state, claim) {
  const status = state.data.claims[claim] || "not_enough_votes";
  const [symbol, words] = state.marks[status] || ["", status];
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

export function paintMarkers(state) {
  const { sentences, data } = state;
  const ends = claimEnds(state);
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
      el.replaceChildren(short, label, ...claims.map((claim) => statusMark(state, claim)));
    }
  });
}

/** Each sentence's consensus tag (from #sentence-tags-data), shown after it while `show`. */
export function paintTags(sentences, show) {
  const source = document.getElementById("sentence-tags-data");
  const tags = source ? JSON.parse(source.textContent) : {};
  document.getElementById("show-sentence-tags")?.setAttribute("aria-pressed", String(show));
  for (const s of sentences) {
    const tag = show && tags[s.id];
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
