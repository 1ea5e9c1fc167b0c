/* The side panel under live updates. A live update leaves the panel alone while someone writes
 * in one of its forms, and keeps the disclosures (note form, history, claim link) that were
 * open; whatever replaces the panel, the focus stays where it was, or on the annotation it was
 * in. */

let dirty = false; // a panel form has unsaved input
let liveSwap = false;
let keep = null;

/** The panel is about to show a new selection: what was typed in it is given up. */
export function panelReset() {
  dirty = false;
}

function editing() {
  const active = document.activeElement;
  return dirty || Boolean(active && active.closest("#panel form:not(#panel-filters, .vote)"));
}

document.addEventListener("input", (event) => {
  if (event.target.closest("#panel form:not(#panel-filters)")) dirty = true;
});
document.addEventListener("htmx:beforeRequest", (event) => {
  if (event.target.closest && event.target.closest("#panel")) dirty = false;
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
