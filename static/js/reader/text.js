/* Offsets in the reader: Unicode code point indexes into the article's current revision text.
 *
 * Every sentence element carries data-start and data-end; a point inside a sentence is its
 * data-start plus the code points of the sentence text before the point. `sentences` below is
 * the reader's list of {el, id, start, end, chars}, in text order.
 */

export const codePoints = (text) => {
  let n = 0;
  for (const _ of text) n++;
  return n;
};
export const clamp = (n, lo, hi) => Math.min(hi, Math.max(lo, n));
export const isSpace = (ch) => ch !== undefined && /\s/u.test(ch);

/** The sentences of the reader body, in text order. */
export function readSentences(body) {
  const els = body ? body.querySelectorAll(".sentence[data-sentence-id]") : [];
  return Array.from(els, (el) => ({
    el,
    id: el.dataset.sentenceId,
    start: Number(el.dataset.start),
    end: Number(el.dataset.end),
    chars: Array.from(el.textContent),
    painted: "",
  }));
}

/** The index of the first sentence that ends after `position`. */
export function sentenceAfter(sentences, position) {
  let lo = 0;
  let hi = sentences.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sentences[mid].end > position) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Where a DOM point falls in the text: inside a sentence, or snapped inwards to the nearest
 * sentence start (`edge` "start") or end ("end") when it is between sentences. */
export function locate(sentences, indexOf, node, offset, edge) {
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
function gapBefore(sentences, k) {
  const el = sentences[k].el;
  if (el.parentElement !== sentences[k - 1].el.parentElement) return el.parentElement.dataset.gap ?? null;
  const previous = el.previousSibling;
  return previous && previous.nodeType === Node.TEXT_NODE ? previous.data : "";
}

/** text[start:end] built from the page, for the server to check; null if it cannot be. */
export function quoteOf(sentences, start, end, first, last) {
  let quote = "";
  for (let k = first; k <= last; k++) {
    const s = sentences[k];
    if (k > first) {
      const gap = gapBefore(sentences, k);
      if (gap === null || codePoints(gap) !== s.start - sentences[k - 1].end) return null;
      quote += gap;
    }
    quote += s.chars.slice(Math.max(start, s.start) - s.start, Math.min(end, s.end) - s.start).join("");
  }
  return quote;
}
