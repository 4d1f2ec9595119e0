/* Desktop ledger tables (#20): the columns a user hides stay hidden on the next visit
   (remembered in this browser, per table). Sorting and filters are plain links (server). */
(function () {
  "use strict";
  document.querySelectorAll("[data-column-chooser]").forEach(function (chooser) {
    var table = document.getElementById(chooser.dataset.columnChooser);
    if (!table) { return; }
    var key = "safecampus.columns." + chooser.dataset.columnChooser;
    var hidden = [];
    try { hidden = JSON.parse(window.localStorage.getItem(key) || "[]"); } catch (e) { hidden = []; }

    function apply() {
      table.querySelectorAll("th[data-column], td[data-column]").forEach(function (cell) {
        cell.hidden = hidden.indexOf(cell.dataset.column) !== -1;
      });
    }

    chooser.querySelectorAll("input[type=checkbox]").forEach(function (box) {
      box.checked = hidden.indexOf(box.value) === -1;
      box.addEventListener("change", function () {
        hidden = hidden.filter(function (name) { return name !== box.value; });
        if (!box.checked) { hidden.push(box.value); }
        try { window.localStorage.setItem(key, JSON.stringify(hidden)); } catch (e) { /* private mode */ }
        apply();
      });
    });
    apply();
  });
})();
