/* The service worker (/sw.js) keeps the volunteer's pages working offline after one visit. It is
   registered once the page has loaded, so that its downloads never delay the first results; then the
   field pack is refreshed through it (a 304 when the data have not changed), with the addresses of the
   commune of the last search in this tab. */
if ("serviceWorker" in navigator) {
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js").then(function () {
      return navigator.serviceWorker.ready;
    }).then(function () {
      if (!navigator.onLine || !navigator.serviceWorker.controller) { return; }
      var commune = window.sessionStorage && sessionStorage.getItem("carto-commune");
      return fetch("/api/v1/pack").then(function () {  // and the addresses of the last search's commune
        if (commune && /^\d[0-9AB]\d{3}$/.test(commune)) {
          return fetch("/api/v1/pack/adresses?commune=" + commune);
        }
      });
    }).catch(function () { /* refused or offline: the pages work online, the pack waits */ });
  });
}
