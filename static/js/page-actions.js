// Small page behaviours that used to be inline hx-on handlers. The Content-Security-Policy
// forbids inline code and htmx runs with allowEval off, so they live here, delegated from the
// document so that they also work on content htmx swaps in later.
"use strict";

// "Cancel" in a reply or edit form swapped into a comment's slot empties the slot again.
document.addEventListener("click", (event) => {
  const link = event.target.closest?.("[data-close-slot]");
  if (!link) return;
  event.preventDefault();
  link.closest(".comment-slot")?.replaceChildren();
});

// A flag form swapped into a comment opens at once: the click that asked for it meant "flag".
document.addEventListener("htmx:load", (event) => {
  const root = event.target;
  const slots = root.matches?.("[data-open-on-load]") ? [root] : [];
  slots.push(...(root.querySelectorAll?.("[data-open-on-load]") ?? []));
  for (const slot of slots) slot.querySelector("details")?.setAttribute("open", "");
});

// Live polls ([data-poll]) pause while the tab is hidden: nobody is looking, and the next poll
// after the reader comes back catches up. (htmx's trigger filters would need eval, which is off.)
document.addEventListener("htmx:beforeRequest", (event) => {
  if (document.hidden && event.detail.elt.closest?.("[data-poll]")) event.preventDefault();
});
