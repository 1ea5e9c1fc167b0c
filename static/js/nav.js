// The main navigation folds behind a "Menu" button on narrow screens (static/css/layout.css).
// Loaded in <head> without defer: the class it sets applies before the first paint, so the
// menu never flashes open. Without JavaScript the class is missing and the links simply wrap.
// Listeners are delegated from the document: no element needs to exist yet.
"use strict";

document.documentElement.classList.add("js-nav");

function setMenu(toggle, open) {
  toggle.setAttribute("aria-expanded", String(open));
}

document.addEventListener("click", (event) => {
  const toggle = event.target.closest?.("[data-nav-toggle]");
  if (toggle) setMenu(toggle, toggle.getAttribute("aria-expanded") !== "true");
});

// Escape closes an open menu; focus that was inside it goes back to its button.
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  const toggle = document.querySelector('[data-nav-toggle][aria-expanded="true"]');
  if (!toggle) return;
  const inside = toggle.closest("nav")?.contains(document.activeElement);
  setMenu(toggle, false);
  if (inside) toggle.focus();
});
