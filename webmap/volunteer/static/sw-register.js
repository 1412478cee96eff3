/* The service worker (/sw.js) keeps the volunteer's pages working offline after one visit. It is
   registered once the page has loaded, so that its downloads never delay the first results; then the
   field pack is refreshed through it (a 304 when the data have not changed). */
if ("serviceWorker" in navigator) {
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js").then(function () {
      return navigator.serviceWorker.ready;
    }).then(function () {
      if (navigator.onLine && navigator.serviceWorker.controller) { return fetch("/api/v1/pack"); }
    }).catch(function () { /* refused or offline: the pages work online, the pack waits */ });
  });
}
