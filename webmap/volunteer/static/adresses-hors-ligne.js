/* Typing an address with no network: one commune's streets and house numbers from the field pack
   (/api/v1/pack/adresses), searched as the service's local BAN index searches them
   (geo/geocoding/ban_index.py, the commune known: its name, typed, is not the street's): the index's
   strings come normalised by the core,
   the query is normalised here with the core's tables, and streets are scored with the same Indel
   similarity (fuzzball's distance with substitutions at 2, as rapidfuzz's ratio). */
(function () {
  "use strict";

  function ratio(a, b) {  // rapidfuzz.fuzz.ratio: 100 × (1 − Indel distance / total length)
    var total = a.length + b.length;
    if (!total) { return 100; }
    return 100 * (total - fuzzball.distance(a, b, {subcost: 2, full_process: false})) / total;
  }

  function normalize(text, table) {  // geo.geocoding.normalize.normalize
    var folded = String(text).slice(0, table.longueur_max * 2).normalize("NFKD").replace(/\p{M}/gu, "")
      .toLowerCase().replace(/[^\x20-\x7e]/g, " ");
    var spaced = folded.replace(/[^\w]+|_/g, " ").replace(new RegExp(table.bruit, "g"), " ");
    var words = spaced.split(/\s+/).filter(Boolean).map(function (word) {
      return Object.prototype.hasOwnProperty.call(table.abreviations, word) ? table.abreviations[word] : word;
    });
    return words.join(" ").slice(0, table.longueur_max).trim();
  }

  function parse(text, table) {  // geo.geocoding.normalize.parse
    var words = normalize(text, table).split(" ").filter(Boolean), starts = {}, count = 0;
    var parts = String(text).slice(0, table.longueur_max * 2).split(",");
    for (var p = 0; p < parts.length && count < words.length; p++) {  // a number after a comma starts an address
      starts[count] = true;
      count += normalize(parts[p], table).split(" ").filter(Boolean).length;
    }
    var number = null, suffix = null, postcode = null, rest = [], numberPattern = new RegExp(table.numero);
    var named = function () {
      var last = rest[rest.length - 1];
      return rest.length > 0 && (table.types_de_voie.indexOf(last) >= 0 || table.mots_vides.indexOf(last) >= 0
                                 || table.mois.indexOf(last) >= 0);
    };
    for (var i = 0; i < words.length; i++) {
      var word = words[i], match = numberPattern.exec(word);
      if (postcode === null && /^\d{5}$/.test(word)) { postcode = word; }
      else if (number === null && match && (starts[i] || !named())) {
        number = parseInt(match[1], 10);
        suffix = match[2] ? (table.suffixes[match[2]] || null) : null;
        var next = words[i + 1] || "";
        if (suffix === null && Object.prototype.hasOwnProperty.call(table.suffixes, next) && follows(words, i + 1, table)) {
          suffix = table.suffixes[next];
          i += 1;
        }
      } else { rest.push(word); }
    }
    return {number: number, suffix: suffix, postcode: postcode, words: rest};
  }

  function follows(words, position, table) {
    if (words[position].length > 1) { return true; }
    return position + 1 < words.length && table.types_de_voie.indexOf(words[position + 1]) >= 0;
  }

  function top(query, strings, limit) {  // rapidfuzz.process.extract(…, scorer=ratio, score_cutoff=50)
    var scored = [];
    strings.forEach(function (text, index) {
      var score = ratio(query, text);
      if (score >= 50) { scored.push([score, index]); }
    });
    scored.sort(function (a, b) { return b[0] - a[0] || a[1] - b[1]; });
    return scored.slice(0, limit);
  }

  function readings(words, aliases) {  // ban_index._readings: a commune named somewhere, or none
    var found = [], seen = {};
    [4, 3, 2, 1].forEach(function (size) {
      for (var start = 0; start + size <= words.length; start++) {
        var phrase = words.slice(start, start + size).join(" ");
        var code = Object.prototype.hasOwnProperty.call(aliases, phrase) ? aliases[phrase] : null;
        if (code === null && size === 1 && phrase.length >= 5 && !/^\d+$/.test(phrase)) {
          var best = top(phrase, Object.keys(aliases), 1).filter(function (hit) { return hit[0] >= 85; })[0];
          code = best ? aliases[Object.keys(aliases)[best[1]]] : null;
        }
        var rest = words.slice(0, start).concat(words.slice(start + size)), key = rest.join(" ") + "|" + code;
        if (code && rest.length && !seen[key]) { seen[key] = true; found.push(rest); }
      }
    });
    found.push(words);
    return found;
  }

  function match(pack, words, parsed, found) {  // ban_index._match_streets over the commune's streets
    var table = pack.normalisation, querySorted = words.slice().sort().join(" ");
    var core = words.filter(function (w) {
      return table.types_de_voie.indexOf(w) < 0 && table.mots_vides.indexOf(w) < 0;
    }).sort().join(" ");
    var queryType = words.filter(function (w) { return table.types_de_voie.indexOf(w) >= 0; })[0] || "";
    var streets = pack.voies, scored = {};
    var searches = [[querySorted, streets.map(function (s) { return s.tries; })]];
    if (core) { searches.push([core, streets.map(function (s) { return s.coeur; })]); }
    searches.forEach(function (entry) {
      top(entry[0], entry[1], pack.recherche.candidats).forEach(function (hit) {
        var position = hit[1];
        if (scored[position] !== undefined) { return; }
        var street = streets[position], whole = ratio(querySorted, street.tries), coreScore = 0;
        if (core) {
          coreScore = ratio(core, street.coeur) * 0.97;
          if (queryType && street.type && queryType !== street.type) { coreScore *= 0.9; }
        }
        var similarity = Math.max(whole, coreScore) / 100;
        scored[position] = similarity * (parsed.postcode && street.cp !== parsed.postcode ? 0.9 : 1);
        found[position] = Math.max(found[position] || 0, scored[position]);
      });
    });
  }

  function search(pack, text, limit) {
    var parsed = parse(text, pack.normalisation), streets = pack.voies, found = {};
    limit = limit || 5;
    if (!parsed.words.length) { return []; }
    var ways = readings(parsed.words, pack.communes);
    for (var w = 0; w < ways.length; w++) {
      match(pack, ways[w], parsed, found);
      var named = w < ways.length - 1, scores = Object.keys(found).map(function (p) { return found[p]; });
      if (named && scores.length && Math.max.apply(null, scores) >= 0.9) { break; }  // good match in the commune named
    }
    var ranked = Object.keys(found).map(Number).map(function (p) { return [p, found[p]]; })
      .sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
    var best = ranked.length ? ranked[0][1] : 0;
    var contenders = ranked.slice(0, Math.max(limit, pack.recherche.resolus)).filter(function (item, i) {
      return i < limit || item[1] > best * 0.8;
    });
    var results = contenders.map(function (item) { return resolve(streets[item[0]], item[1], parsed); });
    results.sort(function (a, b) { return b.score - a.score; });
    return results.slice(0, limit);
  }

  var EQUIVALENT = {bis: ["bis", "b"], ter: ["ter", "t"], quater: ["quater", "q"]};

  function resolve(street, score, parsed) {  // ban_index._resolve
    if (parsed.number === null) { return result(street, null, score); }
    var same = street.numeros.filter(function (n) { return n[0] === parsed.number; });
    var reps = EQUIVALENT[parsed.suffix || ""] || [parsed.suffix || ""];
    var exact = same.filter(function (n) { return reps.indexOf(n[1]) >= 0; });
    if (exact.length) { return result(street, exact[0], score); }
    var plain = same.filter(function (n) { return n[1] === ""; });
    if (plain.length) { return result(street, plain[0], score * 0.95); }
    var rows = same.length ? same : street.numeros;
    if (!rows.length) { return result(street, null, score * 0.8); }
    var nearest = rows.slice().sort(function (a, b) {
      return Math.abs(a[0] - parsed.number) - Math.abs(b[0] - parsed.number)
        || ((a[0] - parsed.number) % 2 + 2) % 2 - ((b[0] - parsed.number) % 2 + 2) % 2
        || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
    })[0];
    return result(street, nearest, score * 0.85);
  }

  function result(street, number, score) {
    var housenumber = number ? (number[1] ? number[0] + " " + number[1] : String(number[0])) : null;
    return {label: (housenumber ? housenumber + " " : "") + street.nom + " " + street.cp + " " + street.ville,
            lon: number ? number[2] : street.lon, lat: number ? number[3] : street.lat,
            score: Math.round(Math.min(score, 1) * 10000) / 10000};
  }

  window.cartoAddresses = {search: search, normalize: normalize, parse: parse};
})();
