/* The results' fiche button, online and offline: it says how many actors are ticked (« Fiche (2) »); with
   none ticked it says what to do, on this page, rather than opening an empty fiche; « Voir plus
   d’acteurs » keeps the ticked ones ticked on the longer list. Without this script the server's fiche
   page explains the same. */
(function () {
  "use strict";
  var sheet = document.getElementById("choix-fiche"), button = document.getElementById("bouton-fiche");
  if (!sheet || !button) { return; }
  var state = document.getElementById("fiche-etat");

  function ticked() {
    return Array.prototype.slice.call(document.querySelectorAll('input[name="acteurs"][form="choix-fiche"]:checked'));
  }
  function count() {
    var n = ticked().length;
    button.textContent = n ? "Fiche (" + n + ")" : "Fiche pour le résident";
    if (n) { state.textContent = ""; }
  }

  document.addEventListener("change", function (event) { if (event.target.name === "acteurs") { count(); } });
  sheet.addEventListener("submit", function (event) {
    if (!ticked().length) {
      event.preventDefault();
      state.textContent = button.getAttribute("data-aucun");
    }
  });
  document.addEventListener("click", function (event) {
    var more = event.target.closest && event.target.closest("#voir-plus");
    if (!more) { return; }
    var url = new URL(more.href);
    url.searchParams.delete("acteurs");
    ticked().forEach(function (box) { url.searchParams.append("acteurs", box.value); });
    more.href = url.toString();
  });
  window.cartoFicheCount = count;  // the offline page redraws its cards
  count();
})();
