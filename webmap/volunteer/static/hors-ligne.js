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

  function item(pack, result, number) {  // the lines of volunteer/_actor_item.html, laid out the same
    var view = window.cartoOffline.view(pack, result);
    var li = element("li");
    li.id = "resultat-" + view.id;
    li.setAttribute("data-actor-id", view.id);
    var title = element("h3"), link = element("a", "", view.nom);
    link.href = "/fiche?acteurs=" + encodeURIComponent(view.id);
    title.appendChild(link);
    li.appendChild(title);
    li.appendChild(element("div", "muted", view.kind_label));
    var where = element("div");
    where.appendChild(view.distance_label ? document.createTextNode(view.distance_label)
                                          : element("span", "badge", view.placement_label));
    li.appendChild(where);
    li.appendChild(element("div", view.eligibility_state, view.eligibility_label));
    if (view.fits_label) { li.appendChild(element("div", "fits", view.fits_label)); }
    li.appendChild(element("div", "", view.opening_label));
    li.appendChild(element("div", "", view.access_label));
    li.appendChild(element("div", view.call_first ? "stale" : "fresh", view.freshness_label));
    if (view.telephone) {
      var phone = element("a", "", view.telephone_label || view.telephone);  // « 01 48 69 36 70 »
      phone.href = "tel:" + view.telephone;
      var line = element("div");
      line.appendChild(phone);
      li.appendChild(line);
    }
    if (view.address) { li.appendChild(element("div", "muted", view.address)); }
    var actions = element("div", "actions"), pick = element("label", "pick"), box = element("input");
    box.type = "checkbox";
    box.name = "acteurs";
    box.value = view.id;
    box.setAttribute("form", "choix-fiche");
    pick.appendChild(box);
    pick.appendChild(document.createTextNode(" Sur la fiche"));
    actions.appendChild(pick);
    var sheet = element("a", "button secondary", "Fiche de cet acteur");
    sheet.href = "/fiche?acteurs=" + encodeURIComponent(view.id);
    actions.appendChild(sheet);
    li.appendChild(actions);
    li.number = number;
    return li;
  }

  function draw(map, pack, answer) {
    pins.clearLayers();
    var bounds = [[answer.origin.lat, answer.origin.lon]];
    L.circleMarker([answer.origin.lat, answer.origin.lon], {radius: 9, color: "#a11d1d", fillOpacity: 0.9})
      .addTo(pins).bindTooltip("Le résident");
    answer.results.forEach(function (result, index) {
      var actor = pack.acteurs.filter(function (a) { return a.id === result.id; })[0];
      if (actor.lon === null) { return; }
      L.marker([actor.lat, actor.lon], {title: (index + 1) + ". " + actor.nom, alt: actor.nom,
        icon: L.divIcon({className: "carto-pin", html: "<span>" + (index + 1) + "</span>", iconSize: [30, 30],
                         iconAnchor: [15, 30]})}).addTo(pins);
      bounds.push([actor.lat, actor.lon]);
    });
    if (bounds.length > 1) { map.fitBounds(bounds, {padding: [20, 20]}); }
  }

  function run(pack, map, again) {
    var lat = parseFloat(query.get("lat")), lon = parseFloat(query.get("lon"));
    if (isNaN(lat) || isNaN(lon)) { return; }
    var age = /^\d{1,3}$/.test(query.get("age") || "") ? parseInt(query.get("age"), 10) : undefined;
    var answer = window.cartoOffline.search(pack, {
      lat: lat, lon: lon, needs: query.getAll("besoin").filter(function (n) { return pack.besoins[n]; }),
      age: age, publics: query.getAll("public"), include_ineligible: query.get("tous") === "1"
    }, Date.now());
    var list = document.getElementById("liste-resultats");
    list.textContent = "";
    answer.results.forEach(function (result, index) { list.appendChild(item(pack, result, index + 1)); });
    var count = answer.results.length;
    document.getElementById("titre-resultats").textContent =
      count + " acteur" + (count > 1 ? "s" : "") + " près de ce point";
    document.getElementById("resultats").hidden = false;
    if (!again) { document.getElementById("titre-resultats").focus(); }
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
  // Addresses of the commune of the last search (kept by the service worker), searched in the browser
  // The addresses kept for the last search's commune, else for the first commune served that has them.
  function keptAddresses(communes) {
    if (!communes.length) { return Promise.reject(new Error("none kept")); }
    return fetch(script.getAttribute("data-adresses") + "?commune=" + encodeURIComponent(communes[0]))
      .then(function (response) { if (!response.ok) { throw new Error("none"); } return response.json(); })
      .catch(function () { return keptAddresses(communes.slice(1)); });
  }

  function addresses(pack) {
    var communes = pack.contours.communes.map(function (commune) { return commune.code; });
    var last = window.sessionStorage && sessionStorage.getItem("carto-commune");
    if (last && communes.indexOf(last) >= 0) { communes = [last].concat(communes.filter(function (c) { return c !== last; })); }
    var input = document.getElementById("adresse-hors-ligne"), list = document.getElementById("suggestions-hors-ligne");
    var note = document.getElementById("adresses-etat");
    keptAddresses(communes)
      .then(function (streets) {
        input.addEventListener("input", function () {
          list.textContent = "";
          if (input.value.trim().length < 3) { return; }
          window.cartoAddresses.search(streets, input.value, 5).forEach(function (found) {
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
