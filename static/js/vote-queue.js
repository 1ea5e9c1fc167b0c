/* The vote queue's keys: a agree, d disagree, u unsure, n or → next, p or ← previous.
 *
 * Each key clicks the matching button or link of the claim on screen, one step at a time. htmx
 * swaps the next claim in and wires up its form only when the swap settles, so a key pressed
 * while a step is under way waits for it: clicking into the old claim would vote on it twice,
 * and clicking into the unwired new one would submit the form without htmx. Keys pressed
 * meanwhile run in order once the new claim is ready. After each step the focus goes to the
 * claim's heading, so that screen readers announce it.
 */
(() => {
  "use strict";

  if (!document.getElementById("vote-queue") || !window.htmx) return;
  const KEYS = {
    a: "[data-vote=agree]",
    d: "[data-vote=disagree]",
    u: "[data-vote=unsure]",
    n: "a[rel=next]",
    ArrowRight: "a[rel=next]",
    p: "a[rel=prev]",
    ArrowLeft: "a[rel=prev]",
  };
  const waiting = []; // selectors of keys pressed while a step was under way
  let ready = false; // htmx has wired up the claim on screen
  let busy = false; // a step's request is in flight or its answer is being swapped in
  let swapping = false;

  const inQueue = (element) => element instanceof Element && element.closest("#vote-queue") !== null;

  function run() {
    while (ready && !busy && waiting.length) {
      const target = document.querySelector(`#vote-queue ${waiting.shift()}`);
      // htmx starts the request inside click(), which sets `busy` through htmx:beforeRequest.
      if (target) target.click();
    }
  }

  function settled() {
    busy = false;
    swapping = false;
    run();
  }

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest && event.target.closest("input, textarea, select, [contenteditable]")) return;
    const selector = KEYS[event.key.length === 1 ? event.key.toLowerCase() : event.key];
    if (!selector) return;
    if (ready && !busy && !document.querySelector(`#vote-queue ${selector}`)) return;
    event.preventDefault();
    waiting.push(selector);
    run();
  });

  document.addEventListener("htmx:beforeRequest", (event) => {
    if (inQueue(event.detail.elt)) busy = true;
  });
  document.addEventListener("htmx:beforeSwap", (event) => {
    if (inQueue(event.detail.elt) && event.detail.shouldSwap) swapping = true;
  });
  // An answer that is not swapped in (a server error, no connection) ends the step here, and
  // drops the keys pressed after it: they were meant for claims that never came. An answer that
  // is swapped in ends the step when the new claim has loaded.
  document.addEventListener("htmx:afterRequest", (event) => {
    if (!inQueue(event.detail.elt) || swapping) return;
    waiting.length = 0;
    say(failure(event.detail));
    settled();
  });

  function failure({ xhr, requestConfig }) {
    const what = requestConfig?.verb === "post" ? "Your vote was not saved" : "The claim could not be loaded";
    const why = xhr.status ? `the server answered with an error (${xhr.status})` : "the server could not be reached";
    return `${what}: ${why}. Try again.`;
  }

  function say(message) {
    const status = document.getElementById("queue-status");
    if (status) status.textContent = message;
  }

  htmx.onLoad((element) => {
    if (element.id === "vote-queue") {
      document.getElementById("queue-position")?.focus();
      settled();
    } else if (element === document.body) {
      ready = true;
      run();
    }
  });
})();
