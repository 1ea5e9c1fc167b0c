/* The side panel as a bottom sheet on narrow screens (static/css/reader.css, up to 900 px wide):
 * out of the way until the reader selects something, and never over the selected sentences when
 * the page can be scrolled to show them above it. On wider screens the panel sits beside the
 * text; opening and closing then change nothing that shows. */

const NARROW = window.matchMedia("(max-width: 900px)");
const GAP = 12; // px kept between the selected text and the sheet, or the top of the window

export function openSheet(layout) {
  layout.classList.add("sheet-open");
}

export function closeSheet(layout) {
  layout.classList.remove("sheet-open");
}

/** Scroll the page so that `els` (the selected sentences, in text order) show above the sheet;
 * if they are taller than the room there, so that they start at the top of the window. */
export function keepAboveSheet(layout, sheet, els) {
  if (!NARROW.matches || !sheet || !els.length || !layout.classList.contains("sheet-open")) return;
  const top = els[0].getBoundingClientRect().top;
  const bottom = els[els.length - 1].getBoundingClientRect().bottom;
  const limit = window.innerHeight - sheet.offsetHeight - GAP; // offsetHeight ignores the slide-in
  if (bottom > limit) window.scrollBy(0, Math.min(bottom - limit, top - GAP));
  else if (top < 0) window.scrollBy(0, top - GAP);
}
