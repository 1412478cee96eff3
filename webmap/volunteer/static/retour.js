/* « Retour aux résultats »: the results page keeps its own address in this tab's sessionStorage (never
   sent to the server, gone with the tab); an actor page opened from it links back to the same results. */
(function () {
  "use strict";
  var link = document.getElementById("retour-resultats");
  var results = window.sessionStorage && sessionStorage.getItem("carto-resultats");
  if (link && results && results.indexOf("/?") === 0) {
    link.href = results;
    link.textContent = "← Retour aux résultats";
  }
})();
