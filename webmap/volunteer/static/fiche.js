/* The fiche: copy its text, print it. The fiche works without this script (select the text). */
(function () {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var source = document.getElementById(button.getAttribute("data-copy"));
      if (navigator.clipboard) {
        navigator.clipboard.writeText(source.value).then(function () { button.textContent = button.getAttribute("data-copied"); });
      } else {
        source.select();
      }
    });
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
