/* Actor markers and popups for carto-insertion maps. Every text comes from data and is inserted with
   textContent or as an attribute value, never as HTML: whatever a manager typed stays inert. */
(function () {
  "use strict";

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function popup(actor) {
    var box = element("div", "carto-popup");
    var title = element("a", "carto-popup-name", actor.nom);
    title.href = actor.url;
    if (window.self !== window.top) {  // in an iframe: actor pages open beside the host site
      title.target = "_blank";
      title.rel = "noopener";
    }
    box.appendChild(title);
    if (actor.kind_label) { box.appendChild(element("div", "carto-popup-kind", actor.kind_label)); }
    if (actor.distance_label) { box.appendChild(element("div", "carto-popup-distance", actor.distance_label)); }
    if (actor.eligibility_label) {
      box.appendChild(element("div", "carto-popup-" + actor.eligibility_state, actor.eligibility_label));
    }
    if (actor.fits_label) { box.appendChild(element("div", "carto-popup-fits", actor.fits_label)); }
    if (actor.opening_label) { box.appendChild(element("div", "carto-popup-hours", actor.opening_label)); }
    if (actor.freshness_label) {
      box.appendChild(element("div", actor.call_first ? "carto-popup-stale" : "carto-popup-fresh",
                              actor.freshness_label));
    }
    if (actor.access_label) { box.appendChild(element("div", "carto-popup-access", actor.access_label)); }
    if (actor.address) { box.appendChild(element("div", "carto-popup-address", actor.address)); }
    if (actor.telephone) {
      var phone = element("a", "carto-popup-phone", actor.telephone_label || actor.telephone);
      phone.href = "tel:" + actor.telephone;
      box.appendChild(phone);
    }
    return box;
  }

  // The whole popup inside the map, even a small one on a phone: narrower, and scrolling within itself
  // when taller than the map; then Leaflet pans the map until it is all in view.
  function fitPopup(event) {
    var size = event.target._map.getSize(), options = event.target.getPopup().options;
    options.maxWidth = Math.max(160, Math.min(280, size.x - 80));
    options.maxHeight = Math.max(120, size.y - 80);
  }

  window.cartoAddActors = function (layer, actors) {
    actors.forEach(function (actor) {
      var options = {title: actor.nom, alt: actor.nom, keyboard: true};
      if (actor.number) {  // a result: its pin shows its number in the list
        options.icon = L.divIcon({className: "carto-pin", html: "<span>" + Number(actor.number) + "</span>",
                                  iconSize: [30, 30], iconAnchor: [15, 30], popupAnchor: [0, -28]});
        options.title = actor.number + ". " + actor.nom;
      }
      var marker = L.marker([actor.lat, actor.lon], options);
      marker.bindPopup(popup(actor), {maxWidth: 280, autoPanPadding: [10, 10]});
      marker.on("add", fitPopup);  // sized once the map is known, before any popup opens
      marker.options.cartoId = actor.id;
      marker.addTo(layer);
    });
  };
})();
