// Django admin's autocomplete widget (select2) renders, for a choice of several, a search
// field with no label and a list holding more than list items (axe-core: label, list).
// Name each search field after its field's label and present that list as a plain group.
(function () {
  "use strict";

  function labelFor(container) {
    const select = container.previousElementSibling;
    const label = select && select.id && document.querySelector('label[for="' + select.id + '"]');
    return "Search " + (label ? label.textContent.replace(/:\s*$/, "").trim() : "choices");
  }

  function repair() {
    document.querySelectorAll(".select2-container").forEach(function (container) {
      container.querySelectorAll(".select2-search__field:not([aria-label])").forEach(function (field) {
        field.setAttribute("aria-label", labelFor(container));
      });
      container.querySelectorAll("ul.select2-selection__rendered:not([role])").forEach(function (list) {
        list.setAttribute("role", "none");
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    repair();
    // select2 renders again whenever a choice is added or removed.
    new MutationObserver(repair).observe(document.body, { childList: true, subtree: true });
  });
})();
