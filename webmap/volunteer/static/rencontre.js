/* « Noter la rencontre »: each encounter gets its UUID on the tablet and waits in this browser's
   localStorage until the service has it; then it leaves the queue. A lost answer is harmless: the
   service records an id once. The queue is sent at once, when the network returns, and at the next
   visit. Without this script the page is a plain form. */
(function () {
  "use strict";
  var form = document.getElementById("rencontre");
  var state = document.getElementById("envoi-etat");
  if (!form || !window.localStorage || !window.fetch) { return; }
  var KEY = "carto-rencontres-en-attente";
  var sending = false;

  function queue() {
    try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (error) { return []; }
  }
  function keep(items) { localStorage.setItem(KEY, JSON.stringify(items)); }

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
    var waiting = queue();
    if (sending || !waiting.length) { return; }
    sending = true;
    fetch(form.getAttribute("data-api"), {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": form.elements.csrf_token.value},
      body: JSON.stringify(waiting)
    }).then(function (response) {
      return response.json().then(function (answer) { return {status: response.status, answer: answer}; });
    }).then(function (result) {
      sending = false;
      var sent = {};
      waiting.forEach(function (item) { sent[item.id] = true; });
      if (result.status === 200) {
        keep(queue().filter(function (item) { return !sent[item.id]; }));
        tell("Rencontre enregistrée. Merci !", false);
        send();  // some may have joined the queue meanwhile
      } else if (result.status === 400 && result.answer.parametres && !result.answer.parametres["X-CSRFToken"]) {
        // refused for good (a closed campaign…): drop those, say why, send the others
        var refused = {};
        Object.keys(result.answer.parametres).forEach(function (key) {
          var index = Number((key.match(/^\[(\d+)\]/) || [])[1]);
          if (!isNaN(index) && waiting[index]) { refused[waiting[index].id] = result.answer.parametres[key]; }
        });
        keep(queue().filter(function (item) { return !refused[item.id]; }));
        tell("Rencontre refusée : " + Object.keys(refused).map(function (id) { return refused[id]; }).join(" ; "), true);
        send();
      } else {
        tell(waiting.length + " rencontre(s) en attente d’envoi : rechargez la page pour les envoyer.", true);
      }
    }).catch(function () {
      sending = false;
      tell("Pas de réseau : " + queue().length + " rencontre(s) gardée(s) sur la tablette, envoyée(s) au retour du réseau.", true);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!checked("en_recherche")) {
      tell("Indiquez s’il cherche un emploi ou une formation.", true);
      form.querySelector('input[name="en_recherche"]').focus();
      return;
    }
    var items = queue();
    items.push(encounter());
    keep(items);
    form.reset();
    placeCommune();
    send();
  });
  window.addEventListener("online", send);
  function placeCommune() {  // the commune of the last search in this tab, when the campaign covers it
    var commune = window.sessionStorage && sessionStorage.getItem("carto-commune");
    if (commune && /^\d[0-9AB]\d{3}$/.test(commune)
        && form.elements.commune.querySelector('option[value="' + commune + '"]')) {
      form.elements.commune.value = commune;
    }
  }
  placeCommune();
  if (queue().length) { send(); }
})();
