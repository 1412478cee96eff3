/* The encounters waiting to be sent, kept in this browser's IndexedDB — shared by the « Noter la
   rencontre » page and the service worker (Background Sync), which both send them when the network
   allows. An encounter leaves the queue once the service has it; sending one twice is harmless (the
   service records each UUID once). Nothing in it identifies a resident. */
(function (scope) {
  "use strict";
  var DB = "carto-insertion", STORE = "rencontres-en-attente";

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, {keyPath: "id"}); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(STORE, mode), result;
        result = work(transaction.objectStore(STORE));
        transaction.oncomplete = function () { db.close(); resolve(result && result.result !== undefined ? result.result : result); };
        transaction.onerror = function () { db.close(); reject(transaction.error); };
      });
    });
  }

  var queue = {
    add: function (entry) { return run("readwrite", function (store) { store.put(entry); }); },
    all: function () { return run("readonly", function (store) { return store.getAll(); }); },
    remove: function (ids) {
      return run("readwrite", function (store) { ids.forEach(function (id) { store.delete(id); }); });
    },
    /* Send what waits. Each entry is {id, encounter, api, csrf}. Resolves {sent, refused, waiting}. */
    send: function () {
      return queue.all().then(function (entries) {
        if (!entries.length) { return {sent: 0, refused: {}, waiting: 0}; }
        var first = entries[0];
        return fetch(first.api, {
          method: "POST", credentials: "same-origin",
          headers: {"Content-Type": "application/json", "X-CSRFToken": first.csrf},
          body: JSON.stringify(entries.map(function (entry) { return entry.encounter; }))
        }).then(function (response) {
          return response.json().then(function (answer) {
            if (response.status === 200) {
              return queue.remove(entries.map(function (e) { return e.id; }))
                .then(function () { return {sent: entries.length, refused: {}, waiting: 0}; });
            }
            var problems = answer.parametres || {};
            var final = response.status === 400 || response.status === 409;  // 409: sent before, otherwise
            if (!final || problems["X-CSRFToken"]) {
              return {sent: 0, refused: {}, waiting: entries.length};  // later: a fresh page brings a token
            }
            var refused = {};  // refused for good (a campaign closed meanwhile…): drop those, keep the rest
            Object.keys(problems).forEach(function (key) {
              var index = Number((key.match(/^\[(\d+)\]/) || [])[1]);
              if (!isNaN(index) && entries[index]) { refused[entries[index].id] = problems[key]; }
            });
            return queue.remove(Object.keys(refused)).then(function () {
              return {sent: 0, refused: refused, waiting: entries.length - Object.keys(refused).length};
            });
          });
        });
      });
    }
  };
  scope.cartoQueue = queue;
})(typeof self !== "undefined" ? self : window);
