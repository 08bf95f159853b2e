// Django admin's autocomplete widget (select2) renders a box that screen readers announce as a
// combobox named only by the chosen value, which it also calls a read-only text field (neither
// has a name while nothing is chosen: axe-core aria-input-field-name), a search field with no label, and, for a choice of several, a list
// holding more than list items (axe-core: label, list). Name the box and each search field
// after the field's label (or, in a table row, the select's own aria-label), and present that
// list as a plain group. Loaded on every admin page (templates/admin/base_site.html).
(function () {
  "use strict";

  function fieldName(select) {
    const label = select && select.id && document.querySelector('label[for="' + select.id + '"]');
    if (label) return label.textContent.replace(/:\s*$/, "").trim();
    return (select && select.getAttribute("aria-label")) || "Choice";
  }

  function repair() {
    document.querySelectorAll(".select2-container").forEach(function (container) {
      const select = container.previousElementSibling;
      const name = fieldName(select);
      container.querySelectorAll(".select2-search__field:not([aria-label])").forEach(function (field) {
        field.setAttribute("aria-label", "Search " + name);
      });
      container.querySelectorAll("ul.select2-selection__rendered:not([role])").forEach(function (list) {
        list.setAttribute("role", "none");
      });
      // The box is named by itself (its aria-label, the field's name) and then by the value
      // select2 shows, so it reads "Study: 10.1080/…" or just "Study" while empty.
      container.querySelectorAll(".select2-selection--single:not([aria-label])").forEach(function (box) {
        if (!box.id) box.id = (select && select.id ? select.id : "choice") + "-box";
        const shown = box.getAttribute("aria-labelledby");
        box.setAttribute("aria-label", name);
        box.setAttribute("aria-labelledby", box.id + (shown ? " " + shown : ""));
        // The value inside is text that names the box, not a read-only field of its own.
        box.querySelectorAll(".select2-selection__rendered[role='textbox']").forEach(function (value) {
          value.removeAttribute("role");
          value.removeAttribute("aria-readonly");
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    repair();
    // select2 renders again whenever a choice is added or removed.
    new MutationObserver(repair).observe(document.body, { childList: true, subtree: true });
  });
})();
