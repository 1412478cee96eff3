/* The fiche with no network: the same fiche as the server's (webmap/volunteer/fiche.py and fiche.html),
   built from the field pack in this browser — its actors in the shell's language (the worker keeps one
   shell per language, whose fixed words are in #mots-fiche), their hours of the next seven days, its QR
   code (qrcode-generator) of the fiche's own address, its SMS text, its other languages and formats, and
   « Noter la rencontre » pre-filled as online. Only ids and choices come from the address; all text is
   inserted as text. */
(function () {
  "use strict";
  var script = document.currentScript;
  var SMS_LIMIT = 300;
  var words = JSON.parse(document.getElementById("mots-fiche").textContent);
  var language = words.langue, calendar = words.calendrier;
  var asked = new URLSearchParams(window.location.search);
  var max = parseInt(script.getAttribute("data-max"), 10);
  var ticked = asked.getAll("acteurs").filter(function (id, i, all) { return all.indexOf(id) === i; });
  var wanted = ticked.slice(0, max);
  var card = asked.get("format") === "carte";

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function paris(epochMs) {
    var parts = {};
    new Intl.DateTimeFormat("en-GB", {timeZone: "Europe/Paris", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23", weekday: "short"}).formatToParts(new Date(epochMs))
      .forEach(function (p) { parts[p.type] = p.value; });
    return parts;
  }

  // webmap.i18n.clock: « 9 h 30 » in French, the language's short time elsewhere (Babel's pattern)
  function clock(parts) {
    var hour = parseInt(parts.hour, 10), minute = parts.minute;
    if (!calendar.heure) { return hour + " h" + (minute === "00" ? "" : " " + minute); }
    var twelve = hour % 12 === 0 ? 12 : hour % 12;
    return calendar.heure.motif.replace(/HH|H|hh|h|mm|a/g, function (token) {
      return {HH: parts.hour, H: String(hour), hh: (twelve < 10 ? "0" : "") + twelve, h: String(twelve), mm: minute,
              a: hour < 12 ? calendar.heure.matin : calendar.heure.apres_midi}[token];
    });
  }

  var WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
  function dayName(parts) {  // webmap.i18n.day_name: « lundi 30 novembre »
    return calendar.jours[WEEKDAYS.indexOf(parts.weekday)] + " " + parseInt(parts.day, 10) + " "
      + calendar.mois[parseInt(parts.month, 10) - 1];
  }

  function week(pack, spans) {  // the next seven days, day by day (geo.search.hours.week_ahead)
    var start = Date.parse(pack.debut), now = Date.now(), days = [];
    for (var offset = 0; offset < 7; offset++) {
      var noon = now + offset * 86400000, key = paris(noon);
      var said = spans.filter(function (span) {
        var from = paris(start + span[0] * 60000);
        return from.year === key.year && from.month === key.month && from.day === key.day;
      }).map(function (span) {
        var from = paris(start + span[0] * 60000), to = paris(start + span[1] * 60000);
        var sameDay = to.day === from.day && to.month === from.month;
        return clock(from) + " – " + (sameDay ? clock(to) : words.minuit);
      });
      days.push([dayName(key), said.join(", ") || words.ferme]);
    }
    return days;
  }

  function smsText(actors) {  // webmap.volunteer.fiche.sms_text
    function lines(withAddress) {
      return words.sms + "\n" + actors.map(function (actor) {
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

  function section(pack, actor) {  // one actor of volunteer/fiche.html
    var said = actor.fiche[language];
    var box = element("section", "fiche-acteur");
    box.setAttribute("data-actor-id", actor.id);
    var title = element("h2");
    title.appendChild(element("bdi", "", actor.nom));
    box.appendChild(title);
    if (said.aide_pour.length) {
      box.appendChild(element("p", "", words.aide_pour.replace("{needs}", said.aide_pour.map(function (w) { return w.toLowerCase(); }).join(", "))));
    }
    if (actor.vue.address) {
      var where = element("p");
      where.appendChild(element("bdi", "", actor.vue.address));
      if (actor.itineraire) {
        var links = element("span", "no-print", " · "), map = element("a", "", words.ouvrir);
        map.href = actor.itineraire.geo;
        var route = element("a", "", words.itineraire);
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
      var phone = element("p", "", words.telephone + " "), call = element("a", "", actor.vue.telephone_label);
      call.href = "tel:" + actor.telephone;
      call.dir = "ltr";
      phone.appendChild(call);
      box.appendChild(phone);
    }
    if (actor.ouvert) {
      var table = element("table", "horaires");
      table.appendChild(element("caption", "", words.horaires));
      week(pack, actor.ouvert).forEach(function (day) {
        var row = element("tr"), head = element("th", "", day[0]);
        head.scope = "row";
        row.appendChild(head);
        row.appendChild(element("td", "", day[1]));
        table.appendChild(row);
      });
      box.appendChild(table);
    } else {
      box.appendChild(element("p", "", words.horaires_inconnus));
    }
    if (said.comment_y_aller) { box.appendChild(element("p", "", said.comment_y_aller)); }
    box.appendChild(element("p", actor.vue.call_first ? "stale" : "fresh", said.information));
    return box;
  }

  // The addresses the server's fiche links to: itself in another language or format, its own address for
  // the QR code (the actors and the language only), « Noter la rencontre » with the search's needs and age
  function address(path, options) {
    var query = new URLSearchParams();
    wanted.forEach(function (id) { query.append("acteurs", id); });
    if (options.encounter) {
      asked.getAll("besoin").forEach(function (need) { query.append("besoin", need); });
      if (asked.get("tranche_age")) { query.set("tranche_age", asked.get("tranche_age")); }
    }
    if (options.language && options.language !== "fr") { query.set("langue", options.language); }
    if (options.card) { query.set("format", "carte"); }
    return path + "?" + query.toString();
  }

  function links() {
    var fiche = script.getAttribute("data-fiche");
    document.querySelectorAll("#langues-fiche a[data-langue]").forEach(function (link) {
      link.href = address(fiche, {encounter: true, language: link.getAttribute("data-langue"), card: card});
    });
    var other = document.getElementById("autre-format");
    other.href = address(fiche, {encounter: true, language: language, card: !card});
    other.textContent = other.getAttribute(card ? "data-a4" : "data-carte");
    var encounter = document.getElementById("noter-rencontre");
    encounter.href = address(encounter.getAttribute("href").split("?")[0], {encounter: true});
    if (card) { document.getElementById("fiche-hors-ligne").classList.add("fiche-carte"); }
    if (ticked.length > wanted.length) {  // as the server's fiche says it
      var left = ticked.length - wanted.length, notice = document.getElementById("fiche-reduite");
      notice.textContent = "La fiche reprend les " + wanted.length + " premiers acteurs cochés : " + left + " autre"
        + (left > 1 ? "s" : "") + " n’y " + (left > 1 ? "sont" : "est") + " pas (" + max
        + " au plus, pour qu’elle tienne sur une page).";
      notice.hidden = false;
    }
  }

  links();
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
    var own = window.location.origin + address(script.getAttribute("data-fiche"), {language: language});
    var code = qrcode(0, "M");
    code.addData(own);
    code.make();
    var quiet = parseInt(script.getAttribute("data-quiet-zone"), 10);
    document.getElementById("qr-fiche").innerHTML = code.createSvgTag({cellSize: 4, margin: 4 * quiet, scalable: true,
                                                                       title: words.qr_titre});
    document.getElementById("adresse-fiche").textContent = own;
    var text = smsText(actors);
    document.getElementById("texte-fiche").value = text;
    document.getElementById("sms-fiche").href = "sms:?body=" + encodeURIComponent(text);
  }).catch(function () {
    document.getElementById("etat-hors-ligne").textContent =
      "Pas de réseau, et pas encore de données gardées : ouvrez carto-insertion une fois avec du réseau.";
  });
})();
