/* The service worker (/sw.js) keeps the volunteer's pages working offline after one visit. It is
   registered once the page has loaded, so that its downloads never delay the first results; then the
   field pack is refreshed through it (a 304 when the data have not changed), with the addresses of the
   communes of the volunteer's campaigns and of the last search in this tab. The volunteer's pages say
   whether the tablet is ready before the stairwell (#pret-hors-ligne): the data's day and the communes
   whose addresses are kept, or what is still missing. */
(function () {
  "use strict";
  var PACK = "/api/v1/pack";
  var status = document.getElementById("pret-hors-ligne");

  function say(text, ready) {
    if (!status) { return; }
    status.hidden = false;
    status.textContent = text;
    status.className = ready ? "fresh" : "stale";
  }

  function names(list) {
    return list.length < 2 ? list.join("") : list.slice(0, -1).join(", ") + " et " + list[list.length - 1];
  }

  // What the worker keeps now, read from its caches as the offline pages will read it.
  function readiness() {
    return caches.match(PACK).then(function (kept) {
      if (!kept) { return null; }
      return kept.json().then(function (pack) {
        return Promise.all(pack.contours.communes.map(function (commune) {
          return caches.match(PACK + "/adresses?commune=" + commune.code).then(function (found) {
            return found ? commune.nom : null;
          });
        })).then(function (found) {
          var day = pack.jour.split("-");
          return {day: day[2] + "/" + day[1], addresses: found.filter(Boolean)};
        });
      });
    });
  }

  function tell() {
    return readiness().then(function (ready) {
      if (!ready) { say("Pas encore prêt hors ligne : les données se téléchargent, gardez la page ouverte.", false); return; }
      say("Prêt hors ligne : données du " + ready.day + (ready.addresses.length
        ? ", adresses de " + names(ready.addresses)
        : " ; pas d’adresses gardées (hors ligne : « Ma position » ou la carte)") + ".", true);
    });
  }

  if (!("serviceWorker" in navigator) || !window.caches) {
    say("Ce navigateur ne peut pas garder carto-insertion hors ligne.", false);
    return;
  }
  if (status && "BroadcastChannel" in window) {  // each copy the worker keeps: said again
    new BroadcastChannel("carto-garde").onmessage = function () { tell().catch(function () {}); };
  }
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js").then(function () {
      return navigator.serviceWorker.ready;
    }).then(function () {
      if (!navigator.onLine || !navigator.serviceWorker.controller) { return tell(); }
      say("Préparation du hors-ligne…", false);
      // the pack, then the addresses of the volunteer's campaigns (listed by the encounter page) and of
      // the last search's commune
      var communes = (document.body.getAttribute("data-communes-hors-ligne") || "").split(",");
      communes.push(window.sessionStorage && sessionStorage.getItem("carto-commune"));
      // The worker keeps its own copy; the page lets go of its copy of each body at once.
      function keep(url) {
        return fetch(url).then(function (response) { if (response.body) { return response.body.cancel(); } });
      }
      return keep(PACK).then(function () {
        return Promise.all(communes.filter(function (code, i) {
          return code && /^\d[0-9AB]\d{3}$/.test(code) && communes.indexOf(code) === i;
        }).map(function (code) { return keep(PACK + "/adresses?commune=" + code); }));
      }).then(function () {
        return navigator.serviceWorker.controller ? tell() : undefined;
      });
    }).catch(function () {  // refused or offline: the pages work online, the pack waits
      tell().catch(function () {});
    });
  });
})();
