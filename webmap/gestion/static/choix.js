/* Searchable pickers (gestion/_picker.html): typing keeps the boxes whose words hold what is typed,
   accents and case aside; ticked boxes always stay in view. */
(function () {
  "use strict";
  function folded(text) { return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase(); }
  document.querySelectorAll(".choix-liste").forEach(function (box) {
    var filter = box.querySelector(".filtre-choix"), items = box.querySelectorAll(".cases-choix li");
    var count = box.querySelector("[id$='-compte']");
    filter.addEventListener("input", function () {
      var words = folded(filter.value).split(/\s+/).filter(Boolean);
      items.forEach(function (item) {
        var text = folded(item.textContent), ticked = item.querySelector("input").checked;
        item.hidden = !ticked && !words.every(function (word) { return text.indexOf(word) >= 0; });
      });
    });
    box.addEventListener("change", function () {
      var n = box.querySelectorAll(".cases-choix input:checked").length;
      count.textContent = "(" + n + " cochée" + (n > 1 ? "s" : "") + ")";
    });
  });
})();
