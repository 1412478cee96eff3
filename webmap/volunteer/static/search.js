/* The volunteer's search page: address suggestions, « Ma position », tap on the map, list ↔ map.
   The page works without this script (a plain GET form); this only adds conveniences. */
(function () {
  "use strict";
  var form = document.getElementById("recherche");
  var input = document.getElementById("adresse");
  var list = document.getElementById("suggestions");
  var lat = document.getElementById("lat"), lon = document.getElementById("lon");
  var citycode = document.getElementById("citycode"), commune = document.getElementById("commune");
  var config = window.CARTO || {};
  var timer = null, active = -1, items = [];

  function clearPoint() { lat.value = ""; lon.value = ""; citycode.value = ""; }

  function close() { list.innerHTML = ""; input.setAttribute("aria-expanded", "false"); active = -1; items = []; }

  function choose(index) {
    var feature = items[index];
    if (!feature) { return; }
    input.value = feature.properties.label;
    lat.value = feature.geometry.coordinates[1];
    lon.value = feature.geometry.coordinates[0];
    citycode.value = feature.properties.citycode || "";  // the place is named: no second lookup
    close();
    chosen("Adresse choisie : " + feature.properties.label);
  }

  // A place chosen (suggestion, « Ma position », a tap on the map) does not search yet: the needs and the
  // resident's age come first, then « Chercher ».
  function chosen(what) {
    var status = document.getElementById("lieu-choisi");
    if (status) { status.textContent = what + ". Indiquez ses besoins et son âge, puis « Chercher »."; }
    var folded = document.getElementById("modifier");
    if (folded) { folded.open = true; }
    var firstNeed = form.querySelector('input[name="besoin"]');
    if (firstNeed) { firstNeed.focus({preventScroll: false}); }
  }

  // The address service down or slow: say so where the volunteer is looking, and what to do instead.
  var suggestState = document.getElementById("suggestions-etat");
  function suggestionsUnavailable(down) {
    if (!suggestState) { return; }
    suggestState.hidden = !down;
    suggestState.textContent = down ? config.addressDown : "";  // the words the search would say
  }

  function highlight(index) {
    var options = list.querySelectorAll("li");
    options.forEach(function (option, i) { option.setAttribute("aria-selected", i === index ? "true" : "false"); });
    active = index;
    if (options[index]) { input.setAttribute("aria-activedescendant", options[index].id); }
  }

  function suggest() {
    var query = input.value.trim();
    if (query.length < 3) { close(); return; }
    var url = config.geocodeUrl + "?limit=5&q=" + encodeURIComponent(query);
    if (commune && commune.value) { url += "&citycode=" + encodeURIComponent(commune.value); }
    fetch(url)
      .then(function (response) {
        if (response.status >= 500) { throw new Error("address service unavailable"); }
        return response.ok ? response.json() : {features: []};
      })
      .then(function (data) {
        close();
        suggestionsUnavailable(false);
        items = data.features || [];
        items.forEach(function (feature, i) {
          var option = document.createElement("li");
          option.id = "suggestion-" + i;
          option.setAttribute("role", "option");
          option.textContent = feature.properties.label;
          option.addEventListener("mousedown", function (event) { event.preventDefault(); choose(i); });
          list.appendChild(option);
        });
        input.setAttribute("aria-expanded", items.length ? "true" : "false");
      })
      .catch(function () { close(); suggestionsUnavailable(true); });
  }

  if (input) {
    input.addEventListener("input", function () { clearPoint(); clearTimeout(timer); timer = setTimeout(suggest, 200); });
    input.addEventListener("keydown", function (event) {
      if (!items.length) { return; }
      if (event.key === "ArrowDown") { event.preventDefault(); highlight(Math.min(active + 1, items.length - 1)); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(Math.max(active - 1, 0)); }
      else if (event.key === "Enter" && active >= 0) { event.preventDefault(); choose(active); }
      else if (event.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  var here = document.getElementById("ma-position");
  if (here) {
    if (!navigator.geolocation) { here.hidden = true; }
    here.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (position) {
        lat.value = position.coords.latitude.toFixed(6);
        lon.value = position.coords.longitude.toFixed(6);
        input.value = "";
        citycode.value = "";
        chosen("Position du résident enregistrée");
      }, function () { here.textContent = "Position indisponible"; }, {enableHighAccuracy: true, timeout: 10000});
    });
  }

  var problems = document.getElementById("erreurs");
  if (problems) { problems.focus(); }  // what went wrong is read first, and its links lead to the fields

  var heading = document.getElementById("titre-resultats");
  if (heading && window.sessionStorage) {  // for the actor pages: « Retour aux résultats », distance
    sessionStorage.setItem("carto-resultats", window.location.pathname + window.location.search);
    var trips = {};
    document.querySelectorAll("#liste-resultats li[data-trajet]").forEach(function (item) {
      trips[item.getAttribute("data-actor-id")] = item.getAttribute("data-trajet");
    });
    sessionStorage.setItem("carto-trajets", JSON.stringify(trips));
    if (heading.getAttribute("data-commune")) {  // for « Noter la rencontre »
      sessionStorage.setItem("carto-commune", heading.getAttribute("data-commune"));
    }
  }
  var firstNew = /^#rang-\d+$/.test(window.location.hash) && document.getElementById(window.location.hash.slice(1));
  if (firstNew) {  // « Voir plus d’acteurs »: on to the first card added, once the browser has scrolled
    window.addEventListener("load", function () {  // to the address's fragment (which takes the focus away)
      var card = firstNew.closest("li");
      card.scrollIntoView({block: "start"});
      card.querySelector("h3 a").focus({preventScroll: true});
    });
  } else if (heading && !problems) {  // after a search, on a phone, the results are what the volunteer wants
    heading.focus({preventScroll: true});
    heading.scrollIntoView({block: "start"});
  }

  var map = config.mapName ? window[config.mapName] : null;
  if (map && form) {
    var pick = function (latlng, what) {
      lat.value = latlng.lat.toFixed(6);
      lon.value = latlng.lng.toFixed(6);
      input.value = "";
      citycode.value = "";
      chosen(what);
    };
    map.on("click", function (event) { pick(event.latlng, "Point choisi sur la carte"); });
    // The keyboard's tap: arrows move the map (Leaflet), Enter or Space chooses the point at its centre.
    map.getContainer().addEventListener("keydown", function (event) {
      if ((event.key === "Enter" || event.key === " ") && event.target === map.getContainer()) {
        event.preventDefault();
        pick(map.getCenter(), "Point choisi au centre de la carte");
      }
    });
    document.querySelectorAll(".show-on-map").forEach(function (button) {
      button.addEventListener("click", function () {
        var wanted = button.getAttribute("data-actor");
        var box = document.getElementById("carte-resultats");
        box.scrollIntoView({block: "center"});  // first, so that the popup is fitted to the map as seen
        map.eachLayer(function (layer) {
          if (layer.options && layer.options.cartoId === wanted) {
            // once the map has come to the actor, Leaflet pans it until the whole popup is inside
            map.once("moveend", function () { layer.openPopup(); });
            map.setView(layer.getLatLng(), Math.max(map.getZoom(), 16));
          }
        });
      });
    });
  }
})();
