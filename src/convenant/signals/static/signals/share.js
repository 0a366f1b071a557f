// The share form's party search: filters the parties as one types, keeping the chosen ones
// in view. Without this file, the search box submits and the server filters the same way.
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function filter(input) {
    var needle = fold(input.value.trim());
    var groups = document.querySelectorAll(".party-groups details[data-group]");
    groups.forEach(function (group) {
      var shown = 0;
      group.querySelectorAll("li[data-name]").forEach(function (item) {
        var box = item.querySelector("input[type=checkbox]");
        var match = !needle || fold(item.dataset.name).indexOf(needle) !== -1 || (box && box.checked);
        item.hidden = !match;
        if (match) { shown += 1; }
      });
      group.hidden = shown === 0;
      if (needle && shown) { group.open = true; }
      var count = group.querySelector("[data-count]");
      if (count) { count.textContent = String(shown); }
    });
  }
  // The named parties matter only for a restricted signal: shown only when it is chosen.
  function followLevel() {
    var section = document.querySelector("[data-restricted-only]");
    var chosen = document.querySelector("input[name=visibility]:checked");
    if (section && chosen) { section.hidden = chosen.value !== "restricted"; }
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[name=visibility]").forEach(function (radio) {
      radio.addEventListener("change", followLevel);
    });
    followLevel();
    var input = document.getElementById("party_q");
    if (!input) { return; }
    // A search box that only works with this script is shown only with it.
    document.querySelectorAll("[data-js-only]").forEach(function (el) { el.hidden = false; });
    input.addEventListener("input", function () { filter(input); });
    // Enter filters in place instead of reloading the page (and losing what was typed).
    var search = document.getElementById("party-search");
    if (search) {
      search.addEventListener("submit", function (event) { event.preventDefault(); filter(input); });
    }
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); filter(input); }
    });
  });
})();
