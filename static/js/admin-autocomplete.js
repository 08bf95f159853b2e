// Django admin's autocomplete widget (select2) renders, for a choice of several, a search
// field with no label and a list holding more than list items (axe-core: label, list).
// Name each search field after its field's label and present that list as a plain group.
(function () {
  "use strict";

  function fieldName(container) {
    const select = container.previousElementSibling;
    const label = select && select.id && document.querySelector('label[for="' + select.id + '"]');
    if (label) {
      return label.textContent.replace(/:\s*$/, "").trim();
    }
    return (select && select.getAttribute("aria-label")) || "choices";
  }

  function labelFor(container) {
    return "Search " + fieldName(container);
  }

  function repair() {
    document.querySelectorAll(".select2-container").forEach(function (container) {
      container.querySelectorAll(".select2-search__field:not([aria-label])").forEach(function (field) {
        field.setAttribute("aria-label", labelFor(container));
      });
      // A single choice is named by the choice shown, which an empty row does not have
      // (axe-core: aria-input-field-name): name it after its field as well.
      container.querySelectorAll(".select2-selection__rendered[role='textbox']:not([title])").forEach(function (shown) {
        shown.setAttribute("title", fieldName(container));
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
