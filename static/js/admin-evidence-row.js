// Evidence rows added with "Add another Evidence" look up their new DOI as it is typed,
// like the rows the page came with (htmx reads only what was on the page when it started).
document.addEventListener("formset:added", (event) => {
  if (window.htmx) {
    window.htmx.process(event.target);
  }
});
