// An evidence row's new study, by DOI.
(function () {
  "use strict";

  // Rows added with "Add another Evidence" look up their new DOI as it is typed, like the
  // rows the page came with (htmx reads only what was on the page when it started).
  document.addEventListener("formset:added", function (event) {
    if (window.htmx) {
      window.htmx.process(event.target);
    }
  });

  // When Crossref cannot give a new DOI's facts, the fields to type them in open. (After
  // settling: until then htmx keeps the old attributes of an element with the same id.)
  document.addEventListener("htmx:afterSettle", function (event) {
    const status = event.detail.target;
    if (status && status.querySelector && status.querySelector(".new-study-problem")) {
      const facts = status.closest(".new-study").querySelector(".new-study-facts");
      if (facts) {
        facts.open = true;
      }
    }
  });

  // "Add 10.x/… from its DOI", chosen in a row's study box, goes to the row's DOI field,
  // which shows Crossref's facts; the design is what is left to choose.
  function takeNewDoi(event) {
    const select = event.target;
    if (!select.value || select.value.indexOf("doi:") !== 0) {
      return;
    }
    const cell = select.closest("td");
    const doi = cell && cell.querySelector("input[name$='-new_doi']");
    if (!doi) {
      return;
    }
    doi.value = select.value.slice("doi:".length);
    window.django.jQuery(select).val(null).trigger("change");
    doi.dispatchEvent(new Event("change", { bubbles: true }));
    const design = cell.querySelector("select[name$='-new_design']");
    if (design) {
      design.focus();
    }
  }

  // Bound once the page is read: the admin may load this file before its own jQuery.
  document.addEventListener("DOMContentLoaded", function () {
    if (window.django && window.django.jQuery) {
      window.django.jQuery(document).on("select2:select", ".field-study select", takeNewDoi);
    }
  });
})();
