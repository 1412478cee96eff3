/* The fiche with no network: the same fiche as the server's (webmap/volunteer/fiche.py), built from the
   field pack — its actors, their hours of the next seven days, its QR code (qrcode-generator) and its
   SMS text — in this browser. Only the actors' ids come from the address; all text is inserted as text. */
(function () {
  "use strict";
  var script = document.currentScript;
  var SMS_LIMIT = 300;
  var wanted = new URLSearchParams(window.location.search).getAll("acteurs").slice(0, 3);

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function paris(epochMs) {
    var parts = {};
    new Intl.DateTimeFormat("en-GB", {timeZone: "Europe/Paris", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23"}).formatToParts(new Date(epochMs))
      .forEach(function (p) { parts[p.type] = p.value; });
    return parts;
  }
  function clock(parts) {  // « 9 h », « 9 h 30 », as the volunteers write it
    var minute = parts.minute === "00" ? "" : " " + parts.minute;
    return parseInt(parts.hour, 10) + " h" + minute;
  }

  function week(pack, spans) {  // the next seven days, day by day (geo.search.hours.week_ahead)
    var start = Date.parse(pack.debut), now = Date.now(), days = [];
    var dayName = new Intl.DateTimeFormat("fr-FR", {timeZone: "Europe/Paris", weekday: "long", day: "numeric",
                                                    month: "long"});
    for (var offset = 0; offset < 7; offset++) {
      var noon = now + offset * 86400000, key = paris(noon);
      var words = spans.filter(function (span) {
        var from = paris(start + span[0] * 60000);
        return from.year === key.year && from.month === key.month && from.day === key.day;
      }).map(function (span) {
        var from = paris(start + span[0] * 60000), to = paris(start + span[1] * 60000);
        var sameDay = to.day === from.day && to.month === from.month;
        return clock(from) + " – " + (sameDay ? clock(to) : "minuit");
      });
      days.push([dayName.format(new Date(noon)), words.join(", ") || "fermé"]);
    }
    return days;
  }

  function smsText(actors) {  // webmap.volunteer.fiche.sms_text
    function lines(withAddress) {
      return "Qui peut vous accompagner :\n" + actors.map(function (actor) {
        var bits = [actor.nom];
        if (withAddress && actor.vue.address) { bits.push(actor.vue.address); }
        if (actor.telephone) { bits.push(actor.vue.telephone_label); }
        return bits.join(" – ");
      }).join("\n");
    }
    var text = lines(true);
    if (text.length >= SMS_LIMIT) { text = lines(false); }
    return text.length < SMS_LIMIT ? text : text.slice(0, SMS_LIMIT - 2) + "…";
  }

  function section(pack, actor) {
    var box = element("section", "fiche-acteur");
    box.setAttribute("data-actor-id", actor.id);
    var title = element("h2"), name = element("bdi", "", actor.nom);
    title.appendChild(name);
    box.appendChild(title);
    if (actor.aide_pour.length) {
      box.appendChild(element("p", "", "Aide pour : " + actor.aide_pour.map(function (w) { return w.toLowerCase(); }).join(", ")));
    }
    if (actor.vue.address) {
      var where = element("p");
      where.appendChild(element("bdi", "", actor.vue.address));
      if (actor.itineraire) {
        var links = element("span", "no-print", " · "), map = element("a", "", "Ouvrir dans le plan");
        map.href = actor.itineraire.geo;
        var route = element("a", "", "Itinéraire à pied");
        route.href = actor.itineraire.osm;
        route.rel = "noopener noreferrer";
        links.appendChild(map);
        links.appendChild(document.createTextNode(" · "));
        links.appendChild(route);
        where.appendChild(links);
      }
      box.appendChild(where);
    }
    if (actor.telephone) {
      var phone = element("p", "", "Téléphone : "), call = element("a", "", actor.vue.telephone_label);
      call.href = "tel:" + actor.telephone;
      phone.appendChild(call);
      box.appendChild(phone);
    }
    if (actor.ouvert) {
      var table = element("table", "horaires");
      table.appendChild(element("caption", "", "Horaires des 7 prochains jours"));
      week(pack, actor.ouvert).forEach(function (day) {
        var row = element("tr"), head = element("th", "", day[0]);
        head.scope = "row";
        row.appendChild(head);
        row.appendChild(element("td", "", day[1]));
        table.appendChild(row);
      });
      box.appendChild(table);
    } else {
      box.appendChild(element("p", "", "Horaires : non connus, appeler avant d’y aller."));
    }
    box.appendChild(element("p", "", actor.vue.access_label));
    box.appendChild(element("p", actor.vue.call_first ? "stale" : "fresh", actor.information));
    return box;
  }

  fetch(script.getAttribute("data-pack")).then(function (response) { return response.json(); }).then(function (pack) {
    // a newer pack kept by the service worker while this fiche is open: the fiche is made again from it
    if ("BroadcastChannel" in window) {
      new BroadcastChannel("carto-pack").onmessage = function (event) {
        if (event.data && event.data.version > pack.version) { window.location.reload(); }
      };
    }
    var actors = wanted.map(function (id) { return pack.acteurs.filter(function (a) { return a.id === id; })[0]; })
      .filter(Boolean);
    var list = document.getElementById("acteurs-fiche");
    actors.forEach(function (actor) { list.appendChild(section(pack, actor)); });
    var code = qrcode(0, "M");
    code.addData(window.location.href);
    code.make();
    document.getElementById("qr-fiche").innerHTML = code.createSvgTag({cellSize: 4, margin: 2, scalable: true});
    document.getElementById("adresse-fiche").textContent = window.location.href;
    var text = smsText(actors);
    document.getElementById("texte-fiche").value = text;
    document.getElementById("sms-fiche").href = "sms:?body=" + encodeURIComponent(text);
  }).catch(function () {
    document.getElementById("etat-hors-ligne").textContent =
      "Pas de réseau, et pas encore de données gardées : ouvrez carto-insertion une fois avec du réseau.";
  });
})();
