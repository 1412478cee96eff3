/* The volunteer's search with no network: the field pack (/api/v1/pack) read as the core reads its own
   rules — eligibility (Rules and TEXTS), the walking estimate, the resident's order, opening hours —
   so that the same question gets the same actors, in the same order, with the same reasons, as on the
   server; and `view` writes each result's lines with the pack's words, as webmap.presenters.result_view
   does (a test in Chromium compares every line with the server's search on hundreds of random searches).
   Needs proj4 (Lambert-93 distances, as the core's pyproj) and pointInPolygon (the commune of a point). */
(function () {
  "use strict";

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, name) { return String(values[name]); });
  }

  // Python's round(): halves to even, so that « ≈ 3 min » is the same on both sides.
  function roundHalfEven(value) {
    var floor = Math.floor(value), diff = value - floor;
    if (diff > 0.5) { return floor + 1; }
    if (diff < 0.5) { return floor; }
    return floor % 2 === 0 ? floor : floor + 1;
  }

  function residentAreas(pack, commune) {
    var known = pack.regles.zones_du_resident[commune];
    if (known) { return known; }
    return [commune, commune.slice(0, 2), commune.slice(0, 3), "france", "99100"];
  }

  function allPublics(pack, resident) {
    var publics = resident.publics.slice();
    pack.regles.publics_toujours_vrais.forEach(function (p) { publics.push(p); });
    if (resident.age !== null && resident.age <= pack.regles.age_jeunes) { publics.push("jeunes"); }
    if (resident.age === null && resident.ages && resident.ages[1] <= pack.regles.age_jeunes) { publics.push("jeunes"); }
    return publics;
  }

  function intersects(a, b) { return a.some(function (x) { return b.indexOf(x) >= 0; }); }

  // geo.search.eligibility.check_rules, on the pack's data
  function checkRules(pack, rules, resident) {
    var texts = pack.regles.textes, reasons = [], toCheck = [], fits = [];
    var age = ageRule(pack, texts, rules, resident);
    var madeFor = (age.what !== null && age.satisfied === true) || forTheirPublics(pack, rules, resident);
    [age, zoneRule(pack, texts, rules, resident), publicRule(pack, texts, rules, resident)].forEach(function (verdict) {
      if (verdict.what === null) { return; }
      var condition = format(texts.reserved, {what: verdict.what});
      if (verdict.satisfied === null) { toCheck.push(condition); }
      else if (!verdict.satisfied) { reasons.push(condition); }
      else { fits.push(verdict.fit); }
    });
    if (rules.conditions_met_by !== null && resident.publics.indexOf(rules.conditions_met_by) >= 0) {
      rules.conditions.forEach(function (c) { fits.push(format(texts.fits_condition, {what: c})); });
    } else {
      toCheck = toCheck.concat(rules.conditions);
    }
    return {eligible: reasons.length === 0, reasons: reasons, to_check: toCheck, fits: fits, made_for: madeFor};
  }

  function forTheirPublics(pack, rules, resident) {
    var always = pack.regles.publics_toujours_vrais;
    var theirs = allPublics(pack, resident).filter(function (p) { return always.indexOf(p) < 0; });
    return intersects(theirs, rules.publics);
  }

  function ageRule(pack, texts, rules, resident) {
    var low = rules.age_min, high = rules.age_max, what;
    if (low === null && high === null) { return {what: null}; }
    if (resident.publics.indexOf(pack.regles.public_handicap) >= 0 && rules.age_max_with_disability) {
      high = rules.age_max_with_disability;
    }
    if (low !== null && high !== null) { what = format(texts.age_range, {low: low, high: high}); }
    else if (low !== null) { what = format(texts.age_from, {low: low}); }
    else { what = format(texts.age_below, {limit: high + 1}); }
    if (resident.age === null && resident.ages) {  // the chips' age band (« moins de 26 ans »)
      var youngest = resident.ages[0], oldest = resident.ages[1];
      if ((low !== null && oldest < low) || (high !== null && youngest > high)) { return {what: what, satisfied: false}; }
      var within = (low === null || youngest >= low) && (high === null || oldest <= high);
      return {what: what, satisfied: within ? true : null, fit: format(texts.fits_age_band, {what: what, limit: oldest + 1})};
    }
    if (resident.age === null) { return {what: what, satisfied: null}; }
    var ok = (low === null || resident.age >= low) && (high === null || resident.age <= high);
    return {what: what, satisfied: ok, fit: format(texts.fits_age, {what: what, age: resident.age})};
  }

  function zoneRule(pack, texts, rules, resident) {
    if (!rules.zone.length) { return {what: null}; }
    var what = format(texts.zone, {places: rules.zone_places});
    if (!resident.commune) { return {what: what, satisfied: null}; }
    var name = pack.regles.noms_des_communes[resident.commune] || resident.commune;
    return {what: what, satisfied: intersects(residentAreas(pack, resident.commune), rules.zone),
            fit: format(texts.fits_zone, {commune: name})};
  }

  function publicRule(pack, texts, rules, resident) {
    if (!rules.publics.length) { return {what: null}; }
    if (intersects(allPublics(pack, resident), rules.publics)) {
      return {what: rules.publics_words, satisfied: true, fit: format(texts.fits_public, {what: rules.publics_words})};
    }
    return {what: rules.publics_words, satisfied: null};
  }

  // geo.search.hours.opening_status, on the pack's open spans (minutes elapsed since pack.debut)
  function parisParts(epochMs) {
    var parts = {};
    new Intl.DateTimeFormat("en-GB", {timeZone: "Europe/Paris", year: "numeric", month: "2-digit",
      day: "2-digit", hour: "2-digit", minute: "2-digit", weekday: "short", hourCycle: "h23"})
      .formatToParts(new Date(epochMs)).forEach(function (p) { parts[p.type] = p.value; });
    return parts;
  }

  function when(pack, changeMs, nowMs) {
    var change = parisParts(changeMs), now = parisParts(nowMs);
    var clock = change.hour + ":" + change.minute;
    var days = Math.round((Date.UTC(+change.year, +change.month - 1, +change.day)
                           - Date.UTC(+now.year, +now.month - 1, +now.day)) / 86400000);
    if (days === 0) { return "à " + clock; }
    if (days === 1) { return "demain à " + clock; }
    if (days < 7) {
      var weekday = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(change.weekday);
      return pack.horaires.jours[weekday] + " à " + clock;
    }
    return "le " + change.day + "/" + change.month + " à " + clock;
  }

  function openingLabel(pack, spans, nowMs, unknown) {
    if (!spans) { return "Horaires inconnus"; }
    var start = Date.parse(pack.debut), minute = Math.floor((nowMs - start) / 60000);
    if ((unknown || []).some(function (span) { return span[0] <= minute && minute < span[1]; })) {
      return "Horaires inconnus";
    }
    var lookahead = pack.horaires.prochaine_ouverture_jours * 1440;
    for (var i = 0; i < spans.length; i++) {
      var from = spans[i][0], to = spans[i][1];
      if (from <= minute && minute < to) {
        if (to - minute > pack.horaires.sans_changement_jours * 1440) { return "Ouvert"; }
        return "Ouvert jusqu’" + when(pack, start + to * 60000, nowMs);
      }
      if (from > minute) {
        return from - minute <= lookahead ? "Fermé — ouvre " + when(pack, start + from * 60000, nowMs) : "Fermé";
      }
    }
    return "Fermé";
  }

  // geo.search.travel.WalkingEstimate and TravelTime.label
  function walk(pack, metres) {
    var estimate = pack.classement.marche, walked = metres * estimate.detour;
    var minutes = walked / (estimate.vitesse_kmh * 1000 / 60);
    var label = format(estimate.libelle, {minutes: Math.max(1, roundHalfEven(minutes))});
    return {minutes: minutes, metres: walked, label: format(estimate.estimation, {label: label})};
  }

  // webmap.presenters.distance_label
  function distanceLabel(metres) {
    return metres < 1000 ? roundHalfEven(metres) + " m" : (metres / 1000).toFixed(1).replace(".", ",") + " km";
  }

  // webmap.presenters.result_view: the actor's lines from the pack, the result's from the search
  function view(pack, result) {
    var words = pack.mots, verdict = result.eligibility, actor = null;
    pack.acteurs.forEach(function (a) { if (a.id === result.id) { actor = a; } });
    var lines = Object.assign({}, actor.vue);
    var state = !verdict.eligible ? "ineligible" : verdict.to_check.length ? "to-check" : "eligible";
    lines.distance_label = result.distance_m === null ? "" : distanceLabel(result.distance_m) + words.trip + result.travel.label;
    lines.placement_label = result.distance_m === null ? words.serves_commune : "";
    lines.eligible = verdict.eligible;
    lines.eligibility_state = state;
    lines.eligibility_label = state === "ineligible" ? words.ineligible + verdict.reasons.join(words.between)
      : state === "to-check" ? words.to_check + verdict.to_check.join(words.between) : words.eligible;
    lines.fits_label = verdict.fits.length ? words.fits + verdict.fits.join(words.between) : "";
    lines.opening_label = result.opening;
    lines.transit_label = result.transit ? words.transit + result.transit : "";
    return lines;
  }

  function holding(areas, lon, lat) {  // the first of ``areas`` whose outline holds the point
    var found = null;
    areas.forEach(function (area) {
      var geometry = area.geometrie;
      var polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
      polygons.forEach(function (polygon) {
        if (found === null && pointInPolygon([lon, lat], polygon) === true) { found = area; }
      });
    });
    return found;
  }

  // geo.transit.offline: the IRIS centre's minutes at the departure nearest to now on the same kind of
  // day, when they beat the walk; the card says them as approximate
  function transitOffline(pack, iris, actorId, walked, nowMs) {
    var trips = pack.transports, rows = trips && iris ? trips.minutes[iris] : null;
    var row = rows ? rows[actorId] : null;
    if (!row) { return null; }
    var now = parisParts(nowMs), minute = (+now.hour) * 60 + (+now.minute);
    var weekend = now.weekday === "Sat" || now.weekday === "Sun", best = -1, gap = Infinity;
    trips.departs.forEach(function (departure, index) {
      var parts = departure.heure.split(":"), distance = Math.abs((+parts[0]) * 60 + (+parts[1]) - minute);
      if (departure.week_end === weekend && distance < gap) { best = index; gap = distance; }
    });
    var minutes = best < 0 ? null : row[best];
    if (minutes === null || minutes >= walked) { return null; }
    return format(trips.libelle, {minutes: minutes, departure: trips.departs[best].label});
  }

  function communeAt(pack, lon, lat) {
    var commune = holding(pack.contours.communes, lon, lat);
    return commune ? commune.code : null;
  }

  function qpvAt(pack, lon, lat) {  // geo.qpv.QpvOutlines.at: {code, nom} or null
    var quarter = holding(pack.contours.qpv || [], lon, lat);
    return quarter ? {code: quarter.code, nom: quarter.nom} : null;
  }

  function offers(actor, thematiques) {
    return !thematiques.length || intersects(thematiques, actor.cles_thematiques);
  }

  // geo.search.ranking.penalty_minutes and rank_key
  function penalty(pack, verdict) {
    return pack.classement.tolerance_minutes * ((verdict.made_for ? 0 : 1) + (verdict.to_check.length ? 1 : 0));
  }

  function compareKeys(x, y) {
    for (var i = 0; i < x.length; i++) {
      if (x[i] < y[i]) { return -1; }
      if (x[i] > y[i]) { return 1; }
    }
    return 0;
  }

  function rankKey(pack, r) {
    var group = r.eligibility.eligible ? 0 : 1;
    return r.travel ? [group, 0, r.travel.minutes + penalty(pack, r.eligibility), r.distance_m, r.id]
      : [group, 1, penalty(pack, r.eligibility), 0, r.id];
  }

  // geo.search.request.SearchRequest.resident: the chips add their publics, and their age band when no age is given
  function profiled(pack, resident, traits) {
    var publics = resident.publics.slice(), bands = [];
    traits.forEach(function (slug) {
      var trait = pack.profil[slug];
      if (!trait) { return; }
      trait.publics.forEach(function (p) { if (publics.indexOf(p) < 0) { publics.push(p); } });
      if (trait.ages) { bands.push(trait.ages); }
    });
    resident.publics = publics;
    resident.ages = resident.age === null && bands.length
      ? [Math.max.apply(null, bands.map(function (b) { return b[0]; })), Math.min.apply(null, bands.map(function (b) { return b[1]; }))]
      : null;
    return resident;
  }

  // geo.search.nearest.nearest over every actor of the pack: the k best by the ranking, those made for
  // the resident whose zone names their area, the ineligible ones nearer than the farthest of the k
  function search(pack, request, nowMs) {
    var project = proj4("WGS84", pack.classement.projection);
    var k = request.k || pack.classement.k;
    var thematiques = [];
    (request.needs || []).forEach(function (need) {
      pack.besoins[need].thematiques.forEach(function (t) { if (thematiques.indexOf(t) < 0) { thematiques.push(t); } });
    });
    var citycode = request.citycode || communeAt(pack, request.lon, request.lat);
    var quarter = qpvAt(pack, request.lon, request.lat);
    var iris = holding(pack.contours.iris, request.lon, request.lat);
    var traits = (request.traits || []).slice();  // geo.search.service.search: the QPV's chip, until seen
    if (quarter && !request.qpv_seen && traits.indexOf(pack.regles.profil_qpv) < 0) { traits.push(pack.regles.profil_qpv); }
    var resident = profiled(pack, {age: request.age === undefined || request.age === null ? null : request.age,
                                   commune: request.commune || citycode, publics: request.publics || []},
                            traits);
    var areas = resident.commune ? residentAreas(pack, resident.commune) : [];
    var origin = project.forward([request.lon, request.lat]);
    function result(actor, verdict, distance) {
      var located = distance !== null, travel = located ? walk(pack, distance) : null;
      return {id: actor.id, placement: located ? "sur-place" : "intervient-sur-la-commune",
              distance_m: distance, travel: travel, eligibility: verdict,
              transit: located && iris ? transitOffline(pack, iris.code, actor.id, travel.minutes, nowMs) : null,
              opening: openingLabel(pack, actor.ouvert, nowMs, actor.inconnu),
              reserved: verdict.made_for && intersects(areas, actor.regles.zone)};
    }
    var eligible = [], ineligible = [], results = [];
    pack.acteurs.forEach(function (actor) {
      if (!offers(actor, thematiques)) { return; }
      var verdict = checkRules(pack, actor.regles, resident);
      if (actor.lon === null) {
        if (resident.commune && intersects(areas, actor.zone_eligibilite) && (verdict.eligible || request.include_ineligible)) {
          results.push(result(actor, verdict, null));
        }
        return;
      }
      var xy = project.forward([actor.lon, actor.lat]);
      (verdict.eligible ? eligible : ineligible).push(result(actor, verdict, Math.hypot(xy[0] - origin[0], xy[1] - origin[1])));
    });
    eligible.sort(function (a, b) { return compareKeys(rankKey(pack, a), rankKey(pack, b)); });
    var chosen = eligible.slice(0, k);
    results = results.concat(chosen, eligible.slice(k).filter(function (r) { return r.reserved; }));
    if (request.include_ineligible) {
      var farthest = chosen.length >= k ? Math.max.apply(null, chosen.map(function (r) { return r.distance_m; })) : Infinity;
      ineligible.sort(function (a, b) { return compareKeys([a.distance_m, a.id], [b.distance_m, b.id]); });
      results = results.concat(ineligible.slice(0, k).filter(function (r) { return r.distance_m <= farthest; }));
    }
    results.sort(function (a, b) { return compareKeys(rankKey(pack, a), rankKey(pack, b)); });
    return {origin: {lon: request.lon, lat: request.lat, citycode: citycode, qpv: quarter}, traits: traits,
            results: results};
  }

  window.cartoOffline = {search: search, view: view, communeAt: communeAt, openingLabel: openingLabel};
})();
