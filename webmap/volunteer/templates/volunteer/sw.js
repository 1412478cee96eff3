/* carto-insertion's service worker, version {{ version }}: the volunteer's pages keep working in a
   stairwell with no signal. Static files and the offline page are kept from the first visit (a new
   version replaces the old caches); the field pack is fetched from the network when there is one and
   kept; a page that cannot be fetched falls back on the offline page (search or fiche), which works
   from the pack; the volunteer's encounter page is kept, and the encounters waiting in IndexedDB are
   sent by Background Sync. Result pages (they carry what a resident said) are never stored. */
"use strict";
importScripts({{ queue_script|tojson }});  // the encounters waiting to be sent (IndexedDB)
var VERSION = {{ version|tojson }};
var STATIC_CACHE = "carto-fichiers-" + VERSION;
var DATA_CACHE = "carto-donnees";
var PRECACHE = {{ urls|tojson }};
var SHELL = {{ shell|tojson }};
var FICHES = {{ fiches|tojson }};  // the offline fiche's shell in each of its languages
var PACK = {{ pack|tojson }};
var ENCOUNTER = {{ encounter|tojson }};
var LOGOUT = {{ logout|tojson }};

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(STATIC_CACHE).then(function (cache) { return cache.addAll(PRECACHE); })
    .then(function () { return caches.open(DATA_CACHE); })
    .then(function (cache) { return cache.add(new Request(PACK, {cache: "no-cache"})); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (key) {
      return key.indexOf("carto-fichiers-") === 0 && key !== STATIC_CACHE;
    }).map(function (key) { return caches.delete(key); }));
  }).then(function () { return self.clients.claim(); }));
});

// Keep a copy of a good answer — never an older field pack over a newer one: visits may overlap, so
// the copies are written one after the other, each compared with the one in place.
var writing = Promise.resolve();
var PACK_NEWS = typeof BroadcastChannel !== "undefined" ? new BroadcastChannel("carto-pack") : null;
var KEPT_NEWS = typeof BroadcastChannel !== "undefined" ? new BroadcastChannel("carto-garde") : null;
function keepCopy(request, response, cacheName) {
  var copy = response.clone(), version = response.headers.get("X-Pack-Version");
  writing = writing.then(function () {
    return caches.open(cacheName).then(function (cache) {
      return cache.match(request).then(function (kept) {
        var keptVersion = kept && kept.headers.get("X-Pack-Version");
        if (version && keptVersion && keptVersion >= version) { return; }
        return cache.put(request, copy).then(function () {
          if (version && PACK_NEWS) { PACK_NEWS.postMessage({version: version}); }  // the open pages update
          if (KEPT_NEWS) { KEPT_NEWS.postMessage({url: request.url}); }  // « Prêt hors ligne » is said again
        });
      });
    });
  }).catch(function () { /* a copy not kept: the next visit keeps one */ });
  return writing;
}

function fromNetworkThenKeep(request, cacheName) {
  return fetch(request).then(function (response) {
    if (response.ok) { keepCopy(request, response, cacheName); }
    return response;
  }).catch(function () {
    return caches.match(request).then(function (found) { return found || Response.error(); });
  });
}

// Logging out takes along what the worker keeps of the volunteer — their encounter page, with their
// campaigns and their session's CSRF token — before the server ends the session. The field pack of
// public actors, the kept addresses and the encounters waiting to be sent (answers only) stay.
function forgetVolunteer() {
  return caches.open(DATA_CACHE).then(function (cache) {
    return cache.delete(ENCOUNTER, {ignoreSearch: true, ignoreVary: true});  // every copy, whatever its query
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (request.method === "POST" && url.origin === self.location.origin && url.pathname === LOGOUT) {
    event.respondWith(forgetVolunteer().catch(function () {}).then(function () { return fetch(request); }));
    return;
  }
  if (request.method !== "GET" || url.origin !== self.location.origin) { return; }
  if (url.pathname === PACK + "/adresses") {  // the addresses of a commune, kept once fetched
    event.respondWith(fromNetworkThenKeep(new Request(request.url, {cache: "no-cache"}), DATA_CACHE));
    return;
  }
  if (url.pathname === PACK) {
    // revalidated at every visit (ETag: a 304 costs a few bytes), kept for the days without network
    event.respondWith(fromNetworkThenKeep(new Request(PACK, {cache: "no-cache"}), DATA_CACHE));
    return;
  }
  if (request.mode === "navigate" && url.pathname === ENCOUNTER) {
    // the volunteer's encounter page (their campaigns, no resident): the last one is kept for offline use;
    // none kept (never visited, or logged out since): the offline search
    // one copy, whatever the query: the page pre-fills itself from its own address (rencontre.js)
    var bare = new Request(ENCOUNTER);
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok) { keepCopy(bare, response, DATA_CACHE); }
      return response;
    }).catch(function () {
      return caches.match(bare, {ignoreSearch: true}).then(function (kept) { return kept || caches.match(SHELL); });
    }));
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(function () {
      // the offline pages read what was asked (the search, the fiche's actors) from their own address
      return caches.match(url.pathname === "/fiche" ? FICHES[url.searchParams.get("langue")] || FICHES.fr : SHELL);
    }));
    return;
  }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(request).then(function (found) { return found || fetch(request); }));
  }
});

// Background Sync: the browser wakes the worker when the network returns, even with the page closed.
self.addEventListener("sync", function (event) {
  if (event.tag === "rencontres") {
    event.waitUntil(self.cartoQueue.send().then(function (outcome) {
      if (outcome.waiting) { throw new Error("encounters still waiting"); }  // the browser retries later
    }));
  }
});
