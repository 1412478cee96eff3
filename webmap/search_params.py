"""Reading search parameters from a query string, once, for the page, the API and the embed.

``parse_search`` returns the request or the problems, each naming its parameter; the page shows them
next to the field, the API answers 400 with them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict

from geo.actors.vocabularies import PUBLICS, THEMATIQUES
from geo.communes import COMMUNES
from geo.search.filters import thematique_categories
from geo.search.needs import NEEDS
from geo.search.request import SearchRequest


@dataclass
class Problems:
    by_parameter: dict[str, str] = field(default_factory=dict)

    def add(self, parameter: str, message: str) -> None:
        self.by_parameter.setdefault(parameter, message)

    def __bool__(self) -> bool:
        return bool(self.by_parameter)


def parse_search(args: MultiDict, *, need_origin: bool = True) -> tuple[SearchRequest, Problems]:
    """The search described by ``args`` (adresse | lat+lon [+citycode], besoin, thematique, public,
    age, commune, k, rayon, tous) and what is wrong with it."""
    problems = Problems()
    values: dict[str, Any] = {}
    address = (args.get("adresse") or args.get("address") or "").strip()
    if len(address) > 200:
        problems.add("adresse", "adresse trop longue (200 caractères au plus)")
        address = ""
    values["address"] = address
    lat = _number(args, "lat", problems, -90, 90)
    lon = _number(args, "lon", problems, -180, 180)
    if ((lat is None) != (lon is None) and "lat" not in problems.by_parameter
            and "lon" not in problems.by_parameter):
        problems.add("lat" if lat is None else "lon", "lat et lon vont ensemble")
    elif lat is not None and lon is not None:
        values["lat"], values["lon"] = lat, lon
        citycode = (args.get("citycode") or "").strip()
        if citycode and not _CITYCODE.fullmatch(citycode):
            problems.add("citycode", "citycode doit être un code INSEE (5 caractères)")
        elif citycode and address:  # a picked suggestion: the geocoder has already named the place
            values["place_citycode"], values["place_label"] = citycode, address
    if need_origin and not address and lat is None:
        problems.add("adresse", "indiquez une adresse, ou lat et lon")
    values["needs"] = _choices(args, "besoin", NEEDS, problems)
    categories = thematique_categories()
    values["thematiques"] = _choices(args, "thematique", {**THEMATIQUES, **dict.fromkeys(categories)},
                                     problems)
    values["publics"] = _choices(args, "public", PUBLICS, problems)
    age = _integer(args, "age", problems, 0, 120)
    if age is not None:
        values["age"] = age
    commune = (args.get("commune") or "").strip()
    if commune:
        if commune not in COMMUNES:
            problems.add("commune", f"commune inconnue : {commune} (code INSEE attendu)")
        else:
            values["commune"] = commune
    k = _integer(args, "k", problems, 1, 50)
    if k is not None:
        values["k"] = k
    radius = _number(args, "rayon", problems, 1, 100_000)
    if radius is not None:
        values["radius"] = radius
    values["include_ineligible"] = args.get("tous", "0") in ("1", "true", "on", "oui")
    return SearchRequest(**values), problems


_INTEGER = re.compile(r"[0-9]{1,9}")
_CITYCODE = re.compile(r"[0-9][0-9AB][0-9]{3}")
_DECIMAL = re.compile(r"-?[0-9]{1,9}(?:[.,][0-9]{1,15})?")


def parse_int(raw: str | None, low: int, high: int) -> int | None:
    """``raw`` as an integer from ``low`` to ``high``, or None: plain ASCII digits only (``str.isdigit``
    also accepts « ² » and « ① », which ``int`` refuses)."""
    raw = (raw or "").strip()
    if not _INTEGER.fullmatch(raw) or not low <= int(raw) <= high:
        return None
    return int(raw)


def _number(args, name, problems, low, high) -> float | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    if not _DECIMAL.fullmatch(raw):
        problems.add(name, f"{name} doit être un nombre")
        return None
    value = float(raw.replace(",", "."))
    if not low <= value <= high:
        problems.add(name, f"{name} doit être compris entre {low} et {high}")
        return None
    return value


def _integer(args, name, problems, low, high) -> int | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    value = parse_int(raw, low, high)
    if value is None:
        problems.add(name, f"{name} doit être un entier entre {low} et {high}")
    return value


def _choices(args, name, allowed, problems) -> tuple[str, ...]:
    values = []
    for raw in args.getlist(name):
        for value in raw.split(","):
            value = value.strip()
            if not value:
                continue
            if value not in allowed:
                problems.add(name, f"{name} inconnu : {value[:60]}")
            elif value not in values:
                values.append(value)
    return tuple(values)
