/* An actor page opened from a search: « Retour aux résultats » and the distance from the resident.
   The results page keeps its own address and each actor's distance and walk in this tab's
   sessionStorage (never sent to the server, gone with the tab); the actor page reads them back. */
(function () {
  "use strict";
  var store = window.sessionStorage;
  if (!store) { return; }
  var link = document.getElementById("retour-resultats");
  var results = store.getItem("carto-resultats");
  if (link && results && results.indexOf("/?") === 0) {
    link.href = results;
    link.textContent = "← Retour aux résultats";
  }
  var trip = document.getElementById("trajet");
  var trips = JSON.parse(store.getItem("carto-trajets") || "{}");
  if (trip && results && trips[trip.getAttribute("data-actor-id")]) {
    trip.textContent = "Depuis le domicile du résident : " + trips[trip.getAttribute("data-actor-id")];
    trip.hidden = false;
  }
})();
