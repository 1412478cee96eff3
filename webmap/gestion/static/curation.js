/* Placing an actor: drag the pin (location_source « manager ») or geocode the address (« geocoded »,
   with the score kept). */
(function () {
  "use strict";
  var lon = document.getElementById("lon"), lat = document.getElementById("lat");
  var source = document.getElementById("location_source"), score = document.getElementById("location_score");
  var geocoder = document.getElementById("location_geocoder"), reference = document.getElementById("location_reference");
  var point = document.getElementById("location_point");
  var origin = document.getElementById("origine-position");
  var box = document.getElementById("carte-epingle");
  if (!box || !window.L) { return; }
  var start = lat.value && lon.value ? [parseFloat(lat.value), parseFloat(lon.value)] : [48.861, 2.443];
  var map = L.map(box).setView(start, lat.value ? 17 : 12);
  var tiles = box.getAttribute("data-tiles");
  if (tiles) { L.tileLayer(tiles, {maxZoom: 19}).addTo(map); }
  var pin = L.marker(start, {draggable: true, title: "Position de l’acteur", keyboard: true}).addTo(map);

  function place(latlng, how, extra) {
    lat.value = latlng.lat.toFixed(6); lon.value = latlng.lng.toFixed(6);
    source.value = how; score.value = extra.score || ""; geocoder.value = extra.geocoder || "";
    reference.value = ""; point.value = lon.value + " " + lat.value;
    origin.textContent = "Origine : " + how + (extra.score ? " (score " + extra.score + ")" : "");
  }
  [lon, lat].forEach(function (input) {  // typed by hand: the manager's point (the server agrees)
    input.addEventListener("change", function () {
      var typed = L.latLng(parseFloat(lat.value), parseFloat(lon.value));
      if (!isNaN(typed.lat) && !isNaN(typed.lng)) { pin.setLatLng(typed); place(typed, "manager", {}); }
    });
  });
  pin.on("dragend", function () { place(pin.getLatLng(), "manager", {}); });
  map.on("click", function (event) { pin.setLatLng(event.latlng); place(event.latlng, "manager", {}); });

  var button = document.getElementById("geocoder");
  button.addEventListener("click", function () {
    var text = [document.getElementById("adresse").value, document.getElementById("code_postal").value,
                document.getElementById("commune").value].join(" ");
    fetch(window.CARTO.geocodeUrl + "?limit=1&q=" + encodeURIComponent(text))
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var found = (data.features || [])[0];
        if (!found) { origin.textContent = "Adresse introuvable : placez l’épingle à la main."; return; }
        var latlng = L.latLng(found.geometry.coordinates[1], found.geometry.coordinates[0]);
        pin.setLatLng(latlng); map.setView(latlng, 17);
        place(latlng, "geocoded", {score: found.properties.score, geocoder: found.properties.backend});
      })
      .catch(function () { origin.textContent = "Géocodage indisponible : placez l’épingle à la main."; });
  });
})();
