// Keyboard focus after an htmx swap. Without this, focus stays on the element that was
// replaced, which the browser then moves to <body>: keyboard and screen-reader users would
// start again from the top of the page. Content that asks for it (data-focus-on-swap) gets
// focus on arrival: its first field in error, else its form-wide error, else its first
// field, else the content itself (a result message).
// No inline script or handler attributes anywhere: the site is served under a
// Content-Security-Policy without 'unsafe-inline'.
"use strict";

(function () {
  const FIELD = "input:not([type=hidden]):not([disabled]), textarea:not([disabled]), select:not([disabled])";

  function focusTarget(content) {
    return (
      content.querySelector("[aria-invalid=true]") ||
      content.querySelector(".form-errors") ||
      content.querySelector(FIELD) ||
      content
    );
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    const swapped = event.target;
    if (!(swapped instanceof Element)) {
      return;
    }
    const content = swapped.matches("[data-focus-on-swap]")
      ? swapped
      : swapped.querySelector("[data-focus-on-swap]");
    if (!content) {
      return; // e.g. the study facts following the DOI: the member is typing elsewhere
    }
    const target = focusTarget(content);
    if (!target.matches(FIELD) && !target.hasAttribute("tabindex")) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus();
  });
})();
