/* The service worker (/sw.js) keeps the volunteer's pages working offline after one visit. It is
   registered once the page has loaded, so that its downloads never delay the first results; then the
   field pack is refreshed through it (a 304 when the data have not changed), with the addresses of the
   communes of the volunteer's campaigns and of the last search in this tab. */
if ("serviceWorker" in navigator) {
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js").then(function () {
      return navigator.serviceWorker.ready;
    }).then(function () {
      if (!navigator.onLine || !navigator.serviceWorker.controller) { return; }
      // the pack, then the addresses of the volunteer's campaigns (listed by the encounter page) and of
      // the last search's commune
      var communes = (document.body.getAttribute("data-communes-hors-ligne") || "").split(",");
      communes.push(window.sessionStorage && sessionStorage.getItem("carto-commune"));
      // The worker keeps its own copy; the page lets go of its copy of each body at once.
      function keep(url) {
        return fetch(url).then(function (response) { if (response.body) { return response.body.cancel(); } });
      }
      return keep("/api/v1/pack").then(function () {
        return Promise.all(communes.filter(function (code, i) {
          return code && /^\d[0-9AB]\d{3}$/.test(code) && communes.indexOf(code) === i;
        }).map(function (code) { return keep("/api/v1/pack/adresses?commune=" + code); }));
      });
    }).catch(function () { /* refused or offline: the pages work online, the pack waits */ });
  });
}
