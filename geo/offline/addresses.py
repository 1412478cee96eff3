"""The addresses of one commune for the field pack: the local BAN index's streets and house numbers,
with the strings the index matches against already normalised by the core, and the tables that
normalise a typed query — so that the page's script searches them as ``LocalBanGeocoder`` does
(``static/adresses-hors-ligne.js``)."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Any

from geo.geocoding import ban_index, normalize


def address_pack(index: Path, commune: str) -> dict[str, Any] | None:
    """The commune's streets (in the index's order) and numbers; None when the index has none."""
    with contextlib.closing(sqlite3.connect(f"file:{index}?mode=ro", uri=True)) as db:
        streets = db.execute(
            "SELECT id, name, postcode, city, lon, lat FROM streets WHERE citycode = ? ORDER BY id",
            (commune,),
        ).fetchall()
        numbers: dict[int, list[list[Any]]] = {}
        for street_id, number, rep, lon, lat in db.execute(
            "SELECT n.street_id, n.number, n.rep, n.lon, n.lat FROM numbers n JOIN streets s "
            "ON s.id = n.street_id WHERE s.citycode = ? ORDER BY n.rowid",
            (commune,),
        ):
            numbers.setdefault(street_id, []).append([number, rep, round(lon, 6), round(lat, 6)])
        names = dict(
            db.execute("SELECT citycode, city FROM streets GROUP BY citycode ORDER BY min(id)").fetchall()
        )
    if not streets:
        return None
    rows = []
    for street_id, name, postcode, city, lon, lat in streets:
        words = normalize.normalize(name).split()
        rows.append(
            {
                "nom": name,
                "cp": postcode,
                "ville": city,
                "lon": round(lon, 6),
                "lat": round(lat, 6),
                "mots": " ".join(words),
                "tries": " ".join(sorted(words)),
                "coeur": " ".join(sorted(normalize.core_words(words))),
                "type": next((w for w in words if w in normalize.STREET_TYPES), ""),
                "numeros": numbers.get(street_id, []),
            }
        )
    return {
        "commune": commune,
        "voies": rows,
        "communes": ban_index.city_aliases(names),
        "normalisation": {
            "longueur_max": normalize.MAX_QUERY_LENGTH,
            "abreviations": normalize.ABBREVIATIONS,
            "types_de_voie": sorted(normalize.STREET_TYPES),
            "mois": sorted(normalize.MONTHS),
            "mots_vides": sorted(normalize.STOP_WORDS),
            "suffixes": normalize.SUFFIXES,
            "bruit": normalize.NOISE.pattern,
            "numero": normalize.NUMBER_WITH_SUFFIX.pattern,
        },
        "recherche": {"candidats": ban_index.CANDIDATES, "resolus": ban_index.RESOLVED},
    }
