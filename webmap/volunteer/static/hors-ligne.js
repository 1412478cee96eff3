/* The offline page: the search runs in this browser on the field pack the service worker kept, and the
   results are written as the server writes them (same list, same words, `data-actor-id` on each item).
   Everything shown comes from the pack and is inserted as text. */
(function () {
  "use strict";
  var script = document.currentScript;
  var form = document.getElementById("recherche-hors-ligne");
  var state = document.getElementById("etat-hors-ligne");
  var query = new URLSearchParams(window.location.search);

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function fill() {  // the form says what was asked, as the server's page does
    ["lat", "lon", "age"].forEach(function (name) { if (query.get(name)) { form.elements[name].value = query.get(name); } });
    form.querySelectorAll('input[type="checkbox"]').forEach(function (box) {
      box.checked = query.getAll(box.name).indexOf(box.value) >= 0;
    });
  }

  function item(pack, result, number) {  // the card of volunteer/_actor_item.html, line for line
    var view = window.cartoOffline.view(pack, result);
    var li = element("li");
    li.id = "resultat-" + view.id;
    li.setAttribute("data-actor-id", view.id);
    var title = element("h3"), rank = element("span", "numero", String(number)), link = element("a", "", view.nom);
    rank.id = "rang-" + number;
    rank.setAttribute("aria-hidden", "true");
    link.href = "/fiche?acteurs=" + encodeURIComponent(view.id);
    title.appendChild(rank);
    title.appendChild(document.createTextNode(" "));
    title.appendChild(link);
    li.appendChild(title);
    var verdict = element("p", view.eligibility_state, view.eligibility_label);
    if (view.fits_label) {
      verdict.appendChild(document.createTextNode(" · "));
      verdict.appendChild(element("span", "fits", view.fits_label));
    }
    li.appendChild(verdict);
    var trip = element("p", "trajet");
    trip.appendChild(view.distance_label ? document.createTextNode(view.distance_label)
                                         : element("span", "badge", view.placement_label));
    trip.appendChild(document.createTextNode(" · " + view.opening_label));
    li.appendChild(trip);
    if (view.transit_label) { li.appendChild(element("p", "transports", view.transit_label)); }
    if (view.access_label) { li.appendChild(element("p", "acces", view.access_label)); }
    if (view.call_first) { li.appendChild(element("p", "stale", view.freshness_label)); }
    var actions = element("div", "actions"), pick = element("label", "pick"), box = element("input");
    box.type = "checkbox";
    box.name = "acteurs";
    box.value = view.id;
    box.setAttribute("form", "choix-fiche");
    pick.appendChild(box);
    pick.appendChild(document.createTextNode(" Sur la fiche"));
    actions.appendChild(pick);
    if (view.lon !== null && view.distance_label) {
      var onMap = element("button", "secondary show-on-map", "Sur la carte");
      onMap.type = "button";
      onMap.addEventListener("click", function () { showOnMap(view.id); });
      actions.appendChild(onMap);
    }
    li.appendChild(actions);
    var details = element("details", "details");
    actions.appendChild(details);
    details.appendChild(element("summary", "", "Détails"));
    details.appendChild(element("p", "muted", view.kind_label));
    if (view.telephone) {
      var phone = element("a", "button secondary", "Appeler le " + (view.telephone_label || view.telephone));
      phone.href = "tel:" + view.telephone;
      details.appendChild(element("p")).appendChild(phone);
    }
    if (view.address) { details.appendChild(element("p", "", view.address)); }
    if (!view.call_first) { details.appendChild(element("p", "fresh", view.freshness_label)); }
    var sheet = element("a", "button secondary", "Fiche de cet acteur seul");
    sheet.href = "/fiche?acteurs=" + encodeURIComponent(view.id);
    details.appendChild(element("p")).appendChild(sheet);
    li.number = number;
    return li;
  }

  // « Voir plus d’acteurs » as the server's page offers it: the same search with more actors, when
  // the search found as many as it asked
  function more(pack, answer, k) {
    var link = document.getElementById("voir-plus");
    var found = answer.results.filter(function (r) { return r.eligibility.eligible && r.distance_m !== null; }).length;
    var none = document.getElementById("pas-plus");
    link.hidden = found < k || k >= pack.classement.k_max;
    none.hidden = !link.hidden;
    none.textContent = found < k ? none.getAttribute("data-tous") : none.getAttribute("data-au-plus").replace("{k}", k);
    if (link.hidden) { return; }
    var url = new URL(window.location.href);
    url.searchParams.set("k", String(Math.min(k + pack.classement.plus, pack.classement.k_max)));
    url.searchParams.delete("acteurs");
    url.hash = "rang-" + (k + 1);
    link.href = url.toString();
  }

  // What the fiche passes on to « Noter la rencontre »: the needs and the age band (as the server's
  // page does, with the bands of geo.campaigns.model), never anything identifying
  function forTheEncounter(pack, age) {
    var sheet = document.getElementById("choix-fiche");
    sheet.textContent = "";
    function hidden(name, value) {
      var input = element("input");
      input.type = "hidden";
      input.name = name;
      input.value = value;
      sheet.appendChild(input);
    }
    query.getAll("besoin").filter(function (n) { return pack.besoins[n]; }).forEach(function (n) { hidden("besoin", n); });
    var band = null, starts = pack.rencontre.tranches_age;
    function bandOf(years) {
      var found = null;
      Object.keys(starts).forEach(function (name) { if (years >= starts[name]) { found = name; } });
      return found;
    }
    if (age !== undefined) { band = bandOf(age); }
    else {
      query.getAll("profil").forEach(function (slug) {
        var trait = pack.profil[slug];
        if (trait && trait.ages && bandOf(trait.ages[0]) === bandOf(trait.ages[1])) { band = bandOf(trait.ages[0]); }
      });
    }
    if (band) { hidden("tranche_age", band); }
  }

  // as the server's page: the address's quarter said, its chip ticked for the volunteer until seen
  function quarter(pack, answer) {
    var said = document.getElementById("origine-qpv");
    var seen = form.querySelector('input[name="qpv_vu"]');
    said.hidden = !answer.origin.qpv;
    if (!answer.origin.qpv) { if (seen) { seen.remove(); } return; }
    var chip = pack.regles.profil_qpv;
    said.textContent = "Cette adresse est dans un quartier prioritaire : " + answer.origin.qpv.nom + " (" +
      answer.origin.qpv.code + ")" + (answer.traits.indexOf(chip) >= 0 ? " — « " + pack.profil[chip].label + " » est coché" : "") + ".";
    var box = form.querySelector('input[name="profil"][value="' + chip + '"]');
    if (box) { box.checked = answer.traits.indexOf(chip) >= 0; }
    if (!seen) {
      seen = element("input");
      seen.type = "hidden";
      seen.name = "qpv_vu";
      seen.value = "1";
      form.appendChild(seen);
    }
  }

  var markers = {};
  function showOnMap(id) {  // as online: the map comes into view, centred on the actor, its name open
    var marker = markers[id];
    if (!marker) { return; }
    document.getElementById("carte-hors-ligne").scrollIntoView({block: "center"});
    map.once("moveend", function () { marker.openPopup(); });
    map.setView(marker.getLatLng(), Math.max(map.getZoom(), 16));
  }

  function draw(map, pack, answer) {
    pins.clearLayers();
    markers = {};
    var bounds = [[answer.origin.lat, answer.origin.lon]];
    L.circleMarker([answer.origin.lat, answer.origin.lon], {radius: 9, color: "#a11d1d", fillOpacity: 0.9})
      .addTo(pins).bindTooltip("Le résident");
    answer.results.forEach(function (result, index) {
      var actor = pack.acteurs.filter(function (a) { return a.id === result.id; })[0];
      if (actor.lon === null) { return; }
      markers[actor.id] = L.marker([actor.lat, actor.lon], {title: (index + 1) + ". " + actor.nom, alt: actor.nom,
        icon: L.divIcon({className: "carto-pin", html: "<span>" + (index + 1) + "</span>", iconSize: [30, 30],
                         iconAnchor: [15, 30]})}).addTo(pins);
      var name = document.createElement("span");
      name.className = "carto-popup-name";
      name.textContent = (index + 1) + ". " + actor.nom;
      markers[actor.id].bindPopup(name);
      bounds.push([actor.lat, actor.lon]);
    });
    if (bounds.length > 1) { map.fitBounds(bounds, {padding: [20, 20]}); }
  }

  function run(pack, map, again) {
    var lat = parseFloat(query.get("lat")), lon = parseFloat(query.get("lon"));
    if (isNaN(lat) || isNaN(lon)) { return; }
    var age = /^\d{1,3}$/.test(query.get("age") || "") ? parseInt(query.get("age"), 10) : undefined;
    var k = /^\d{1,2}$/.test(query.get("k") || "")
      ? Math.min(pack.classement.k_max, Math.max(1, parseInt(query.get("k"), 10))) : pack.classement.k;
    var answer = window.cartoOffline.search(pack, {k: k,
      lat: lat, lon: lon, needs: query.getAll("besoin").filter(function (n) { return pack.besoins[n]; }),
      age: age, publics: query.getAll("public"), traits: query.getAll("profil"),
      include_ineligible: query.get("tous") === "1", qpv_seen: query.get("qpv_vu") === "1"
    }, Date.now());
    quarter(pack, answer);
    var list = document.getElementById("liste-resultats");
    // a newer pack redraws the cards: what the volunteer ticked or unfolded stays so
    var ticked = [], unfolded = [];
    list.querySelectorAll("li").forEach(function (card) {
      var id = card.getAttribute("data-actor-id");
      if (card.querySelector('input[name="acteurs"]').checked) { ticked.push(id); }
      if (card.querySelector("details").open) { unfolded.push(id); }
    });
    list.textContent = "";
    answer.results.forEach(function (result, index) {
      var card = item(pack, result, index + 1);
      card.querySelector('input[name="acteurs"]').checked = ticked.indexOf(result.id) >= 0
        || (!again && query.getAll("acteurs").indexOf(result.id) >= 0);  // kept by « Voir plus »
      card.querySelector("details").open = unfolded.indexOf(result.id) >= 0;
      list.appendChild(card);
    });
    var count = answer.results.length;
    document.getElementById("titre-resultats").textContent =
      count + " acteur" + (count > 1 ? "s" : "") + " près de ce point";
    document.getElementById("resultats").hidden = false;
    more(pack, answer, k);
    forTheEncounter(pack, age);
    if (window.cartoFicheCount) { window.cartoFicheCount(); }
    var firstNew = /^#rang-\d+$/.test(window.location.hash) && document.getElementById(window.location.hash.slice(1));
    if (!again && firstNew) {  // « Voir plus d’acteurs »: on to the first card added
      firstNew.closest("li").scrollIntoView({block: "start"});
      firstNew.closest("li").querySelector("h3 a").focus({preventScroll: true});
    } else if (!again) { document.getElementById("titre-resultats").focus(); }
    draw(map, pack, answer);
  }

  var map = L.map("carte-hors-ligne").setView([48.861, 2.443], 12);  // no tiles: outlines and pins only
  var pins = L.layerGroup().addTo(map);
  map.on("click", function (event) {
    form.elements.lat.value = event.latlng.lat.toFixed(6);
    form.elements.lon.value = event.latlng.lng.toFixed(6);
    document.getElementById("lieu-choisi").textContent =
      "Point choisi sur la carte. Indiquez ses besoins et son âge, puis « Chercher ».";
  });
  document.getElementById("ma-position").addEventListener("click", function () {
    navigator.geolocation.getCurrentPosition(function (position) {
      form.elements.lat.value = position.coords.latitude.toFixed(6);
      form.elements.lon.value = position.coords.longitude.toFixed(6);
      document.getElementById("lieu-choisi").textContent = "Position du résident enregistrée.";
    });
  });
  // The addresses kept on this tablet (by the service worker), every commune that has them: a typed
  // address is searched in all of them, or in those whose name it holds (« … Bagnolet »).
  function keptAddresses(communes) {
    return Promise.all(communes.map(function (commune) {
      return fetch(script.getAttribute("data-adresses") + "?commune=" + encodeURIComponent(commune.code))
        .then(function (response) { if (!response.ok) { throw new Error("none"); } return response.json(); })
        .then(function (streets) { return {code: commune.code, nom: commune.nom, streets: streets}; })
        .catch(function () { return null; });
    })).then(function (kept) { return kept.filter(Boolean); });
  }

  function searchKept(kept, text) {
    var table = kept[0].streets.normalisation, typed = " " + window.cartoAddresses.normalize(text, table) + " ";
    var named = kept.filter(function (c) { return typed.indexOf(" " + window.cartoAddresses.normalize(c.nom, table) + " ") >= 0; });
    var where = named.length ? named : kept;
    var found = [];
    where.forEach(function (commune) {
      var query = named.length ? typed.replace(" " + window.cartoAddresses.normalize(commune.nom, table) + " ", " ") : text;
      window.cartoAddresses.search(commune.streets, query, 5).forEach(function (hit) { found.push(hit); });
    });
    return found.sort(function (a, b) { return b.score - a.score; }).slice(0, 5);
  }

  function addresses(pack) {
    var input = document.getElementById("adresse-hors-ligne"), list = document.getElementById("suggestions-hors-ligne");
    var note = document.getElementById("adresses-etat");
    keptAddresses(pack.contours.communes)
      .then(function (kept) {
        if (!kept.length) { throw new Error("none kept"); }
        note.textContent = "Adresses gardées : " + kept.map(function (c) { return c.nom; }).join(", ")
          + ". Ou touchez la carte.";
        input.addEventListener("input", function () {
          list.textContent = "";
          if (input.value.trim().length < 3) { return; }
          searchKept(kept, input.value).forEach(function (found) {
            var option = element("li"), choice = element("button", "secondary", found.label);
            choice.type = "button";
            choice.addEventListener("click", function () {
              form.elements.lat.value = found.lat;
              form.elements.lon.value = found.lon;
              input.value = found.label;
              list.textContent = "";
              document.getElementById("lieu-choisi").textContent =
                "Adresse choisie : " + found.label + ". Indiquez ses besoins et son âge, puis « Chercher ».";
            });
            option.appendChild(choice);
            list.appendChild(option);
          });
        });
      }).catch(function () {
        input.disabled = true;
        note.textContent = "Adresses non gardées sur cette tablette : « Ma position », ou touchez la carte.";
      });
  }

  // The pack shown, and a newer one as soon as the service worker keeps it (its refresh may end after
  // this page opened): the page never goes on showing data older than the tablet holds.
  var shown = null;
  function show() {
    return fetch(script.getAttribute("data-pack")).then(function (response) { return response.json(); }).then(function (pack) {
      if (shown !== null && pack.version <= shown) { return; }
      var first = shown === null;
      shown = pack.version;
      var day = pack.jour.split("-");
      state.textContent = "Pas de réseau : la recherche se fait sur la tablette · données du " + day[2] + "/" + day[1] + ".";
      if (first) {
        pack.contours.communes.forEach(function (commune) {
          L.geoJSON(commune.geometrie, {style: {color: "#00528c", weight: 2, fill: false, dashArray: "4 4"}}).addTo(map);
        });
        addresses(pack);
      }
      run(pack, map, !first);
    });
  }

  fill();
  show().catch(function () {
    state.textContent = "Pas de réseau, et pas encore de données gardées : ouvrez carto-insertion une fois avec du réseau.";
  });
  if ("BroadcastChannel" in window) {
    new BroadcastChannel("carto-pack").onmessage = function (event) {
      if (shown !== null && event.data && event.data.version > shown) { show().catch(function () {}); }
    };
  }
})();
