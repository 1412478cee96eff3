/* « Noter la rencontre »: each encounter gets its UUID on the tablet and waits in the browser's
   IndexedDB (file-rencontres.js) until the service has it. It is sent at once, when the network
   returns (the `online` event, or the service worker's Background Sync where the browser has it) and at
   the next visit; the page says how many wait. Without this script the page is a plain form. */
(function () {
  "use strict";
  var form = document.getElementById("rencontre");
  var state = document.getElementById("envoi-etat");
  var queue = window.cartoQueue;
  if (!form || !queue || !window.indexedDB || !window.fetch) { return; }
  var sending = false;

  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40; bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function tell(text, waiting) {
    state.hidden = !text;
    state.textContent = text;
    state.className = waiting ? "stale" : "fresh";
  }

  function checked(name) {
    var input = form.querySelector('input[name="' + name + '"]:checked');
    return input ? input.value : null;
  }

  function encounter() {
    var linked = checked("mise_en_lien") === "oui";
    var values = {
      id: uuid(), campagne: Number(form.elements.campagne.value), date: form.getAttribute("data-today"),
      commune: form.elements.commune.value, en_recherche: checked("en_recherche"),
      mise_en_lien: linked, demo_mes_offres: checked("demo_mes_offres") === "oui",
      acteurs: linked ? Array.prototype.map.call(form.querySelectorAll('input[name="acteurs"]:checked'),
                                                 function (box) { return box.value; }) : [],
      besoins: Array.prototype.map.call(form.querySelectorAll('input[name="besoin"]:checked'),
                                        function (box) { return box.value; })
    };
    var accompanied = checked("accompagne");
    if (accompanied) { values.accompagne = accompanied; }
    if (accompanied === "oui" && form.elements.accompagne_par.value) {
      values.accompagne_par = form.elements.accompagne_par.value;
    }
    if (form.elements.tranche_age.value) { values.tranche_age = form.elements.tranche_age.value; }
    return values;
  }

  function send() {
    if (sending) { return Promise.resolve(); }
    sending = true;
    return queue.send().then(function (outcome) {
      sending = false;
      var refused = Object.keys(outcome.refused).map(function (id) { return outcome.refused[id]; });
      if (refused.length) { tell("Rencontre refusée : " + refused.join(" ; "), true); }
      else if (outcome.waiting) {
        tell(outcome.waiting + " rencontre(s) en attente d’envoi : rechargez la page pour les envoyer.", true);
      } else if (outcome.sent) { tell("Rencontre enregistrée. Merci !", false); }
    }).catch(function () {
      sending = false;
      return queue.all().then(function (waiting) {
        tell("Pas de réseau : " + waiting.length + " rencontre(s) gardée(s) sur la tablette, envoyée(s) au "
             + "retour du réseau.", true);
        if (navigator.serviceWorker && navigator.serviceWorker.ready) {  // Background Sync, where there is one
          navigator.serviceWorker.ready.then(function (registration) {
            if (registration.sync) { return registration.sync.register("rencontres"); }
          }).catch(function () {});
        }
      });
    });
  }

  function placeCommune() {  // the commune of the last search in this tab, when the campaign covers it
    var commune = window.sessionStorage && sessionStorage.getItem("carto-commune");
    if (commune && /^\d[0-9AB]\d{3}$/.test(commune)
        && form.elements.commune.querySelector('option[value="' + commune + '"]')) {
      form.elements.commune.value = commune;
    }
  }

  // Ready for the next door: no answer left, not even those pre-filled from the fiche (the page's
  // address loses them too, so that going back or reloading does not bring them again).
  function clear() {
    form.querySelectorAll("input[type=radio], input[type=checkbox]").forEach(function (box) { box.checked = false; });
    form.querySelectorAll("select").forEach(function (select) {
      if (select.name !== "campagne" && select.name !== "commune") { select.value = ""; }
    });
    form.querySelectorAll('input[name="acteurs"]').forEach(function (box) { box.closest("label").remove(); });
    document.getElementById("age-besoins").open = false;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!checked("en_recherche")) {
      tell("Indiquez s’il cherche un emploi ou une formation.", true);
      form.querySelector('input[name="en_recherche"]').focus();
      return;
    }
    var values = encounter();
    queue.add({id: values.id, encounter: values, api: form.getAttribute("data-api"),
               csrf: form.elements.csrf_token.value}).then(function () {
      clear();
      if (window.location.search) { history.replaceState(null, "", window.location.pathname); }  // not again on reload
      placeCommune();
      return send();
    }).then(function () {  // the volunteer reads the outcome where they are looking
      state.scrollIntoView({block: "center"});
      state.focus({preventScroll: true});
    });
  });
  // Pre-filled from the fiche just made, by the page's own address (what the server wrote, and what an
  // offline copy of this page must show instead of the copy's own): its actors, needs and age band.
  function prefill() {
    var asked = new URLSearchParams(window.location.search), ids = asked.getAll("acteurs").slice(0, 10);
    var actorBoxes = form.querySelectorAll('input[name="acteurs"]');
    var shown = Array.prototype.map.call(actorBoxes, function (box) { return box.value; });
    var same = shown.join(",") === ids.join(",");  // as the server wrote them
    if (!same) { clear(); }
    form.querySelectorAll('input[name="besoin"]').forEach(function (box) {
      box.checked = asked.getAll("besoin").indexOf(box.value) >= 0;
    });
    var band = asked.get("tranche_age");
    if (band && form.elements.tranche_age.querySelector('option[value="' + CSS.escape(band) + '"]')) {
      form.elements.tranche_age.value = band;
    }
    document.getElementById("age-besoins").open = Boolean(band || asked.getAll("besoin").length);
    if (same || !ids.length) { return Promise.resolve(); }
    return fetch(form.getAttribute("data-pack")).then(function (response) { return response.json(); }).then(function (pack) {
      var names = {};
      pack.acteurs.forEach(function (actor) { names[actor.id] = actor.nom; });
      var list = document.getElementById("acteurs-rencontre");
      ids.filter(function (id) { return names[id]; }).forEach(function (id) {
        var label = document.createElement("label"), box = document.createElement("input"), words = document.createElement("span");
        box.type = "checkbox";
        box.name = "acteurs";
        box.value = id;
        box.checked = true;
        words.textContent = names[id];
        label.appendChild(box);
        label.appendChild(words);
        list.appendChild(label);
      });
      if (list.children.length) { form.querySelector('input[name="mise_en_lien"][value="oui"]').checked = true; }
    });
  }

  window.addEventListener("online", send);
  prefill().catch(function () {});
  placeCommune();
  queue.all().then(function (waiting) { if (waiting.length) { send(); } });
})();
